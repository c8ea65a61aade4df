"""GitLab Code Quality report (`--output-format gitlab`): a JSON array GitLab shows in merge requests.

The fingerprint must stay the same while a finding stays: it hashes the path, the rule, the
message and the text of the reported line (not its number, which moves as code is added
above), plus an ordinal among identical findings in that file.
"""

from __future__ import annotations

import hashlib
import json
from typing import TextIO

from fraglint.diagnostics import Diagnostic, Severity
from fraglint.report import RenderOptions, SourceLines
from fraglint.result import CheckResult
from fraglint.safe_text import valid_unicode_data

# Code Quality severities: info, minor, major, critical, blocker.
SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


def _line_text(lines: list[str], line: int) -> str:
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def issues(result: CheckResult, options: RenderOptions) -> list[dict]:
    lines = SourceLines(result)
    seen: dict[str, int] = {}
    found = []
    for d in result.diagnostics:
        path = options.display_path(d.path).replace("\\", "/")
        basis = "\0".join((path, d.code, d.message, _line_text(lines(d.path), d.span.line)))
        ordinal = seen.get(basis, 0)
        seen[basis] = ordinal + 1
        fingerprint = hashlib.sha256(f"{basis}\0{ordinal}".encode("utf-8", "surrogatepass")).hexdigest()
        found.append(_issue(d, path, fingerprint))
    return found


def _issue(d: Diagnostic, path: str, fingerprint: str) -> dict:
    return {
        "description": f"{d.code} [{d.name}] {d.message}",
        "check_name": d.name,
        "fingerprint": fingerprint,
        "severity": SEVERITY[d.severity],
        "location": {"path": path, "lines": {"begin": d.span.line, "end": d.span.end_line}},
    }


def render(result: CheckResult, out: TextIO, options: RenderOptions) -> None:
    json.dump(valid_unicode_data(issues(result, options)), out, indent=2)
    out.write("\n")
