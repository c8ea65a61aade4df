"""What a call site is, the walk works out once, however many contexts walk it.

A helper called from many fragments is walked once per fragment (each draws its own
elements), but its call sites mean the same in every one of them: the widget's callback, its
label and key, the container its `with` enters. The walk used to resolve the callback again
at every draw.
"""

from __future__ import annotations

from pathlib import Path

from helpers import write_project

from fraglint.config import Settings
from fraglint.engine import build_project
from fraglint.model.interpreter import Interpreter
from fraglint.model.interpreter_facts import WalkFacts


def shared_helper(n: int) -> dict[str, str]:
    """n fragments, each calling one helper that draws a button with a callback under a `with`."""
    fragments = []
    for i in range(n):
        fragments += ["@st.fragment", f"def f{i}():", "    helper()", f"f{i}()"]
    helper = [
        "def on_go():", "    pass", "def helper():", "    with st.sidebar:",
        "        st.button('go', key='go', on_click=on_go)",
    ]
    return {"app.py": "\n".join(["import streamlit as st", *helper, *fragments]) + "\n"}


def _walk_counting(root: Path, files: dict[str, str]) -> tuple[Interpreter, list[tuple]]:
    """The walk, and every name chain it asked the index to resolve."""
    write_project(root, files)
    project = build_project([str(root)], Settings(root=str(root), cache=False), jobs=1)
    asked: list[tuple] = []
    resolve = project.index.resolve

    def counting(path, scope, ref, site=None):
        asked.append(ref)
        return resolve(path, scope, ref, site)

    project.index.resolve = counting  # type: ignore[method-assign]
    interpreter = Interpreter(project.index, project.model, WalkFacts(project.settings.target_version))
    interpreter.run(project.files)
    return interpreter, asked


def test_a_callback_is_resolved_once_per_walk_not_once_per_draw(tmp_path):
    interpreter, asked = _walk_counting(tmp_path, shared_helper(8))
    buttons = [drawn for drawn in interpreter.drawn if drawn.api == "button"]
    assert len(buttons) == 8  # one per fragment
    assert {drawn.callback for drawn in buttons} == {(str(tmp_path / "app.py"), "on_go")}
    assert {drawn.container for drawn in buttons} == {"sidebar"}
    assert asked.count(("on_go",)) == 1


def test_each_call_site_is_taken_apart_once_per_walk(tmp_path):
    interpreter, _ = _walk_counting(tmp_path, shared_helper(8))
    # sites: 8 fragment calls, `helper()` in each fragment, and the helper's `st.button`
    assert interpreter.sites == 8 + 8 + 1
    assert interpreter.steps == 8 + 8 + 8  # the button is walked in each fragment
