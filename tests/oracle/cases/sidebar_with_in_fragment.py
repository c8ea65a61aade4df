# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment
def frag():
    mark("fragment:frag")
    st.button("Frag button")
    with st.sidebar:
        st.write("pile-sidebar")
    mark("fragment:frag:after-sidebar")


frag()
mark("end")
