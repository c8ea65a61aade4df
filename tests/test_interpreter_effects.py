"""The interpreter's plans for what happens besides a scope rerunning (issue 11): `st.stop()`
in a widget callback, `run_every` fragments an outer fragment may stop starting, dialogs opened
in dialogs or (before 1.37) from fragments, `st.switch_page`, and 1.37.x's first-run arguments.
Each behaviour is the one the oracle recorded (tests/oracle/cases, named in each test)."""

from __future__ import annotations

from pathlib import Path

from helpers import write_project

from fraglint.config import Settings
from fraglint.engine import build_project
from fraglint.model import versions
from fraglint.model.interpretation import Interpretation, Scope, Trigger
from fraglint.model.interpreter import interpret


def _interpret(root: Path, files: dict[str, str] | str, version: str = "1.45") -> Interpretation:
    write_project(root, {"app.py": files} if isinstance(files, str) else files)
    project = build_project([str(root)], Settings(root=str(root), cache=False), jobs=1)
    return interpret(project.index, project.model, versions.parse_version(version), project.files)


def _trigger(found: Interpretation, kind: str, label: str | None = None) -> Trigger:
    (trigger,) = [t for t in found.triggers if t.kind == kind and (label is None or t.label == label)]
    return trigger


def _scope(found: Interpretation, name: str) -> Scope:
    (scope,) = [s for s in found.scopes.values() if s.name == name]
    return scope


def _labels(drawn) -> list:
    return [d.label if d.label is not None else d.api for d in drawn]


STOPPER = """
import streamlit as st

def stopper():
    st.stop()

def maybe(flag):
    if flag:
        st.stop()

def via_helper():
    stopper()

@st.fragment
def frag():
    st.button("Frag stop", on_click=stopper)
    st.button("Frag maybe", on_click=maybe, args=(True,))
    st.markdown("frag-body")

frag()
st.button("App stop", on_click=via_helper)
st.markdown("app-body")
"""


def test_stop_in_an_app_widget_callback_cancels_the_rerun_and_empties_the_page(tmp_path):
    # oracle: stop_in_callback (App stop: no marker but the callback's, both texts gone)
    found = _interpret(tmp_path, STOPPER)
    for kind in ("widget", "callback"):
        plan = found.rerun_plan(_trigger(found, kind, "App stop"))
        assert plan.trigger.callback_stop is not None and not plan.trigger.callback_stop.conditional
        assert plan.functions == [] and plan.redrawn == [] and plan.piled == []
        assert set(_labels(plan.cleared)) >= {"frag-body", "app-body", "Frag stop", "App stop"}
        assert plan.frozen == []


def test_stop_in_a_fragment_widget_callback_keeps_the_page_from_1_38(tmp_path):
    # oracle: stop_in_callback (Frag stop: frag-body gone on 1.33.0-1.37.1, kept from 1.38.0)
    found = _interpret(tmp_path, STOPPER, "1.38")
    plan = found.rerun_plan(_trigger(found, "widget", "Frag stop"))
    assert plan.redrawn == [] and plan.cleared == []
    assert {"frag-body", "app-body"} <= set(_labels(plan.frozen))


def test_stop_in_a_fragment_widget_callback_clears_the_fragment_before_1_38(tmp_path):
    found = _interpret(tmp_path, STOPPER, "1.37")
    plan = found.rerun_plan(_trigger(found, "widget", "Frag stop"))
    assert set(_labels(plan.cleared)) == {"Frag stop", "Frag maybe", "frag-body"}
    assert "app-body" in _labels(plan.frozen) and plan.redrawn == []


def test_a_conditional_stop_in_a_callback_only_may_cancel(tmp_path):
    found = _interpret(tmp_path, STOPPER)
    widget, callback = _trigger(found, "widget", "Frag maybe"), _trigger(found, "callback", "Frag maybe")
    assert widget.callback_stop is None
    assert callback.callback_stop is not None and callback.callback_stop.conditional
    plan = found.rerun_plan(callback)
    assert plan.scope.name == "frag" and "frag-body" in _labels(plan.redrawn) and plan.cleared == []


ORPHAN = """
import streamlit as st

@st.fragment(run_every=1)
def inner():
    st.markdown("inner-tick")

@st.fragment(run_every=1)
def always():
    st.markdown("always-tick")

@st.fragment
def outer():
    st.button("Stop inner")
    if st.session_state.get("show", True):
        inner()
    always()

outer()
"""


def test_a_timer_started_under_a_branch_of_a_fragment_is_marked_orphanable(tmp_path):
    # oracle: orphaned_timer (the outer rerun that skips `inner` leaves it ticking until 1.58)
    found = _interpret(tmp_path, ORPHAN)
    inner = next(t for t in found.triggers if t.kind == "timer" and found.scopes[t.scope].name == "inner")
    always = next(t for t in found.triggers if t.kind == "timer" and found.scopes[t.scope].name == "always")
    assert inner.orphan_of == _scope(found, "outer").id
    assert always.orphan_of is None


def test_an_outer_rerun_may_not_redraw_what_a_branch_started_fragment_draws(tmp_path):
    found = _interpret(tmp_path, ORPHAN)
    plan = found.rerun_plan(_trigger(found, "widget", "Stop inner"))
    skipped = {d.label for d in plan.redrawn if d.id in plan.skipped}
    assert skipped == {"inner-tick"}
    # the timer's own rerun starts at `inner`'s body: it draws inner-tick for sure
    own_plan = found.rerun_plan(next(t for t in found.triggers if t.kind == "timer" and t.orphan_of))
    assert _labels(own_plan.redrawn) == ["inner-tick"] and own_plan.skipped == set()


