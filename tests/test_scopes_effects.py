"""`fraglint scopes` through the real command line on fixture apps: a callback's `st.stop()`
cancels the interaction's rerun, a timer an outer fragment may stop starting, `st.switch_page`,
1.37.x's first-run arguments, and dialogs (opened in a dialog, or from a fragment before 1.37)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BOARD = FIXTURES / "scopes_callbacks"
DIALOGS = FIXTURES / "dialogs"


def _scopes(folder: Path, path: str, version: str, fmt: str = "json"):
    result = run_cli("scopes", "--format", fmt, "--streamlit-version", version, path, cwd=folder)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout) if fmt == "json" else result.stdout


def _text(folder: Path, path: str, version: str) -> str:
    """The text format with the tree's wrapping undone (rich breaks long lines inside the tree)."""
    return " ".join(_scopes(folder, path, version, "text").replace("\u2502", " ").split())


def _trigger(document: dict, kind: str, label: str) -> dict:
    (found,) = [t for t in document["triggers"] if t["kind"] == kind and t["label"] == label]
    return found


def _scope(document: dict, name: str) -> dict:
    (found,) = [s for s in document["scopes"] if s["name"] == name]
    return found


def test_json_a_stop_in_a_callback_cancels_the_rerun():
    document = _scopes(BOARD, "app.py", "1.45.0")
    sign_out = _trigger(document, "widget", "Sign out")
    assert sign_out["callback_stop"] == {"path": "app.py", "line": 9, "conditional": False}
    assert sign_out["reruns"] == [] and sign_out["redraws"] == []
    assert {d["label"] for d in sign_out["clears"]} >= {"Shift board", "Sign out", "Draft", "Open tickets"}
    discard = _trigger(document, "widget", "Discard draft")
    assert discard["callback_stop"]["line"] == 14 and discard["clears"] == [] and discard["redraws"] == []
    assert _trigger(document, "widget", "Open report")["callback_stop"] is None


def test_json_a_fragment_callback_stop_clears_the_fragment_before_1_38():
    document = _scopes(BOARD, "app.py", "1.37.0")
    discard = _trigger(document, "widget", "Discard draft")
    assert {d["label"] for d in discard["clears"]} == {"Draft", "Discard draft", "Open report"}


@pytest.mark.parametrize(("version", "keeps"), [("1.45.0", True), ("1.58.0", False)])
def test_json_a_timer_its_outer_fragment_may_stop_starting(version, keeps):
    document = _scopes(BOARD, "app.py", version)
    (timer,) = [t for t in document["triggers"] if t["kind"] == "timer"]
    assert timer["orphaned"]["outer"]["name"] == "monitor"
    assert timer["orphaned"]["keeps_running"] is keeps
    pause = _trigger(document, "widget", "Pause feed")
    assert [d["conditional"] for d in pause["redraws"] if d["label"] == "Open tickets"] == [True]


def test_json_switch_page_and_first_run_arguments():
    document = _scopes(BOARD, "app.py", "1.37.0")
    planner = _scope(document, "planner")
    assert planner["switches"] == [
        {"path": "app.py", "line": 38, "page": "pages/report.py", "target": "pages/report.py", "conditional": True}
    ]
    assert planner["first_run_arguments"] is True and _scope(document, "monitor")["first_run_arguments"] is False
    assert _scope(_scopes(BOARD, "app.py", "1.45.0"), "planner")["first_run_arguments"] is False


def test_text_says_what_each_effect_does():
    text = _text(BOARD, "app.py", "1.45.0")
    assert ("widget: button 'Sign out' (app.py:42) -> reruns nothing; its callback calls st.stop() (app.py:9): "
            "the interaction's rerun is cancelled; the page is left empty") in text
    assert "'Discard draft' (app.py:36) -> reruns nothing" in text and "the page keeps what it showed" in text
    assert "switch_page at app.py:38 ends this run when reached: it runs pages/report.py in full" in text
    assert ("the timer of `ticker` keeps ticking after `monitor` stops calling it, and its elements stay "
            "(1.33.0 to 1.57.x)") in text
    later = _text(BOARD, "app.py", "1.58.0")
    assert "the timer of `ticker` stops, and its elements go, when a rerun of `monitor` does not call it" in later
    first = _text(BOARD, "app.py", "1.37.0")
    assert "its reruns use the arguments of the session's first full run" in first
    assert "fragment `planner`'s elements are cleared" in first


