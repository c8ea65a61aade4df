# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment(run_every=1)
def auto_function():
    mark("fragment:auto_function")
    st.write("auto")


@st.fragment
def other():
    mark("fragment:other")
    st.checkbox("Other box")


auto_function()
other()
st.button("Update")
mark("end")
