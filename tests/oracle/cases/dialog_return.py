# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.dialog("Confirm")
def dlg():
    mark("dialog:dlg")
    st.markdown("dialog-body")
    return "confirmed"


if st.button("Open dialog"):
    value = dlg()
    mark(f"returned:{value}")
mark("end")
