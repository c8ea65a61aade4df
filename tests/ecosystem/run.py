"""Run fraglint on real distributions that use fragments and compare with the triaged snapshot.

    python tests/ecosystem/run.py              # the default (reduced) set; prints new/changed/gone
    python tests/ecosystem/run.py --full       # every distribution in projects.toml
    python tests/ecosystem/run.py --update     # also write new and changed findings as untriaged
    python tests/ecosystem/run.py -p rdagent   # only the named distributions (repeatable)

Exit code: 0 when every finding matches a triaged snapshot entry and nothing crashed, 1 when
something differs or is untriaged, 2 on a crash (a traceback, an exit code other than 0/1, no
JSON) or when a distribution cannot be fetched. See README.md beside this file.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import resource
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from distributions import CACHE, REPO, Distribution, DownloadError, fetch, load_projects, unpack
from snapshot import Comparison, Finding, Triaged, compare, load, save, tally, updated

from fraglint.config import Settings
from fraglint.files import discover
from fraglint.safe_text import printable

CHECK_TIMEOUT = 600
CONTEXT = 2  # lines of code shown before and after a finding
FRAGMENT_DECORATORS = ("fragment", "dialog")
DECORATOR_LINE = re.compile(rb"^[ \t]*@[\w.]*(?:fragment|dialog)\w*[ \t]*(?:\(|$)", re.IGNORECASE | re.MULTILINE)


@dataclass
class ProjectRun:
    dist: Distribution
    root: Path
    findings: list[Finding] = field(default_factory=list)
    crash: str | None = None
    files: int = 0
    lines: int = 0
    fragments: int = 0
    cpu: float = 0.0
    wall: float = 0.0


def selected(projects: list[Distribution], full: bool, names: list[str]) -> list[Distribution]:
    if names:
        unknown = set(names) - {d.name for d in projects}
        if unknown:
            raise SystemExit(f"not in projects.toml: {', '.join(sorted(unknown))}")
        return [d for d in projects if d.name in names]
    return projects if full else [d for d in projects if d.reduced]


def run_project(dist: Distribution, cache: Path = CACHE) -> ProjectRun:
    root = unpack(dist, fetch(dist, cache), cache)
    run = ProjectRun(dist, root)
    env = {**os.environ, "NO_COLOR": "1", "FRAGLINT_NO_CACHE": "1"}
    env.pop("GITHUB_ACTIONS", None)
    command = [sys.executable, "-m", "fraglint", "check", "--output-format", "json", "--no-cache", dist.check]
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    try:
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=CHECK_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        run.crash = f"no answer within {CHECK_TIMEOUT} s"
        return run
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run.wall = time.monotonic() - start
    run.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    run.crash = _crash(done)
    if run.crash is None:
        run.findings = [_finding(dist, root, item) for item in json.loads(done.stdout)]
    _measure(run)
    return run


def _crash(done: subprocess.CompletedProcess) -> str | None:
    if "Traceback (most recent call last)" in done.stderr:
        return "traceback: " + done.stderr.strip().splitlines()[-1]
    if done.returncode not in (0, 1):
        return f"exit code {done.returncode}: {done.stderr.strip()[-300:]}"
    try:
        if isinstance(json.loads(done.stdout), list):
            return None
    except ValueError:
        pass
    return "stdout is not a JSON list of diagnostics"


def _finding(dist: Distribution, root: Path, item: dict) -> Finding:
    path = Path(item["path"])
    relative = os.path.relpath(path if path.is_absolute() else root / path, root)
    return Finding(dist.name, Path(relative).as_posix(), item["line"], item["code"], item["name"], item["message"])


def _measure(run: ProjectRun) -> None:
    """Files fraglint checks (its own discovery), their lines, and fragment/dialog definitions."""
    files = discover([str(run.root / run.dist.check)], Settings(root=str(run.root))).files
    run.files = len(files)
    for name in files:
        source = Path(name).read_bytes()
        run.lines += source.count(b"\n")
        run.fragments += count_fragments(source)


def count_fragments(source: bytes) -> int:
    """Functions decorated by a name holding `fragment` or `dialog` (`st.fragment(...)`,
    `compat.st_dialog`, `_dialog_decorator`): what a reader counts, whether or not fraglint
    resolves it. Files this interpreter cannot parse (newer syntax) are counted by their lines.
    """
    try:
        with warnings.catch_warnings():  # the project's invalid escapes are not this run's business
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return len(DECORATOR_LINE.findall(source))
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            count += any(_is_fragment_decorator(_decorator_name(d)) for d in node.decorator_list)
    return count


def _is_fragment_decorator(name: str) -> bool:
    return any(word in name.lower() for word in FRAGMENT_DECORATORS)


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def context(root: Path, finding: Finding) -> list[str]:
    """A few numbered lines of the unpacked file around the finding, safe to print."""
    path = root / finding.path
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        return [f"      (cannot read {finding.path}: {exc})"]
    first, last = max(finding.line - CONTEXT, 1), min(finding.line + CONTEXT, len(lines))
    marker = {True: ">", False: " "}
    return [f"    {marker[n == finding.line]}{n:5} | {printable(lines[n - 1])}" for n in range(first, last + 1)]


def describe(finding: Finding) -> str:
    return printable(f"{finding.project} {finding.path}:{finding.line} {finding.rule} [{finding.name}] {finding.message}")


def report(comparison: Comparison, roots: dict[str, Path]) -> list[str]:
    """The differences, each with its code, then the untriaged entries."""
    out = []
    for finding in comparison.new:
        out += [f"NEW       {describe(finding)}", *context(roots[finding.project], finding)]
    for old, now in comparison.changed:
        out += [f"CHANGED   {describe(now)}", f"    before: {printable(old.finding.message)} (was {old.verdict}: {printable(old.why)})"]
        out += context(roots[now.project], now)
    for entry in comparison.gone:
        out += [f"GONE      {describe(entry.finding)} (was {entry.verdict}: {printable(entry.why)})"]
        out += context(roots[entry.finding.project], entry.finding)
    for entry in comparison.untriaged:
        out += [f"UNTRIAGED {describe(entry.finding)}", *context(roots[entry.finding.project], entry.finding)]
    return out


def figures(runs: list[ProjectRun], kept: list[Triaged], wall: float) -> list[str]:
    counts = tally(kept)
    judged = counts["true"] + counts["false"]
    precision = f"{counts['true'] / judged:.3f}" if judged else "n/a"
    load1, load5, _ = os.getloadavg()
    return [
        f"projects {len(runs)}, files {sum(r.files for r in runs)}, lines {sum(r.lines for r in runs)}, "
        f"fragment/dialog definitions {sum(r.fragments for r in runs)}",
        f"findings {sum(len(r.findings) for r in runs)}: true {counts['true']}, false {counts['false']}, "
        f"untriaged {counts['untriaged']} (of those matching the snapshot); precision {precision}",
        f"crashes {sum(r.crash is not None for r in runs)}",
        f"time {wall:.1f} s wall, fraglint {sum(r.cpu for r in runs):.1f} CPU-s, load average {load1:.1f} / {load5:.1f} (1 / 5 min)",
    ]


def run_all(dists: list[Distribution]) -> tuple[list[ProjectRun], float]:
    start = time.monotonic()
    runs = [run_project(dist) for dist in dists]
    return runs, time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="every distribution (default: the reduced set; or FRAGLINT_ECOSYSTEM=full)")
    parser.add_argument("-p", "--project", action="append", default=[], help="only this distribution (repeatable)")
    parser.add_argument("--update", action="store_true", help="write new and changed findings into the snapshot as untriaged")
    parser.add_argument("--per-project", action="store_true", help="print each distribution's figures")
    args = parser.parse_args(argv)
    full = args.full or os.environ.get("FRAGLINT_ECOSYSTEM", "").lower() in ("full", "all", "1")
    dists = selected(load_projects(), full, args.project)
    try:
        runs, wall = run_all(dists)
    except DownloadError as exc:
        print(f"cannot fetch a distribution: {exc}", file=sys.stderr)
        return 2
    names = {d.name for d in dists}
    snapshot = load()
    comparison = compare([f for r in runs for f in r.findings], snapshot, names)
    roots = {r.dist.name: r.root for r in runs}
    for line in report(comparison, roots):
        print(line)
    for run in runs:
        if run.crash:
            print(f"CRASH     {run.dist.name}: {printable(run.crash)}")
        if args.per_project:
            print(f"  {run.dist.name}: {run.files} files, {run.lines} lines, {run.fragments} fragments, {len(run.findings)} findings, {run.cpu:.1f} CPU-s")
    print(f"new {len(comparison.new)}, changed {len(comparison.changed)}, gone {len(comparison.gone)}, untriaged {len(comparison.untriaged)}")
    for line in figures(runs, comparison.kept, wall):
        print(line)
    if args.update:
        save(updated(snapshot, comparison, names))
        print(f"snapshot updated: {Path(os.path.relpath(REPO / 'tests/ecosystem/snapshot.json'))}")
    if any(r.crash for r in runs):
        return 2
    return 0 if comparison.clean else 1


if __name__ == "__main__":
    sys.exit(main())
