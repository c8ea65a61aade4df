"""FRG109 fragment-api-unavailable."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model import versions
from fraglint.model.entries import CodeScope
from fraglint.model.feature_detection import feature_checked
from fraglint.model.fragments import Site
from fraglint.model.reruns import RerunCall
from fraglint.model.streamlit_api import RerunScope
from fraglint.rules.base import CheckContext, Example, Finding, Rule


def _since(fact_id: str):
    since = versions.FACTS[fact_id].since
    assert since is not None  # facts of an API's arrival have a start
    return since


# API -> the release that added it
_ADDED = {
    "fragment": lambda: _since("fragment-exists"),
    "experimental_fragment": lambda: versions.FIRST_WITH_FRAGMENTS,
    "dialog": lambda: _since("dialog-exists"),
    "experimental_dialog": lambda: _since("experimental-dialog-exists"),
}


class FragmentApiUnavailable(Rule):
    """A fragment API the target Streamlit release does not have.

    ## What it does
    Flags, against the target release: `st.fragment` before 1.37 (and `st.experimental_fragment`
    before 1.33), `st.dialog` before 1.37 (and `st.experimental_dialog` before 1.34),
    `st.rerun(scope=...)` before 1.37, a positional `st.rerun("fragment")` before
    1.63 (the scope is keyword-only until then), `@st.fragment(parallel=...)` before 1.58,
    `@st.fragment(key=...)` and `st.rerun("<key>")` before 1.63. Feature detection cannot fail
    and is not flagged: `st.fragment` under `if hasattr(st, "fragment"):` (or in the body of
    `x if hasattr(st, "fragment") else y`), or in a `try:` whose handler catches
    `AttributeError` (or `Exception`, or everything).

    ## Why is this bad?
    The app fails on the release it is meant to run on: `AttributeError: module 'streamlit' has
    no attribute 'fragment'`, or `TypeError: ... unexpected keyword argument`.

    ## Example
    ```python
    # pyproject.toml pins streamlit==1.36.0
    @st.fragment
    def live():
        ...
    ```

    ## Use instead
    Use the API of the target release (`st.experimental_fragment` on 1.33 to 1.36), or raise
    the minimum Streamlit version your project declares.
    """

    code = "FRG109"
    name = "fragment-api-unavailable"
    judges = CodeScope.ANYWHERE
    severity = Severity.ERROR
    facts = ()
    reads = (
        "fragment-exists", "rerun-scope-exists", "fragment-parallel-exists", "fragment-key-exists",
        "dialog-exists", "experimental-dialog-exists", "rerun-invalid-scope-raises",
    )

    VALID = [
        Example(
            # forwarding: `*args` may hold nothing; every caller passes `scope=` by keyword
            """
import streamlit as st

def rerun_now(*args, **kwargs):
    return st.rerun(*args, **kwargs)

if st.button("again"):
    rerun_now(scope="app")
""",
            version="1.52.0",
        ),
        Example(
            """
import streamlit as st

@st.fragment(run_every="2s")
def live():
    if st.button("Again"):
        st.rerun(scope="fragment")

live()
""",
            version="1.37.0",
        ),
        Example(
            """
import streamlit as st

@st.experimental_dialog("Confirm")
def confirm():
    st.button("Yes")

if st.button("Delete"):
    confirm()
""",
            version="1.36.0",
        ),
        Example(
            """
import streamlit as st

def fragment(func):
    try:
        return st.fragment(func)
    except AttributeError:
        return func

if hasattr(st, "fragment"):
    partial = st.fragment
else:
    partial = fragment

@fragment
def live():
    st.button("Again")

