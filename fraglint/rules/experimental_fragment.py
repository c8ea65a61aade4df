"""FRG108 experimental-fragment."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model import versions
from fraglint.model.entries import CodeScope
from fraglint.rules.base import CheckContext, Example, Finding, FixSpec, Rule


class ExperimentalFragment(Rule):
    """`st.experimental_fragment` is deprecated, then removed.

    ## What it does
    Flags every literal use of `st.experimental_fragment` (decorator, call, alias, import) when
    the target release has `st.fragment`.

    ## Why is this bad?
    From Streamlit 1.37 `st.experimental_fragment` prints a deprecation warning in the app;
    from 1.49 it no longer exists and the script stops with `AttributeError`.

    ## Example
    ```python
    @st.experimental_fragment
    def live():
        ...
    ```

    ## Use instead
    ```python
    @st.fragment
    def live():
        ...
    ```

    ## Fix safety
    The fix renames `experimental_fragment` to `fragment`; the two take the same arguments.
    It is offered where the target release has `st.fragment` (1.37 and later).
    """

    code = "FRG108"
    name = "experimental-fragment"
    judges = CodeScope.ANYWHERE
    facts = ("fragment-exists",)
    reads = ('experimental-fragment-exists', 'experimental-fragment-deprecated')

    VALID = [
        Example(
            """
import streamlit as st

@st.experimental_fragment
def live():
    st.write("ok on 1.36")

live()
""",
            version="1.36.0",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st
from streamlit import experimental_fragment
#                     ^^^^^^^^^^^^^^^^^^^^^ [experimental-fragment]

@st.experimental_fragment(run_every=5)
#^^^^^^^^^^^^^^^^^^^^^^^^ [experimental-fragment]
def live():
    st.write("deprecated")

live()
""",
            version="1.45.0",
            fixed="""
import streamlit as st
from streamlit import fragment

@st.fragment(run_every=5)
def live():
    st.write("deprecated")

live()
""",
        ),
        Example(
            """
import streamlit as stl

frag = stl.experimental_fragment
#      ^^^^^^^^^^^^^^^^^^^^^^^^^ [experimental-fragment]

@frag
def live():
    stl.write("removed")

live()
""",
            fixed="""
import streamlit as stl

frag = stl.fragment

@frag
def live():
    stl.write("removed")

live()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        removed = not versions.holds("experimental-fragment-exists", ctx.version)
        severity = Severity.ERROR if removed else Severity.WARNING
        if removed:
            gone = versions.until("experimental-fragment-exists")
            state = f"was removed in Streamlit {gone} (AttributeError on {ctx.version})"
        else:
            state = f"is deprecated since Streamlit {versions.since('experimental-fragment-deprecated')}"
        for reference in ctx.model.discovery.streamlit_references({"experimental_fragment"}):
            fix = FixSpec(
                reference.site, "experimental_fragment", "fragment", "Use `st.fragment`", part=reference.part
            )
            yield Finding(
                reference.site,
                f"`st.experimental_fragment` {state}; use `st.fragment`",
                fix=fix,
                part=reference.part,
                severity=severity,
            )
