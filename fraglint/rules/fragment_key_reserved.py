"""FRG112 fragment-key-reserved."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule

RESERVED = ("app", "fragment")


class FragmentKeyReserved(Rule):
    """A fragment key that Streamlit reserves.

    ## What it does
    Flags `@st.fragment(key="app")` and `@st.fragment(key="fragment")`.

    ## Why is this bad?
    `st.rerun("app")` and `st.rerun("fragment")` already mean "the whole app" and "this
    fragment", so Streamlit 1.63+ refuses these keys when the decorator runs
    (`StreamlitAPIException`).

    ## Example
    ```python
    @st.fragment(key="app")
    def charts():
        ...
    ```

    ## Use instead
    ```python
    @st.fragment(key="charts")
    def charts():
        ...
    ```
    """

    code = "FRG112"
    name = "fragment-key-reserved"
    judges = CodeScope.ANYWHERE
    severity = Severity.ERROR
    facts = ("fragment-key-reserved-raises",)

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment(key="charts")
def charts():
    st.write("x")

charts()
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment(key="fragment")  # [fragment-key-reserved]
def charts():
    st.write("x")

charts()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for fragment in ctx.model.fragments.values():
            if fragment.key in RESERVED:
                value = fragment.kwarg("key")  # present: the fragment has a key
                yield Finding(
                    Site(fragment.site.path, (value.site if value is not None else None) or fragment.site.site),
                    f'fragment key "{fragment.key}" is reserved by `st.rerun`; Streamlit raises StreamlitAPIException',
                )
