"""FRG126 streamlit-floor-too-low."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.entries import CodeScope
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class StreamlitFloorTooLow(Rule):
    """The project's Streamlit requirement admits releases without a fragment API the code uses.

    ## What it does
    When the target is a range of releases (`streamlit>=1.28`, or `--streamlit-version
    ">=1.28"`), flags the APIs the code uses that the oldest admitted releases lack
    (`st.fragment` before 1.37, `scope=` before 1.37, `parallel=` before 1.58, fragment keys
    before 1.63), once, at the requirement's line, with the floor that has them all. The
    other rules then judge the code on the admitted releases that have these APIs.

    It is made by the engine from what `fragment-api-unavailable` finds on each release of the
    range: that rule keeps reporting each use when no admitted release has the API (a pin).
    Where the range was given on the command line, there is no line to point at: the first use
    is reported instead.

    ## Why is this bad?
    A fresh install may pick any admitted release; on the old ones the app fails at import
    (`AttributeError: module 'streamlit' has no attribute 'fragment'`) or when the decorator
    runs (`TypeError`).

    ## Example
    ```text
    # requirements.txt
    streamlit>=1.28
    ```

    ## Use instead
    ```text
    # requirements.txt
    streamlit>=1.37
    ```
    """

    code = "FRG126"
    name = "streamlit-floor-too-low"
    judges = CodeScope.ANYWHERE
    severity = Severity.ERROR
    facts = ()
    reads = ("fragment-exists", "rerun-scope-exists", "fragment-parallel-exists", "fragment-key-exists")

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment
def live():
    st.write("x")

live()
""",
            version=">=1.37",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment  # [streamlit-floor-too-low]
def live():
    st.write("x")

@st.fragment
def other():
    st.write("y")

live()
other()
""",
            version=">=1.28",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        """Nothing per release: the engine composes this finding over the target's releases
        (`fraglint.release_check`), from `fragment-api-unavailable`'s findings on each."""
        return iter(())
