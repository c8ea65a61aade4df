# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.dialog("Rerun dialog")
def dlg():
    mark("dialog:dlg")
    if st.button("Dialog rerun"):
        mark("calling-rerun-fragment")
        st.rerun(scope="fragment")
    st.markdown("dialog-body")


if st.button("Open dialog"):
    dlg()
mark("end")
