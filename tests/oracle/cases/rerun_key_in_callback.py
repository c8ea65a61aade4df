import streamlit as st
from _oracle_mark import mark

mark("full-run")
st.session_state.setdefault("keyed", True)


def rerun_panel():
    mark("callback")
    st.rerun("panel")


def maybe_rerun_panel():
    mark("callback")
    if st.session_state.keyed:
        st.rerun("panel")


def stop_keying():
    st.session_state.keyed = False


@st.fragment(key="panel")
def panel():
    mark("fragment:panel")
    st.button("Panel button")


@st.fragment(key="other")
def other():
    mark("fragment:other")
    st.button("Other reruns panel", on_click=rerun_panel)
    st.button("Other maybe reruns panel", on_click=maybe_rerun_panel)
    st.button("Other stops keying", on_click=stop_keying)


panel()
other()
mark("end")
