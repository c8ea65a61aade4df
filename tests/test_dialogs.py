"""Dialogs are fragments: what the interpreter, `fraglint scopes` and the rules say about them,
through the real CLI (the rules' own VALID/INVALID examples are in test_rule_examples.py)."""

from __future__ import annotations

import json

from helpers import cli_json, run_cli, write_project

from fraglint.config import Settings
from fraglint.engine import build_project
from fraglint.index.project import FunctionKey
from fraglint.index.summary import MODULE_SCOPE
from fraglint.report import narrate

EDIT_DIALOG = """
import streamlit as st

@st.dialog("Edit")
def edit():
    st.text_input("Name")
    if st.button("Preview"):
        st.rerun(scope="fragment")

if st.button("Open"):
    edit()
"""

LEGACY_DIALOG_IN_FRAGMENT = """
import streamlit as st

@st.experimental_dialog("Rename")
def rename():
    st.text_input("New name")

@st.experimental_fragment
def table():
    if st.button("Rename"):
        rename()

table()
"""


def scopes(root, version: str) -> dict:
    result = run_cli("scopes", "--format", "json", "--streamlit-version", version, ".", cwd=root)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)


def widget_trigger(document: dict, label: str) -> dict:
    return next(t for t in document["triggers"] if t["label"] == label and t["kind"] == "widget")


def test_a_widget_in_a_dialog_reruns_the_dialog(tmp_path):
    write_project(tmp_path, {"app.py": EDIT_DIALOG})
    document = scopes(tmp_path, "1.45.0")
    dialog = next(s for s in document["scopes"] if s["name"] == "edit")
    assert dialog["kind"] == "fragment" and dialog["dialog"] is True
    assert widget_trigger(document, "Name")["scope"]["id"] == dialog["id"]
    rerun = next(t for t in document["triggers"] if t["kind"] == "rerun")
    assert rerun["scope"]["id"] == dialog["id"]  # scope="fragment" in a dialog reruns the dialog
    text = run_cli("scopes", "--streamlit-version", "1.45.0", ".", cwd=tmp_path).stdout
    assert "dialog `edit`" in text and "fragment `edit`" not in text


def test_scoped_rerun_in_a_dialog_is_valid_and_the_sidebar_is_not(tmp_path):
    write_project(tmp_path, {"app.py": EDIT_DIALOG.replace('st.text_input("Name")', 'st.sidebar.text_input("Name")')})
    found = {(d["name"], d["line"]) for d in cli_json("--streamlit-version", "1.45.0", ".", cwd=tmp_path)}
    assert found == {("fragment-sidebar-call", 5)}
    assert not cli_json("--streamlit-version", "1.59.0", ".", cwd=tmp_path)


def test_before_1_37_a_dialog_opened_from_a_fragment_reruns_the_fragment(tmp_path):
    write_project(tmp_path, {"app.py": LEGACY_DIALOG_IN_FRAGMENT})
    old = scopes(tmp_path, "1.36.0")
    assert widget_trigger(old, "New name")["scope"]["name"] == "table"
    assert [d["name"] for d in cli_json("--streamlit-version", "1.36.0", ".", cwd=tmp_path)] == ["nested-fragment"]
    new = scopes(tmp_path, "1.45.0")
    assert widget_trigger(new, "New name")["scope"]["name"] == "rename"


def test_nested_dialog_precision(tmp_path):
    """Opened from a dialog's widget callback or inside `with st.sidebar:` in the dialog, the
    runtime's check does not see the outer dialog; through a fragment it does."""
    write_project(tmp_path, {"app.py": """
        import streamlit as st

        @st.dialog("Inner")
        def inner():
            st.write("inner")

        @st.fragment
        def tools():
            if st.button("Inner from a fragment"):
                inner()

        @st.dialog("Outer")
        def outer():
            st.button("Callback", on_click=inner)
            with st.sidebar:
                inner()
            tools()

        if st.button("Open"):
            outer()
        """})
    found = [(d["name"], d["line"]) for d in cli_json("--streamlit-version", "1.67.0", ".", cwd=tmp_path)]
    assert found == [("nested-dialog", 10)]


def test_duplicate_key_and_foreign_write_stay_quiet_when_unsure(tmp_path):
    write_project(tmp_path, {"app.py": """
        import streamlit as st

        @st.fragment
        def a():
            st.text_input("Query", key="q")

        @st.fragment
        def b():
            if st.toggle("Also"):
                st.text_input("Query", key="q")
            if st.button("Clear"):
                st.session_state["q"] = ""
                st.rerun()

        @st.dialog("Pick")
        def pick():
            st.selectbox("Item", ["a", "b"], key="item")

        @st.fragment
        def c():
            if st.button("Reset"):
                st.session_state["item"] = "a"

        a()
        b()
        c()
        if st.button("Pick"):
            pick()
        """})
    assert cli_json("--streamlit-version", "1.67.0", ".", cwd=tmp_path) == []


def test_hover_names_the_dialog(tmp_path):
    write_project(tmp_path, {"app.py": EDIT_DIALOG})
    project = build_project([str(tmp_path)], Settings(root=str(tmp_path)))
    model = project.model
    path = str(tmp_path / "app.py")
    function = model.index.function(FunctionKey(path, "edit"))
    call = next(c for c in function.calls if c.func and c.func[-1] == "text_input")
    text = narrate.describe_rerun(model, FunctionKey(path, "edit"), call, lambda key: None)
    assert "Interacting reruns dialog `edit`" in text
    opener = next(c for c in model.index.function(FunctionKey(path, MODULE_SCOPE)).calls if c.func == ("edit",))
    assert "**Opens dialog `edit`**" in narrate.describe_rerun(model, FunctionKey(path, MODULE_SCOPE), opener, lambda key: None)
