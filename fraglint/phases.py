"""What a check is doing and how long each step took: for `-v` and for progress on a terminal.

The engine names its phases (`discover`, `summaries`, `index`, `rules`, `diagnostics`) through a
`Phases` it is given; it never prints. The CLI turns the timings into `-v`'s lines and the
callbacks into a progress bar; a caller that passes nothing pays nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Phases:
    """Timings by phase (seconds), counts of what was cached, and hooks for a progress display."""

    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # e.g. "cached", "parsed"
    on_phase: Callable[[str, int], None] | None = None  # (phase, items it will do, 0 if unknown)
    on_advance: Callable[[int], None] | None = None  # items of the current phase done

    @contextmanager
    def phase(self, name: str, total: int = 0) -> Iterator[None]:
        if self.on_phase is not None:
            self.on_phase(name, total)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start

    def advance(self, done: int) -> None:
        if self.on_advance is not None:
            self.on_advance(done)

    def count(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


QUIET = Phases()  # for callers that do not look: the numbers are kept and never read
