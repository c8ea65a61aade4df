import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment(key="dup")
def first():
    mark("fragment:first")
    st.button("First button")


@st.fragment(key="dup")
def second():
    mark("fragment:second")
    st.button("Second button")


first()
second()
mark("end")
