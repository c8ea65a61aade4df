"""A JSON array of diagnostics with 1-based positions (`--output-format json`)."""

from __future__ import annotations

import json
from typing import TextIO

from fraglint.diagnostics import Diagnostic, Location
from fraglint.report import RenderOptions
from fraglint.result import CheckResult
from fraglint.safe_text import valid_unicode_data


def location(loc: Location, options: RenderOptions) -> dict:
    return {
        "path": options.display_path(loc.path),
        "line": loc.span.line,
        "column": loc.span.column,
        "end_line": loc.span.end_line,
        "end_column": loc.span.end_column,
        "message": loc.message,
    }


def diagnostic_dict(d: Diagnostic, options: RenderOptions) -> dict:
    fix = None
    if d.fix is not None:
        fix = {
            "message": d.fix.message,
            "applicability": d.fix.applicability,
            "edits": [
                {
                    "line": e.span.line,
                    "column": e.span.column,
                    "end_line": e.span.end_line,
                    "end_column": e.span.end_column,
                    "content": e.replacement,
                }
                for e in d.fix.edits
            ],
        }
    shown = {
        "path": options.display_path(d.path),
        "line": d.span.line,
        "column": d.span.column,
        "end_line": d.span.end_line,
        "end_column": d.span.end_column,
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "related": [location(r, options) for r in d.related],
        "fix": fix,
    }
    if d.releases is not None:  # only when the target is more than one release
        shown["releases"] = d.releases.as_dict()
    return shown


def render(result: CheckResult, out: TextIO, options: RenderOptions) -> None:
    json.dump(valid_unicode_data([diagnostic_dict(d, options) for d in result.diagnostics]), out, indent=2)
    out.write("\n")
