# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


def go():
    mark("callback")
    st.switch_page("pages/switch_target.py")
    mark("callback:after-switch")


@st.fragment
def frag():
    mark("fragment:frag")
    st.button("Go", on_click=go)
    st.markdown("frag-body")


frag()
st.markdown("app-body")
mark("end")
