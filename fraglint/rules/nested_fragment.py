"""FRG101 nested-fragment."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.model import versions
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Fragment, Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule, chain_related, chain_text, fragments_and_dialogs


class NestedFragment(Rule):
    """A fragment is called while another fragment runs.

    ## What it does
    Flags a call that starts a fragment from inside another fragment, directly or through any
    chain of helper calls, in releases where nested fragments are unsupported. A dialog's body
    runs as a fragment, so a dialog opened from a fragment (or a fragment called in a dialog)
    is a nested fragment too: before 1.37 the dialog's widgets rerun the outer fragment and the
    dialog's body is not drawn again.

    ## Why is this bad?
    A fragment call opens a partial-rerun scope. Before Streamlit 1.37 the runtime keeps only one
    "current fragment": when the inner fragment returns, the outer fragment is forgotten, so the
    elements the outer fragment draws after that call are no longer part of it and its reruns do
    not redraw them. The 1.33 guide says plainly: "Calling fragments within fragments is unsupported."

    ## Example
    ```python
    @st.fragment
    def chart():
        st.line_chart(data)

    @st.fragment
    def dashboard():
        st.slider("Window", 1, 30)
        chart()  # a fragment inside a fragment
    ```

    ## Use instead
    Call the fragments one after the other from the script, or make the inner function a plain
    helper:
    ```python
    def chart():
        st.line_chart(data)

    @st.fragment
    def dashboard():
        st.slider("Window", 1, 30)
        chart()
    ```
    Or target Streamlit 1.37 or later, where nested fragments are supported.
    """

    code = "FRG101"
    name = "nested-fragment"
    judges = CodeScope.ANYWHERE
    facts = ("nested-fragments-unsupported",)
    reads = ("dialog-in-fragment-nested", "experimental-dialog-exists")

    VALID = [
        Example(
            """
import streamlit as st

@st.experimental_fragment
def chart():
    st.line_chart([1, 2, 3])

@st.experimental_fragment
def controls():
    st.slider("Window", 1, 30)

controls()
chart()
""",
            version="1.36.0",
        ),
        Example(
            """
import streamlit as st

@st.fragment
def chart():
    st.line_chart([1, 2, 3])

@st.fragment
def dashboard():
    chart()

dashboard()
""",
            version="1.45.0",
        ),
        Example(
            """
import streamlit as st

@st.dialog("Rename")
def rename():
    st.text_input("New name")

@st.fragment
def table():
    if st.button("Rename"):
        rename()

table()
""",
            version="1.45.0",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.experimental_dialog("Rename")
def rename():
    st.text_input("New name")

@st.experimental_fragment
def table():
    if st.button("Rename"):
        rename()  # [nested-fragment]

table()
""",
            version="1.36.0",
        ),
        Example(
            """
import streamlit as st

@st.experimental_fragment
def chart():
    st.line_chart([1, 2, 3])

def panel():
    chart()  # [nested-fragment]

@st.experimental_fragment
def dashboard():
    st.slider("Window", 1, 30)
    panel()

dashboard()
""",
            version="1.36.0",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        seen: set[Site] = set()
        scopes = {fragment.function for fragment in fragments_and_dialogs(ctx)}
        for outer in fragments_and_dialogs(ctx, reaching_reported=True):  # (the calls are in what it reaches)
            for fragment_call, chain in ctx.model.graph.nested_calls(outer):
                inner = fragment_call.fragment
                site = fragment_call.site()
                if site in seen or inner.function not in scopes or (inner.dialog and outer.dialog):
                    continue  # a dialog inside a dialog raises on every release: nested-dialog
                seen.add(site)
                path = chain_text(chain, ctx.index, outer.name) + f" -> {inner.name.rsplit('.', 1)[-1]}"
                yield Finding(site, self.message(inner, outer, path), related=(
                    (outer.site, f"outer {outer.word} `{outer.name}` defined here"),
                ) + chain_related(chain))

    @staticmethod
    def message(inner: Fragment, outer: Fragment, path: str) -> str:
        until = versions.until("nested-fragments-unsupported")
        if inner.dialog:
            return (
                f"dialog `{inner.name}` is opened while {outer.what} runs ({path}); before Streamlit {until} "
                f"a dialog is a fragment nested in `{outer.name}`: its widgets rerun `{outer.name}`, and its body "
                "is not drawn again"
            )
        verb = "called" if not outer.dialog else "called inside"
        return (
            f"fragment `{inner.name}` is {verb} while {outer.what} runs ({path}); "
            f"nested fragments are unsupported before Streamlit {until}"
        )
