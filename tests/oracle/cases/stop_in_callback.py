# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


def stopper():
    mark("callback")
    st.stop()


@st.fragment
def frag():
    mark("fragment:frag")
    st.button("Frag stop", on_click=stopper)
    st.markdown("frag-body")


frag()
st.button("App stop", on_click=stopper)
st.button("Outside button")
st.markdown("app-body")
mark("end")
