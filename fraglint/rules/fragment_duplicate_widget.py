"""FRG117 fragment-duplicate-widget."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.entries import CodeScope
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
    and Streamlit raises `DuplicateWidgetID` (`StreamlitDuplicateElementId` from 1.39) on the
    full run.

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
    judges = CodeScope.APP_RUN
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
    st.button("Refresh")  # [fragment-duplicate-widget]

card("Sales")
card("Costs")
for name in ["a", "b"]:
    card(name)
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        model = ctx.model
        calls = None  # every fragment call; in a check of part of a project, those of its fragments
        if ctx.narrowed():  # (a finding is in the fragment's own body)
            calls = [c for f in model.fragments.values() if ctx.reports(f.function.path) for c in ctx.calls_of(f)]
        for function_key, repeated in model.graph.repeated_calls(calls).items():
            fragment = model.fragments.get(function_key)
            if fragment is None:
                continue  # a dialog opened twice: not recorded on real releases
            path, _ = function_key
            for call, name in model.containers.literal_keyless_widgets(function_key):
                yield Finding(
                    Site(path, call.site),
                    f"`st.{name}` without a key in fragment `{fragment.name}`, which runs more than once per run; "
                    "the instances create the same widget ID and Streamlit raises "
                    f"{ctx.exception('duplicate-widget-id')}",
                    related=tuple((c.site(), "called here") for c in repeated[:3]),
                )
