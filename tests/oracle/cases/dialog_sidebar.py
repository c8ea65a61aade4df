# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.dialog("Sidebar dialog")
def dlg():
    mark("dialog:dlg")
    st.button("Dialog button")
    st.sidebar.write("pile-sidebar")
    mark("dialog:dlg:after-sidebar")


if st.button("Open dialog"):
    dlg()
mark("end")
