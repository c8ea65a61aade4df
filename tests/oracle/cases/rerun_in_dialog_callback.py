# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


def close():
    mark("callback")
    st.rerun()


@st.dialog("Confirm")
def dlg():
    mark("dialog:dlg")
    st.markdown("dialog-body")
    st.button("Close", on_click=close)


if st.button("Open dialog"):
    dlg()
mark("end")
