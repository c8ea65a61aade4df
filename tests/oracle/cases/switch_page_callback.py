# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


def go():
    mark("callback")
    st.switch_page("pages/switch_target.py")
    mark("callback:after-switch")


st.button("Go", on_click=go)
st.markdown("app-body")
mark("end")
