"""Feature detection in every shape of test: code under `if not hasattr(st, X):`, either side
of `a if hasattr(st, X) else b`, and the `else` of a test that is more than `hasattr`, is judged
only on the releases where it can run (through the real CLI)."""

from __future__ import annotations

import json

import pytest
from helpers import run_cli, write_project

# `st.dialog` exists from 1.37, `st.experimental_dialog` from 1.34 until 1.48.
NEGATED_ALIAS = """
import streamlit as st

if not hasattr(st, "dialog"):
    dlg = st.experimental_dialog
else:
    dlg = st.dialog


@dlg("Confirm")
def ask():
    st.write("sure?")


if st.button("open"):
    ask()
"""

# `st.experimental_fragment` exists from 1.33 until 1.48, `st.fragment` from 1.37.
CHOSEN_CALL = """
import streamlit as st

live = st.experimental_fragment(run_every=5) if hasattr(st, "experimental_fragment") else st.fragment(run_every=5)


@live
def panel():
    st.write("tick")


panel()
"""

# The `else` of `hasattr(...) and flag` runs whenever the flag is false, on every release.
NOT_ONLY_HASATTR = """
import streamlit as st

use_new = st.secrets.get("new", False)
if hasattr(st, "fragment") and use_new:
    live = st.fragment
else:
    live = st.experimental_fragment


@live
def panel():
    st.write("tick")


panel()
"""


def _findings(root, version: str) -> set[tuple[str, int]]:
    result = run_cli("check", "--no-cache", "--output-format", "json", "--streamlit-version", version, str(root))
    assert result.returncode in (0, 1), result.stderr
    return {(d["code"], d["line"]) for d in json.loads(result.stdout)}


@pytest.mark.parametrize(
    "version, expected",
    [("1.67", set()), ("1.45", set()), ("1.36", set()), ("1.30", {("FRG109", 4)})],
)
def test_code_under_not_hasattr_runs_only_where_the_attribute_is_missing(tmp_path, version, expected):
    """The old alias is bound only before 1.37 (no FRG108 after), `st.dialog` only from 1.37
    (no FRG109 at 1.36); on 1.30 neither exists and the fallback's AttributeError is real."""
    write_project(tmp_path, {"app.py": NEGATED_ALIAS})
    assert _findings(tmp_path, version) == expected


@pytest.mark.parametrize("version, expected", [("1.36", set()), ("1.30", {("FRG109", 3)})])
def test_the_else_of_a_conditional_expression_runs_only_where_the_attribute_is_missing(tmp_path, version, expected):
    """On 1.36 `st.experimental_fragment` exists, so `st.fragment(...)` is never evaluated; on
    1.30 neither exists and it is."""
    write_project(tmp_path, {"app.py": CHOSEN_CALL})
    assert _findings(tmp_path, version) == expected


def test_the_else_of_hasattr_and_another_test_runs_on_every_release(tmp_path):
    """`st.experimental_fragment` in that `else` runs on 1.67 too (where it is gone)."""
    write_project(tmp_path, {"app.py": NOT_ONLY_HASATTR})
    assert ("FRG108", 7) in _findings(tmp_path, "1.67")


# `dlg` is either name: the one under `hasattr` runs only where it exists, the other wherever
# the test fails.
CHOSEN_ALIAS = """
import streamlit as st

dlg = st.experimental_dialog if hasattr(st, "experimental_dialog") else st.dialog


@dlg("Confirm")
def ask():
    st.write("sure?")


if st.button("open"):
    ask()
"""


@pytest.mark.parametrize(
    "version, expected",
    [("1.67", set()), ("1.45", {("FRG108", 3)}), ("1.36", set()), ("1.30", {("FRG109", 3)})],
)
def test_each_side_of_a_chosen_alias_is_judged_where_it_runs(tmp_path, version, expected):
    """1.45 has the old name, so it is the one used (deprecated); 1.30 has neither, so the
    `else` runs and `st.dialog` fails; on 1.36 and 1.67 the side that runs exists."""
    write_project(tmp_path, {"app.py": CHOSEN_ALIAS})
    assert _findings(tmp_path, version) == expected
