"""FRG116 stale-fragment-argument."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Site
from fraglint.model.scope_notes import ArgumentsNotReevaluated
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class StaleFragmentArgument(Rule):
    """A fragment argument is read from session state that only a fragment's rerun changes.

    ## What it does
    Flags an argument of a fragment call that reads `st.session_state` (directly, through
    `st.session_state.get("k", default)` written in place, or through a local variable) when
    every write of that key (a widget's `key=`, an assignment, a callback of a widget) happens
    inside a fragment whose reruns do not rerun the calling code. From 1.63 a widget callback
    that calls `st.rerun()` reruns the whole app after the change, so an argument that callback
    (or its widget) updates is fresh and not reported.

    ## Why is this bad?
    Arguments are evaluated by the caller. When a widget inside a fragment changes the key,
    only that fragment reruns: the caller does not, so the fragment keeps receiving the value
    from the last full run. The guide: "Fragments can't detect a change in input values."

    ## Example
    ```python
    @st.fragment
    def controls():
        st.slider("Days", 1, 30, key="days")

    @st.fragment
    def chart(days):
        st.line_chart(load(days))

    controls()
    chart(st.session_state.days)  # stale after the slider moves
    ```

    ## Use instead
    Read session state inside the fragment that needs it:
    ```python
    @st.fragment
    def chart():
        st.line_chart(load(st.session_state.days))
    ```
    """

    code = "FRG116"
    name = "stale-fragment-argument"
    judges = CodeScope.APP_RUN
    reads = ("callback-rerun-reruns-app",)

    VALID = [
        Example(
            """
import streamlit as st

st.slider("Days", 1, 30, key="days")

@st.fragment
def chart(days):
    st.write(days)

chart(st.session_state.days)
"""
        ),
        Example(
            # 1.63+: the callback's st.rerun() reruns the whole app after the change
            """
import streamlit as st

def apply_days():
    st.rerun()

@st.fragment
def controls():
    st.slider("Days", 1, 30, key="days", on_change=apply_days)

@st.fragment
def chart(days):
    st.write(days)

controls()
chart(st.session_state.get("days", 7))
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment
def controls():
    st.slider("Days", 1, 30, key="days")

@st.fragment
def chart(days, region):
    st.write(days, region)

controls()
region = st.session_state.get("region", "EU")
chart(st.session_state["days"], region=region)  # [stale-fragment-argument, stale-fragment-argument]

@st.fragment
def pick():
    st.session_state.region = st.selectbox("Region", ["EU", "US"])

pick()
""",
        ),
        Example(
            """
import streamlit as st

def next_page():
    st.session_state.page = st.session_state.get("page", 0) + 1

@st.fragment
def pager():
    st.button("Next", on_click=next_page)

@st.fragment
def table(page):
    st.write(page)

pager()
table(st.session_state.get("page", 0))  # [stale-fragment-argument]
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        model = ctx.model
        writers = model.state.writers
        app_rerunning: set | None = None  # asked only for a call that reads a written key (every callback's reach)
        for fragment_call in model.fragment_calls_in(ctx.report_paths):  # reported where it is made
            if fragment_call.fragment.dialog:
                continue  # not recorded for dialogs on real releases
            caller = fragment_call.caller
            values = list(fragment_call.call.args) + list(fragment_call.call.kwargs.values())
            for value in values:
                key = model.state.value_key(caller.path, caller.qualname, value)
                if key is None or key not in writers:
                    continue
                if app_rerunning is None:
                    app_rerunning = (
                        model.callbacks.rerunning_app(model.reruns.all)
                        if ctx.holds("callback-rerun-reruns-app") else set()
                    )
                writer_fragments = model.state.fragments_alone_writing(key, caller, model.callbacks.owners, app_rerunning)
                if not writer_fragments:
                    continue
                names = ", ".join(f"`{name}`" for name in sorted(writer_fragments))
                yield Finding(
                    Site(caller[0], value.site),
                    f"argument of fragment `{fragment_call.fragment.name}` reads `st.session_state[{key!r}]`, "
                    f"which only fragment {names} changes; those reruns do not re-evaluate this call, so the "
                    "fragment keeps the old value until the next full run (read session state inside the fragment)",
                    related=tuple((w.site, f"`{key}` written here ({w.how.value})") for w in writers[key]),
                    scope_facts=(ArgumentsNotReevaluated(fragment_call.fragment.name, caller[1], tuple(sorted(writer_fragments))),),
                )
