import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment(parallel=True)
def frag():
    mark("fragment:frag")
    if st.button("Open dialog"):
        mark("calling-dialog")
        dlg()
    mark("fragment:frag:after-dialog")


@st.dialog("Parallel dialog")
def dlg():
    mark("dialog:dlg")
    st.markdown("dialog-body")


frag()
mark("end")
