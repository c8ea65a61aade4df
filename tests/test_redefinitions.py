"""Functions defined more than once (in `if`/`else` or `try`/`except` branches): every definition
is kept, and each use of the name reaches the definitions that can be the one it calls."""

from __future__ import annotations

import json

import pytest
from helpers import run_cli, write_project

from fraglint.index import cache
from fraglint.index.incremental import ChunkedParser
from fraglint.index.loader import summarize_source
from fraglint.index.project import ProjectIndex, TargetKind
from fraglint.index.summary import MODULE_SCOPE

# `hasattr(st, "fragment")` is false before 1.37: the fragment version only runs from 1.37,
# and a sidebar call inside a fragment raises before 1.59.
FEATURE_DETECTED = """
import streamlit as st

if hasattr(st, "fragment"):

    @st.fragment
    def panel():
        st.sidebar.button("refresh")

else:

    def panel():
        st.button("refresh")


panel()
"""

# Streamlit's own e2e app shape: one definition per `if`/`elif` arm, each called in its arm.
ARMS = """
import streamlit as st

mode = st.query_params.get("test", "one")

if mode == "one":

    @st.dialog("Dialog")
    def my_dialog():
        st.write("one")

    @st.fragment(parallel=True)
    def outer():
        st.write("plain")

    outer()

elif mode == "two":

    @st.dialog("Dialog")
    def my_dialog():
        st.write("two")

    @st.fragment
    def inner():
        my_dialog()

    @st.fragment(parallel=True)
    def outer():
        inner()

    outer()
"""


def _findings(root, *args: str) -> set[tuple[str, int]]:
    result = run_cli("check", "--no-cache", "--output-format", "json", *args, str(root))
    assert result.returncode in (0, 1), result.stderr
    return {(d["code"], d["line"]) for d in json.loads(result.stdout)}


@pytest.mark.parametrize("version, expected", [("1.45", {("FRG105", 7)}), ("1.36", set()), ("1.67", set())])
def test_the_feature_detected_fragment_definition_is_checked_where_it_runs(tmp_path, version, expected):
    write_project(tmp_path, {"app.py": FEATURE_DETECTED})
    assert _findings(tmp_path, "--streamlit-version", version) == expected


def test_a_range_reports_the_fragment_definition_only_on_the_releases_its_branch_runs(tmp_path):
    write_project(tmp_path, {"app.py": FEATURE_DETECTED})
    (tmp_path / "requirements.txt").write_text("streamlit>=1.30,<1.50\n")
    result = run_cli("check", "--no-cache", "--output-format", "concise", str(tmp_path))
    assert "FRG105" in result.stdout and "raises on 1.37-1.49" in result.stdout, result.stdout


def test_a_definition_in_an_earlier_arm_keeps_its_calls(tmp_path):
    """The dialog is opened through a sequential fragment nested in a parallel one, in the second
    of two arms that each define `outer` and `my_dialog`: the crash is reported once, and the
    first arm's parallel fragment (which opens nothing) is not blamed for it."""
    write_project(tmp_path, {"app.py": ARMS})
    result = run_cli("check", "--no-cache", "--output-format", "json", str(tmp_path))
    found = json.loads(result.stdout)
    unsafe = [d for d in found if d["code"] == "FRG127"]
    assert [(d["line"], "`my_dialog`" in d["message"], "`outer`" in d["message"]) for d in unsafe] == [
        (25, True, True)
    ], found
    assert "@" not in " ".join(d["message"] for d in found)  # names as written, not as indexed


def test_swapped_arms_keep_the_earlier_definition(tmp_path):
    """The same app with the arms swapped: the crash is now in the first definitions."""
    first, second = ARMS.split('elif mode == "two":')
    head, one = first.split('if mode == "one":')
    swapped = head + 'if mode == "two":' + second + 'elif mode == "one":' + one
    write_project(tmp_path, {"app.py": swapped})
    codes = [code for code, _ in _findings(tmp_path)]
    assert codes == ["FRG127"]


def _index(tmp_path, text: str) -> tuple[ProjectIndex, str]:
    path = str(tmp_path / "app.py")
    summary, _ = summarize_source(path, text.lstrip("\n"))
    return ProjectIndex({path: summary}, str(tmp_path)), path


