"""The rules over a target of several releases: once per behaviour epoch, findings merged.

A target is a set of releases (`settings.release_set()`). The rules run once per epoch
(`model.releases.epochs`), over the one project model, with the epoch's newest release as
`ctx.version`; a finding is then reported once per (rule, location), with the releases it
holds on, its worst severity, and the newest epoch's message. For a single release this is
exactly one run of the rules, and the findings are what they always were.

An API the oldest admitted releases lack (`fragment-api-unavailable` on some epochs but not all)
becomes one `streamlit-floor-too-low` finding, and the other rules are judged on the epochs
that have every API the code uses.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass

from packaging.version import Version

from fraglint.config import Settings
from fraglint.diagnostics import ReleaseRange, Severity, Span
from fraglint.model import releases as epochs_of
from fraglint.model.target import ReleaseSet
from fraglint.rules import ALL_RULES, BY_NAME
from fraglint.rules.base import CheckContext, Finding, Reads, Rule
from fraglint.safe_read import CONFIG_LIMIT, read_text

API = BY_NAME["fragment-api-unavailable"]
FLOOR = BY_NAME["streamlit-floor-too-low"]


@dataclass
class Ranged:
    """A finding merged over epochs: the newest epoch's finding, and every release it holds on."""

    rule: type[Rule]
    finding: Finding
    releases: tuple[Version, ...]
    range: ReleaseRange | None = None
    raising: tuple[Version, ...] = ()  # the releases where its epoch's finding is an error


@dataclass(frozen=True)
class Floor:
    """What the oldest admitted releases lack: one line per API, the uses, and the floor to raise to."""

    release_set: ReleaseSet
    lacking: dict[str, list[Finding]]  # what is lacking ("without `st.fragment`") -> its uses
    floor: Version
    without: tuple[Version, ...]  # the admitted releases that lack them

    def range(self) -> ReleaseRange:
        holds_on = epochs_of.runs(self.release_set, self.without)
        return ReleaseRange(self.release_set.written, holds_on, str(self.without[0]), str(self.without[-1]), False)

    def message(self) -> str:
        lacks = " and ".join(f"{lacking} (used at {_sites(len(uses))})" for lacking, uses in self.lacking.items())
        return f"`{self.release_set.written}` admits releases {lacks}; raise the floor to >={_floor_text(self.floor)}"


def check_releases(ctx: CheckContext, settings: Settings) -> tuple[list[Ranged], Floor | None]:
    """The enabled rules' findings on `ctx.report_paths` over the settings' releases."""
    release_set = settings.release_set()
    enabled = settings.enabled_codes()
    wanted = [r for r in ALL_RULES if r.code in enabled or (r is API and FLOOR.code in enabled)]
    runs = _run_epochs(wanted, ctx, epochs_of.epochs(release_set))
    runs, floor = _split_at_floor(runs, release_set)
    merged = _merge(runs, release_set, enabled, drop_api=floor is not None)
    return merged, floor if floor is not None and FLOOR.code in enabled else None


def _split_at_floor(runs: list, release_set: ReleaseSet) -> tuple[list, Floor | None]:
    """The epochs that have every API the code uses, and the floor, when some epochs lack one
    (when none has it, as for a pin, `fragment-api-unavailable` reports each use instead)."""
    lacking = [epoch for epoch, found in runs if any(rule is API for rule, _ in found)]
    if release_set.single or not lacking or len(lacking) == len(runs):
        return runs, None
    floor = _floor(release_set, runs, lacking)
    return [(epoch, found) for epoch, found in runs if epoch not in lacking], floor


def _run_epochs(rules: list[type[Rule]], ctx: CheckContext, epochs: list) -> list:
    """(epoch, its findings) for each epoch, oldest first, as `_run` on each would find them.

    Each rule runs on the newest epoch first; on an older one its findings of a recorded run are
    taken again when every question that run asked of its release (`Reads`) answers the same
    there: the rule is a function of those answers, so it would find the very same.
    """
    made: dict[type[Rule], list[tuple[Reads, list[Finding]]]] = {rule: [] for rule in rules}
    newest_first = [(epoch, _run(rules, dataclasses.replace(ctx, version=epoch.representative), made)) for epoch in reversed(epochs)]
    return newest_first[::-1]


def _run(rules: list[type[Rule]], ctx: CheckContext, made: dict[type[Rule], list[tuple[Reads, list[Finding]]]]) -> list[tuple[type[Rule], Finding]]:
    found = []
    for rule_class in rules:
        findings = next((taken for reads, taken in made[rule_class] if reads.agrees(ctx.version)), None)
        if findings is None:
            findings = _checked(rule_class, ctx, made[rule_class])
        for finding in findings:
            if (ctx.report_paths is None or finding.site.path in ctx.report_paths) and ctx.judges(rule_class, finding):
                found.append((rule_class, finding))
    return found


