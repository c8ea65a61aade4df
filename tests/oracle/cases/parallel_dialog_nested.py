import streamlit as st
from _oracle_mark import mark

mark("full-run")


# the dialog is opened by an ordinary fragment that the parallel fragment calls: the nested
# fragment runs on the parallel fragment's worker thread
@st.fragment(parallel=True)
def frag():
    mark("fragment:frag")
    st.button("Frag button")
    inner()
    mark("fragment:frag:after-inner")


@st.fragment
def inner():
    mark("fragment:inner")
    mark("calling-dialog")
    dlg()
    mark("fragment:inner:after-dialog")


@st.dialog("Nested dialog")
def dlg():
    mark("dialog:dlg")
    st.markdown("dialog-body")


frag()
mark("end")
