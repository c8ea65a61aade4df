"""FRG113 duplicate-fragment-key."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class DuplicateFragmentKey(Rule):
    """Two fragment functions share one key.

    ## What it does
    Flags the second and later fragment functions declared with a `key=` that another fragment
    function called in the same script run already uses. Two pages of a multipage app (separate
    runs) may use one key; fraglint follows each entry script's run with its rerun interpreter
    to tell.

    ## Why is this bad?
    `st.rerun("<key>")` must name exactly one fragment. Streamlit 1.63+ raises a duplicate-key
    error when the second fragment with the same key is called in a run.

    ## Example
    ```python
    @st.fragment(key="charts")
    def sales(): ...

    @st.fragment(key="charts")
    def costs(): ...
    ```

    ## Use instead
    Give each fragment function its own key.
    """

    code = "FRG113"
    name = "duplicate-fragment-key"
    judges = CodeScope.APP_RUN
    severity = Severity.ERROR
    facts = ("fragment-key-duplicate-raises",)

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment(key="sales")
def sales():
    st.write("x")

@st.fragment(key="costs")
def costs():
    st.write("y")

sales()
costs()
"""
        ),
        Example(
            """
import streamlit as st

@st.fragment(key="charts")
def sales():
    st.write("x")

@st.fragment(key="charts")
def costs_for_another_page():
    st.write("y")

sales()
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment(key="charts")
def sales():
    st.write("x")

@st.fragment(key="charts")  # [duplicate-fragment-key]
def costs():
    st.write("y")

sales()
costs()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        shared = ctx.model.discovery.shared_keys
        if not shared:
            return
        # The key collides only when both fragments are called in one run: two pages of a
        # multipage app may each use it.
        runs = ctx.interpretation().runs_calling
        for key, fragments in shared.items():
            for position, fragment in enumerate(fragments):
                mine = runs.get(fragment.function, set())
                earlier = next((f for f in fragments[:position] if runs.get(f.function, set()) & mine), None)
                if earlier is None:
                    continue
                value = fragment.kwarg("key")  # present: the fragment has a key
                yield Finding(
                    Site(fragment.site.path, (value.site if value is not None else None) or fragment.site.site),
                    f'fragment key "{key}" is already used by fragment `{earlier.name}`, called in the same run; '
                    "Streamlit raises a duplicate-key error",
                    related=((earlier.site, f"`{earlier.name}` declares the key here"),),
                )
