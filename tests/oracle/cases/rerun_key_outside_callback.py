import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment(key="panel")
def panel():
    mark("fragment:panel")
    st.button("Panel button")


panel()
if st.button("Rerun panel"):
    mark("calling-rerun-key")
    st.rerun("panel")
mark("end")
