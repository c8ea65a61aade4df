# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
st.session_state.setdefault("n", 0)


@st.fragment
def frag():
    mark("fragment:frag")
    if st.button("Frag button"):
        st.session_state.n += 1
    return st.session_state.n


value = frag()
mark(f"returned:{value}")
st.button("Full rerun")
mark("end")
