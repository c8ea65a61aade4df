"""FRG125 unused-suppression."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.model.entries import CodeScope
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class UnusedSuppression(Rule):
    """A suppression comment of fraglint's suppresses nothing.

    ## What it does
    Flags a `# noqa: FRG...` code, or a rule in `# fraglint: ignore[...]`, or a bare
    `# fraglint: ignore`, on a line where fraglint reports nothing for it to suppress. Only
    fraglint's own codes and names are looked at: other tools' codes in the same `# noqa`
    (`E501`) and a bare `# noqa` are never reported or changed. A rule the configuration turns
    off for the file (`select`, `ignore`, `per-file-ignores`) keeps its suppressions. Like
    ruff's `unused-noqa` (RUF100), it is computed by the engine after the other rules, from the
    suppressions they used.

    ## Why is this bad?
    Suppressions go stale: the code they excused is fixed, or the Streamlit pin moves past the
    releases a rule is about (`fragment-sidebar-call` stops at 1.59). A stale suppression hides
    the next real finding on that line, and tells readers about a problem that is not there.

    ## Example
    ```python
    # streamlit-version = "1.67"
    @st.fragment
    def panel():
        st.sidebar.write("x")  # noqa: FRG105
    ```

    ## Use instead
    ```python
    @st.fragment
    def panel():
        st.sidebar.write("x")
    ```

    ## Fix safety
    The fix is safe: it removes the unused codes or names (with their separator), or the whole
    comment when nothing else is left in it, and leaves every other byte as it was.
    """

    code = "FRG125"
    name = "unused-suppression"
    judges = CodeScope.ANYWHERE

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment
def panel():
    st.sidebar.write("x")  # noqa: FRG105, E501

panel()
""",
            version="1.45",
        ),
        Example(
            """
import streamlit as st

x = 1  # noqa
y = 2  # noqa: E501
z = 3  # fraglint: ignore[not-a-fraglint-rule]
""",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment
def panel():
    st.sidebar.write("x")  # noqa: FRG105  # [unused-suppression]

panel()
""",
            version="1.67",
            fixed="""
import streamlit as st

@st.fragment
def panel():
    st.sidebar.write("x")

panel()
""",
        ),
        Example(
            """
import streamlit as st

x = 1  # noqa: E501,FRG104, W291  # [unused-suppression]
y = 2  # fraglint: ignore[cached-fragment, uncalled-fragment]  # [unused-suppression]
""",
            fixed="""
import streamlit as st

x = 1  # noqa: E501,W291
y = 2
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        """Nothing here: the engine finds unused suppressions (`fraglint.unused_suppressions`)."""
        return iter(())
