"""The `run_every` grammar: what Streamlit makes of a fragment's timer interval.

Streamlit reads `run_every` with `time_to_seconds` (streamlit/time_util.py): a number is
seconds, a `timedelta` its total seconds, a string goes to pandas' `Timedelta` parser, which
raises on a malformed string (BadTimeStringError; StreamlitBadTimeStringError from 1.39). A
falsy value sets no timer; a negative one is accepted and reruns the fragment in a tight loop
(oracle: run_every_valid, run_every_bad_string, run_every_negative).

One reading serves the rule `invalid-run-every` (what Streamlit rejects) and the rerun
interpreter (the interval a `fraglint scopes` timer shows), so the two cannot disagree on a
string such as "500us".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fraglint.index.project import ProjectIndex
from fraglint.index.summary import CALL, Value, ValueKind

# The unit spellings pandas' Timedelta parser accepts, in seconds (matched in lower case;
# "M", "Y" and "y" are rejected as ambiguous before that).
UNIT_SECONDS = {
    "w": 604800, "d": 86400, "day": 86400, "days": 86400,
    "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600,
    "m": 60, "t": 60, "min": 60, "minute": 60, "minutes": 60,
    "s": 1, "sec": 1, "second": 1, "seconds": 1,
    "ms": 0.001, "l": 0.001, "milli": 0.001, "millis": 0.001, "millisecond": 0.001, "milliseconds": 0.001,
    "us": 1e-6, "u": 1e-6, "µs": 1e-6, "micro": 1e-6, "micros": 1e-6, "microsecond": 1e-6, "microseconds": 1e-6,
    "ns": 1e-9, "n": 1e-9, "nano": 1e-9, "nanos": 1e-9, "nanosecond": 1e-9, "nanoseconds": 1e-9,
}
_AMBIGUOUS_UNITS = ("M", "Y", "y")
_TOKEN = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([^\W\d_]+)?", re.UNICODE)
_CLOCK = re.compile(
    r"^\s*[+-]?\s*(?:(?P<days>\d+)\s*(?:days?|d)\s*,?\s*)?(?P<h>\d+):(?P<m>\d{2})(?::(?P<s>\d{2}(?:\.\d+)?))?\s*$",
    re.IGNORECASE,
)
_ISO = re.compile(r"^\s*-?P", re.IGNORECASE)


@dataclass(frozen=True)
class RunEvery:
    """One `run_every` value as Streamlit reads it."""

    seconds: float | None = None  # what Streamlit computes, when a static reader can tell
    problem: str | None = None  # why Streamlit rejects a time string: "is empty", "uses the unknown unit 'x'"
    wrong_type: bool = False  # a bool: not seconds, a timedelta or a time string

    @property
    def interval(self) -> float | None:
        """The timer's period in seconds: known and positive, else None."""
        return self.seconds if self.seconds is not None and self.seconds > 0 else None

    @property
    def tight_loop(self) -> bool:
        """Negative: accepted silently, the fragment reruns as fast as it can."""
        return self.seconds is not None and self.seconds < 0


def parse(kind: str, literal: object) -> RunEvery:
    """Read a literal `run_every` value: its summary kind ("num", "str", "timedelta", ...) and value."""
    if kind == ValueKind.NUM and isinstance(literal, (int, float)):
        return RunEvery(seconds=float(literal))
    if kind == ValueKind.STR and isinstance(literal, str):
        return parse_time_string(literal)
    if kind == ValueKind.TIMEDELTA and isinstance(literal, timedelta):
        return RunEvery(seconds=literal.total_seconds())
    if kind == ValueKind.BOOL:
        return RunEvery(wrong_type=True)
    return RunEvery()


def parse_time_string(text: str) -> RunEvery:
    """A time string: its seconds where they are plain, or why pandas rejects it.

    Precision first: only strings that certainly fail pandas' parser get a problem. Clock
    strings ("00:00:10") count; ISO 8601 durations and numbers without a unit are accepted
    with no interval known.
    """
    if not text.strip():
        return RunEvery(problem="is empty")
    clock = _CLOCK.match(text)
    if clock is not None:
        return RunEvery(seconds=_clock_seconds(clock, text))
    if _ISO.match(text):
        return RunEvery()
    body = text.strip()
    if body[0] in "+-":
        if body[0] == "-":
            return RunEvery(problem="is negative")
        body = body[1:]
    return _unit_tokens(body)


def _unit_tokens(body: str) -> RunEvery:
    """`1h 30m`, `1.5 days`, `500us`: numbers each with a unit, summed."""
    total = 0.0
    plain = True  # every token has a known unit: the sum is the interval
    position = 0
    saw_number = False
    while position < len(body):
        match = _TOKEN.match(body, position)
        if match is None or match.end() == position:
            if not body[position:].strip():
                break
            if not saw_number:
                return RunEvery(problem="has no number (write it like \"10s\", \"1m30s\" or \"1.5 days\")")
            return RunEvery()  # unusual but maybe valid (clock suffixes and the like): give it the benefit
        saw_number = True
        unit = match.group(2)
        if unit is None:
            plain = False
        elif unit in _AMBIGUOUS_UNITS:
            return RunEvery(problem=f"uses the unit {unit!r}, which pandas rejects as ambiguous (months and years)")
        elif unit.lower() not in UNIT_SECONDS:
            return RunEvery(problem=f"uses the unknown unit {unit!r}")
        else:
            total += float(match.group(1)) * UNIT_SECONDS[unit.lower()]
        position = match.end()
    if not saw_number:
        return RunEvery(problem="has no number")
    return RunEvery(seconds=total) if plain else RunEvery()


def _clock_seconds(clock: re.Match, text: str) -> float:
    days = int(clock.group("days") or 0)
    seconds = days * 86400 + int(clock.group("h")) * 3600 + int(clock.group("m")) * 60 + float(clock.group("s") or 0)
    return -seconds if text.strip().startswith("-") else seconds


def literal_value(index: ProjectIndex, path: str, value: Value | None) -> tuple[str, object] | None:
    """(kind, literal) of a `run_every` argument written in `path`, with `timedelta(seconds=5)`
    (literal keyword arguments) read as a `timedelta`; None when none is given."""
    if value is None:
        return None
    if value.kind == ValueKind.REF and value.call_site is not None and value.ref and value.ref[-2:-1] != (CALL,):
        made = index.call_at(path, value.call_site)
        if made is not None and made[1].func and made[1].func[-1] == "timedelta":
            parts: dict[str, Any] = {k: v.literal for k, v in made[1].kwargs.items() if v.kind == ValueKind.NUM}
            try:
                return ("timedelta", timedelta(**parts))
            except TypeError:
                return None
    return (value.kind, value.literal)
