"""The spans of placed statements are kept beside the summary cache (issue 13).

`fraglint scopes` places nearly every statement of the files its walk enters; the next run
reads those spans instead of parsing the statements again. These tests go through the CLI:
the output is the same with and without stored spans, a stored entry is really read, and an
entry that is not exactly what fraglint writes for these bytes is a miss.
"""

from __future__ import annotations

import glob
import json
import os
from pathlib import Path

import pytest
from helpers import run_cli, write_project

FILES = {
    "pyproject.toml": '[project]\nname = "demo"\ndependencies = ["streamlit>=1.40"]\n',
    "app.py": """
        import streamlit as st

        @st.fragment
        def orders():
            if st.button("Refresh"):
                st.write("refreshed")

        st.title("Shop")
        orders()
    """,
}


def _scopes(root) -> str:
    done = run_cli("scopes", "--format", "json", ".", cwd=root)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _entries(root) -> list[str]:
    return glob.glob(os.path.join(root, ".fraglint_cache", "*", "*.spans"))


def test_a_second_run_reads_the_stored_spans(tmp_path):
    write_project(tmp_path, FILES)
    first = _scopes(tmp_path)
    [entry] = _entries(tmp_path)
    assert _scopes(tmp_path) == first
    key, statements = json.loads(Path(entry).read_text(encoding="utf-8"))
    moved = [[index, [[site, [[line + 100, column, end + 100, end_column] for line, column, end, end_column in spans]]
                      for site, spans in sites]] for index, sites in statements]
    with open(entry, "w", encoding="utf-8") as handle:
        json.dump([key, moved], handle)
    assert '"line": 10' in _scopes(tmp_path)  # the stored spans, not a parse, placed the sites


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '["another key", []]',
        "[" * 100_000,
        None,  # the right key, a negative line
        "",
    ],
)
def test_an_entry_fraglint_did_not_write_is_a_miss(tmp_path, content):
    write_project(tmp_path, FILES)
    first = _scopes(tmp_path)
    [entry] = _entries(tmp_path)
    if content is None:
        key, statements = json.loads(Path(entry).read_text(encoding="utf-8"))
        statements[0][1][0][1][0][0] = -5
        content = json.dumps([key, statements])
    with open(entry, "w", encoding="utf-8") as handle:
        handle.write(content)
    again = run_cli("scopes", "--format", "json", ".", cwd=tmp_path)
    assert again.returncode == 0 and again.stderr == ""
    assert again.stdout == first


def test_without_a_cache_no_spans_are_stored(tmp_path):
    write_project(tmp_path, FILES)
    done = run_cli("scopes", "--format", "json", ".", cwd=tmp_path, env={"FRAGLINT_NO_CACHE": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout == _scopes(tmp_path)
    assert len(_entries(tmp_path)) == 1  # written by the run with the cache only
