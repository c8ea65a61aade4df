"""FRG117 fragment-duplicate-widget."""

from __future__ import annotations

from typing import Iterator

from fraglint.diagnostics import Severity
from fraglint.model import streamlit_api as api
from fraglint.model.fragments import Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class FragmentDuplicateWidget(Rule):
    """A fragment called more than once per run draws the same keyless widget twice.

    ## What it does
    Flags a widget without `key=` and with only literal arguments inside a fragment that one
    run calls more than once (two unconditional calls, or a call in a loop).

    ## Why is this bad?
    Every call of a fragment is its own instance, but a widget's identity comes from its type,
    label and arguments. Two instances drawing `st.button("Refresh")` create the same widget ID
    and Streamlit raises `DuplicateWidgetID` on the full run.

    ## Example
    ```python
    @st.fragment
    def card(title):
        st.subheader(title)
        st.button("Refresh")

    card("Sales")
    card("Costs")
    ```

    ## Use instead
    Give the widget a key derived from the instance:
    ```python
    @st.fragment
    def card(title):
        st.subheader(title)
        st.button("Refresh", key=f"refresh-{title}")
    ```
    """

    code = "FRG117"
    name = "fragment-duplicate-widget"
    severity = Severity.ERROR
    facts = ("duplicate-widget-id-raises",)

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment
def card(title):
    st.button("Refresh", key=f"refresh-{title}")
    st.button(f"Open {title}")

card("Sales")
card("Costs")
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment
def card(title):
    st.subheader(title)
    st.button("Refresh")

card("Sales")
card("Costs")
for name in ["a", "b"]:
    card(name)
""",
            lines=(6,),
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        model = ctx.model
        calls_by_fragment: dict = {}
        for fragment_call in model.fragment_calls:
            if fragment_call.call.in_branch:
                continue
            calls_by_fragment.setdefault(fragment_call.fragment.function, []).append(fragment_call)
        for function_key, calls in calls_by_fragment.items():
            repeated = [c for c in calls if c.call.in_loop]
            by_caller: dict = {}
            for c in calls:
                by_caller.setdefault(c.caller, []).append(c)
            repeated += [c for group in by_caller.values() if len(group) > 1 for c in group[:2]]
            if not repeated:
                continue
            fragment = model.fragments[function_key]
            function = ctx.index.function(function_key)
            if function is None:
                continue
            for call in function.calls:
                name = model.streamlit_call(function_key, call)
                if name is None or "." in name or not api.is_widget(name) or call.in_branch:
                    continue
                if "key" in call.kwargs or not call.args:
                    continue
                values = list(call.args) + list(call.kwargs.values())
                if any(v.kind not in ("str", "num", "bool", "none") for v in values):
                    continue
                yield Finding(
                    Site(function_key[0], call.site),
                    f"`st.{name}` without a key in fragment `{fragment.name}`, which runs more than once per run; "
                    "the instances create the same widget ID and Streamlit raises DuplicateWidgetID",
                    related=tuple((Site(c.caller[0], c.call.site), "called here") for c in repeated[:3]),
                )
