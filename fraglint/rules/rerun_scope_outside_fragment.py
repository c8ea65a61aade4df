"""FRG107 rerun-scope-outside-fragment."""

from __future__ import annotations

from typing import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.fragments import Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule, chain_related


class RerunScopeOutsideFragment(Rule):
    """`st.rerun(scope="fragment")` in code that runs outside a fragment.

    ## What it does
    Flags `st.rerun(scope="fragment")` at module level, or in a function that the script calls
    outside any fragment (directly or through helpers), and, inside a fragment, a call that is
    not guarded by a condition (such as the fragment's own widget), since it then also runs
    during the full-app run that first draws the fragment. A function that runs only as a widget
    callback is not script code: `rerun-fragment-scope-in-callback` (FRG119) covers it, and a call
    site that both rules would flag is reported once, here.

    ## Why is this bad?
    A fragment-scoped rerun asks Streamlit to rerun "the fragment that is running now". Outside
    a fragment there is none, and Streamlit raises `StreamlitAPIException`: 'scope="fragment"
    can only be specified from `@st.fragment`-decorated functions during fragment reruns.'

    ## Example
    ```python
    def refresh():
        st.rerun(scope="fragment")

    if st.button("Refresh"):
        refresh()  # not inside a fragment
    ```

    ## Use instead
    Call it only from a fragment's own code, or rerun the app:
    ```python
    @st.fragment
    def panel():
        if st.button("Refresh"):
            st.rerun(scope="fragment")
    ```
    """

    code = "FRG107"
    name = "rerun-scope-outside-fragment"
    severity = Severity.ERROR
    facts = ("rerun-fragment-scope-outside-raises",)

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment
def panel():
    if st.button("Refresh"):
        st.rerun(scope="fragment")

panel()
if st.button("All"):
    st.rerun()
"""
        ),
        Example(
            # a callback is not script code: rerun-fragment-scope-in-callback judges it
            """
import streamlit as st

def refresh():
    st.rerun(scope="fragment")

@st.fragment
def panel():
    st.button("Refresh", on_click=refresh)

panel()
st.button("Again", on_click=lambda: st.rerun(scope="fragment"))
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

def refresh():
    st.rerun(scope="fragment")

if st.button("Refresh"):
    refresh()
""",
            lines=(4,),
        ),
        Example(
            """
import streamlit as st

@st.fragment
def ticker():
    st.write("tick")
    st.rerun(scope="fragment")

ticker()
""",
            lines=(6,),
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        return outside_fragment_reruns(ctx)


def outside_fragment_reruns(ctx: CheckContext) -> Iterator[Finding]:
    """This rule's findings; rerun-fragment-scope-in-callback leaves these call sites to it."""
    app_reach = ctx.model.app_reach
    called = {c.fragment.function for c in ctx.model.fragment_calls}
    for key, call, scope, _ in ctx.model.rerun_calls:
        if scope != "fragment":
            continue
        if key in app_reach:
            chain = app_reach[key]
            where = "at module level" if key[1] == "<module>" else f"in `{key[1]}`, which runs outside any fragment"
            yield Finding(
                Site(key[0], call.site),
                f"`{spelling(call)}` {where}; Streamlit raises StreamlitAPIException there",
                related=chain_related(chain),
            )
            continue
        # Inside a fragment, but unconditionally: it also runs during the full-app run that
        # first draws the fragment, where a fragment-scoped rerun is not allowed (1.37+).
        for fragment in ctx.model.fragment_reach.get(key, []):
            chain = ctx.model.reach(fragment.function)[key]
            if fragment.function not in called or call.in_branch or any(s.call.in_branch for s in chain):
                continue
            yield Finding(
                Site(key[0], call.site),
                f"`{spelling(call)}` runs unconditionally in fragment `{fragment.name}`, so it also "
                "runs during the full-app run that draws the fragment, where Streamlit raises "
                "StreamlitAPIException; guard it with the fragment's own widget",
                related=chain_related(chain),
            )
            break


def spelling(call) -> str:
    return 'st.rerun(scope="fragment")' if "scope" in call.kwargs else 'st.rerun("fragment")'
