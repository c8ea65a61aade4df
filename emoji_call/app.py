import streamlit as st
x = '😀'; st.fragment(print)
