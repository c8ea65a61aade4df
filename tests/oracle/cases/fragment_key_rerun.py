import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment(key="panel")
def panel():
    mark("fragment:panel")
    st.button("Panel button")


@st.fragment(key="other")
def other():
    mark("fragment:other")
    st.button("Other button")


def rerun_panel():
    mark("callback")
    st.rerun("panel")


panel()
other()
st.button("Rerun panel", on_click=rerun_panel)
mark("end")
