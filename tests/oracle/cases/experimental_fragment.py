import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.experimental_fragment
def frag():
    mark("fragment:frag")
    st.button("Frag button")


frag()
st.button("Outside button")
mark("end")
