import streamlit as st
st.fragment(st.fragment(print))
