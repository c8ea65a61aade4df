"""Which Streamlit releases the project targets, read from its own declarations.

Rules depend on the release (see `fraglint.model.versions`), so when the user names none,
fraglint reads what the project declares (`model.declarations` reads the files). Directories
are searched nearest first, from a file's directory up to and including the project root, and
the search stops at the first directory that yields a versioned declaration. In a directory:

- a lock file (`uv.lock`, `poetry.lock`, `Pipfile.lock`) gives its locked release and wins
  over everything else there, because a lock is what actually runs;
- otherwise every declaration is read, and the target is the set of known releases any of
  them admits: a pin gives its release, a range every release fraglint knows inside it.

A declaration without any version constraint (`streamlit`) does not stop the search; if
nothing better is found, the newest known release is the target, which is what a fresh
install gets. Problems (a malformed requirement, a range admitting no known release, an
unreadable file) become warnings naming the file and line, and the search goes on. A release
fraglint does not know is never used silently (`known_release`): one older than every release it
knows predates fragments, one newer is checked as the newest it knows, and one in a gap of the
list (1.37.2 never existed) as the known release just below it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from fraglint.model.declarations import (
    LOCK_FILES,
    Declaration,
    Findings,
    declaration_files,
    extend_unique,
    read_if_file,
    where,
)
from fraglint.safe_read import inside

# Every final Streamlit 1.x release, oldest first, as listed by `pip index versions streamlit`
# on 2026-11-25 (PyPI). Ranges resolve to the lowest of these they admit; there are gaps
# (no 1.37.2, no 1.45.2), so `>1.45.1` gives 1.46.0, not a release that never existed.
KNOWN_RELEASES: tuple[Version, ...] = tuple(
    Version(text)
    for text in """
    1.0.0 1.1.0 1.2.0 1.3.0 1.3.1 1.4.0 1.5.0 1.5.1 1.6.0 1.7.0 1.8.0 1.8.1 1.9.0 1.9.1 1.9.2
    1.10.0 1.11.0 1.11.1 1.12.0 1.12.1 1.12.2 1.13.0 1.14.0 1.14.1 1.15.0 1.15.1 1.15.2 1.16.0
    1.17.0 1.18.0 1.18.1 1.19.0 1.20.0 1.21.0 1.22.0 1.23.0 1.23.1 1.24.0 1.24.1 1.25.0 1.26.0
    1.26.1 1.27.0 1.27.1 1.27.2 1.28.0 1.28.1 1.28.2 1.29.0 1.30.0 1.31.0 1.31.1 1.32.0 1.32.1
    1.32.2 1.33.0 1.34.0 1.35.0 1.36.0 1.37.0 1.37.1 1.38.0 1.39.0 1.39.1 1.40.0 1.40.1 1.40.2
    1.41.0 1.41.1 1.42.0 1.42.1 1.42.2 1.43.0 1.43.1 1.43.2 1.44.0 1.44.1 1.45.0 1.45.1 1.46.0
    1.46.1 1.47.0 1.47.1 1.48.0 1.48.1 1.49.0 1.49.1 1.50.0 1.51.0 1.52.0 1.52.1 1.52.2 1.53.0
    1.53.1 1.54.0 1.55.0 1.56.0 1.57.0 1.58.0 1.59.0 1.59.1 1.59.2 1.60.0 1.61.0 1.61.1 1.62.0
    1.63.0 1.64.0 1.65.0 1.66.0 1.66.1 1.67.0
    """.split()  # noqa: SIM905 - one release per word, as the changelog lists them; 110 quoted items would hide them
)
NEWEST_KNOWN = KNOWN_RELEASES[-1]

@dataclass(frozen=True)
class ReleaseSet:
    """The releases a check targets; `written` is how they were asked for (`>=1.28`, `1.45.0`).

    `path` and `line` name the declaration or setting they came from, when it is a file: a
    diagnostic about the set itself (`streamlit-floor-too-low`) is reported there.
    """

    releases: tuple[Version, ...]  # sorted, never empty
    written: str
    path: str | None = None
    line: int | None = None

    @property
    def single(self) -> bool:
        return len(self.releases) == 1

    @property
    def newest(self) -> Version:
        return self.releases[-1]

    def describe(self) -> str:
        """`1.45.0` for one release; `>=1.28 (1.28.0 to 1.67.0, 60 known releases)` for a set."""
        if self.single:
            return str(self.releases[0])
        count = len(self.releases)
        return f"{self.written} ({self.releases[0]} to {self.newest}, {count} known releases)"


@dataclass
class DetectedVersion:
    """What a project declares: the releases it admits, the declaration, and what was said about it."""

    version: Version  # the oldest release of `releases`
    source: str
    line: int | None = None
    warnings: list[str] = field(default_factory=list)
    note: str | None = None  # how the releases were derived, e.g. "known releases admitted"
    releases: tuple[Version, ...] = ()
    written: str = ""

    def describe(self) -> str:
        place = where(self.source, self.line)
        return f"{place} ({self.note})" if self.note else place

    def release_set(self) -> ReleaseSet:
        releases = self.releases or (self.version,)
        return ReleaseSet(releases, self.written or str(self.version), self.source, self.line)


@dataclass
class Resolved:
    releases: tuple[Version, ...]  # empty: the declaration has no version constraint
    declaration: Declaration
    note: str


def known_release(release: Version, what: str) -> tuple[Version, str | None]:
    """The release to check for `release` (named by `what`), and a warning when it is not known."""
    known = next((candidate for candidate in KNOWN_RELEASES if candidate == release), None)
    if known is not None:
        return known, None  # as the list spells it: `1.45` is 1.45.0
    if release > NEWEST_KNOWN:
        return NEWEST_KNOWN, f"{what} names {release}, newer than fraglint knows: checked as {NEWEST_KNOWN}"
    if release < KNOWN_RELEASES[0]:
        return release, (
            f"{what} names {release}, which predates fragments: fragment rules have nothing to check "
            "(uses of fragment APIs it lacks are still reported)"
        )
    below = max(known for known in KNOWN_RELEASES if known < release)
    return below, f"{what} names {release}, which is not a Streamlit release fraglint knows: checked as {below}"


def is_specifier(text: str) -> bool:
    """`>=1.45,<1.60` names a range; `1.45` or `1.45.0` names one release."""
    stripped = text.strip()
    return stripped[:1] in "<>=!~" or "," in stripped


def admitted(text: str) -> tuple[Version, ...]:
    """The known releases a specifier admits; ValueError for one that is malformed or admits none."""
    try:
        specifiers = SpecifierSet(text.strip())
    except InvalidSpecifier:
        raise ValueError(f"not a version specifier: {text!r} (e.g. >=1.45,<1.60)") from None
    releases = tuple(specifiers.filter(KNOWN_RELEASES))
    if not releases:
        raise ValueError(f"{text!r} admits no Streamlit release fraglint knows ({KNOWN_RELEASES[0]} to {NEWEST_KNOWN})")
    return releases


def detect_target_version(start: str, root: str) -> DetectedVersion | None:
    """The releases the project at `start` targets, or None when it declares nothing."""
    warnings: list[str] = []
    unconstrained: Resolved | None = None
    for directory in _search_directories(start, root):
        tree = root if inside(directory, os.path.abspath(root)) else directory
        locks, others = Findings(tree), Findings(tree)
        for name in LOCK_FILES:
            read_if_file(os.path.join(directory, name), locks)
        for path in declaration_files(directory):
            read_if_file(path, others)
        extend_unique(warnings, locks.warnings + others.warnings)
        for findings in (locks, others):
            resolved = _resolve_all(findings.declarations, warnings)
            versioned = [item for item in resolved if item.releases]
            if versioned:
                return _detected(versioned, warnings)
            if resolved and unconstrained is None:
                unconstrained = resolved[0]
    if unconstrained is not None:
        declaration = unconstrained.declaration
        return DetectedVersion(NEWEST_KNOWN, declaration.path, declaration.line, warnings, unconstrained.note)
    if warnings:
        return DetectedVersion(NEWEST_KNOWN, f"default (newest known release, {NEWEST_KNOWN})", None, warnings)
    return None


def _detected(versioned: list[Resolved], warnings: list[str]) -> DetectedVersion:
    """The union of what a directory's declarations admit, named by the one that admits the oldest."""
    best = min(versioned, key=lambda item: item.releases[0])
    releases = tuple(sorted({release for item in versioned for release in item.releases}))
    written = " | ".join(dict.fromkeys(item.declaration.text for item in versioned))
    declaration = best.declaration
    return DetectedVersion(releases[0], declaration.path, declaration.line, warnings, best.note, releases, written)

