"""The release facts one walk of the rerun interpreter reads, so that one walk serves every
release on which they agree.

The walk (`model.interpreter` and the modules it calls: `callback_reruns`, `callback_stops`,
`switch_pages`, `orphaned_timers`) is given no release, only a `WalkFacts`: `holds(fact)` answers
for the release it was made for and records the answer. The walk is a function of the answers it
got, so on another release where every recorded fact has the same value it would ask the same
questions, get the same answers and find the same (`agrees`). A project with no `st.stop()`, no
callbacks and no dialogs asks nothing, and one walk serves every release.
"""

from __future__ import annotations

from packaging.version import Version

from fraglint.model import versions

# The version facts (fraglint/model/versions.py) `fraglint scopes` depends on, listed in
# docs/semantics.md: those the walk may read, and those the interpretation reads at its own
# release when a rerun plan is asked for (`Interpretation.rerun_plan`, not the walk).
FACTS = (
    "nested-fragments-unsupported",
    "dialog-in-fragment-nested",
    "nested-dialog-raises",
    "outside-writes-pile-up",
    "stop-ends-current-run",
    "callback-keyed-rerun-replaces-rerun",
    "callback-rerun-reruns-app",
    "stop-in-callback-cancels-rerun",
    "stop-in-fragment-callback-clears-fragment",
    "switch-page-runs-target-page",
    "orphaned-timer-keeps-running",
    "fragment-rerun-first-run-arguments",
    "async-fragment-unsupported",
)


class WalkFacts:
    """One release's answers to the walk's questions, recording each question asked."""

    __slots__ = ("_release", "read")

    def __init__(self, release: Version) -> None:
        self._release = release
        self.read: dict[str, bool] = {}  # fact -> its value on the release, for each fact asked

    def holds(self, fact: str) -> bool:
        found = self.read.get(fact)
        if found is None:
            if fact not in FACTS:
                raise KeyError(f"the walk reads {fact!r}, which interpreter_facts.FACTS does not list")
            found = self.read[fact] = versions.holds(fact, self._release)
        return found

    def agrees(self, release: Version) -> bool:
        """Would a walk for `release` get the same answer to every question this one asked?"""
        return all(versions.holds(fact, release) == value for fact, value in self.read.items())