def test_html_and_mermaid_carry_the_effects():
    page = _scopes(BOARD, "app.py", "1.45.0", "html")
    assert "its callback calls st.stop() (app.py:9): the interaction&#x27;s rerun is cancelled" in page
    assert "switch_page at app.py:38 ends this run when reached" in page
    graph = _scopes(BOARD, "app.py", "1.45.0", "mermaid")
    assert "button Sign out app.py:42, cancelled by st.stop()" in graph
    assert "switch_page runs report.py in full" in graph


def test_a_dialog_opened_in_a_dialog_draws_nothing():
    document = _scopes(DIALOGS, "pages/orders.py", "1.45.0")
    new_order = _scope(document, "new_order")
    assert new_order["nested_dialogs"] == [{"path": "pages/orders.py", "line": 21, "dialog": "confirm"}]
    assert not [s for s in document["scopes"] if s["name"] == "confirm"]
    assert "Yes" not in {t["label"] for t in document["triggers"]}
    text = _text(DIALOGS, "pages/orders.py", "1.45.0")
    assert ("opening dialog `confirm` at pages/orders.py:21 raises before drawing anything "
            "(\"Dialogs may not be nested inside other dialogs.\")") in text


def test_a_dialog_opened_from_a_fragment_before_1_37_is_a_nested_fragment():
    document = _scopes(DIALOGS, "pages/legacy.py", "1.36.0")
    restock = _scope(document, "restock")
    assert restock["dialog"] and restock["rerun_by_parent"] and restock["parent"] == _scope(document, "low_stock")["id"]
    assert _trigger(document, "widget", "Restock")["scope"]["name"] == "low_stock"
    text = _text(DIALOGS, "pages/legacy.py", "1.36.0")
    assert "opened from fragment `low_stock` before 1.37: a nested fragment, its widgets rerun `low_stock`" in text
    later = _scopes(DIALOGS, "pages/legacy.py", "1.37.0")
    assert _trigger(later, "widget", "Restock")["scope"]["name"] == "restock"
    assert _scope(later, "restock")["rerun_by_parent"] is False


def test_json_a_cancelled_trigger_keeps_no_stale_note():
    document = _scopes(BOARD, "app.py", "1.45.0")
    assert _trigger(document, "callback", "Sign out")["note"] is None
    assert _trigger(document, "callback", "Pause feed")["note"] == "the callback runs first, then the scope reruns"


_SWITCH_IN_CALLBACK = '''import streamlit as st


def go():
    st.switch_page("pages/target.py")


@st.fragment
def panel():
    st.button("Go", on_click=go)
    st.markdown("panel")


panel()
st.markdown("body")
'''


def test_a_switch_page_in_a_callback_is_a_no_op_before_1_63_and_runs_the_page_after(tmp_path):
    """Oracle cases switch_page_callback and switch_page_callback_fragment."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "target.py").write_text('import streamlit as st\n\nst.markdown("target")\n')
    (tmp_path / "app.py").write_text(_SWITCH_IN_CALLBACK)
    before = _trigger(_scopes(tmp_path, "app.py", "1.62.0"), "widget", "Go")
    assert before["callback_switch"] == {"path": "app.py", "line": 5, "page": "pages/target.py",
                                         "target": "pages/target.py", "conditional": False, "switches": False}
    assert before["scope"]["name"] == "panel" and before["redraws"]
    assert "st.switch_page at app.py:5 is a no-op before 1.63" in _text(tmp_path, "app.py", "1.62.0")
    after = _trigger(_scopes(tmp_path, "app.py", "1.63.0"), "widget", "Go")
    assert after["callback_switch"]["switches"] is True
    assert after["reruns"] == [] and after["redraws"] == []
    assert {d["label"] for d in after["clears"]} >= {"Go", "panel", "body"}
    assert "button 'Go' (app.py:10) -> runs pages/target.py in full" in _text(tmp_path, "app.py", "1.63.0")
