"""FRG115 invalid-run-every."""

from __future__ import annotations

import re
from typing import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.fragments import Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule

# The unit spellings pandas' Timedelta parser accepts (Streamlit hands time strings to it).
_UNITS = {
    "w", "d", "day", "days", "h", "hr", "hour", "hours", "m", "t", "min", "minute", "minutes",
    "s", "sec", "second", "seconds", "ms", "l", "milli", "millis", "millisecond", "milliseconds",
    "us", "u", "µs", "micro", "micros", "microsecond", "microseconds", "ns", "n", "nano", "nanos",
    "nanosecond", "nanoseconds",
}
_TOKEN = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([^\W\d_]+)?", re.UNICODE)
_CLOCK = re.compile(r"^\s*[+-]?\s*(?:\d+\s*(?:days?|d)\s*,?\s*)?\d+:\d{2}(?::\d{2}(?:\.\d+)?)?\s*$", re.IGNORECASE)
_ISO = re.compile(r"^\s*-?P", re.IGNORECASE)


def time_string_problem(text: str) -> str | None:
    """Why Streamlit would reject this `run_every` string, or None if it may be fine.

    Precision first: only strings that certainly fail pandas' Timedelta parser are reported.
    """
    if not text.strip():
        return "is empty"
    if _CLOCK.match(text) or _ISO.match(text):
        return None
    body = text.strip()
    if body[0] in "+-":
        if body[0] == "-":
            return "is negative"
        body = body[1:]
    position = 0
    saw_number = False
    while position < len(body):
        match = _TOKEN.match(body, position)
        if match is None or match.end() == position:
            rest = body[position:].strip()
            if not rest:
                break
            if not saw_number:
                return "has no number (write it like \"10s\", \"1m30s\" or \"1.5 days\")"
            return None  # unusual but maybe valid (clock suffixes and the like): give it the benefit
        saw_number = True
        unit = match.group(2)
        if unit is not None:
            if unit in ("M", "Y", "y"):
                return f"uses the unit {unit!r}, which pandas rejects as ambiguous (months and years)"
            if unit.lower() not in _UNITS:
                return f"uses the unknown unit {unit!r}"
        position = match.end()
    if not saw_number:
        return "has no number"
    return None


class InvalidRunEvery(Rule):
    """A `run_every` interval Streamlit rejects.

    ## What it does
    Checks literal `run_every=` values of fragment decorators: time strings must be what
    pandas' `Timedelta` parses ("10s", "1m30s", "1.5 days", "00:00:10"), numbers must be
    positive.

    ## Why is this bad?
    `run_every` reruns the fragment on a timer. A malformed string raises
    `StreamlitBadTimeStringError` when the fragment is called, stopping the script (an error).
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

@st.fragment(run_every="ten seconds")
def a():
    st.write("x")

@st.fragment(run_every=-5)
def b():
    st.write("y")

@st.fragment(run_every="3 weeks")
def c():
    st.write("z")

a(); b(); c()
""",
            lines=(3, 7, 11),
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for fragment in ctx.model.fragments.values():
            value = fragment.kwarg("run_every")
            if value is None:
                continue
            problem = None
            if value.kind == "str":
                reason = time_string_problem(str(value.literal))
                if reason:
                    problem = f"`run_every={value.literal!r}` {reason}; Streamlit raises StreamlitBadTimeStringError"
            elif value.kind == "num" and value.literal < 0:
                problem = (
                    f"`run_every={value.literal}` is negative: Streamlit accepts it silently and reruns the "
                    "fragment in a tight loop"
                )
                yield Finding(Site(fragment.site.path, value.site or fragment.site.site), problem, severity=Severity.WARNING)
                continue
            elif value.kind == "bool":
                problem = "`run_every` takes seconds, a timedelta or a time string, not a bool"
            if problem:
                yield Finding(Site(fragment.site.path, value.site or fragment.site.site), problem)
