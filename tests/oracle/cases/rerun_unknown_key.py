import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment(key="panel")
def panel():
    mark("fragment:panel")
    st.button("Panel button")


def rerun_missing():
    mark("callback")
    st.rerun("missing")


panel()
st.button("Rerun missing", on_click=rerun_missing)
mark("end")
