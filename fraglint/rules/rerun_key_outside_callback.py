"""FRG114 rerun-key-outside-callback."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.index.summary import MODULE_SCOPE, display_name
from fraglint.model.entries import CodeScope
from fraglint.model.streamlit_api import RerunScope
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class RerunKeyOutsideCallback(Rule):
    """`st.rerun("<key>")` outside a widget callback.

    ## What it does
    Flags `st.rerun` with a fragment key (a string other than "app" and "fragment", or an int)
    that runs in the script body or in a fragment body instead of a widget callback
    (`on_click=` / `on_change=`).

    ## Why is this bad?
    A keyed rerun replaces the rerun that the current interaction would trigger, which only
    makes sense while Streamlit handles that interaction, in a callback. Elsewhere Streamlit
    1.63+ raises `StreamlitAPIException` (error id `rerun-keyed-outside-callback`).

    ## Example
    ```python
    if st.button("Refresh charts"):
        st.rerun("charts")
    ```

    ## Use instead
    ```python
    st.button("Refresh charts", on_click=lambda: st.rerun("charts"))
    ```
    """

    code = "FRG114"
    name = "rerun-key-outside-callback"
    judges = CodeScope.APP_RUN
    severity = Severity.ERROR
    facts = ("rerun-key-outside-callback-raises",)

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment(key="charts")
def charts():
    st.write("x")

def refresh():
    st.rerun("charts")

charts()
st.button("Refresh", on_click=refresh)
st.button("Again", on_click=lambda: st.rerun("charts"))
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment(key="charts")
def charts():
    if st.button("Refresh"):
        st.rerun("charts")  # [rerun-key-outside-callback]

charts()
if st.button("All"):
    st.rerun(scope="charts")  # [rerun-key-outside-callback]
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        app_reach = ctx.graph().app_reach
        fragment_reach = ctx.graph().fragment_reach
        for rerun in ctx.reruns().all:
            if rerun.request.scope is not RerunScope.KEY or rerun.request.value is None:
                continue  # a KEY request always carries the value it read its key from
            key = rerun.function
            if key in app_reach:
                where = "the script body" if key.qualname == MODULE_SCOPE else f"`{display_name(key.qualname)}`, called from the script body"
            elif key in fragment_reach:
                where = f"the body of {fragment_reach[key][0].what}"
            else:
                continue  # only reached as a callback, or not reached at all
            yield Finding(
                rerun.site,
                f'`st.rerun({rerun.request.value.literal!r})` with a fragment key runs in {where}, not in a widget '
                "callback; Streamlit raises StreamlitAPIException",
            )