live()
""",
            version="1.36.0",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.dialog("Confirm")  # [fragment-api-unavailable]
def confirm():
    st.button("Yes")

if st.button("Delete"):
    confirm()
""",
            version="1.36.0",
        ),
        Example(
            """
import streamlit as st

@st.experimental_dialog("Confirm")  # [fragment-api-unavailable]
def confirm():
    st.button("Yes")

confirm()
""",
            version="1.33.0",
        ),
        Example(
            """
import streamlit as st

@st.fragment  # [fragment-api-unavailable]
def live():
    if st.button("Again"):
        st.rerun(scope="fragment")  # [fragment-api-unavailable]

live()
""",
            version="1.36.0",
        ),
        Example(
            """
import streamlit as st

@st.fragment(parallel=True, key="live")  # [fragment-api-unavailable, fragment-api-unavailable]
def live():
    st.write("x")

live()
""",
            version="1.57.0",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        missing = set()
        if not ctx.holds("fragment-exists"):
            missing.add("fragment")
        if ctx.before(versions.FIRST_WITH_FRAGMENTS):
            missing.add("experimental_fragment")
        if not ctx.holds("dialog-exists"):
            missing.add("dialog")
        if ctx.before(_since("experimental-dialog-exists")):
            missing.add("experimental_dialog")  # its removal (1.49) is experimental-fragment's
        for reference in ctx.model.discovery.streamlit_references(missing):
            if feature_checked(ctx.index, reference.site, reference.api):
                continue  # `if hasattr(st, "fragment"):`, `try: ... except AttributeError:`
            since = versions.release(_ADDED[reference.api]())
            yield Finding(
                reference.site,
                f"`st.{reference.api}` does not exist in Streamlit {ctx.release_text()} (added in {since})",
                part=reference.part,
                lacks=f"without `st.{reference.api}`",
            )
        for fragment in ctx.model.fragments.values():
            for argument, fact in (("parallel", "fragment-parallel-exists"), ("key", "fragment-key-exists")):
                value = fragment.kwarg(argument)
                if value is not None and not ctx.holds(fact):
                    yield Finding(
                        Site(fragment.site.path, value.site or fragment.site.site),
                        f"`{argument}=` of `st.{fragment.api}` does not exist in Streamlit {ctx.release_text()} "
                        f"(added in {versions.since(fact)})",
                        lacks=f"without `{argument}=` of `st.{fragment.api}`",
                    )
        for rerun in ctx.model.reruns.all:
            problem = self._rerun_problem(rerun, ctx)
            if problem is not None:
                message, lacks = problem
                yield Finding(rerun.site, message, lacks=lacks)

    @staticmethod
    def _rerun_problem(rerun: RerunCall, ctx: CheckContext) -> tuple[str, str] | None:
        """The message, and what the release lacks (for the floor diagnostic)."""
        request = rerun.request
        if request.value is None:
            return None
        if not ctx.holds("rerun-scope-exists"):
            scope_since = versions.since("rerun-scope-exists")
            return f"`st.rerun` takes no scope in Streamlit {ctx.release_text()} (`scope=` added in {scope_since})", "without `st.rerun(scope=...)`"
        keys_since = versions.since("fragment-key-exists")
        if request.positional and not request.keyword and not ctx.holds("fragment-key-exists"):
            # `rerun(*, scope=...)` is keyword-only until 1.63: a positional scope is a TypeError
            return (
                f"`st.rerun` takes its scope only as `scope=` in Streamlit {ctx.release_text()} "
                f"(a positional scope is accepted from {keys_since}); Streamlit raises TypeError"
            ), "where `st.rerun` takes its scope only as `scope=`"
        if request.scope is RerunScope.KEY and not ctx.holds("fragment-key-exists"):
            if request.keyword:
                invalid = f'`scope="{request.key}"` is not a rerun scope ("app" or "fragment") in Streamlit {ctx.release_text()}'
                lacks = "without fragment keys for `st.rerun`"
                if ctx.holds("rerun-invalid-scope-raises"):
                    raised = ctx.exception("invalid-rerun-scope")
                    return f"{invalid}; Streamlit raises {raised} (fragment keys from {keys_since})", lacks
                return f"{invalid}; Streamlit accepts it silently and the rerun is not the one asked for", lacks
            needs = f"`st.rerun` with a fragment key needs Streamlit {keys_since} (target: {ctx.release_text()})"
            return needs, "without fragment keys for `st.rerun`"
        return None
