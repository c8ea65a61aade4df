"""`--fix`, `--diff`, `--show-fixes`, `--unsafe-fixes` and `--add-noqa`: changing files, or showing how.

All of them go through `fraglint.fixes`, the one place that turns edits into bytes (the file's
encoding, BOM and line endings kept, written only while its bytes are the ones checked).
Which fixes apply follows ruff: safe ones always, unsafe ones only with `--unsafe-fixes`.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TextIO

from fraglint.cli.app import error
from fraglint.diagnostics import Applicability, Diagnostic, Edit, Fix
from fraglint.fixes import fix_file, fix_source, plan_fixes
from fraglint.index.facts import suppressions_in
from fraglint.index.loader import InputProblem, decode_source, read_source
from fraglint.report import RenderOptions
from fraglint.result import CheckResult
from fraglint.rules import INPUT_DIAGNOSTICS
from fraglint.rules.unused_suppression import UnusedSuppression
from fraglint.safe_text import printable
from fraglint.source_text import line_starts, line_text, source_digest
from fraglint.suppressions import noqa_edit_codes


def applicable(diagnostics: Sequence[Diagnostic], unsafe: bool) -> list[Diagnostic]:
    """The diagnostics whose fix `--fix` applies: safe fixes, and unsafe ones with `--unsafe-fixes`."""
    return [d for d in diagnostics if d.fix is not None and (unsafe or d.fix.applicability is Applicability.SAFE)]


def apply_fixes(result: CheckResult, diagnostics: Sequence[Diagnostic], options: RenderOptions) -> list[Diagnostic]:
    """Apply the fixes of `diagnostics`; say on stderr what was not. Returns the diagnostics fixed.

    A file that cannot be fixed (read-only, changed since the check, a fix that would break the
    code) is reported and the others are still fixed.
    """
    fixed: list[Diagnostic] = []
    for path, group in _by_path(diagnostics).items():
        outcome = fix_file(path, result.source_digests.get(path), [d.fix for d in group if d.fix is not None])
        refused_lines = {r.line for r in outcome.refusals}
        if None not in refused_lines:
            fixed += [d for d in group if d.fix is not None and min(e.span.line for e in d.fix.edits) not in refused_lines]
        for refusal in outcome.refusals:
            where = options.display_path(refusal.path) + (f":{refusal.line}" if refusal.line else "")
            error(f"{where}: {refusal.message}")
    return fixed


def _by_path(diagnostics: Sequence[Diagnostic]) -> dict[str, list[Diagnostic]]:
    grouped: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        grouped[d.path].append(d)
    return grouped


def show_fixes(diagnostics: Sequence[Diagnostic], options: RenderOptions, verb: str) -> str:
    """`--show-fixes`: what was fixed (or would be), by file and rule, as ruff lists it ("" if nothing)."""
    if not diagnostics:
        return ""
    count = len(diagnostics)
    lines = [f"{verb} {count} problem{'s' if count != 1 else ''}:"]
    for path, group in sorted(_by_path(diagnostics).items()):
        lines.append(f"- {printable(options.display_path(path))}:")
        for (code, name), n in sorted(Counter((d.code, d.name) for d in group).items()):
            lines.append(f"    {n} × {code} ({name})")
    return "\n".join(lines)


def write_diff(result: CheckResult, diagnostics: Sequence[Diagnostic], options: RenderOptions, out: TextIO) -> int:
    """`--diff`: what `--fix` would change, as a unified diff; returns how many fixes it shows."""
    shown = 0
    for path, group in sorted(_by_path(diagnostics).items()):
        data = read_source(path)
        if isinstance(data, InputProblem) or source_digest(data) != result.source_digests.get(path):
            error(f"{options.display_path(path)}: changed since it was checked; no diff")
            continue
        outcome = fix_source(path, data, [d.fix for d in group if d.fix is not None])
        if isinstance(outcome, str):
            error(f"{options.display_path(path)}: {outcome}; no diff")
            continue
        new, plan = outcome
        before = decode_source(path, data)
        if new == data or isinstance(before, InputProblem):
            continue
        out.writelines(unified_diff(before, plan.text, options.display_path(path)))
        shown += len(plan.applied)
    return shown


def unified_diff(before: str, after: str, name: str) -> list[str]:
    """`--- a/NAME` / `+++ b/NAME` and the hunks, as `git diff` and `ruff --diff` print them."""
    name = printable(name)
    return list(difflib.unified_diff(_lines(before), _lines(after), f"a/{name}", f"b/{name}"))


def _lines(text: str) -> list[str]:
    """Lines as Python breaks them (\\n, \\r\\n, \\r; never str.splitlines' other breaks), each ending in \\n for the diff."""
    starts = line_starts(text)
    lines = [text[start:end] for start, end in zip(starts, (*starts[1:], len(text)), strict=True) if end > start]
    return [line if line.endswith("\n") else line.rstrip("\r") + "\n" for line in lines]


def add_noqa(result: CheckResult, options: RenderOptions) -> int:
    """`--add-noqa`: a `# noqa: CODE` on the line of every finding; returns how many comments changed.

    Each line's comment is checked to land as a comment (a line that ends inside a string, for
    example, is left alone and named); the file is written as `--fix` writes, bytes kept.
    """
    by_line: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    # A file fraglint could not analyse cannot take a comment it would read; an unused suppression is
    # removed, not suppressed once more.
    skipped = {kind.code for kind in INPUT_DIAGNOSTICS.values()} | {UnusedSuppression.code}
    for d in result.diagnostics:
        if d.code not in skipped:
            by_line[d.path][d.span.line].append(d.code)
    added = 0
    for path, lines in sorted(by_line.items()):
        added += _add_noqa_to_file(path, lines, result.source_digests.get(path), options)
    return added


def _add_noqa_to_file(path: str, lines: dict[int, list[str]], digest: str | None, options: RenderOptions) -> int:
    data = read_source(path)
    text = decode_source(path, data) if isinstance(data, bytes) else data
    if not isinstance(text, str):
        error(f"{options.display_path(path)}: cannot be read; no suppressions added")
        return 0
    fixes = {}
    for line, codes in lines.items():
        found = noqa_edit_codes(line_text(text, line), line, codes)
        if found is not None:
            fixes[line] = Fix("Add a suppression comment", (Edit(*found),))
    after = suppressions_in(plan_fixes(text, list(fixes.values())).text)  # a suppression comment adds no line: numbers hold
    for line, codes in sorted(lines.items()):
        entry = after.get(line)
        if line in fixes and (entry is None or (entry[0] is not None and not set(codes) <= entry[0])):
            error(f"{options.display_path(path)}:{line}: the line ends inside a string; add the suppression by hand")
            del fixes[line]
    outcome = fix_file(path, digest, list(fixes.values()))
    for refusal in outcome.refusals:
        error(f"{options.display_path(path)}{f':{refusal.line}' if refusal.line else ''}: {refusal.message}")
    return outcome.fixed
