"""FRG102 cached-fragment."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.model.entries import CodeScope
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class CachedFragment(Rule):
    """A function is both cached and a fragment.

    ## What it does
    Flags a function that carries a Streamlit cache decorator (`st.cache_data`,
    `st.cache_resource`, `st.cache`, `st.experimental_memo`, `st.experimental_singleton`) and
    the fragment decorator, in either order, or a cached function wrapped with `st.fragment(...)`.

    ## Why is this bad?
    A fragment is code that must *run again* on its partial reruns; a cache exists to *skip*
    running code and replay a stored result. Combined, the cache replays the elements the
    fragment drew on its first call instead of rerunning it, so its widgets and `run_every`
    timer stop behaving like a fragment's. Streamlit's guide says: "Using caching and fragments
    on the same function is unsupported." No exception tells you.

    ## Example
    ```python
    @st.cache_data
    @st.fragment
    def prices():
        st.line_chart(load_prices())
    ```

    ## Use instead
    Cache the data loader, not the fragment:
    ```python
    @st.cache_data
    def load_prices():
        ...

    @st.fragment
    def prices():
        st.line_chart(load_prices())
    ```
    """

    code = "FRG102"
    name = "cached-fragment"
    judges = CodeScope.ANYWHERE
    facts = ("cache-plus-fragment-unsupported",)

    VALID = [
        Example(
            """
import streamlit as st

@st.cache_data
def load():
    return [1, 2, 3]

@st.fragment
def prices():
    st.line_chart(load())

prices()
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.cache_data  # [cached-fragment]
@st.fragment
def prices():
    st.line_chart([1, 2])

prices()
""",
        ),
        Example(
            """
from streamlit import fragment, cache_resource as cache

@fragment(run_every="10s")
@cache(ttl=60)  # [cached-fragment]
def prices():
    pass

prices()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for fragment in ctx.model.fragments.values():
            for site, cache_api in ctx.model.discovery.cache_decorators(fragment):
                how = "wrapped with" if fragment.wrapped_by_call else "also decorated with"
                yield Finding(
                    site,
                    f"`{fragment.name}` is cached with `st.{cache_api}` and {how} `st.{fragment.api}`; "
                    "the cache replays the fragment instead of rerunning it",
                    related=((fragment.site, "fragment decorator here"),),
                )