def _search_directories(start: str, root: str) -> list[str]:
    """From the checked path's directory up to and including the project root."""
    directory = os.path.abspath(start)
    if not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    root = os.path.abspath(root)
    try:
        inside = os.path.commonpath([directory, root]) == root
    except ValueError:  # different drives on Windows
        inside = False
    if not inside:  # e.g. --config names a pyproject.toml elsewhere: look beside both
        return [directory, root] if directory != root else [directory]
    chain = [directory]
    while chain[-1] != root:
        chain.append(os.path.dirname(chain[-1]))
    return chain


# --- resolving a declaration to the releases it admits ------------------------------------


def _resolve_all(declarations: list[Declaration], warnings: list[str]) -> list[Resolved]:
    resolved = []
    for declaration in declarations:
        result, problem = _resolve(declaration)
        if problem:
            extend_unique(warnings, [f"{where(declaration.path, declaration.line)}: {problem}"])
        if result is not None:
            resolved.append(result)
    return resolved


def _resolve(declaration: Declaration) -> tuple[Resolved | None, str | None]:
    """(the releases the declaration admits, a warning); both may be present."""
    where_written = f"`{declaration.text}`"
    if declaration.locked is not None:
        release, problem = known_release(declaration.locked, f"the lock entry {where_written}")
        return Resolved((release,), declaration, "locked"), problem
    if not any(str(alternative) for alternative in declaration.alternatives):
        return Resolved((), declaration, "no version constraint: newest known release"), None
    # Poetry's `||` gives alternatives; the app may meet a release of any of them.
    outcomes = [_admitted_by(alternative, declaration.text) for alternative in declaration.alternatives]
    releases = tuple(sorted({release for found, _, _ in outcomes for release in found}))
    problems = [problem for _, _, problem in outcomes if problem]
    if not releases:
        return None, problems[0] if problems else None
    note = next(note for found, note, _ in outcomes if found)
    return Resolved(releases, declaration, note), problems[0] if problems else None


