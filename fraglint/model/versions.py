"""Every Streamlit behaviour that depends on the release, as data, in one place.

Each `Fact` holds over a half-open range of releases [since, until) and names its evidence:
"oracle:<case>" when the oracle suite (tests/oracle) observed it on real releases, "source:"
when it was read from a release's wheel, "docs:" when only the documentation says so. Rules
ask `holds(fact_id, version)`; `docs/semantics.md` is generated from this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

NEWEST_KNOWN = Version("1.67.0")
FIRST_WITH_FRAGMENTS = Version("1.33.0")


@dataclass(frozen=True)
class Fact:
    id: str
    summary: str
    since: Version | None
    until: Version | None  # first release where the behaviour no longer holds
    evidence: tuple[str, ...]

    def holds(self, version: Version) -> bool:
        if self.since is not None and version < self.since:
            return False
        if self.until is not None and version >= self.until:
            return False
        return True

    def range_text(self) -> str:
        if self.since and self.until:
            return f"{self.since} to {_before(self.until)}"
        if self.since:
            return f"{self.since} and later"
        if self.until:
            return f"before {self.until}"
        return "all releases"


def _before(version: Version) -> str:
    major, minor = version.release[:2]
    return f"{major}.{minor - 1}.x" if minor else f"< {version}"


def _v(text: str | None) -> Version | None:
    return Version(text) if text else None


def _fact(id: str, summary: str, since: str | None, until: str | None, *evidence: str) -> Fact:
    return Fact(id, summary, _v(since), _v(until), evidence)


FACTS: dict[str, Fact] = {
    fact.id: fact
    for fact in (
        _fact(
            "experimental-fragment-exists",
            "`st.experimental_fragment` exists.",
            "1.33.0", "1.49.0",
            "source: removed from streamlit/__init__.py in 1.49.0",
            "ran: AttributeError under 1.67.0",
        ),
        _fact(
            "experimental-fragment-deprecated",
            "`st.experimental_fragment` shows a deprecation warning when used.",
            "1.37.0", "1.49.0",
            "source: deprecation wrapper added in 1.37.0",
        ),
        _fact(
            "fragment-exists",
            "`st.fragment` exists.",
            "1.37.0", None,
            "source: 1.37.0", "ran: AttributeError under 1.36.0",
        ),
        _fact(
            "rerun-scope-exists",
            "`st.rerun(scope=...)` accepts a scope.",
            "1.37.0", None,
            "source: 1.37.0", "ran: TypeError under 1.36.0",
        ),
        _fact(
            "fragment-parallel-exists",
            "`@st.fragment(parallel=True)` is accepted.",
            "1.58.0", None,
            "source: 1.58.0",
        ),
        _fact(
            "fragment-key-exists",
            "`@st.fragment(key=...)` and `st.rerun(\"<key>\")` are accepted.",
            "1.63.0", None,
            "source: 1.63.0",
        ),
        _fact(
            "nested-fragments-unsupported",
            "A fragment called while another fragment runs breaks the outer fragment: after the inner one "
            "returns, the runtime forgets the outer fragment, so its later elements are not redrawn by its reruns.",
            "1.33.0", "1.37.0",
            "docs: 1.33 'Calling fragments within fragments is unsupported'",
            "source: current fragment id reset to None after an inner fragment in 1.36; restored in 1.37.0 (#9114)",
        ),
        _fact(
            "sidebar-in-fragment-raises",
            "`st.sidebar` used inside a fragment raises StreamlitAPIException.",
            "1.33.0", "1.59.0",
            "ran: 1.36.0, 1.45.0 raise; 1.67.0 runs clean", "source: allowed from 1.59.0",
        ),
        _fact(
            "widget-outside-fragment-raises",
            "A widget written from a fragment into a container created outside it raises StreamlitAPIException.",
            "1.36.0", "1.59.0",
            "ran: 1.36.0, 1.45.0 raise", "source: allowed from 1.59.0",
        ),
        _fact(
            "outside-writes-pile-up",
            "Elements written from a fragment into a container created outside it are not cleared by the "
            "fragment's reruns: they accumulate until the next full run. `st.empty` placeholders replace instead.",
            "1.33.0", "1.59.0",
            "docs: 1.33 guide", "source: outside_container_wrapper.py redraws in place from 1.59.0",
        ),
        _fact(
            "rerun-fragment-scope-outside-raises",
            "`st.rerun(scope=\"fragment\")` raises when it runs outside a fragment rerun.",
            "1.37.0", None,
            "ran: 1.45.0, 1.67.0",
        ),
        _fact(
            "parallel-outside-write-raises",
            "A `parallel=True` fragment that writes to a container created outside it (st.sidebar and "
            "st.bottom included) raises StreamlitInvalidLayoutContextError.",
            "1.58.0", None,
            "ran: 1.67.0",
        ),
        _fact(
            "fragment-key-reserved-raises",
            "The fragment keys \"app\" and \"fragment\" are reserved: the decorator raises.",
            "1.63.0", None,
            "ran: 1.67.0",
        ),
        _fact(
            "fragment-key-duplicate-raises",
            "Two fragment functions with one key raise a duplicate-key error.",
            "1.63.0", None,
            "ran: 1.67.0",
        ),
        _fact(
            "rerun-key-outside-callback-raises",
            "`st.rerun(\"<key>\")` raises unless it is called from a widget callback.",
            "1.63.0", None,
            "ran: 1.67.0 (error id rerun-keyed-outside-callback)",
        ),
        _fact(
            "cache-plus-fragment-unsupported",
            "A function that is both cached and a fragment: the cache replays the fragment's elements "
            "instead of rerunning it, so its widgets and timer do not behave as a fragment's.",
            "1.33.0", None,
            "docs: 1.33 'Using caching and fragments on the same function is unsupported'",
            "ran: no exception on first run (1.45.0, 1.67.0)",
        ),
        _fact(
            "fragment-return-ignored",
            "The return value of a fragment is discarded during fragment reruns.",
            "1.33.0", None,
            "docs: 1.33 guide",
        ),
        _fact(
            "run-every-validated",
            "`run_every` must be a positive number of seconds, a timedelta or a time string; a malformed "
            "string raises StreamlitBadTimeStringError when the fragment is called.",
            "1.33.0", None,
            "ran: 1.67.0",
        ),
        _fact(
            "duplicate-widget-id-raises",
            "Two widgets with the same type, label and arguments and no key raise DuplicateWidgetID.",
            "1.33.0", None,
            "ran: a fragment called twice per run",
        ),
    )
}


def holds(fact_id: str, version: Version) -> bool:
    return FACTS[fact_id].holds(version)


def parse_version(text: str) -> Version:
    """Parse `X.Y` or `X.Y.Z`; raises ValueError with a readable message."""
    try:
        version = Version(text.strip())
    except InvalidVersion:
        raise ValueError(f"not a Streamlit release: {text!r} (expected X.Y or X.Y.Z, e.g. 1.45.0)") from None
    if len(version.release) < 3 and not version.pre and not version.dev:
        version = Version(".".join(str(p) for p in (version.release + (0, 0))[:3]))
    return version
