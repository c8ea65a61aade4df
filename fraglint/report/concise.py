"""`path:line:col: CODE [name] message`, one line per diagnostic."""

from __future__ import annotations

from typing import TextIO

from fraglint.report import RenderOptions
from fraglint.report.summary import summary_line
from fraglint.result import CheckResult
from fraglint.safe_text import printable


def render(result: CheckResult, out: TextIO, options: RenderOptions) -> None:
    for d in result.diagnostics:
        where = f"{printable(options.display_path(d.path))}:{d.span.line}:{d.span.column}"
        out.write(f"{where}: {d.code} [{d.name}] {printable(d.message)}\n")
    if not options.quiet:
        out.write(summary_line(result, options) + "\n")
