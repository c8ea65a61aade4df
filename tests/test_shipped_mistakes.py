"""Mistakes real projects ship (issue 12), each reproduced through the real CLI: reported where
the code crashes or misbehaves on a real Streamlit, silent where it is fine."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import cli_json, write_project


def findings(tmp_path: Path, code: str, version: str | None = None, rule: str | None = None) -> list[tuple[str, int]]:
    """(rule name, line) of each finding of `fraglint check` on an app.py holding `code`."""
    write_project(tmp_path, {"app.py": code})
    args = ["--streamlit-version", version] if version else []
    found = cli_json(*args, str(tmp_path))
    return sorted((d["name"], d["line"]) for d in found if rule is None or d["name"] == rule)


# -- async-fragment (FRG124) ----------------------------------------------------------------

ASYNC_WRAPPED = """
import asyncio
import streamlit as st

async def ticker():
    await asyncio.sleep(0)
    st.metric("BTC", 42)

live = st.fragment(ticker, run_every=5)
asyncio.run(live())
"""


def test_async_def_wrapped_by_a_call_is_reported(tmp_path):
    assert findings(tmp_path, ASYNC_WRAPPED, rule="async-fragment") == [("async-fragment", 8)]


def test_async_fragment_silent_before_fragments_exist(tmp_path):
    assert findings(tmp_path, ASYNC_WRAPPED, version="1.32.0", rule="async-fragment") == []


# -- stale-fragment-argument (FRG116) -------------------------------------------------------

STALE_GET = """
import streamlit as st

def apply():
    st.rerun()

@st.fragment
def controls():
    st.slider("Days", 1, 30, key="days", on_change=apply)
    st.selectbox("Region", ["EU", "US"], key="region")

@st.fragment
def chart(days, region):
    st.write(days, region)

controls()
chart(st.session_state.get("days", 7), region=st.session_state.get("region", "EU"))
"""


def test_session_state_get_passed_straight_is_reported(tmp_path):
    # `region` has no callback: stale on every release; `days` only before 1.63
    assert findings(tmp_path, STALE_GET, version="1.62.0", rule="stale-fragment-argument") == [
        ("stale-fragment-argument", 16), ("stale-fragment-argument", 16),
    ]


def test_callback_rerun_makes_the_argument_fresh_from_1_63(tmp_path):
    assert findings(tmp_path, STALE_GET, version="1.63.0", rule="stale-fragment-argument") == [
        ("stale-fragment-argument", 16),
    ]


# -- rerun-scope-outside-fragment (FRG107): a guard that is true on a full run --------------

GUARDED_RERUN = """
import streamlit as st

AGENT = {"llm": "gpt-4o"}

@st.fragment
def picker():
    selected = st.selectbox("Model", ["gpt-4o", "claude"])
    if selected != OTHER:
        UPDATE
        st.rerun(scope="fragment")

picker()
"""


def guarded_rerun(other: str, update: str) -> str:
    return GUARDED_RERUN.replace("OTHER", other).replace("UPDATE", update)


def test_widget_compared_with_module_dict_is_reported(tmp_path):
    code = guarded_rerun('AGENT["llm"]', 'AGENT["llm"] = selected')
    assert findings(tmp_path, code, rule="rerun-scope-outside-fragment") == [("rerun-scope-outside-fragment", 10)]


def test_widget_compared_with_a_constant_is_reported(tmp_path):
    code = guarded_rerun('"gpt-4o"', "pass")
    assert findings(tmp_path, code, rule="rerun-scope-outside-fragment") == [("rerun-scope-outside-fragment", 10)]


def test_widget_kept_in_step_with_session_state_is_silent(tmp_path):
    code = guarded_rerun('st.session_state.get("llm")', 'st.session_state["llm"] = selected')
    assert findings(tmp_path, code, rule="rerun-scope-outside-fragment") == []


def test_flag_set_by_the_fragments_callback_is_silent(tmp_path):
    code = """
import streamlit as st

def ask():
    st.session_state.refresh = True

@st.fragment
def panel():
    st.button("Refresh", on_click=ask)
    if st.session_state.get("refresh"):
        st.session_state.refresh = False
        st.rerun(scope="fragment")

panel()
"""
    assert findings(tmp_path, code, rule="rerun-scope-outside-fragment") == []


# -- rerun-only-outside-write (FRG118): a first draw kept off the full run by data ----------

LOOP_DRAW = """
import streamlit as st

