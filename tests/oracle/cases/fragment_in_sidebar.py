# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment
def frag():
    mark("fragment:frag")
    st.write("in-sidebar")
    st.button("Frag button")


with st.sidebar:
    frag()
mark("end")
