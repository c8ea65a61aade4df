# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment
def frag():
    mark("fragment:frag")
    if st.button("Switch page"):
        mark("calling-switch-page")
        st.switch_page("pages/switch_target.py")
    mark("fragment:frag:after-switch")


frag()
mark("end")
