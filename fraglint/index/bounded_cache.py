"""A least-recently-used cache with a budget, for the per-text caches of incremental parsing.

`ChunkedParser` caches parsed and walked pieces of editor buffers by their text. Each edit makes a
new version of the piece it touched, and the old one is only useful for an undo; counting
entries does not bound memory (a piece can be one line or a thousand, and a parsed piece
costs about 180 bytes per character of its text, libcst tree and positions included). So each
entry is charged its text's length, and the least recently used entries go once the total is
over budget.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Container, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """key -> value, least recently used first out once the entries' costs exceed `budget`."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.cost = 0
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def get(self, key: K) -> V | None:
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V, cost: int, keep: Container[K] = ()) -> None:
        """Store `value`, then evict as `trim(keep)` does (never this entry)."""
        old = self._entries.pop(key, None)
        if old is not None:
            self.cost -= old[1]
        self._entries[key] = (value, cost)
        self.cost += cost
        self.trim(keep)

    def trim(self, keep: Container[K] = ()) -> None:
        """Evict the least recently used entries until within budget; one in `keep` counts as
        used now (it moves to the back) and the newest entry stays."""
        if self.cost <= self.budget or not self._entries:
            return
        newest = next(reversed(self._entries))
        for _ in range(len(self._entries)):
            oldest = next(iter(self._entries))
            if oldest is newest:
                return
            if oldest in keep:
                self._entries.move_to_end(oldest)
                continue
            self.cost -= self._entries.pop(oldest)[1]
            if self.cost <= self.budget:
                return

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)
