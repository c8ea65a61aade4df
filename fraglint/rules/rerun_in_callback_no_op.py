"""FRG120 rerun-in-callback-no-op."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model import versions
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Site
from fraglint.model.streamlit_api import RerunScope
from fraglint.rules.base import CheckContext, Example, Finding, Rule, chain_related, describe_callback


class RerunInCallbackNoOp(Rule):
    """`st.rerun()` in a widget callback, before Streamlit 1.63.

    ## What it does
    Flags `st.rerun()` (or `st.rerun(scope="app")`) that runs only in widget callbacks
    (`on_click=`, `on_change=`, `on_submit=`, `on_select=`): in the callback itself, a helper it
    calls, or a lambda. A function the script also runs outside callbacks is left alone: there
    the call does rerun the app. A widget in a dialog counts too: `st.rerun()` in its callback
    does not close the dialog.

    ## Why is this bad?
    A callback runs first, as part of the rerun the interaction already triggers. Through
    Streamlit 1.62 an `st.rerun()` there does nothing except show the warning "Calling
    st.rerun() within a callback is a no-op." in the page, where users see it; the widget's own
    scope (its fragment, or the whole app) reruns after the callback either way. Code written to
    "refresh after the callback" works without it. From 1.63 the call reruns the whole app,
    also for a widget inside a fragment.

    ## Example
    ```python
    def clear():
        st.session_state.query = ""
        st.rerun()

    st.button("Clear", on_click=clear)
    ```

    ## Use instead
    ```python
    def clear():
        st.session_state.query = ""

    st.button("Clear", on_click=clear)
    ```
    """

    code = "FRG120"
    name = "rerun-in-callback-no-op"
    judges = CodeScope.ANYWHERE
    severity = Severity.WARNING
    facts = ("rerun-in-callback-no-op",)

    VALID = [
        Example(
            """
import streamlit as st

def clear():
    st.session_state.query = ""

st.button("Clear", on_click=clear)
if st.button("Reload"):
    st.rerun()
""",
            version="1.45.0",
        ),
        Example(
            """
import streamlit as st

def clear():
    st.session_state.query = ""
    st.rerun()

st.button("Clear", on_click=clear)
""",
            version="1.63.0",
        ),
        Example(
            """
import streamlit as st

def restart():
    st.session_state.clear()
    st.rerun()

st.button("Restart", on_click=restart)
if st.session_state.get("broken"):
    restart()
""",
            version="1.45.0",
        ),
    ]
    INVALID = [
        Example(
            # meant to close the dialog: before 1.63 the dialog stays open, with the warning
            """
import streamlit as st

def close():
    st.session_state.confirmed = True
    st.rerun()  # [rerun-in-callback-no-op]

@st.dialog("Confirm")
def confirm():
    st.button("Yes", on_click=close)

if st.button("Delete"):
    confirm()
""",
            version="1.45.0",
        ),
        Example(
            """
import streamlit as st

def clear():
    st.session_state.query = ""
    st.rerun()  # [rerun-in-callback-no-op]

@st.fragment
def search():
    st.text_input("Query", key="query")
    st.button("Clear", on_click=clear)

search()
st.button("Start over", on_click=lambda: st.rerun())  # [rerun-in-callback-no-op]
""",
            version="1.45.0",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        model = ctx.model
        reruns = [  # a positional argument is another rule's business
            rerun for rerun in ctx.reruns().all
            if rerun.request.scope is RerunScope.APP and not rerun.request.positional
        ]
        if not reruns:
            return
        reported: set[Site] = set()
        dialogs = {fragment.name for fragment in model.scopes.values() if fragment.dialog}
        graph = ctx.graph()
        for use in ctx.callbacks().reruns_reached(reruns, dialogs=True):
            if use.site in reported or use.function in graph.app_reach or use.function in graph.fragment_reach:
                continue  # the script runs this code too, where the rerun is real
            reported.add(use.site)
            advice = (
                f"the dialog `{use.fragment}` stays open: call `st.rerun()` in its body, after the button"
                if use.fragment in dialogs
                else "the widget's scope reruns after the callback anyway: drop the call"
            )
            yield Finding(
                use.site,
                f"`st.rerun()` in {describe_callback(use)} does nothing before Streamlit "
                f"{versions.until('rerun-in-callback-no-op')} but show the warning "
                f"'Calling st.rerun() within a callback is a no-op.'; {advice}",
                related=((use.widget, "the widget whose callback it is"),) + chain_related(use.chain),
            )
