# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment
def frag():
    mark("fragment:frag")
    if st.button("Bad scope rerun"):
        mark("calling-rerun-bad")
        st.rerun(scope="fragmnet")
    mark("fragment:frag:after-rerun")


frag()
mark("end")
