"""FRG127 parallel-fragment-unsafe-call."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.index.project import FunctionKey
from fraglint.index.summary import CallSite
from fraglint.model.call_graph import Chain, ChainStep
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Fragment, Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule, chain_related, once_per_site, parallel_fragments


class ParallelFragmentUnsafeCall(Rule):
    """A `parallel=True` fragment opens a dialog or calls `st.switch_page` on its first run.

    ## What it does
    Flags a dialog function or `st.switch_page` called, with no condition on the way, from a
    fragment declared with `parallel=True`, directly, through helpers or through fragments it
    calls. A call behind a widget interaction (`if st.button(...):`) is not flagged: it runs in
    a fragment rerun, which is sequential.

    ## Why is this bad?
    On the full run that draws it, a parallel fragment (Streamlit 1.58+) runs on a worker
    thread, where opening a dialog or switching pages is not safe. Streamlit raises
    `StreamlitAPIException` (`StreamlitInvalidLayoutContextError` from 1.63): "`@st.dialog`
    cannot be called from a parallel fragment during the initial page load" (or
    "`st.switch_page` cannot ..."), and the rest of the fragment's body is not drawn. Once the
    fragment has drawn its widgets, a click on one of them reruns it sequentially, and the
    same call then works: the oracle cases `parallel_dialog`, `parallel_switch_page`,
    `parallel_dialog_nested` (through an ordinary fragment) and `parallel_dialog_gated` record
    both on every release from 1.58.

    ## Example
    ```python
    @st.fragment(parallel=True)
    def report():
        confirm()  # an @st.dialog function
    ```

    ## Use instead
    Gate the call behind a widget of the fragment:
    ```python
    @st.fragment(parallel=True)
    def report():
        if st.button("Confirm"):
            confirm()
    ```
    """

    code = "FRG127"
    name = "parallel-fragment-unsafe-call"
    judges = CodeScope.ANYWHERE
    severity = Severity.ERROR
    facts = ("parallel-unsafe-api-raises",)

    VALID = [
        Example(
            """
import streamlit as st

@st.dialog("Confirm")
def confirm():
    st.write("sure?")

@st.fragment(parallel=True)
def report():
    st.write("ready")
    if st.button("Confirm"):
        confirm()

report()
""",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.dialog("Confirm")
def confirm():
    st.write("sure?")

@st.fragment
def inner():
    confirm()  # [parallel-fragment-unsafe-call]

@st.fragment(parallel=True)
def report():
    st.switch_page("pages/done.py")  # [parallel-fragment-unsafe-call]
    inner()

report()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        return once_per_site(self._findings(ctx))

    def _findings(self, ctx: CheckContext) -> Iterator[Finding]:
        for fragment in parallel_fragments(ctx):
            if not ctx.may_reach_reported(fragment.function.path) or not ctx.calls_of(fragment):
                continue  # (its findings are in code it reaches) / never called
            for key, call, chain, what in _unsafe_calls(ctx, fragment):
                yield Finding(
                    Site(key.path, call.site),
                    f"{what} runs unconditionally in parallel fragment `{fragment.name}`, so also on the full "
                    "run that draws it, on a worker thread; Streamlit raises "
                    f"{ctx.exception('parallel-unsafe-call')} "
                    "(gate it behind a widget of the fragment)",
                    related=chain_related(chain),
                )


def _unsafe_calls(ctx: CheckContext, fragment: Fragment) -> Iterator[tuple[FunctionKey, CallSite, Chain, str]]:
    """Dialog openings and `st.switch_page` calls the fragment's first run always makes, with
    the chain of unconditional calls that leads there (into nested fragments too: they run on
    the same worker)."""
    chains: dict[FunctionKey, Chain] = {fragment.function: ()}
    queue = deque(chains)
    while queue:
        key = queue.popleft()
        function = ctx.index.function(key)
        if function is None:
            continue
        first_return = min((r.site for r in function.returns), default=None)
        for edge in ctx.model.graph.out(key):
            call = edge.call
            if _conditional(call, first_return):
                continue
            inner = edge.fragment
            if inner is not None and inner.dialog:
                yield key, call, chains[key], f"dialog `{inner.name}`"
                continue
            callee = inner.function if inner is not None else edge.callee
            if callee is not None and callee not in chains:
                chains[callee] = chains[key] + (ChainStep(key, call),)
                queue.append(callee)
        for call in function.calls:
            if ctx.model.streamlit_call(key, call) == "switch_page" and not _conditional(call, first_return):
                yield key, call, chains[key], "`st.switch_page`"


def _conditional(call: CallSite, first_return: int | None) -> bool:
    """A call some run may skip: in a branch or loop, or after a `return` that may come first."""
    return call.in_branch or call.in_loop or bool(call.guards) or (first_return is not None and first_return < call.site)
