import streamlit as st
f = st.fragment