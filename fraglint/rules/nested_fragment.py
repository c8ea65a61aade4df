"""FRG101 nested-fragment."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.model import versions
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule, chain_related, chain_text


class NestedFragment(Rule):
    """A fragment is called while another fragment runs.

    ## What it does
    Flags a call that starts a fragment from inside another fragment, directly or through any
    chain of helper calls, in releases where nested fragments are unsupported.

    ## Why is this bad?
    A fragment call opens a partial-rerun scope. Before Streamlit 1.37 the runtime keeps only one
    "current fragment": when the inner fragment returns, the outer fragment is forgotten, so the
    elements the outer fragment draws after that call are no longer part of it and its reruns do
    not redraw them. The 1.33 guide says plainly: "Calling fragments within fragments is unsupported."

    ## Example
    ```python
    @st.fragment
    def chart():
        st.line_chart(data)

    @st.fragment
    def dashboard():
        st.slider("Window", 1, 30)
        chart()  # a fragment inside a fragment
    ```

    ## Use instead
    Call the fragments one after the other from the script, or make the inner function a plain
    helper:
    ```python
    def chart():
        st.line_chart(data)

    @st.fragment
    def dashboard():
        st.slider("Window", 1, 30)
        chart()
    ```
    Or target Streamlit 1.37 or later, where nested fragments are supported.
    """

    code = "FRG101"
    name = "nested-fragment"
    judges = CodeScope.ANYWHERE
    facts = ("nested-fragments-unsupported",)

    VALID = [
        Example(
            """
import streamlit as st

@st.experimental_fragment
def chart():
    st.line_chart([1, 2, 3])

@st.experimental_fragment
def controls():
    st.slider("Window", 1, 30)

controls()
chart()
""",
            version="1.36.0",
        ),
        Example(
            """
import streamlit as st

@st.fragment
def chart():
    st.line_chart([1, 2, 3])

@st.fragment
def dashboard():
    chart()

dashboard()
""",
            version="1.45.0",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.experimental_fragment
def chart():
    st.line_chart([1, 2, 3])

def panel():
    chart()  # [nested-fragment]

@st.experimental_fragment
def dashboard():
    st.slider("Window", 1, 30)
    panel()

dashboard()
""",
            version="1.36.0",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        seen: set[Site] = set()
        for outer in ctx.model.fragments.values():
            for fragment_call, chain in ctx.model.graph.nested_calls(outer):
                site = fragment_call.site()
                if site in seen:
                    continue
                seen.add(site)
                inner = fragment_call.fragment.name
                path = chain_text(chain, ctx.index, outer.name) + f" -> {inner.rsplit('.', 1)[-1]}"
                yield Finding(
                    site,
                    f"fragment `{inner}` is called while fragment `{outer.name}` runs ({path}); "
                    "nested fragments are unsupported before Streamlit "
                    f"{versions.until('nested-fragments-unsupported')}",
                    related=((outer.site, f"outer fragment `{outer.name}` defined here"),) + chain_related(chain),
                )
