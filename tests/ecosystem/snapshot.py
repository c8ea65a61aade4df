"""The triaged snapshot and how a run's findings compare with it.

A finding is identified by (project, path, line, rule, message). Against the snapshot a run's
finding is *kept* (same identity), *changed* (same project, path, line and rule, another
message: the verdict may no longer hold), *new*, or the snapshot's finding is *gone*. Every
finding in the snapshot carries a verdict: `true` (the message is right about the code),
`false` (it claims something the code does not do) or `untriaged`, and a one-line `why`.

The file holds one finding per line, so that a triage is a one-line diff.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SNAPSHOT_FILE = Path(__file__).resolve().parent / "snapshot.json"
VERDICTS = ("true", "false", "untriaged")


@dataclass(frozen=True)
class Finding:
    project: str
    path: str  # posix, relative to the unpacked distribution
    line: int
    rule: str  # code, e.g. FRG103
    name: str  # rule name, e.g. fragment-return-value
    message: str

    @property
    def identity(self) -> tuple:
        return (self.project, self.path, self.line, self.rule, self.message)

    @property
    def place(self) -> tuple:
        return (self.project, self.path, self.line, self.rule)


@dataclass
class Triaged:
    finding: Finding
    verdict: str
    why: str


@dataclass
class Comparison:
    kept: list[Triaged] = field(default_factory=list)
    changed: list[tuple[Triaged, Finding]] = field(default_factory=list)  # (old, now)
    new: list[Finding] = field(default_factory=list)
    gone: list[Triaged] = field(default_factory=list)

    @property
    def untriaged(self) -> list[Triaged]:
        return [entry for entry in self.kept if entry.verdict == "untriaged"]

    @property
    def clean(self) -> bool:
        return not (self.changed or self.new or self.gone or self.untriaged)


def load(path: Path = SNAPSHOT_FILE) -> list[Triaged]:
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = []
    for item in data["findings"]:
        if item["verdict"] not in VERDICTS:
            raise ValueError(f"{path}: verdict {item['verdict']!r} is not one of {VERDICTS}: {item}")
        finding = Finding(item["project"], item["path"], item["line"], item["rule"], item["name"], item["message"])
        entries.append(Triaged(finding, item["verdict"], item["why"]))
    return entries


def save(entries: list[Triaged], path: Path = SNAPSHOT_FILE) -> None:
    entries = sorted(entries, key=lambda e: (e.finding.project, e.finding.path, e.finding.line, e.finding.rule, e.finding.message))
    lines = [
        json.dumps({
            "project": e.finding.project, "path": e.finding.path, "line": e.finding.line, "rule": e.finding.rule,
            "name": e.finding.name, "verdict": e.verdict, "why": e.why, "message": e.finding.message,
        }, ensure_ascii=False)
        for e in entries
    ]
    body = ",\n    ".join(lines)
    text = (
        '{\n  "about": "fraglint findings on tests/ecosystem/projects.toml, each triaged: verdict true/false/untriaged, why in one line",\n'
        f'  "findings": [\n    {body}\n  ]\n}}\n' if lines else
        '{\n  "about": "fraglint findings on tests/ecosystem/projects.toml, each triaged: verdict true/false/untriaged, why in one line",\n'
        '  "findings": []\n}\n'
    )
    path.write_text(text, encoding="utf-8")


def compare(found: list[Finding], snapshot: list[Triaged], projects: set[str]) -> Comparison:
    """`found` (a run over `projects`) against the snapshot's entries for those projects."""
    result = Comparison()
    pending: dict[tuple, list[Triaged]] = {}
    for entry in snapshot:
        if entry.finding.project in projects:
            pending.setdefault(entry.finding.identity, []).append(entry)
    unmatched = []
    for finding in found:
        same = pending.get(finding.identity)
        if same:
            result.kept.append(same.pop())
        else:
            unmatched.append(finding)
    leftover: dict[tuple, list[Triaged]] = {}
    for entries in pending.values():
        for entry in entries:
            leftover.setdefault(entry.finding.place, []).append(entry)
    for finding in unmatched:
        olds = leftover.get(finding.place)
        if olds:
            result.changed.append((olds.pop(), finding))
        else:
            result.new.append(finding)
    result.gone = [entry for entries in leftover.values() for entry in entries]
    return result


def updated(snapshot: list[Triaged], comparison: Comparison, projects: set[str]) -> list[Triaged]:
    """The snapshot after a run over `projects`: new and changed findings `untriaged`, gone ones dropped."""
    entries = [entry for entry in snapshot if entry.finding.project not in projects]
    entries += comparison.kept
    for old, now in comparison.changed:
        why = f"was {old.verdict} ({old.why}) for: {old.finding.message}"
        entries.append(Triaged(now, "untriaged", why))
    entries += [Triaged(finding, "untriaged", "") for finding in comparison.new]
    return entries


def tally(entries: list[Triaged]) -> Counter:
    return Counter(entry.verdict for entry in entries)
