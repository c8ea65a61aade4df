# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
slot = st.empty()


@st.fragment
def frag():
    mark("fragment:frag")
    slot.write("pile-empty")
    st.button("Frag button")


frag()
mark("end")
