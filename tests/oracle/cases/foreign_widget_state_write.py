# oracle: adapt
import streamlit as st
from _oracle_mark import mark

mark("full-run")
st.button("Full rerun")


def write_box():
    mark("callback")
    st.session_state.box = True


@st.fragment
def owner():
    mark("fragment:owner")
    value = st.checkbox("Owner box", key="box")
    mark(f"owner:box={value}")


@st.fragment
def writer():
    mark("fragment:writer")
    st.button("Write in callback", on_click=write_box)
    if st.button("Write in body"):
        mark("body-write")
        st.session_state.box = True
    mark(f"writer:box={st.session_state.get('box')}")


owner()
writer()
mark("end")
