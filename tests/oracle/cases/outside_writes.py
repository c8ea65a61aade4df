# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
box = st.container()
left, right = st.columns(2)
passed = st.container()
slot = st.empty()


@st.fragment
def frag(target):
    mark("fragment:frag")
    box.write("pile-container")
    left.write("pile-columns")
    target.write("pile-argument")
    slot.write("pile-empty")
    st.write("pile-body")
    st.button("Frag button")


frag(passed)
st.button("Full rerun")
mark("end")
