"""FRG122 widget-key-in-two-fragments."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.entries import CodeScope
from fraglint.model.interpretation import Drawn, DrawnKind, Interpretation, ScopeKind
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class WidgetKeyInTwoFragments(Rule):
    """Two fragments draw a widget with the same key in one run.

    ## What it does
    Flags a widget whose literal `key=` another fragment (or dialog) already used for a widget
    in the same full run. Only widgets both fragments surely draw are considered: a widget or
    fragment call under a branch or loop, or after a conditional `st.stop()`, is skipped, as
    are keys that are not string or number literals.

    ## Why is this bad?
    A widget key names one widget of the whole page, not one per fragment. The full run draws
    both fragments, and Streamlit raises a duplicate key error at the second widget, so the
    page stops there.

    ## Example
    ```python
    @st.fragment
    def orders():
        st.text_input("Search", key="search")

    @st.fragment
    def customers():
        st.text_input("Search", key="search")  # duplicate key
    ```

    ## Use instead
    Give each fragment's widget its own key (`key="orders_search"`, `key="customers_search"`).
    """

    code = "FRG122"
    name = "widget-key-in-two-fragments"
    judges = CodeScope.APP_RUN
    severity = Severity.ERROR
    facts = ("duplicate-widget-key-raises",)
    reads = ("nested-fragments-unsupported", "dialog-in-fragment-nested")

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment
def orders():
    st.text_input("Search", key="orders_search")

@st.fragment
def customers():
    st.text_input("Search", key="customers_search")
    if st.checkbox("Advanced"):
        st.text_input("Filter", key="filter")

@st.fragment
def advanced():
    st.text_input("Filter", key="filter")

orders()
customers()
if st.toggle("More"):
    advanced()
""",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment
def orders():
    st.text_input("Search", key="search")

def search_box():
    st.text_input("Search", key="search")  # [widget-key-in-two-fragments]

@st.fragment
def customers():
    search_box()

orders()
customers()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.report_paths is not None and not any(_passes_a_key(ctx, path) for path in ctx.report_paths):
            return  # its findings are at a `key=` call of a reported file: none there, no walk to ask
        interpretation = ctx.interpretation()
        first: dict[tuple[str, str], Drawn] = {}  # (app run, key) -> the first sure draw in a fragment
        reported = set()
        for drawn in interpretation.drawn:
            if drawn.kind != DrawnKind.WIDGET or drawn.key is None or not _surely_drawn(interpretation, drawn):
                continue
            slot = (interpretation.app_of(drawn.scope), drawn.key)
            earlier = first.setdefault(slot, drawn)
            mine, theirs = interpretation.scopes[drawn.scope], interpretation.scopes[earlier.scope]
            if earlier is drawn or mine.function == theirs.function or drawn.site in reported:
                continue
            reported.add(drawn.site)
            yield Finding(
                drawn.site,
                f'widget key "{drawn.key}" is also used by a widget of {theirs.what}, drawn in the same run; '
                "Streamlit raises a duplicate key error",
                related=((earlier.site, f'"{drawn.key}" first drawn here, in {theirs.what}'),),
            )


def _passes_a_key(ctx: CheckContext, path: str) -> bool:
    """Does a call in module `path` pass `key=`? A keyed draw (`Drawn.key`) is made at such a call."""
    summary = ctx.index.module(path)
    return summary is None or any("key" in call.kwargs for function in summary.functions.values() for call in function.calls)


def _surely_drawn(interpretation: Interpretation, drawn: Drawn) -> bool:
    """Drawn inside a fragment on every full run: no branch, loop or conditional stop before it."""
    scope = interpretation.scopes[drawn.scope]
    if scope.kind != ScopeKind.FRAGMENT or scope.conditional or scope.after_stop is not None:
        return False
    return not drawn.conditional and drawn.after_stop is None