def _checked(rule_class: type[Rule], ctx: CheckContext, runs: list[tuple[Reads, list[Finding]]]) -> list[Finding]:
    """The rule's findings on `ctx`'s release (none where its facts do not all hold), recorded
    in `runs` with what it asked of the release."""
    reads = Reads()
    recording = dataclasses.replace(ctx, reads=reads)
    applies = all(recording.holds(fact) for fact in rule_class.facts)
    findings = list(rule_class().check(recording)) if applies else []
    runs.append((reads, findings))
    return findings


def _merge(runs: list, release_set: ReleaseSet, enabled: set[str], drop_api: bool) -> list[Ranged]:
    """One `Ranged` per (rule, location), in the order the newest epoch found them."""
    merged: dict[tuple, Ranged] = {}
    for epoch, found in reversed(runs):  # newest first: its message and related locations win
        seen: dict[tuple, int] = {}
        for rule, finding in found:
            if rule.code not in enabled or (drop_api and rule is API):
                continue
            place = (rule.code, finding.site, finding.part)
            seen[place] = seen.get(place, 0) + 1
            key = (*place, seen[place])  # two findings at one place in one epoch stay two
            raising = epoch.releases if (finding.severity or rule.severity) is Severity.ERROR else ()
            if key not in merged:
                merged[key] = Ranged(rule, finding, epoch.releases, raising=raising)
                continue
            ranged = merged[key]
            ranged.releases = tuple(sorted(ranged.releases + epoch.releases))
            ranged.raising = tuple(sorted(ranged.raising + raising))
            ranged.finding = _worse(ranged.finding, finding, rule)
    if not release_set.single:
        for ranged in merged.values():
            _describe(ranged, release_set)
    return list(merged.values())


def _worse(kept: Finding, other: Finding, rule: type[Rule]) -> Finding:
    """`kept` (the newer epoch's finding) with the worse of the two severities."""
    severity: Callable[[Finding], Severity] = lambda f: f.severity or rule.severity  # noqa: E731 - one line, used twice
    if severity(kept) is Severity.ERROR or severity(other) is not Severity.ERROR:
        return kept
    return dataclasses.replace(kept, severity=Severity.ERROR)


def _describe(ranged: Ranged, release_set: ReleaseSet) -> None:
    """Say on which admitted releases the finding holds, in its message when not on all of them."""
    holds_on = epochs_of.runs(release_set, ranged.releases)
    everywhere = len(ranged.releases) == len(release_set.releases)
    first, last = ranged.releases[0], ranged.releases[-1]
    ranged.range = ReleaseRange(release_set.written, holds_on, str(first), str(last), everywhere)
    if not everywhere:
        message = f"{ranged.finding.message} ({_where(ranged, release_set)} of the releases `{release_set.written}` admits)"
        ranged.finding = dataclasses.replace(ranged.finding, message=message)


def _where(ranged: Ranged, release_set: ReleaseSet) -> str:
    """`raises on 1.49-1.67`, or, where older epochs only warn (a deprecation before a removal),
    `raises on 1.49-1.67, warns on 1.37-1.48`: a range never claims an exception it lacks."""
    holds_on = epochs_of.runs(release_set, ranged.releases)
    if not ranged.raising:
        return f"holds on {holds_on}"
    warning = tuple(release for release in ranged.releases if release not in set(ranged.raising))
    if not warning:
        return f"raises on {holds_on}"
    return f"raises on {epochs_of.runs(release_set, ranged.raising)}, warns on {epochs_of.runs(release_set, warning)}"


def _floor(release_set: ReleaseSet, runs: list, lacking: list) -> Floor:
    """What the lacking epochs miss (`Finding.lacks` of `fragment-api-unavailable`) and the floor."""
    uses: dict[str, dict[tuple, Finding]] = {}
    for _, found in runs:
        for rule, finding in found:
            if rule is API:
                uses.setdefault(finding.lacks or "without an API the code uses", {})[(finding.site, finding.part)] = finding
    last_lacking = max(epoch.releases[-1] for epoch in lacking)
    floor = min(release for epoch, _ in runs for release in epoch.releases if release > last_lacking)
    ordered = {api: sorted(found.values(), key=lambda f: (f.site.path, f.site.site)) for api, found in uses.items()}
    without = tuple(release for epoch in lacking for release in epoch.releases)
    return Floor(release_set, ordered, floor, without)


def declaration_span(path: str | None, line: int | None, root: str) -> tuple[str, Span] | None:
    """Where a release set was declared, as a span over its line's text; None when it has no file."""
    if path is None or not os.path.isfile(path):
        return None
    text = read_text(path, CONFIG_LIMIT, None)
    lines = text.splitlines() if isinstance(text, str) else []
    number = line if line is not None and 1 <= line <= len(lines) else 1
    content = lines[number - 1] if lines else ""
    start = len(content) - len(content.lstrip()) + 1
    return path, Span(number, start, number, max(len(content.rstrip()) + 1, start + 1))


def _sites(count: int) -> str:
    return f"{count} site{'s' if count != 1 else ''}"


def _floor_text(release: Version) -> str:
    return f"{release.major}.{release.minor}" if release.micro == 0 else str(release)
