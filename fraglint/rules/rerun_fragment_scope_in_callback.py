"""FRG119 rerun-fragment-scope-in-callback."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.callbacks import CallbackRerun
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Site
from fraglint.model.streamlit_api import RerunScope
from fraglint.rules.base import CheckContext, Example, Finding, Rule, chain_related, describe_callback


class RerunFragmentScopeInCallback(Rule):
    """`st.rerun(scope="fragment")` in a widget callback.

    ## What it does
    Flags `st.rerun(scope="fragment")` (from 1.63 also spelled `st.rerun("fragment")`) that runs
    in a widget callback (`on_click=`, `on_change=`, `on_submit=`, `on_select=`): in the callback
    function itself, in a helper it calls, or in a lambda. A call under an `if` counts too, since
    it fails whenever the branch is taken.

    * Callback of a widget drawn outside every fragment: flagged on every release with `scope=`.
    * Callback of a widget drawn inside a fragment: flagged as an error through 1.59 and as a
      warning in 1.62; from 1.63 the call reruns that fragment and is not flagged.

    When one callback serves widgets of both kinds, the call is reported once, as for the widget
    outside fragments. A call that `rerun-scope-outside-fragment` already reports (the script
    also calls the function outside a fragment) is left to that rule.

    ## Why is this bad?
    A widget's callback runs before the rerun that the interaction triggers, not inside the
    script or a fragment body, so "the fragment that is running now" does not exist there:

    * for a widget outside fragments Streamlit raises `StreamlitAPIException`, 'scope="fragment"
      can only be specified from @st.fragment-decorated functions during fragment reruns', as it
      does in the script body;
    * for a widget inside a fragment the callback cannot find that fragment: `AssertionError`
      (1.37-1.45) or `RuntimeError` (1.46-1.61) "Could not find current_fragment_id in
      fragment_id_queue". In 1.62 any `st.rerun` in a callback does nothing but show the
      warning "Calling st.rerun() within a callback is a no-op." in the page.

    The call is not needed: after a callback returns, Streamlit reruns the widget's own scope
    anyway, its fragment for a widget inside one and the whole app for a widget outside.

    ## Example
    ```python
    def reload():
        st.session_state.rows = load_rows()
        st.rerun(scope="fragment")

    @st.fragment
    def table():
        st.dataframe(st.session_state.rows)
        st.button("Reload", on_click=reload)
    ```

    ## Use instead
    Drop the call; the fragment reruns after the callback:
    ```python
    def reload():
        st.session_state.rows = load_rows()

    @st.fragment
    def table():
        st.dataframe(st.session_state.rows)
        st.button("Reload", on_click=reload)
    ```
    """

    code = "FRG119"
    name = "rerun-fragment-scope-in-callback"
    judges = CodeScope.ANYWHERE
    severity = Severity.ERROR
    facts = ("rerun-fragment-scope-app-callback-raises",)
    reads = (
        "rerun-fragment-scope-fragment-callback-raises",
        "rerun-fragment-scope-fragment-callback-no-op",
        "fragment-key-exists",
    )

    VALID = [
        Example(
            """
import streamlit as st

def reload():
    st.session_state.rows = []

@st.fragment
def table():
    st.button("Reload", on_click=reload)
    if st.button("Refresh"):
        st.rerun(scope="fragment")

table()
st.button("Reset", on_click=lambda: st.rerun())
"""
        ),
        Example(
            # from 1.63 the callback of a fragment's widget may rerun that fragment
            """
import streamlit as st

def reload():
    st.rerun(scope="fragment")

@st.fragment
def table():
    st.button("Reload", on_click=reload)
    st.button("Again", on_click=lambda: st.rerun("fragment"))

table()
""",
            version="1.63.0",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

def refresh():
    if st.session_state.get("dirty"):
        st.rerun(scope="fragment")

def reload():
    refresh()

@st.fragment
def table():
    st.button("Reload", on_click=reload)

table()
st.button("Refresh", on_click=lambda: st.rerun("fragment"))  # [rerun-fragment-scope-in-callback]
""",
        ),
        Example(
            """
import streamlit as st

def refresh():
    if st.session_state.get("dirty"):
        st.rerun(scope="fragment")  # [rerun-fragment-scope-in-callback]

def reload():
    refresh()

@st.fragment
def table():
    st.button("Reload", on_click=reload)
    st.button("Again", on_click=lambda: st.rerun(scope="fragment"))  # [rerun-fragment-scope-in-callback]

table()
""",
            version="1.45.0",
        ),
        Example(
            # one callback for a widget inside a fragment and one outside: reported once
            """
import streamlit as st

def refresh():
    st.rerun(scope="fragment")  # [rerun-fragment-scope-in-callback]

@st.fragment
def table():
    st.button("Reload", on_click=refresh)

table()
st.button("Reload all", on_click=refresh)
""",
            version="1.63.0",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        # `rerun(*, scope=...)` is keyword-only until 1.63 (a positional scope is a TypeError,
        # reported by fragment-api-unavailable); from 1.63 `st.rerun("fragment")` is the scope.
        positional = ctx.holds("fragment-key-exists")
        reruns = [
            rerun for rerun in ctx.reruns().all
            if rerun.request.scope is RerunScope.FRAGMENT and (rerun.request.keyword or positional)
        ]
        if not reruns:
            return
        taken = {found.rerun.site for found in ctx.reruns().fragment_scope_in_script}
        verdicts: dict[Site, CallbackRerun] = {}
        for use in ctx.callbacks().reruns_reached(reruns):
            if use.site in taken:
                continue  # rerun-scope-outside-fragment reports it
            kept = verdicts.get(use.site)
            if kept is None or (use.fragment is None and kept.fragment is not None):
                verdicts[use.site] = use
        for use in verdicts.values():
            finding = self._finding(use, ctx)
            if finding is not None:
                yield finding

    def _finding(self, use: CallbackRerun, ctx: CheckContext) -> Finding | None:
        where = describe_callback(use)
        written = use.rerun.request.written()
        related = ((use.widget, "the widget whose callback it is"),) + chain_related(use.chain)
        if use.fragment is None:
            if not ctx.holds("rerun-fragment-scope-app-callback-raises"):
                return None
            return Finding(
                use.site,
                f"`{written}` runs in {where}, the callback of a widget drawn outside every fragment; "
                "there is no fragment to rerun and Streamlit raises "
                f"{ctx.exception('rerun-fragment-scope-outside')}. Drop it: the app "
                "reruns after the callback anyway",
                related=related,
            )
        if ctx.holds("rerun-fragment-scope-fragment-callback-raises"):
            return Finding(
                use.site,
                f"`{written}` runs in {where}, the callback of a widget in fragment `{use.fragment}`; "
                "the callback cannot find its fragment and Streamlit raises "
                f"{ctx.exception('fragment-callback-rerun-lookup')} 'Could not find current_fragment_id "
                "in fragment_id_queue'. Drop it: the fragment reruns after the callback anyway",
                related=related,
            )
        if ctx.holds("rerun-fragment-scope-fragment-callback-no-op"):
            return Finding(
                use.site,
                f"`{written}` in {where}, the callback of a widget in fragment `{use.fragment}`, does "
                "nothing but show the warning 'Calling st.rerun() within a callback is a no-op.'. Drop it: the "
                "fragment reruns after the callback anyway",
                related=related,
                severity=Severity.WARNING,
            )
        return None
