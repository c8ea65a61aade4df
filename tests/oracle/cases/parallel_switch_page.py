import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment(parallel=True)
def frag():
    mark("fragment:frag")
    st.button("Frag button")
    mark("calling-switch-page")
    st.switch_page("pages/switch_target.py")
    mark("fragment:frag:after-switch")


frag()
mark("end")
