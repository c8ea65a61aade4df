"""One narrator: the hover, `fraglint scopes` and the `full` format's scope lines say a rerun in
the same words, because `report.narrate` phrases all three from typed plans and notes."""

from __future__ import annotations

import os
import re

from helpers import run_cli, write_project

from fraglint.model.own_reruns import OwnRerun
from fraglint.model.scope_notes import ArgumentsNotReevaluated, CallerNotRerun, OutsideContainerKept
from fraglint.report import narrate
from fraglint.workspace import Workspace

PYPROJECT = '[project]\nname = "shop"\ndependencies = ["streamlit==1.45.0"]\n'

APP = """\
import streamlit as st

log = st.container()

@st.fragment
def live():
    st.button("inside")
    log.write("tick")
    return 1

count = live()
st.button("outside")
"""


def _hover(root, line: int, column: int) -> str:
    path = os.path.join(root, "app.py")
    with open(path, encoding="utf-8") as f:
        text = Workspace().hover(path, f.read(), line, column)
    assert text is not None
    return text


def test_hover_and_scopes_text_say_a_rerun_in_the_same_words(tmp_path):
    write_project(tmp_path, {"app.py": APP, "pyproject.toml": PYPROJECT})
    out = run_cli("scopes", ".", cwd=tmp_path).stdout
    inside = re.search(r"button 'inside' \(app\.py:7\) -> (reruns fragment `live`); (.+)$", out, re.M)
    outside = re.search(r"button 'outside' \(app\.py:12\) -> (reruns the whole app); (.+)$", out, re.M)
    assert inside and outside, out
    assert inside.group(2) == "redraws 1 element, keeps 2 others as drawn, 1 piles up outside the fragment"
    assert outside.group(2) == "redraws 4 elements"
    hover_inside, hover_outside = _hover(tmp_path, 7, 8), _hover(tmp_path, 12, 8)
    assert f"Interacting {inside.group(1)} (app.py, lines 6-9), not the whole app: {inside.group(2)}." in hover_inside
    assert f"Interacting {outside.group(1)}: {outside.group(2)}." in hover_outside


def test_full_format_scope_line_and_hover_say_what_reruns_a_fragment_alone(tmp_path):
    write_project(tmp_path, {"app.py": APP, "pyproject.toml": PYPROJECT})
    out = run_cli("check", "--output-format", "full", "--no-cache", ".", cwd=tmp_path).stdout
    alone = "only `live` reruns when a widget inside it fires"
    assert f"= scope: {alone}; `<module>`, which uses the value, is not re-run" in out, out
    assert f"**Starts fragment `live`** (app.py, lines 6-9)\n\n{alone.capitalize()};" in _hover(tmp_path, 11, 9)


def test_phrases_of_the_narrator():
    both = narrate.Effect(redrawn=1, frozen=1, piled=2, fragment=True)
    assert narrate.effect(both) == "redraws 1 element, keeps 1 other as drawn, 2 pile up outside the fragment"
    assert narrate.effect(narrate.Effect(0, 0, 0, False)) == "redraws 0 elements"
    assert narrate.reruns_alone("f", [OwnRerun.WIDGET, OwnRerun.TIMER, OwnRerun.WIDGET]) == (
        "only `f` reruns when a widget inside it or its `run_every` timer fires"
    )
    assert narrate.reruns_alone("f", []) == "nothing reruns `f` alone: only a full run of the app runs it"
    assert narrate.scope_note(CallerNotRerun("f", OwnRerun.TIMER, "main")) == (
        "only `f` reruns when its `run_every` timer fires; `main`, which uses the value, is not re-run"
    )
    assert narrate.scope_note(ArgumentsNotReevaluated("table", "<module>", ("filters",))).endswith(
        "; fragment `filters` reruns alone"
    )
    assert narrate.scope_note(ArgumentsNotReevaluated("table", "<module>", ("a", "b"))).endswith("; fragments `a`, `b` rerun alone")
    assert narrate.scope_note(OutsideContainerKept("f", "`log`")).startswith("a rerun of `f` clears and redraws only its own container")
