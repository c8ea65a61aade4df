"""What `fraglint check` shows besides the diagnostics: colour, progress, timings, statistics.

Progress goes to standard error, and only when it is a terminal and the work is long (many
files to parse): never into a pipe, a file or a CI log. `-v` prints each phase's time and what
the summary cache saved; `--statistics` prints one line per rule, as `ruff --statistics` does.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

import click

from fraglint.phases import Phases
from fraglint.safe_text import printable

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from fraglint.diagnostics import Diagnostic
    from fraglint.result import CheckResult

PROGRESS_FROM = 200  # files to read: below this a check takes about a second, and a bar would only flicker
PHASE_LABELS = {
    "discover": "finding files",
    "parse": "reading and parsing",
    "index": "resolving names across modules",
    "rules": "running the rules",
    "diagnostics": "placing the findings",
    "interpret": "walking the rerun model",  # fraglint scopes
}


def use_color(flag: bool | None, stream: TextIO) -> bool:
    """--color/--no-color, else NO_COLOR (off), else FORCE_COLOR (on), else whether `stream` is a terminal."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


@contextmanager
def progress_phases(show: bool) -> Iterator[Phases]:
    """A `Phases` for the engine; with `show`, a transient progress bar on a terminal's stderr."""
    phases = Phases()
    if not show or not sys.stderr.isatty() or os.environ.get("CI"):
        yield phases
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    bar = Progress(*columns, console=Console(stderr=True), transient=True)
    state: dict[str, TaskID | None] = {"task": None}

    def on_phase(name: str, total: int) -> None:
        if name == "parse" and total >= PROGRESS_FROM and state["task"] is None:
            bar.start()
            state["task"] = bar.add_task(PHASE_LABELS[name], total=total)
        elif state["task"] is not None:
            _describe(bar, state["task"], PHASE_LABELS.get(name, name))

    def on_advance(done: int) -> None:
        if state["task"] is not None:
            bar.advance(state["task"], done)

    phases.on_phase, phases.on_advance = on_phase, on_advance
    try:
        yield phases
    finally:
        bar.stop()


def _describe(bar: Progress, task: TaskID, label: str) -> None:
    """A phase after parsing has no count: the bar shows it full, with the phase's name."""
    bar.update(task, description=label, completed=bar.tasks[0].total)


def report_timings(phases: Phases, render_seconds: float, result: CheckResult) -> None:
    """`-v`: one line per phase, and what the summary cache saved."""
    for name, seconds in phases.timings.items():
        click.echo(f"fraglint: {PHASE_LABELS.get(name, name)}: {seconds:.3f}s", err=True)
    click.echo(f"fraglint: rendering: {render_seconds:.3f}s", err=True)
    cached, parsed = phases.counts.get("cached", 0), phases.counts.get("parsed", 0)
    click.echo(
        f"fraglint: summaries: {cached} from the cache, {parsed} parsed ({result.files_checked} checked, the rest read as context)",
        err=True,
    )


def render_statistics(diagnostics: list[Diagnostic], out: TextIO, as_json: bool, fixable: set[int]) -> None:
    """Counts per rule, most frequent first, `[*]` where the rule's findings carry a fix (as ruff)."""
    counts = Counter((d.code, d.name) for d in diagnostics)
    with_fix = {(d.code, d.name) for d in diagnostics if id(d) in fixable}
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if as_json:
        data = [{"code": code, "name": name, "count": n, "fixable": (code, name) in with_fix} for (code, name), n in rows]
        out.write(json.dumps(data, indent=2) + "\n")
        return
    width = max((len(str(n)) for _, n in rows), default=1)
    for (code, name), n in rows:
        mark = "[*] " if (code, name) in with_fix else "[ ] "
        out.write(f"{n:>{width}}\t{code}\t{mark}{printable(name)}\n")
