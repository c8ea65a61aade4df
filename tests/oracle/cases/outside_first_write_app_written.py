# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
box = st.container()


@st.fragment
def frag():
    mark("fragment:frag")
    if st.button("Frag button"):
        box.write("pile-late")


frag()
# the app itself writes into the container on every full run: does that reserve the
# fragment's slot?
box.write("app-write")
st.button("Full rerun")
mark("end")