def test_a_timer_started_by_the_script_is_never_orphaned(tmp_path):
    found = _interpret(tmp_path, """
        import streamlit as st
        @st.fragment(run_every=1)
        def tick():
            st.write("t")
        if st.checkbox("Live"):
            tick()
    """)
    assert _trigger(found, "timer").orphan_of is None


DIALOGS = """
import streamlit as st

@st.dialog("Inner")
def inner():
    st.markdown("inner-body")

@st.dialog("Outer")
def outer():
    if st.button("Open inner"):
        inner()

@st.dialog("Picked")
def picked():
    st.button("Dialog button")

@st.fragment
def frag():
    if st.button("Open dialog"):
        picked()

if st.button("Open outer"):
    outer()
frag()
"""


def test_a_dialog_opened_in_a_dialog_raises_before_drawing_anything(tmp_path):
    # oracle: dialog_in_dialog (raises at the inner call, inner-body never shown)
    found = _interpret(tmp_path, DIALOGS)
    assert "inner-body" not in _labels(found.drawn)
    assert [nested.inner.name for nested in _scope(found, "outer").nested_dialogs] == ["inner"]
    assert not [s for s in found.scopes.values() if s.name == "inner"]


def test_a_dialog_opened_from_a_fragment_before_1_37_is_rerun_by_the_fragment(tmp_path):
    # oracle: dialog_from_fragment (1.34.0-1.36.0: the dialog's button reruns `frag`)
    found = _interpret(tmp_path, DIALOGS, "1.36")
    dialog = _scope(found, "picked")
    assert dialog.rerun_by_parent and dialog.branch_call and dialog.parent == _scope(found, "frag").id
    assert found.scopes[_trigger(found, "widget", "Dialog button").scope].name == "frag"


def test_a_dialog_opened_from_a_fragment_from_1_37_reruns_alone(tmp_path):
    found = _interpret(tmp_path, DIALOGS, "1.37")
    dialog = _scope(found, "picked")
    assert not dialog.rerun_by_parent
    assert _trigger(found, "widget", "Dialog button").scope == dialog.id


def test_switch_page_records_the_target_page(tmp_path):
    # oracle: switch_page_fragment (the fragment's rerun ends, pages/target.py runs in full)
    found = _interpret(tmp_path, {
        "app.py": """
            import streamlit as st
            @st.fragment
            def frag():
                if st.button("Go"):
                    st.switch_page("pages/target.py")
            frag()
            st.switch_page(st.session_state.page)
        """,
        "pages/target.py": "import streamlit as st\nst.write('target')\n",
    })
    (switch,) = _scope(found, "frag").switches
    assert switch.target == str(tmp_path / "pages" / "target.py") and switch.conditional
    (computed,) = found.scopes["app"].switches
    assert computed.target is None and computed.label == "st.session_state.page" and not computed.conditional


def test_a_fragment_called_with_arguments_is_marked(tmp_path):
    # oracle: fragment_first_run_args (1.37.1 reruns with the first full run's arguments)
    found = _interpret(tmp_path, """
        import streamlit as st
        @st.fragment
        def frag(n):
            st.write(n)
        @st.fragment
        def plain():
            st.write("p")
        frag(1)
        plain()
    """, "1.37")
    assert _scope(found, "frag").has_arguments and not _scope(found, "plain").has_arguments


def test_the_hover_of_a_widget_whose_callback_stops_says_the_rerun_is_cancelled(tmp_path):
    from fraglint.report import narrate

    found = _interpret(tmp_path, STOPPER)
    trigger = _trigger(found, "widget", "App stop")
    project = build_project([str(tmp_path)], Settings(root=str(tmp_path), cache=False), jobs=1)
    module = project.index.function((trigger.site.path, "<module>"))
    assert module is not None
    (call,) = [c for c in module.calls if c.site == trigger.site.site]
    text = narrate.describe_from_interpreter(found, trigger.site.path, call, lambda key: None)
    assert text is not None and "`st.button` `App stop`**: Its callback calls `st.stop()`" in text
    assert "reruns the whole app" not in text


def test_switch_page_from_a_page_resolves_from_the_main_script_folder(tmp_path):
    found = _interpret(tmp_path, {
        "app.py": "import streamlit as st\nst.write('home')\n",
        "pages/first.py": "import streamlit as st\nif st.button('Next'):\n    st.switch_page('pages/second.py')\n",
        "pages/second.py": "import streamlit as st\nst.write('second')\n",
    })
    (page,) = [s for s in found.scopes.values() if s.entry.endswith("first.py") and s.kind == "app"]
    (switch,) = page.switches
    assert switch.target == str(tmp_path / "pages" / "second.py")


def test_the_hover_of_a_widget_whose_callback_switches_page_names_the_page_from_1_63(tmp_path):
    from fraglint.report import narrate

    files = {
        "app.py": "import streamlit as st\n\ndef go():\n    if True:\n        pass\n    st.switch_page('pages/b.py')\n\n"
                  "st.button('Go', on_click=go)\n",
        "pages/b.py": "import streamlit as st\nst.write('b')\n",
    }
    texts = {}
    for version in ("1.62", "1.63"):
        found = _interpret(tmp_path, files, version)
        trigger = _trigger(found, "widget", "Go")
        assert trigger.callback_switch is not None and not trigger.callback_switch.conditional
        project = build_project([str(tmp_path)], Settings(root=str(tmp_path), cache=False), jobs=1)
        module = project.index.function((trigger.site.path, "<module>"))
        assert module is not None
        (call,) = [c for c in module.calls if c.site == trigger.site.site]
        texts[version] = narrate.describe_from_interpreter(found, trigger.site.path, call, lambda key: None)
    assert "reruns the whole app" in (texts["1.62"] or "")
    assert "Its callback calls `st.switch_page()`: pages/b.py runs in full" in (texts["1.63"] or "")
