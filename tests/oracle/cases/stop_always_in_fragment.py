# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
st.button("Outside button")


@st.fragment
def frag():
    mark("fragment:frag")
    st.button("Frag button")
    st.stop()
    mark("fragment:frag:after-stop")
    st.button("Unreachable button")


frag()
mark("after-fragment")
st.markdown("app-tail")
mark("end")
