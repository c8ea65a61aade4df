"""FRG124 async-fragment."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.model.entries import CodeScope
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class AsyncFragment(Rule):
    """A fragment or dialog made from an `async def`.

    ## What it does
    Flags `@st.fragment`, `@st.dialog` (and their experimental spellings, and `st.fragment(f)`)
    on a coroutine function.

    ## Why is this bad?
    Streamlit calls the decorated function inside the fragment's scope and returns what it
    returns; no release awaits it. For an `async def` that is a coroutine: the body runs only
    when the caller awaits it (`asyncio.run(panel())`), after the fragment's scope has ended,
    so its elements and widgets are not the fragment's: a click on one reruns the whole app. On
    a fragment rerun (its `run_every` timer) Streamlit gets the coroutine back and nobody awaits
    it: the fragment draws nothing ("coroutine was never awaited"). No exception tells you.
    `fraglint scopes` shows such a call in its caller's scope.

    ## Example
    ```python
    @st.fragment(run_every="5s")
    async def prices():
        st.line_chart(await fetch_prices())

    asyncio.run(prices())
    ```

    ## Use instead
    Keep the fragment synchronous and run the coroutine inside it:
    ```python
    @st.fragment(run_every="5s")
    def prices():
        st.line_chart(asyncio.run(fetch_prices()))

    prices()
    ```
    """

    code = "FRG124"
    name = "async-fragment"
    judges = CodeScope.ANYWHERE
    facts = ("async-fragment-unsupported",)

    VALID = [
        Example(
            """
import asyncio
import streamlit as st

async def fetch():
    return [1, 2, 3]

@st.fragment(run_every="5s")
def prices():
    st.line_chart(asyncio.run(fetch()))

prices()
"""
        ),
    ]
    INVALID = [
        Example(
            """
import asyncio
import streamlit as st

@st.fragment(run_every="5s")  # [async-fragment]
async def prices():
    await asyncio.sleep(0)
    st.line_chart([1, 2, 3])

asyncio.run(prices())
""",
        ),
        Example(
            """
import asyncio
import streamlit as st

@st.dialog("Confirm")  # [async-fragment]
async def confirm():
    if st.button("OK"):
        st.rerun()

if st.button("Delete"):
    asyncio.run(confirm())
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        declared = {**ctx.model.discovery.dialogs, **ctx.model.fragments}  # one finding per function
        for fragment in declared.values():
            function = ctx.index.function(fragment.function)
            if function is None or not function.is_async:
                continue
            yield Finding(
                fragment.site,
                f"`{fragment.name}` is an `async def` decorated with `st.{fragment.api}`; Streamlit "
                "never awaits it, so its body runs outside the fragment and its reruns draw nothing",
            )
