import streamlit as st
x = '		'; y = st.fragment
