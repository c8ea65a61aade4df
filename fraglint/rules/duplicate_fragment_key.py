"""FRG113 duplicate-fragment-key."""

from __future__ import annotations

from typing import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.fragments import Fragment, Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class DuplicateFragmentKey(Rule):
    """Two fragment functions share one key.

    ## What it does
    Flags the second and later fragment functions declared with a `key=` that another fragment
    function already uses.

    ## Why is this bad?
    `st.rerun("<key>")` must name exactly one fragment. Streamlit 1.63+ raises a duplicate-key
    error when the second function with the same key is registered.

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
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment(key="charts")
def sales():
    st.write("x")

@st.fragment(key="charts")
def costs():
    st.write("y")

sales()
costs()
""",
            lines=(7,),
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        first: dict[str, Fragment] = {}
        ordered = sorted(ctx.model.fragments.values(), key=lambda f: (f.site.path, f.site.site))
        for fragment in ordered:
            value = fragment.kwarg("key")
            if value is None or value.kind not in ("str", "num"):
                continue
            key = str(value.literal)
            if key not in first:
                first[key] = fragment
                continue
            yield Finding(
                Site(fragment.site.path, value.site or fragment.site.site),
                f'fragment key "{key}" is already used by fragment `{first[key].name}`; '
                "Streamlit raises a duplicate-key error",
                related=((first[key].site, f"`{first[key].name}` declares the key here"),),
            )
