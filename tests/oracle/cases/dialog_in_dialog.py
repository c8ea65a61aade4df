# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.dialog("Inner dialog")
def inner():
    mark("dialog:inner")
    st.markdown("inner-body")


@st.dialog("Outer dialog")
def outer():
    mark("dialog:outer")
    if st.button("Open inner"):
        mark("calling-inner")
        inner()
    mark("dialog:outer:after-inner")


if st.button("Open outer"):
    outer()
mark("end")
