"""FRG111 parallel-fragment-outside-write."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.entries import CodeScope
from fraglint.rules.base import CheckContext, Example, Finding, Rule, chain_related, once_per_site, parallel_fragments


class ParallelFragmentOutsideWrite(Rule):
    """A `parallel=True` fragment writes outside its own container.

    ## What it does
    Flags, in a fragment declared with `parallel=True`, any element or widget drawn into a
    container created outside the fragment, `st.sidebar` and `st.bottom` included, and any
    `with <outside container>:` block, also through helpers.

    ## Why is this bad?
    Parallel fragments (Streamlit 1.58+) run concurrently with the rest of the app, so they may
    only touch their own container; anything else would race with the main script. Streamlit
    raises `StreamlitAPIException` (`StreamlitInvalidLayoutContextError` from 1.63).

    ## Example
    ```python
    log = st.container()

    @st.fragment(parallel=True)
    def fetch():
        log.write("fetched")
    ```

    ## Use instead
    Write inside the fragment's own body, or hand results back through `st.session_state`.
    """

    code = "FRG111"
    name = "parallel-fragment-outside-write"
    judges = CodeScope.ANYWHERE
    severity = Severity.ERROR
    facts = ("parallel-outside-write-raises",)
    reads = ("sidebar-in-fragment-raises",)

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment(parallel=True)
def fetch():
    box = st.container()
    box.write("own container")

fetch()
""",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

log = st.container()

@st.fragment(parallel=True)
def fetch():
    log.write("fetched")  # [parallel-fragment-outside-write]
    st.sidebar.write("status")  # [parallel-fragment-outside-write]

fetch()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        return once_per_site(self._findings(ctx))

    def _findings(self, ctx: CheckContext) -> Iterator[Finding]:
        # Where Streamlit's older sidebar check still exists (1.58), it fires first: the
        # sidebar use is reported by fragment-sidebar-call, with the exception users will see.
        sidebar_raises = ctx.holds("sidebar-in-fragment-raises")
        for fragment in parallel_fragments(ctx):
            if not ctx.may_reach_reported(fragment.function.path):
                continue  # (its uses are in code it reaches: none is in a reported file)
            for use in ctx.model.containers.container_uses(fragment):
                container = use.container
                if not container.outside or (sidebar_raises and container.api == "sidebar"):
                    continue
                what = f"enters {container.how}" if use.element is None else f"draws `{use.element}` into {container.how}"
                yield Finding(
                    use.site,
                    f"parallel fragment `{fragment.name}` {what}, created outside it; "
                    f"Streamlit raises {ctx.exception('parallel-outside-write')}",
                    related=chain_related(use.chain),
                )
