"""Parallel fragments (`@st.fragment(parallel=True)`, 1.58+), through the real CLI: the
exception a message names is the one the oracle saw on that release (tests/oracle cases
parallel_dialog, parallel_switch_page, parallel_outside_write)."""

from __future__ import annotations

from helpers import cli_json, write_project

PARALLEL_DIALOG = """
import streamlit as st

@st.fragment(parallel=True)
def report():
    st.button("Refresh")
    confirm()

@st.dialog("Confirm")
def confirm():
    st.write("sure?")

report()
"""

PARALLEL_OUTSIDE_WRITE = """
import streamlit as st

log = st.container()

@st.fragment(parallel=True)
def fetch():
    log.write("fetched")

fetch()
"""

# StreamlitAPIException on 1.58.0-1.62.0, the layout error from 1.63.0 (both checks)
RAISED = (("1.62.0", "StreamlitAPIException"), ("1.63.0", "StreamlitInvalidLayoutContextError"))


def test_a_parallel_fragment_opening_a_dialog_names_the_exception_of_the_release(tmp_path):
    write_project(tmp_path, {"app.py": PARALLEL_DIALOG})
    for release, raised in RAISED:
        [finding] = cli_json("--streamlit-version", release, ".", cwd=tmp_path)
        assert (finding["name"], finding["line"]) == ("parallel-fragment-unsafe-call", 6)
        assert f"Streamlit raises {raised} " in finding["message"]
    assert [d["name"] for d in cli_json("--streamlit-version", "1.57.0", ".", cwd=tmp_path)] == [
        "fragment-api-unavailable"
    ]


def test_a_parallel_fragment_writing_outside_names_the_exception_of_the_release(tmp_path):
    write_project(tmp_path, {"app.py": PARALLEL_OUTSIDE_WRITE})
    for release, raised in RAISED:
        [finding] = cli_json("--streamlit-version", release, ".", cwd=tmp_path)
        assert (finding["name"], finding["line"]) == ("parallel-fragment-outside-write", 7)
        assert finding["message"].endswith(f"Streamlit raises {raised}")
