# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


def rerun_plain():
    mark("callback")
    st.rerun()


def rerun_fragment():
    mark("callback")
    st.rerun(scope="fragment")


@st.fragment
def frag():
    mark("fragment:frag")
    st.button("Frag plain rerun", on_click=rerun_plain)
    st.button("Frag fragment rerun", on_click=rerun_fragment)


frag()
st.button("App plain rerun", on_click=rerun_plain)
st.button("App fragment rerun", on_click=rerun_fragment)
mark("end")
