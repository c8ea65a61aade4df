# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
st.session_state.setdefault("stop", False)
st.button("Outside button")


def arm():
    st.session_state.stop = True


def disarm():
    st.session_state.stop = False


@st.fragment
def frag():
    mark("fragment:frag")
    st.button("Arm stop", on_click=arm)
    st.button("Disarm stop", on_click=disarm)
    if st.session_state.stop:
        mark("fragment:frag:stopping")
        st.stop()
    mark("fragment:frag:after-stop")
    st.markdown("frag-tail")


frag()
mark("after-fragment")
st.markdown("app-tail")
mark("end")
