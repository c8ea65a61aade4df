# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment(run_every=1)
@st.cache_data
def frag():
    mark("fragment:frag")
    st.write("cached-body")


frag()
st.button("Full rerun")
mark("end")
