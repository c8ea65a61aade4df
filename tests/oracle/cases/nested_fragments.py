# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment
def inner():
    mark("fragment:inner")
    st.button("Inner button")


@st.fragment
def outer():
    mark("fragment:outer")
    st.button("Outer button")
    inner()
    mark("fragment:outer:after-inner")
    st.write("outer-after")
    st.button("Outer after button")


outer()
mark("end")
