import streamlit as st
x = 1 + \
 2; y = st.fragment
