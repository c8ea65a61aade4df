import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment(key="fragment")
def frag():
    mark("fragment:frag")
    st.button("Frag button")


frag()
mark("end")
