import streamlit as st
@st.fragment
def f(): pass