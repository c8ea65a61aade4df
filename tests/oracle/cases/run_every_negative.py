# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment(run_every=-1)
def tick():
    mark("fragment:tick")


mark("decorated")
tick()
mark("end")
