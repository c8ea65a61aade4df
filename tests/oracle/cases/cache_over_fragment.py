# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.cache_data
@st.fragment
def frag():
    mark("fragment:frag")
    st.write("cached-body")
    st.button("Frag button")


frag()
st.button("Full rerun")
mark("end")
