import streamlit as st
from _oracle_mark import mark

mark("full-run")


# the fragment is defined before the dialog, so releases without `parallel=` (or without
# st.fragment) fail on the fragment's decorator, not on a missing st.dialog
@st.fragment(parallel=True)
def frag():
    mark("fragment:frag")
    st.button("Frag button")
    mark("calling-dialog")
    dlg()
    mark("fragment:frag:after-dialog")


@st.dialog("Parallel dialog")
def dlg():
    mark("dialog:dlg")
    st.markdown("dialog-body")


frag()
mark("end")
