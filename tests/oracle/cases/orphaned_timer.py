# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
st.session_state.setdefault("show_inner", True)


def hide_inner():
    st.session_state.show_inner = False


@st.fragment(run_every=1)
def inner():
    mark("fragment:inner")
    st.markdown("inner-tick")


@st.fragment
def outer():
    mark("fragment:outer")
    st.button("Stop inner", on_click=hide_inner)
    if st.session_state.show_inner:
        inner()


outer()
mark("end")
