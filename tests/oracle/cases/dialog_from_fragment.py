# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.dialog("Fragment dialog")
def dlg():
    mark("dialog:dlg")
    st.button("Dialog button")
    st.markdown("dialog-body")


@st.fragment
def frag():
    mark("fragment:frag")
    if st.button("Open dialog"):
        dlg()
    mark("fragment:frag:after-dialog")


frag()
mark("end")
