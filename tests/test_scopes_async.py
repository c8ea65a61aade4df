"""`fraglint scopes` and `check` through the real command line on `async def` fragments and dialogs.

Streamlit returns an async fragment's coroutine unawaited (fact `async-fragment-unsupported`,
oracle: async_fragment on every release 1.33-1.67): no fragment scope starts, the body's widget
reruns the whole script when something awaits it, and timer ticks never run the body.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from helpers import run_cli, write_project

from fraglint.workspace import Workspace

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "async_fragment"

TICKER = """\
import asyncio

import streamlit as st


@st.fragment(run_every=1.0)
def pulse():
    st.write("pulse")


@st.fragment(run_every=1.0)
async def ticker():
    await asyncio.sleep(0)
    st.markdown("async-body")
    st.button("Async button")


pulse()
asyncio.run(ticker())
"""


def _scopes(folder: Path, version: str, fmt: str = "json"):
    result = run_cli("scopes", "--format", fmt, "--streamlit-version", version, "app.py", cwd=folder)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout) if fmt == "json" else " ".join(result.stdout.replace("\u2502", " ").split())


@pytest.mark.parametrize("version", ["1.37.0", "1.67.0"])
def test_an_async_fragment_starts_no_scope_and_its_widgets_rerun_the_app(version):
    document = _scopes(FIXTURE, version)
    assert [scope["name"] for scope in document["scopes"] if scope["kind"] == "fragment"] == ["rates_panel"]
    (app,) = [scope for scope in document["scopes"] if scope["kind"] == "app"]
    assert app["unawaited"] == [
        {"path": "app.py", "line": 41, "name": "order_book", "dialog": False, "run_every": False},
        {"path": "app.py", "line": 43, "name": "place_order", "dialog": True, "run_every": False},
    ]
    widgets = {t["label"]: t for t in document["triggers"] if t["kind"] == "widget"}
    for label in ("Refresh book", "Amount", "Submit"):
        assert widgets[label]["scope"]["kind"] == "app", label
    # the body is drawn only when something awaits the coroutine
    book = [d for d in widgets["Trade"]["redraws"] if d["label"] == "Refresh book"]
    assert [d["conditional"] for d in book] == [True]


def test_an_async_fragments_run_every_never_runs_it(tmp_path):
    (tmp_path / "app.py").write_text(TICKER, encoding="utf-8")
    document = _scopes(tmp_path, "1.45.0")
    timers = [t["scope"]["name"] for t in document["triggers"] if t["kind"] == "timer"]
    assert timers == ["pulse"]
    (button,) = [t for t in document["triggers"] if t["label"] == "Async button"]
    assert button["scope"]["kind"] == "app"
    text = _scopes(tmp_path, "1.45.0", "text")
    assert textwrap.dedent("""\
        fragment `ticker` called at app.py:19 is an async def: Streamlit returns its coroutine unawaited, so no
        fragment scope starts; its body runs here only when awaited, and its widgets rerun the whole app; its
        run_every never runs it""").replace("\n", " ") in text
    assert "widget: button 'Async button' (app.py:15) -> reruns the whole app" in text
    html = run_cli("scopes", "--format", "html", "--streamlit-version", "1.45.0", "app.py", cwd=tmp_path).stdout
    assert "<span class='note'>fragment `ticker` called at app.py:19 is an async def" in html


SIDEBAR = """\
import asyncio

import streamlit as st

outside = st.container()


@st.fragment
async def panel():
    await asyncio.sleep(0)
    st.sidebar.write("side")
    outside.write("out")
    return st.button("Go")


clicked = asyncio.run(panel())
"""


def test_the_fragment_checks_do_not_judge_an_async_body(tmp_path):
    """Its body runs outside any fragment scope: `st.sidebar` does not raise there, a write into
    an outside container does not pile up, and its widget reruns the app (so no rerun of the
    fragment alone discards what it returns); only the decorator is reported."""
    (tmp_path / "app.py").write_text(SIDEBAR, encoding="utf-8")
    result = run_cli("check", "--output-format", "json", "--streamlit-version", "1.45.0", "app.py", cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    found = [(d["name"], d["line"]) for d in json.loads(result.stdout)]
    assert found == [("async-fragment", 8)]


def test_the_hover_on_an_async_fragment_call_says_it_starts_no_scope(tmp_path):
    pyproject = '[project]\nname = "ticker"\ndependencies = ["streamlit==1.45.0"]\n'
    write_project(tmp_path, {"app.py": TICKER, "pyproject.toml": pyproject})
    path = str(tmp_path / "app.py")
    text = Workspace().hover(path, TICKER, 19, 13)  # `ticker()` inside asyncio.run(...)
    assert text is not None and (
        "Fragment `ticker` is an async def: Streamlit returns its coroutine unawaited, so no fragment scope starts; "
        "its body runs here only when awaited, and its widgets rerun the whole app; its run_every never runs it."
    ) in text, text
    assert "Starts fragment" not in text
