# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
st.session_state.setdefault("n", 0)


def bump():
    st.session_state.n += 1


st.button("Bump", on_click=bump)


@st.fragment
def frag(n):
    mark(f"fragment:frag:n={n}")
    st.button("Frag button")


frag(st.session_state.n)
mark("end")
