"""FRG103 fragment-return-value."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.index import summary
from fraglint.model.decorators import passes_on_none
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Site
from fraglint.model.own_reruns import own_reruns
from fraglint.model.scope_notes import CallerNotRerun
from fraglint.rules.base import CheckContext, Example, Finding, Rule

_USES = {
    summary.ASSIGNED: "assigned",
    summary.RETURNED: "returned",
    summary.CONDITION: "tested",
    summary.ARGUMENT: "passed on",
    summary.FORMATTED: "formatted",
    summary.EXPRESSION: "used",
}


class FragmentReturnValue(Rule):
    """The value a fragment returns is used.

    ## What it does
    Flags a call of a fragment whose result is assigned, tested, passed on, returned or
    formatted, when the fragment returns a value and can rerun on its own: it (or code it
    calls) draws a widget or a form, it has a `run_every` timer, it calls
    `st.rerun(scope="fragment")`, or (1.63+) an `st.rerun` names its key. A fragment that
    nothing reruns alone only runs in full runs, so its callers always get a fresh value. A
    bare call statement is fine, and so is a transparent decorator whose wrapper returns an
    inner fragment's value when every decorated function returns None and no caller reads it.
    A dialog's function that returns a value is flagged wherever its call's result is used: a
    dialog call always returns None.
    Only code a Streamlit run executes is judged: not tests, not a library nobody runs.

    ## Why is this bad?
    On a full run the call returns normally, but when a widget inside the fragment (or its
    `run_every` timer) fires, Streamlit reruns only the fragment and throws its return value
    away: the code that consumed it does not run again and keeps the old value. The guide:
    "Streamlit ignores fragment return values during fragment reruns." A dialog is worse: its
    call returns None on every release, even on the run that opens it.

    ## Example
    ```python
    @st.fragment
    def pick_city():
        return st.selectbox("City", cities)

    city = pick_city()
    st.map(load(city))  # stale after the user picks another city
    ```

    ## Use instead
    Share data through Session State, and draw what depends on it inside the fragment or
    trigger a full rerun:
    ```python
    @st.fragment
    def pick_city():
        st.selectbox("City", cities, key="city")

    pick_city()
    st.map(load(st.session_state.city))
    ```
    """

    code = "FRG103"
    name = "fragment-return-value"
    judges = CodeScope.APP_RUN
    facts = ("fragment-return-ignored",)

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment
def pick_city():
    st.selectbox("City", ["Oslo", "Lima"], key="city")

pick_city()
_ = pick_city
"""
        ),
        Example(
            """
import streamlit as st

@st.fragment
def build_chart(data):
    fig = {"data": data}
    st.json(fig)
    return fig

fig = build_chart([1, 2])  # nothing reruns it alone: always fresh
"""
        ),
        Example(
            """
import functools

import streamlit as st

def partial(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        @st.fragment
        def _section():
            return func(*args, **kwargs)

        return _section()  # what filters() returns: None, and nobody reads it

    return wrapper

@partial
def filters():
    st.multiselect("Products", ["A", "B"], key="products")

filters()
"""
        ),
    ]
    INVALID = [
        Example(
            # a dialog's call returns None, also on the run that opens it
            """
import streamlit as st

@st.dialog("Log in")
def login_dialog(kind):
    name = st.text_input("Username")
    if name:
        st.session_state.user = name
        st.rerun()
    return bool(name)

def authenticate(kind):
    success = login_dialog(kind)  # [fragment-return-value]
    if success:
        st.toast("Welcome back")

st.button("Log in", on_click=authenticate, args=("login",))
""",
        ),
        Example(
            """
import streamlit as st

@st.fragment
def pick_city():
    return st.selectbox("City", ["Oslo", "Lima"])

city = pick_city()  # [fragment-return-value]
if pick_city():  # [fragment-return-value]
    st.write(f"{pick_city()}")  # [fragment-return-value]
""",
        ),
        Example(
            """
import streamlit as st

@st.fragment(run_every="10s")
def latest_orders():
    st.metric("Orders", 42)
    return 42

count = latest_orders()  # [fragment-return-value]
st.caption(f"{count} orders")
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for fragment_call in ctx.model.fragment_calls_in(ctx.report_paths):  # reported only where it is made
            use = fragment_call.call.use
            if use == summary.DISCARDED:
                continue
            fragment = fragment_call.fragment
            function = ctx.index.function(fragment.function)
            if function is None or not any(r.has_value for r in function.returns):
                continue  # it returns nothing: the caller always gets None, nothing vanishes
            if use == summary.RETURNED and passes_on_none(ctx.index, ctx.model.graph, fragment_call.caller, fragment.function):
                continue
            if fragment.dialog:
                yield _dialog_finding(fragment_call, use)
                continue
            causes = ctx.asks(own_reruns, ctx.model, fragment)
            if not causes:
                continue  # only full runs run it: every caller gets a fresh value
            name = fragment.name
            yield Finding(
                Site(fragment_call.caller[0], fragment_call.call.site),
                f"the return value of fragment `{name}` is {_USES.get(use, 'used')}, but Streamlit "
                f"discards it on the fragment's reruns ({causes[0]} reruns it alone); "
                "share data through `st.session_state`",
                related=((fragment.site, f"fragment `{name}` defined here"),),
                scope_facts=(CallerNotRerun(name, causes[0], fragment_call.caller[1]),),
            )


def _dialog_finding(fragment_call, use) -> Finding:
    """A dialog's call returns None on every release (1.34-1.67: the decorator's wrapper runs the
    function as a fragment and drops its result; oracle case `dialog_return`)."""
    name = fragment_call.fragment.name
    return Finding(
        Site(fragment_call.caller[0], fragment_call.call.site),
        f"the return value of dialog `{name}` is {_USES.get(use, 'used')}, but calling a dialog "
        "always returns None: Streamlit drops what its function returns; share data through "
        "`st.session_state`",
        related=((fragment_call.fragment.site, f"dialog `{name}` defined here"),),
    )
