"""`path:line:col: CODE [name] message`, one line per diagnostic."""

from __future__ import annotations

from typing import TextIO

from fraglint.engine import CheckResult
from fraglint.report import RenderOptions
from fraglint.report.summary import summary_line


def render(result: CheckResult, out: TextIO, options: RenderOptions) -> None:
    for d in result.diagnostics:
        out.write(f"{options.display_path(d.path)}:{d.span.line}:{d.span.column}: {d.code} [{d.name}] {d.message}\n")
    out.write(summary_line(result) + "\n")
