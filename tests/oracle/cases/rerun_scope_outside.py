# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment
def frag():
    mark("fragment:frag")
    st.button("Frag button")


frag()
if st.button("Rerun outside"):
    mark("calling-rerun-fragment")
    st.rerun(scope="fragment")
mark("end")
