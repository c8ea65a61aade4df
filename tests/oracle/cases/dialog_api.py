import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.dialog("Plain dialog")
def dlg():
    mark("dialog:dlg")
    st.button("Dialog button")
    st.markdown("dialog-body")


if st.button("Open dialog"):
    dlg()
mark("end")
