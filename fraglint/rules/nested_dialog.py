"""FRG121 nested-dialog."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class NestedDialog(Rule):
    """A dialog is opened while another dialog's body runs.

    ## What it does
    Flags a call that opens an `@st.dialog` (`@st.experimental_dialog`) function while the body
    of another dialog runs, directly or through helpers and fragments the outer dialog calls.
    A dialog opened from a widget callback of a dialog is not flagged (callbacks run before the
    script, outside the dialog). Nor is one opened inside a `with` block in the outer dialog: the
    runtime checks only the innermost container, so a container made outside the dialog (such as
    `with st.sidebar:`) escapes the check, and fraglint does not tell the two kinds apart.

    ## Why is this bad?
    Streamlit shows one dialog at a time: opening one while another is open raises
    "Dialogs may not be nested inside other dialogs." on every release that has dialogs.

    ## Example
    ```python
    @st.dialog("Confirm")
    def confirm():
        st.button("Yes")

    @st.dialog("Edit")
    def edit():
        if st.button("Delete"):
            confirm()  # raises
    ```

    ## Use instead
    Close the first dialog and open the second from the script, with session state saying
    which one to show:
    ```python
    @st.dialog("Edit")
    def edit():
        if st.button("Delete"):
            st.session_state.confirming = True
            st.rerun()

    if st.session_state.get("confirming"):
        confirm()
    ```
    """

    code = "FRG121"
    name = "nested-dialog"
    judges = CodeScope.ANYWHERE
    severity = Severity.ERROR
    facts = ("nested-dialog-raises",)
    reads = ("dialog-exists", "experimental-dialog-exists")

    VALID = [
        Example(
            """
import streamlit as st

@st.dialog("Confirm")
def confirm():
    st.button("Yes")

@st.dialog("Edit")
def edit():
    st.button("Delete", on_click=lambda: st.session_state.update(confirming=True))

if st.button("Edit"):
    edit()
if st.session_state.get("confirming"):
    confirm()
""",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.dialog("Confirm")
def confirm():
    st.button("Yes")

def danger_zone():
    if st.button("Delete"):
        confirm()  # [nested-dialog]

@st.dialog("Edit")
def edit():
    st.text_input("Name")
    danger_zone()

if st.button("Edit"):
    edit()
""",
            version="1.45.0",
        ),
        Example(
            """
import streamlit as st

@st.experimental_dialog("Confirm")
def confirm():
    st.button("Yes")

@st.experimental_dialog("Edit")
def edit():
    confirm()  # [nested-dialog]

edit()
""",
            version="1.34.0",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if not any(scope.dialog for scope in ctx.model.scopes.values()):
            return  # no dialog to nest: spare the project-wide walk (most projects have none)
        seen: set[Site] = set()
        for nested in ctx.interpretation().nested_dialogs:
            inner, outer = nested.inner, nested.outer
            if nested.call in seen or not _exists(inner.api, ctx) or not _exists(outer.api, ctx):
                continue
            seen.add(nested.call)
            after = nested.chain[nested.chain.index(nested.outer_call) + 1:-1] if nested.outer_call in nested.chain else ()
            yield Finding(
                nested.call,
                f"dialog `{inner.name}` is opened while dialog `{outer.name}` runs; Streamlit raises "
                '"Dialogs may not be nested inside other dialogs."',
                related=((nested.outer_call, f"dialog `{outer.name}` opened here"),)
                + tuple((site, "called here") for site in after),
            )


def _exists(dialog_api: str, ctx: CheckContext) -> bool:
    """The target release has this dialog decorator (else fragment-api-unavailable reports it)."""
    return ctx.holds(f"{dialog_api.replace('_', '-')}-exists")
