# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
st.session_state.setdefault("tried", False)


@st.fragment
def frag():
    mark("fragment:frag")
    st.button("Frag button")
    if not st.session_state.tried:
        st.session_state.tried = True
        mark("calling-rerun-fragment")
        st.rerun(scope="fragment")


frag()
mark("end")
