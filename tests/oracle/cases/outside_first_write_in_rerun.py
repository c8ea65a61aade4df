# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
st.session_state.setdefault("clicks", 0)
box = st.container()


@st.fragment
def frag():
    mark("fragment:frag")
    if st.button("Frag button"):
        st.session_state.clicks += 1
    if st.session_state.clicks:
        box.write("pile-late")


frag()
mark("end")
