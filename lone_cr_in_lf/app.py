import streamlit as st
x = 1y = st.fragment