def _admitted_by(specifiers: SpecifierSet, written: str) -> tuple[tuple[Version, ...], str, str | None]:
    """(releases, how they were chosen, warning) for one set of specifiers that must all hold."""
    pinned = _pinned(specifiers)
    if pinned is not None:
        if not specifiers.contains(pinned, prereleases=True):
            return (), "", f"`{written}` admits no release; ignoring it"
        release, problem = known_release(pinned, f"`{written}`")
        return (release,), "pinned", problem
    found = tuple(specifiers.filter(KNOWN_RELEASES))
    if not found:
        return (), "", (
            f"`{written}` admits no Streamlit release fraglint knows "
            f"({KNOWN_RELEASES[0]} to {NEWEST_KNOWN}); ignoring it"
        )
    if any(spec.operator in (">", ">=", "~=", "==", "===") for spec in specifiers):
        return found, f"known releases admitted by `{written}`", None
    # Only upper bounds or exclusions: the oldest release fraglint knows (1.0.0) is the floor.
    return found, f"`{written}` has no lower bound: every known release it admits", None


def _pinned(specifiers: SpecifierSet) -> Version | None:
    for spec in specifiers:
        if spec.operator == "===" or (spec.operator == "==" and not spec.version.endswith(".*")):
            try:
                return Version(spec.version)
            except InvalidVersion:
                return None
    return None
