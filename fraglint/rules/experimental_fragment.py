"""FRG108 experimental-fragment."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model import versions
from fraglint.model.entries import CodeScope
from fraglint.model.feature_detection import feature_checked, lacked_at
from fraglint.rules.base import CheckContext, Example, Finding, FixSpec, Rule


class ExperimentalFragment(Rule):
    """`st.experimental_fragment` (or `st.experimental_dialog`) is deprecated, then removed.

    ## What it does
    Flags every literal use of `st.experimental_fragment` or `st.experimental_dialog`
    (decorator, call, alias, import) when the target release has `st.fragment` and `st.dialog`.
    Feature detection's fallback is not flagged: a call in the `else:` of
    `if hasattr(st, "fragment"):` (or under `if not hasattr(st, "fragment"):`) runs only on
    releases without `st.fragment`, where the old name neither warns nor is gone; and past the
    removal, a use guarded by `hasattr(st, "experimental_fragment")` (or whose AttributeError is
    caught) cannot fail.

    ## Why is this bad?
    From Streamlit 1.37 both print a deprecation warning in the app; from 1.49 they no longer
    exist and the script stops with `AttributeError`.

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
    The fix is safe: it renames `experimental_fragment` to `fragment` (`experimental_dialog` to
    `dialog`); each pair takes the same arguments. It is offered where the target release has the
    new name (1.37 and later).
    """

    code = "FRG108"
    name = "experimental-fragment"
    judges = CodeScope.ANYWHERE
    facts = ("fragment-exists",)
    reads = (
        "experimental-fragment-exists", "experimental-fragment-deprecated",
        "experimental-dialog-exists", "experimental-dialog-deprecated",
    )
    reports_deprecated_api = True

    VALID = [
        Example(
            # feature detection: the fallback runs only where `st.fragment` does not exist
            """
import streamlit as st

if hasattr(st, "fragment"):
    auto_refresh = st.fragment(run_every=60)
elif hasattr(st, "experimental_fragment"):
    auto_refresh = st.experimental_fragment(run_every=60)
else:
    def auto_refresh(func):
        return func

if not hasattr(st, "dialog"):
    confirm = st.experimental_dialog("Confirm")(print)

@auto_refresh
def dashboard():
    st.write("live")

dashboard()
""",
            version="1.45.0",
        ),
        Example(
            # past the removal, a use only where the old name still exists cannot fail
            """
import streamlit as st

@st.experimental_fragment(run_every=3) if hasattr(st, "experimental_fragment") else st.fragment(run_every=3)
def results():
    st.write("results")

results()
""",
        ),
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

@st.experimental_dialog("Confirm")  # [experimental-fragment]
def confirm():
    st.button("Yes")

confirm()
""",
            version="1.45.0",
            fixed="""
import streamlit as st

@st.dialog("Confirm")
def confirm():
    st.button("Yes")

confirm()
""",
        ),
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
        for old, new in (("experimental_fragment", "fragment"), ("experimental_dialog", "dialog")):
            yield from self._uses(ctx, old, new)

    @staticmethod
    def _uses(ctx: CheckContext, old: str, new: str) -> Iterator[Finding]:
        fact = old.replace("_", "-")
        removed = not ctx.holds(f"{fact}-exists")
        severity = Severity.ERROR if removed else Severity.WARNING
        if not removed and not ctx.holds(f"{fact}-deprecated"):
            return
        for reference in ctx.model.discovery.streamlit_references({old}):
            if new in lacked_at(ctx.index, reference):
                continue  # feature detection's fallback: runs only where `st.{new}` is missing
            if removed and feature_checked(ctx.index, reference.site, old):
                continue  # runs only where the old name exists, or its AttributeError is caught
            fix = FixSpec(reference.site, old, new, f"Use `st.{new}`", part=reference.part)
            yield Finding(
                reference.site,
                f"`st.{old}` {_state(ctx, fact, removed)}; use `st.{new}`",
                fix=fix,
                part=reference.part,
                severity=severity,
            )


def _state(ctx: CheckContext, fact: str, removed: bool) -> str:
    """Removed or deprecated, as a finding says it: a removal names the target release, so only
    a run that reports one reads it (one that finds no use is shared with every epoch alike)."""
    if removed:
        return f"was removed in Streamlit {versions.until(f'{fact}-exists')} (AttributeError on {ctx.release_text()})"
    return f"is deprecated since Streamlit {versions.since(f'{fact}-deprecated')}"
