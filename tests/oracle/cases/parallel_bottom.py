import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment(parallel=True)
def frag():
    mark("fragment:frag")
    st.button("Frag button")
    st.bottom.write("pile-bottom")
    mark("fragment:frag:after-write")


frag()
mark("end")
