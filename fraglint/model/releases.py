"""The releases a check targets, and the behaviour epochs they fall into.

A project rarely runs on one release: `streamlit>=1.28` admits every release from 1.28 on.
fraglint checks the whole set, but never release by release: the facts table
(`model.versions`) changes truth value at a handful of releases, so the known releases fall
into *epochs*, maximal runs on which every fact reads the same. Rules run once per epoch, with
one representative release (the newest of the epoch inside the set, so messages name a
release the project admits), and a finding's releases are the union of its epochs.

Which releases a set holds is `model.target`'s question; this module only splits them.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import Version

from fraglint.model import versions
from fraglint.model.target import KNOWN_RELEASES, ReleaseSet


def runs(release_set: ReleaseSet, subset: tuple[Version, ...]) -> str:
    """`1.45-1.58` or `1.33-1.36, 1.45`: `subset` as runs of consecutive releases of the set."""
    chosen = set(subset)
    groups: list[list[Version]] = []
    previous_in = False
    for release in release_set.releases:
        if release in chosen:
            if not previous_in:
                groups.append([])
            groups[-1].append(release)
        previous_in = release in chosen
    return ", ".join(_run_text(group[0], group[-1]) for group in groups)


def _run_text(first: Version, last: Version) -> str:
    """Releases named as messages name them: whole minors as `1.45`, a part of one in full."""
    start = versions.release(first) if _first_of_minor(first) else str(first)
    end = versions.release(last) if _last_of_minor(last) else str(last)
    if first == last and start != end:  # one release, not its whole minor
        return str(first)
    return start if start == end else f"{start}-{end}"


def _minor(release: Version) -> tuple[int, ...]:
    return release.release[:2]


def _first_of_minor(release: Version) -> bool:
    same = [r for r in KNOWN_RELEASES if _minor(r) == _minor(release)]
    return bool(same) and same[0] == release


def _last_of_minor(release: Version) -> bool:
    same = [r for r in KNOWN_RELEASES if _minor(r) == _minor(release)]
    return bool(same) and same[-1] == release


def _signature(release: Version) -> tuple[bool, ...]:
    """What a release reads from the facts table (and whether it has fragments at all)."""
    facts = tuple(fact.holds(release) for fact in versions.FACTS.values())
    return (release >= versions.FIRST_WITH_FRAGMENTS,) + facts


@dataclass(frozen=True)
class Epoch:
    """Releases of a set on which every fact reads the same; rules run once, on `representative`."""

    releases: tuple[Version, ...]

    @property
    def representative(self) -> Version:
        return self.releases[-1]


def epochs(release_set: ReleaseSet) -> list[Epoch]:
    """The set's releases split where a fact changes between consecutive known releases."""
    result: list[list[Version]] = []
    previous: tuple[bool, ...] | None = None
    for release in release_set.releases:
        signature = _signature(release)
        if signature != previous:
            result.append([])
        result[-1].append(release)
        previous = signature
    return [Epoch(tuple(group)) for group in result]
