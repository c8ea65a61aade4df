# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
st.session_state.setdefault("reran", 0)


@st.fragment
def frag():
    mark("fragment:frag")
    if st.button("Frag rerun") and st.session_state.reran < 1:
        st.session_state.reran += 1
        mark("calling-rerun-fragment")
        st.rerun(scope="fragment")
    if st.button("Frag full rerun"):
        mark("calling-rerun-app")
        st.rerun()


frag()
mark("end")
