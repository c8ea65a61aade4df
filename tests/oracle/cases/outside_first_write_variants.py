# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
held = st.container()
slot = st.empty()
claimed = st.container()


@st.fragment
def claim():
    mark("fragment:claim")
    reserved = claimed.empty()  # written on every run, full runs included
    if st.button("Claim button"):
        reserved.write("late-claimed")


@st.fragment
def with_block():
    mark("fragment:with_block")
    if st.button("With button"):
        with held:
            st.write("late-with")


@st.fragment
def placeholder():
    mark("fragment:placeholder")
    if st.button("Empty button"):
        slot.write("late-empty")


@st.fragment
def sidebar():
    mark("fragment:sidebar")
    if st.button("Sidebar button"):
        st.sidebar.write("late-sidebar")


claim()
with_block()
placeholder()
sidebar()
mark("end")
