import streamlit as st
x = '''ab'''; y = st.fragment
