"""FRG115 invalid-run-every."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.index.summary import ValueKind
from fraglint.model import run_every
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class InvalidRunEvery(Rule):
    """A `run_every` interval Streamlit rejects.

    ## What it does
    Checks literal `run_every=` values of fragment decorators: time strings must be what
    pandas' `Timedelta` parses ("10s", "1m30s", "1.5 days", "00:00:10"), numbers must be
    positive.

    ## Why is this bad?
    `run_every` reruns the fragment on a timer. A malformed string raises `BadTimeStringError`
    (`StreamlitBadTimeStringError` from 1.39) when the fragment is called, stopping the script (an error).
    A negative interval is accepted without a word and the fragment then reruns in a tight loop,
    30 to 230 times in two seconds in the oracle's runs (a warning).

    ## Example
    ```python
    @st.fragment(run_every="ten seconds")
    def live():
        ...
    ```

    ## Use instead
    ```python
    @st.fragment(run_every="10s")
    def live():
        ...
    ```
    """

    code = "FRG115"
    name = "invalid-run-every"
    judges = CodeScope.ANYWHERE
    severity = Severity.ERROR
    facts = ("run-every-validated",)

    VALID = [
        Example(
            """
import streamlit as st
from datetime import timedelta

@st.fragment(run_every="1h23s")
def a():
    st.write("x")

@st.fragment(run_every=timedelta(seconds=5))
def b():
    st.write("y")

@st.fragment(run_every=2.5)
def c():
    st.write("z")

a(); b(); c()
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment(run_every="ten seconds")  # [invalid-run-every]
def a():
    st.write("x")

@st.fragment(run_every=-5)  # [invalid-run-every]
def b():
    st.write("y")

@st.fragment(run_every="3 weeks")  # [invalid-run-every]
def c():
    st.write("z")

a(); b(); c()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for fragment in ctx.model.fragments.values():
            value = fragment.kwarg("run_every")
            if value is None:
                continue
            site = Site(fragment.site.path, value.site or fragment.site.site)
            parsed = run_every.parse(value.kind, value.literal)
            if parsed.problem is not None:
                message = f"`run_every={value.literal!r}` {parsed.problem}"
                raised = ctx.exception("bad-run-every-string")
                yield Finding(site, f"{message}; Streamlit raises {raised}")
            elif parsed.tight_loop and value.kind == ValueKind.NUM:
                yield Finding(
                    site,
                    f"`run_every={value.literal}` is negative: Streamlit accepts it silently and reruns the "
                    "fragment in a tight loop",
                    severity=Severity.WARNING,
                )
            elif parsed.wrong_type:
                yield Finding(site, "`run_every` takes seconds, a timedelta or a time string, not a bool")
