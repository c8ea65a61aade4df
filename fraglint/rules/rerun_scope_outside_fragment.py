"""FRG107 rerun-scope-outside-fragment."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.index.summary import MODULE_SCOPE, display_name
from fraglint.model.entries import CodeScope
from fraglint.rules.base import CheckContext, Example, Finding, Rule, chain_related


class RerunScopeOutsideFragment(Rule):
    """`st.rerun(scope="fragment")` in code that runs outside a fragment.

    ## What it does
    Flags `st.rerun(scope="fragment")` at module level, or in a function that the script calls
    outside any fragment (directly or through helpers), and, inside a fragment, a call that is
    not guarded by a condition (such as the fragment's own widget), since it then also runs
    during the full-app run that first draws the fragment. A call guarded by a test that can
    be true on a full run is flagged too: a test comparing a widget's value (which the widget
    keeps across full runs) with a value the full run reads afresh, such as a module-level
    dict, a constant or a loaded config, and not with session state the fragment keeps in step
    with the widget. Tests no static reader can judge are left alone. A function that runs only as a widget
    callback is not script code: `rerun-fragment-scope-in-callback` (FRG119) covers it, and a call
    site that both rules would flag is reported once, here.
    An `@st.dialog` body runs as a fragment: a guarded `scope="fragment"` rerun there reruns
    the dialog and is valid.

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
    judges = CodeScope.APP_RUN
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
        Example(
            # a dialog's body runs as a fragment: its widget's rerun reruns the dialog alone
            """
import streamlit as st

@st.dialog("Rename")
def rename():
    name = st.text_input("Name")
    if st.button("Preview"):
        st.write(name)
        st.rerun(scope="fragment")

if st.button("Rename"):
    rename()
"""
        ),
        Example(
            # the fragment keeps session state in step with its widget: equal on every full run
            """
import streamlit as st

@st.fragment
def voice_picker():
    voice = st.selectbox("Voice", ["alloy", "echo"])
    if voice != st.session_state.get("voice"):
        st.session_state["voice"] = voice
        st.rerun(scope="fragment")

voice_picker()
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.dialog("Confirm")
def confirm():
    st.rerun(scope="fragment")  # [rerun-scope-outside-fragment]

if st.button("Delete"):
    confirm()
""",
        ),
        Example(
            """
import streamlit as st

def refresh():
    st.rerun(scope="fragment")  # [rerun-scope-outside-fragment]

if st.button("Refresh"):
    refresh()
""",
        ),
        Example(
            """
import streamlit as st

@st.fragment
def ticker():
    st.write("tick")
    st.rerun(scope="fragment")  # [rerun-scope-outside-fragment]

ticker()
""",
        ),
        Example(
            # a full run re-creates AGENT while the selectbox keeps the user's choice
            """
import streamlit as st

AGENT = {"llm": "gpt-4o"}

@st.fragment
def model_picker():
    selected = st.selectbox("Model", ["gpt-4o", "claude"])
    if selected != AGENT["llm"]:
        AGENT["llm"] = selected
        st.rerun(scope="fragment")  # [rerun-scope-outside-fragment]

model_picker()
""",
        ),
        Example(
            # a cached engine is shared by every session: when another session switches it, the
            # keyed selectbox disagrees with it on this session's next full run (a real startup crash)
            """
import streamlit as st

@st.cache_resource
def engine():
    return Engine()

eng = engine()

@st.fragment
def engine_picker():
    chosen = st.selectbox("Mode", ["fast", "exact"], key="mode")
    if chosen != eng.mode:
        eng.switch(chosen)
        st.rerun(scope="fragment")  # [rerun-scope-outside-fragment]

engine_picker()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        raised = ctx.exception("rerun-fragment-scope-outside")
        for found in ctx.reruns().fragment_scope_in_script:
            rerun, written = found.rerun, found.rerun.request.written()
            if found.fragment is not None:
                # Inside a fragment, but unconditionally: it also runs during the full-app run that
                # first draws the fragment, where a fragment-scoped rerun is not allowed (1.37+).
                message = (
                    f"`{written}` runs unconditionally in {found.fragment.what}, so it also "
                    f"runs during the full-app run that draws the {found.fragment.word}, where Streamlit "
                    f"raises {raised}; guard it with the {found.fragment.word}'s own widget"
                )
            else:
                key = rerun.function
                where = (
                    "at module level" if key.qualname == MODULE_SCOPE
                    else f"in `{display_name(key.qualname)}`, which runs outside any fragment"
                )
                message = f"`{written}` {where}; Streamlit raises {raised} there"
            yield Finding(rerun.site, message, related=chain_related(found.chain))
        for found in ctx.reruns().fragment_scope_in_branches:
            fragment, rerun = found.fragment, found.rerun
            taken = ctx.model.guards(fragment).true_on_full_run(rerun.function, rerun.call, found.chain) if fragment else None
            if fragment is None or taken is None:
                continue
            condition, why = taken
            yield Finding(
                rerun.site,
                f"`{rerun.request.written()}` in fragment `{fragment.name}` can also run during the full-app "
                f"run that draws the fragment, where Streamlit raises StreamlitAPIException: {why}",
                related=((condition, "this test can be true on a full run"), *chain_related(found.chain)),
            )
