# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
outside = st.container()


@st.fragment
def frag():
    mark("fragment:frag")
    st.button("Frag button")
    outside.checkbox("Outside checkbox")
    mark("fragment:frag:after-widget")


frag()
mark("end")
