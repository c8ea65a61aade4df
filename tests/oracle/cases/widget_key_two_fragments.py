# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
st.button("Full rerun")


@st.fragment
def first():
    mark("fragment:first")
    st.checkbox("First box", key="shared")


@st.fragment
def second():
    mark("fragment:second")
    st.checkbox("Second box", key="shared")


first()
second()
mark("end")
