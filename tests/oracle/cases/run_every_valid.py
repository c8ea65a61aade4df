# oracle: adapt
from datetime import timedelta

import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment(run_every=1)
def tick_int():
    mark("fragment:int")


@st.fragment(run_every=1.0)
def tick_float():
    mark("fragment:float")


@st.fragment(run_every="1s")
def tick_str():
    mark("fragment:str")


@st.fragment(run_every=timedelta(seconds=1))
def tick_timedelta():
    mark("fragment:timedelta")


tick_int()
tick_float()
tick_str()
tick_timedelta()
mark("end")
