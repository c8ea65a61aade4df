# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
outside = st.container()


@st.dialog("Outside dialog")
def dlg():
    mark("dialog:dlg")
    st.button("Dialog button")
    outside.checkbox("Outside checkbox")
    mark("dialog:dlg:after-widget")


if st.button("Open dialog"):
    dlg()
mark("end")