def _callees(index: ProjectIndex, path: str, scope: str) -> list[tuple[str, ...]]:
    function = index.summaries[path].functions[scope]
    targets = [index.resolve_call(path, scope, call) for call in function.calls if call.func == ("f",)]
    return [t.definitions() if t.kind == TargetKind.FUNCTION else () for t in targets]


def test_each_call_reaches_the_definitions_that_can_run_before_it(tmp_path):
    index, path = _index(tmp_path, """
import streamlit as st
if st.secrets:
    def f(): pass
    f()
else:
    def f(): pass
    f()
f()
def f(): pass
f()
def g():
    f()
""")
    summary = index.summaries[path]
    second, third = (q for q in summary.functions if q.startswith("f@"))
    assert _callees(index, path, MODULE_SCOPE) == [("f",), (second,), ("f", second), (third,)]
    assert _callees(index, path, "g") == [(third,)]  # runs after the module: the last one


def test_try_and_except_definitions_both_reach_and_an_if_arm_excludes_the_other(tmp_path):
    index, path = _index(tmp_path, """
import streamlit as st
try:
    def f(): pass
except AttributeError:
    def f(): pass
if st.secrets:
    def h():
        f()
""")
    (again,) = (q for q in index.summaries[path].functions if q.startswith("f@"))
    assert _callees(index, path, "h") == [("f", again)]


def test_a_buffer_walked_by_statement_names_redefinitions_as_a_whole_walk(tmp_path):
    text = "import streamlit as st\n\ndef f():\n    def inner(): pass\n    inner()\n\nf()\n\ndef f():\n    lambda: 1\n    def inner(): pass\n    inner()\n\nf()\n"
    path = str(tmp_path / "app.py")
    whole, _ = summarize_source(path, text)
    chunked = ChunkedParser().summarize(path, text)
    assert chunked is not None and chunked[0] == whole
    assert len([q for q in whole.functions if q.startswith("f@") and "." not in q]) == 1


def test_the_summary_format_is_part_of_the_cache_key(monkeypatch):
    before = cache.format_key()
    monkeypatch.setattr(cache, "SUMMARY_FORMAT", cache.SUMMARY_FORMAT + 1)
    cache.format_key.cache_clear()
    try:
        assert cache.format_key() != before
    finally:
        monkeypatch.undo()
        cache.format_key.cache_clear()


# -- feature-detected fragment decorators ------------------------------------------------------

DETECTED_DECORATORS = {
    "call-form-try-except": """
        import streamlit as st

        try:
            frag = st.fragment(run_every=60)
        except AttributeError:
            frag = lambda f: f


        def main():
            st.sidebar.button("refresh")


        frag(main)()
    """,
    "conditional-expression": """
        import streamlit as st


        def identity(f):
            return f


        @(st.fragment(run_every=60) if hasattr(st, "fragment") else identity)
        def main():
            st.sidebar.button("refresh")


        main()
    """,
    "getattr-or": """
        import streamlit as st

        fragment = getattr(st, "fragment", None) or st.experimental_fragment


        @fragment
        def main():
            st.sidebar.button("refresh")


        main()
    """,
    "if-hasattr-else-binding": """
        import streamlit as st

        if hasattr(st, "fragment"):
            frag = st.fragment
        else:
            frag = lambda f: f


        @frag
        def main():
            st.sidebar.button("refresh")


        main()
    """,
}


@pytest.mark.parametrize("name", sorted(DETECTED_DECORATORS))
def test_a_feature_detected_fragment_decorator_makes_a_fragment_where_the_api_exists(tmp_path, name):
    """Where `st.fragment` exists the fallback never runs: the function is a fragment, its body
    is checked (a sidebar call raises before 1.59); where it does not, nothing is claimed."""
    write_project(tmp_path, {"app.py": DETECTED_DECORATORS[name]})
    found = _findings(tmp_path, "--streamlit-version", "1.45")
    assert [code for code, _ in found] == ["FRG105"]
    assert _findings(tmp_path, "--streamlit-version", "1.30") == set()
    assert _findings(tmp_path, "--streamlit-version", "1.67") == set()


def test_a_fallback_that_is_not_feature_detection_keeps_the_fragment_uncertain(tmp_path):
    """A plain `if`/`else` choice is no fallback: either may run, so fragment rules stay silent."""
    text = DETECTED_DECORATORS["if-hasattr-else-binding"].replace('hasattr(st, "fragment")', "st.secrets")
    write_project(tmp_path, {"app.py": text})
    assert _findings(tmp_path, "--streamlit-version", "1.45") == set()
