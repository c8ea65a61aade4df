# oracle: adapt
import asyncio

import streamlit as st
from _oracle_mark import mark

mark("full-run")


@st.fragment(run_every=1.0)
def pulse():
    mark("fragment:pulse")


@st.fragment(run_every=1.0)
async def frag():
    mark("fragment:frag")
    await asyncio.sleep(0)
    st.markdown("async-body")
    st.button("Async button")


pulse()
pending = frag()
mark(f"returned:{type(pending).__name__}")
asyncio.run(pending)
mark("end")
