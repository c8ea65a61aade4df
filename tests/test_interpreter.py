"""`Interpretation.rerun_plan` on small apps: the typed plan of what one trigger reruns,
redraws, freezes and piles up (the data the `scopes` renderers and the rules read)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from helpers import write_project

from fraglint.config import Settings
from fraglint.engine import build_project
from fraglint.model import versions
from fraglint.model.interpretation import Interpretation, RerunPlan, Trigger
from fraglint.model.interpreter import interpret


def _interpret(root: Path, source: str, version: str = "1.45") -> Interpretation:
    write_project(root, {"app.py": textwrap.dedent(source)})
    project = build_project([str(root)], Settings(root=str(root), cache=False), jobs=1)
    return interpret(project.index, project.model, versions.parse_version(version), project.files)


def _trigger(found: Interpretation, kind: str, label: str | None = None) -> Trigger:
    (trigger,) = [t for t in found.triggers if t.kind == kind and (label is None or t.label == label)]
    return trigger


def _labels(drawn) -> list:
    return [d.label if d.label is not None else d.api for d in drawn]


PANEL = """
import streamlit as st
st.title("Shop")
@st.fragment
def panel():
    st.write("inside")
    st.button("More")
panel()
st.button("Reload")
"""


def test_a_widget_in_a_fragment_reruns_only_that_fragment(tmp_path):
    found = _interpret(tmp_path, PANEL)
    plan = found.rerun_plan(_trigger(found, "widget", "More"))
    assert isinstance(plan, RerunPlan)
    assert plan.scope.kind == "fragment" and plan.scope.name == "panel"
    assert [key[1] for key in plan.functions] == ["panel"]
    assert _labels(plan.redrawn) == ["inside", "More"]
    assert _labels(plan.frozen) == ["Shop", "Reload"]
    assert plan.piled == [] and plan.cut_short == set()


def test_an_app_widget_reruns_everything(tmp_path):
    found = _interpret(tmp_path, PANEL)
    plan = found.rerun_plan(_trigger(found, "widget", "Reload"))
    assert plan.scope.kind == "app"
    assert [key[1] for key in plan.functions] == ["<module>", "panel"]
    assert _labels(plan.redrawn) == ["Shop", "inside", "More", "Reload"]
    assert plan.frozen == []


def test_a_timer_reruns_its_fragment_every_interval(tmp_path):
    found = _interpret(tmp_path, """
        import streamlit as st
        @st.fragment(run_every="5s")
        def clock():
            st.metric("Now", 1)
        clock()
        st.write("page")
    """)
    timer = _trigger(found, "timer")
    assert timer.interval_seconds == 5.0
    plan = found.rerun_plan(timer)
    assert plan.scope.name == "clock"
    assert [d.api for d in plan.redrawn] == ["metric"]
    assert _labels(plan.frozen) == ["page"]


def test_a_conditional_stop_cuts_a_full_run_short_but_not_a_fragment_rerun(tmp_path):
    found = _interpret(tmp_path, """
        import streamlit as st
        if st.checkbox("Stop"):
            st.stop()
        st.write("after")
        @st.fragment
        def panel():
            st.button("Go")
        panel()
    """)
    app = found.rerun_plan(_trigger(found, "widget", "Stop"))
    after = [d for d in app.redrawn if d.label == "after"]
    assert after and after[0].id in app.cut_short
    (stop,) = found.scopes["app"].stops
    assert stop.conditional
    fragment = found.rerun_plan(_trigger(found, "widget", "Go"))
    assert fragment.cut_short == set()  # the fragment's rerun does not run the app's stop


def test_an_unconditional_stop_ends_the_walk(tmp_path):
    found = _interpret(tmp_path, """
        import streamlit as st
        st.write("before")
        st.stop()
        st.button("never")
    """)
    assert _labels(found.drawn) == ["before"]
    assert not found.scopes["app"].stops[0].conditional


CALLBACK_RERUN = """
import streamlit as st
def reset():
    st.rerun()
@st.fragment
def panel():
    st.button("Reset", on_click=reset)
panel()
st.write("page")
"""


def test_a_callback_rerun_reruns_the_app_from_1_63(tmp_path):
    found = _interpret(tmp_path, CALLBACK_RERUN, "1.63")
    widget = _trigger(found, "widget", "Reset")
    assert widget.rerun_call is not None
    plan = found.rerun_plan(widget)
    assert plan.scope.kind == "app"
    assert _labels(plan.redrawn) == ["Reset", "page"]


def test_a_callback_rerun_is_a_no_op_before_1_63(tmp_path):
    found = _interpret(tmp_path, CALLBACK_RERUN, "1.62")
    widget = _trigger(found, "widget", "Reset")
    assert widget.rerun_call is None
    plan = found.rerun_plan(widget)
    assert plan.scope.kind == "fragment"
    assert _labels(plan.frozen) == ["page"]
    assert "no-op" in _trigger(found, "callback").note


OUTSIDE = """
import streamlit as st
log = st.container()
@st.fragment
def panel():
    log.write("line")
    st.button("Add")
panel()
"""


def test_outside_writes_pile_up_before_1_59(tmp_path):
    found = _interpret(tmp_path, OUTSIDE, "1.58")
    plan = found.rerun_plan(_trigger(found, "widget", "Add"))
    assert _labels(plan.piled) == ["line"]
    assert plan.piled[0].outside
    assert _labels(plan.redrawn) == ["Add"]


def test_outside_writes_are_redrawn_from_1_59(tmp_path):
    found = _interpret(tmp_path, OUTSIDE, "1.59")
    plan = found.rerun_plan(_trigger(found, "widget", "Add"))
    assert plan.piled == []
    assert _labels(plan.redrawn) == ["line", "Add"]
