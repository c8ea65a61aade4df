"""Each name lookup resolved once per check, cycles cut, and what each lookup read recorded.

Resolution is recursive: `self.node` is whatever every `self.node = ...` assigns, and
`self.node = self.node.next` asks for `self.node` again. Without memoisation a class with ten
such methods branches ten ways at every level (issue 9); with it, every lookup (a name in a
scope, an attribute of a module, class or instance, what a function returns) is computed once,
so the cost of resolving a project is linear in its code.

A lookup that needs itself (directly or round a cycle of other lookups: `a = b; b = a`, two
modules importing each other, mutual recursion) has no answer a static reader can trust.
`LookupMemo.get` finds such cycles with Tarjan's strongly-connected-components algorithm over
the lookups as they run, and gives *every* lookup on a cycle the kind's unknown, as final for
the check. That is the conservative choice, and it makes the answers independent of the order
the lookups were asked in: a lookup on a cycle is unknown whichever of its members was asked
first, and every lookup off cycles sees only final answers (a member of an open cycle already
answers unknown, its final value). The alternative, caching only the answers that did not
meet an open cycle and computing the others again each time, can cost exponential time again.

The one exception is the safety net for Python's stack: a chain of lookups nested more than
`MAX_NESTING` deep is cut like a cycle through the outermost one, so all of them are unknown.
Which lookups that cuts can depend on what was asked before; no real code nests that deep.

Reads: every lookup records the modules it read (its own, and those of the lookups it used),
so the language server can lend a lookup to the next check when none of them changed
(`take_over`). A lookup on a cycle is recorded with the reads of the whole cycle's
computation: if any of those changes, the cycle may be gone.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

V = TypeVar("V")

# The modules a lookup read, sorted: a tuple of one module (most lookups) takes 48 bytes where a
# frozenset takes 216, and readers only ask `changed.isdisjoint(reads)` or add them to a set.
Reads = tuple[str, ...]


def reads_of(modules: set[str], shared: dict[Reads, Reads]) -> Reads:
    """`modules` as `Reads`, one object per distinct value kept in `shared`."""
    found = tuple(sorted(modules))
    return shared.setdefault(found, found)


# Lookups open at once before the safety net cuts: about ten Python frames each, so this stays
# well inside Python's default recursion limit of 1000 with the caller's frames on top.
MAX_NESTING = 50


@dataclass(slots=True)
class _Frame:
    """A lookup being computed: its place on the component stack and the lowest it reaches."""

    position: int
    low: int
    cyclic: bool = False  # it met an open lookup (itself or one of its component)


@dataclass
class LookupMemo:
    """The answers of one check's lookups, by key, with Tarjan's bookkeeping while they run."""

    steps: int = 0  # lookups asked (answered from the memo or computed): the cost measure
    _done: dict[Hashable, tuple[Any, Reads]] = field(default_factory=dict)  # key -> (answer, reads)
    # One object per distinct set of reads: most lookups read one module or a few, and a
    # project's tens of thousands of lookups would otherwise each keep a set of their own.
    _reads: dict[Reads, Reads] = field(default_factory=dict)
    _open: dict[Hashable, int] = field(default_factory=dict)  # key -> position on `_component`
    _component: list[tuple[Hashable, object]] = field(default_factory=list)  # (key, its unknown)
    _frames: list[_Frame] = field(default_factory=list)
    reading: list[set[str]] = field(default_factory=list)  # open frames; the last records reads

    # -- reads ----------------------------------------------------------------------------

    def start_reading(self) -> None:
        """Record the modules every lookup from here to `stop_reading` reads."""
        self.reading.append(set())

    def stop_reading(self) -> set[str]:
        """The modules read since the matching `start_reading` (nested frames included)."""
        read = self.reading.pop()
        if self.reading:
            self.reading[-1].update(read)
        return read

    # -- lookups --------------------------------------------------------------------------

    def get(self, owner: object, compute: Callable[..., V], args: tuple, unknown: V) -> V:
        """`compute(owner, *args)`, computed the first time it is asked; `unknown` on a cycle.

        `compute` is a plain function, so the key `(compute, *args)` means the same lookup in the
        next check's memo (`take_over`). One flat tuple, not `(compute, args)`: a project's
        hundred thousand lookups would each keep a second tuple.
        """
        self.steps += 1
        key = (compute, *args)
        entry = self._done.get(key)
        if entry is not None:
            if self.reading:
                self.reading[-1].update(entry[1])
            return entry[0]
        position = self._open.get(key)
        if position is None and len(self._frames) >= MAX_NESTING:
            position = self._frames[0].position  # the safety net: a cycle through the outermost
        if position is not None:
            frame = self._frames[-1]
            frame.low = min(frame.low, position)
            frame.cyclic = True
            return unknown
        return self._compute(key, owner, unknown)

    def _compute(self, key: tuple, owner: object, unknown: V) -> V:
        position = len(self._component)
        self._open[key] = position
        self._component.append((key, unknown))
        frame = _Frame(position, position)
        self._frames.append(frame)
        reads: set[str] = set()  # what this lookup reads, kept (frozen) as its entry's
        self.reading.append(reads)
        try:
            value = key[0](owner, *key[1:])
        except BaseException:
            self.reading.pop()
            self._abandon(frame)
            raise
        self.reading.pop()
        if self.reading:
            self.reading[-1].update(reads)
        self._frames.pop()
        if frame.low < position:  # on a cycle still open below: unknown, settled by its root
            parent = self._frames[-1]
            parent.low = min(parent.low, frame.low)
            parent.cyclic = True
            return unknown
        kept = reads_of(reads, self._reads)
        if position == len(self._component) - 1 and not frame.cyclic:  # off every cycle
            self._component.pop()
            del self._open[key]
            self._done[key] = (value, kept)
            return value
        for member, member_unknown in self._component[position:]:
            del self._open[member]
            self._done[member] = (member_unknown, kept)
        del self._component[position:]
        return unknown

    def _abandon(self, frame: _Frame) -> None:
        """Forget a lookup interrupted by an exception, and the open ones above it."""
        while self._frames and self._frames[-1] is not frame:
            self._frames.pop()
        self._frames.pop()
        for member, _ in self._component[frame.position :]:
            self._open.pop(member, None)
        del self._component[frame.position :]

    # -- reuse between checks -------------------------------------------------------------

    def take_over(self, previous: LookupMemo, changed: set[str]) -> None:
        """Keep the answers of `previous` that read none of the `changed` modules."""
        for key, entry in previous._done.items():
            if changed.isdisjoint(entry[1]):
                self._done[key] = entry
