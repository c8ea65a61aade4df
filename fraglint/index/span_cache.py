"""The spans of placed top-level statements, kept between runs beside the summary cache.

Placing a site parses its top-level statement again, alone, with libcst's positions
(`facts.StatementSpans`). A check places the few statements with findings; `fraglint scopes`
places nearly every statement of the files its walk enters, and that was most of its cost.
Spans depend only on the file's bytes and the code that numbers and places sites, so they are
stored as summaries are (`cache.py`): one JSON entry per source path (`*.spans`), written to a temporary
name and renamed, keyed by those bytes and this code, plain arrays of integers checked when
read. Any doubt is a miss, and a miss only costs the parse it would have cost anyway.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from fraglint.diagnostics import Span
from fraglint.index.cache import SPANS_SUFFIX, SummaryCache, _read_regular_file, _replace_atomically, entry_key, entry_limit

if TYPE_CHECKING:
    from fraglint.index.facts import StatementSpans

Placed = dict[int, dict[int, tuple[Span, ...]]]  # statement index -> site -> spans


@functools.cache
def _code_key() -> str:
    """The placing code is part of the key: a change to it never reads old spans."""
    return hashlib.sha256(Path(__file__).with_name("facts.py").read_bytes()).hexdigest()[:16]


class SpanCache:
    """Spans stored for the files of one summary cache; statements placed by this run are
    written back when the process ends (`flush`)."""

    def __init__(self, summaries: SummaryCache) -> None:
        self._summaries = summaries
        self._tracked: dict[str, tuple[str, int, StatementSpans]] = {}  # path -> (key, source size, spans)
        self._registered = False

    def get(self, path: str, data: bytes) -> Placed:
        """The stored spans of the file at `path` with these bytes (empty on any doubt)."""
        cache = self._summaries
        if not cache.enabled or cache._look() != "present":
            return {}
        raw = _read_regular_file(self._entry(path), entry_limit(len(data)))
        if raw is None:
            return {}
        try:
            return _decode(json.loads(raw), self._key(path, data))
        except (ValueError, TypeError, RecursionError):  # whatever a hostile entry holds, it is a miss
            return {}

    def track(self, path: str, data: bytes, spans: StatementSpans) -> None:
        """Write the statements `spans` places from now on when the process ends."""
        if not self._summaries.enabled:
            return
        self._tracked[path] = (self._key(path, data), len(data), spans)
        if not self._registered:
            self._registered = True
            atexit.register(self.flush)

    def flush(self) -> None:
        """Store every tracked file that had statements placed by this run (with the earlier ones)."""
        tracked, self._tracked = self._tracked, {}
        for path, (key, size, spans) in tracked.items():
            if not spans.placed:
                continue
            raw = json.dumps([key, _encode({**spans.known, **spans.placed})], separators=(",", ":")).encode()
            if len(raw) > entry_limit(size):
                continue
            try:
                state = self._summaries._look()
                if state == "refused":
                    return
                if state != "present":
                    self._summaries._create()
                _replace_atomically(self._entry(path), raw)
            except OSError:
                return  # a read-only project: go on without it

    def _entry(self, path: str) -> str:
        return self._summaries.entry_path(path)[: -len(".json")] + SPANS_SUFFIX

    @staticmethod
    def _key(path: str, data: bytes) -> str:
        return f"{entry_key(path, data)}:{_code_key()}"


def _encode(placed: Placed) -> list:
    return [[index, [[site, [[s.line, s.column, s.end_line, s.end_column] for s in spans]] for site, spans in sites.items()]]
            for index, sites in sorted(placed.items())]


def _decode(entry: object, key: str) -> Placed:
    """The entry's spans if it is exactly what `_encode` writes for `key`, else nothing."""
    if not (isinstance(entry, list) and len(entry) == 2 and entry[0] == key and isinstance(entry[1], list)):
        return {}
    placed: Placed = {}
    for index, sites in entry[1]:
        placed[_int(index)] = {_int(site): tuple(_span(span) for span in spans) for site, spans in sites}
    return placed


def _span(value: object) -> Span:
    if not (isinstance(value, list) and len(value) == 4):
        raise TypeError("a span is four integers")
    return Span(*(_int(number) for number in value))


def _int(value: object) -> int:
    if type(value) is not int or value < 0:
        raise TypeError("not a count")
    return value
