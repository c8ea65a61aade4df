import streamlit as st
from _oracle_mark import mark

mark("full-run")
outside = st.container()
outside.write("outside-seed")


@st.fragment(parallel=True)
def frag():
    mark("fragment:frag")
    st.button("Frag button")
    outside.write("pile-parallel")
    mark("fragment:frag:after-write")


frag()
mark("end")