log = st.container()

@st.fragment(run_every="1s")
def tail_log():
    HEADER
    for line in st.session_state.get("pending", []):
        with log:
            st.write(line)

tail_log()
"""


def test_loop_over_state_the_full_run_lacks_is_reported(tmp_path):
    code = LOOP_DRAW.replace("HEADER", "pass")
    assert findings(tmp_path, code, version="1.59.0", rule="rerun-only-outside-write") == [
        ("rerun-only-outside-write", 10),
    ]


def test_loop_after_an_unconditional_draw_is_silent(tmp_path):
    code = LOOP_DRAW.replace("HEADER", 'log.caption("Log")')
    assert findings(tmp_path, code, version="1.59.0", rule="rerun-only-outside-write") == []


def test_loop_over_state_preset_with_entries_is_silent(tmp_path):
    code = LOOP_DRAW.replace("HEADER", "pass").replace(
        'log = st.container()', 'log = st.container()\nst.session_state.setdefault("pending", ["ready"])'
    )
    assert findings(tmp_path, code, version="1.59.0", rule="rerun-only-outside-write") == []


# -- fragments declared in ways plain resolution does not see (model.declarations) ----------

HIDDEN = """
import os
import streamlit as st

DECLARATION

@deco
def panel():
    st.sidebar.write("filters")

panel()
"""


def hidden(declaration: str) -> str:
    return HIDDEN.replace("DECLARATION", declaration)


def sidebar_findings(tmp_path: Path, declaration: str) -> list[tuple[str, int]]:
    return findings(tmp_path, hidden(declaration), version="1.45.0", rule="fragment-sidebar-call")


def test_conditional_alias_is_a_fragment(tmp_path):
    declaration = 'deco = st.fragment if hasattr(st, "fragment") else st.experimental_fragment'
    assert sidebar_findings(tmp_path, declaration) == [("fragment-sidebar-call", 8)]


def test_try_except_alias_is_a_fragment(tmp_path):
    declaration = "try:\n    deco = st.fragment\nexcept AttributeError:\n    deco = st.experimental_fragment"
    assert sidebar_findings(tmp_path, declaration) == [("fragment-sidebar-call", 11)]


def test_getattr_is_a_fragment(tmp_path):
    assert sidebar_findings(tmp_path, 'deco = getattr(st, "fragment")') == [("fragment-sidebar-call", 8)]


def test_wrapper_function_is_a_fragment(tmp_path):
    declaration = "def deco(func):\n    return st.fragment(func)"
    assert sidebar_findings(tmp_path, declaration) == [("fragment-sidebar-call", 9)]


def test_decorator_factory_is_a_fragment(tmp_path):
    declaration = "def live(every):\n    return st.fragment(run_every=every)\ndeco = live(5)"
    assert sidebar_findings(tmp_path, declaration) == [("fragment-sidebar-call", 10)]


def test_dict_of_fragment_decorators_is_a_fragment(tmp_path):
    declaration = 'DECOS = {"live": st.fragment(run_every=5), "static": st.fragment}\ndeco = DECOS[os.environ["MODE"]]'
    # `deco = DECOS[...]` binds an item of the dict: the name's one binding is judged by the dict's entries
    code = hidden(declaration).replace("@deco", '@DECOS[os.environ["MODE"]]')
    assert findings(tmp_path, code, version="1.45.0", rule="fragment-sidebar-call") == [("fragment-sidebar-call", 9)]


def test_may_fragment_reports_only_claims_true_either_way(tmp_path):
    declaration = 'deco = st.fragment if os.environ.get("FRAGMENTS") else (lambda f: f)'
    code = hidden(declaration).replace(
        'st.sidebar.write("filters")', 'st.sidebar.write("filters")\n    if st.button("Reload"):\n        st.rerun(scope="fragment")'
    )
    assert findings(tmp_path, code, version="1.45.0") == []


def test_queue_drained_by_the_timer_is_reported(tmp_path):
    code = """
import queue
import streamlit as st

log = st.container()
events = queue.Queue()

@st.fragment(run_every=1)
def drain():
    while not events.empty():
        log.write(events.get())

drain()
"""
    assert findings(tmp_path, code, version="1.59.0", rule="rerun-only-outside-write") == [
        ("rerun-only-outside-write", 10),
    ]
