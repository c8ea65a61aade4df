"""Positions computed by the direct provider call agree with libcst's MetadataWrapper."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from fraglint.index.loader import compute_positions

SOURCE = '''
import streamlit as st

@st.fragment(run_every="5s")
def live(c):
    with st.container():
        x = st.slider("x", 0, 10)   # a comment
    c.write(f"{x}")
    return {
        "a": [st.button("b"), 2],
    }

if True: live(st.container()); st.write("x")
'''


def test_direct_positions_match_metadata_wrapper():
    module = cst.parse_module(SOURCE)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    actual = compute_positions(cst.parse_module(SOURCE))
    assert len(actual) == len(expected)

    def as_list(table):
        return sorted((r.start.line, r.start.column, r.end.line, r.end.column, type(n).__name__) for n, r in table.items())

    assert as_list(actual) == as_list(expected)
