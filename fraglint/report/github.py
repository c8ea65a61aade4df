"""GitHub Actions workflow commands (`--output-format github`), one annotation per diagnostic.

    ::error file=app.py,line=4,endLine=4,col=5,endColumn=23,title=FRG105 fragment-sidebar-call::message

Escaping follows the runner's rules (actions/toolkit `command.ts`): in the data `%`, `\\r` and
`\\n` become `%25`, `%0D`, `%0A`; in property values `:` and `,` also become `%3A` and `%2C`.
Every annotation is therefore exactly one line, so no file name or message can start a
workflow command of its own, and a `::` inside a property cannot end the property list.
Text from the project is made printable first (`fraglint.safe_text`): escape sequences and
other control characters are shown escaped, and undecodable file-name bytes as `\\xNN`;
line breaks are left to the percent-escaping, so a file name round-trips into `file=`.
"""

from __future__ import annotations

from typing import TextIO

from fraglint.diagnostics import Diagnostic, Severity
from fraglint.report import RenderOptions
from fraglint.result import CheckResult
from fraglint.safe_text import printable


def _visible(text: str) -> str:
    return printable(text, keep_line_breaks=True)


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def message_text(d: Diagnostic, options: RenderOptions) -> str:
    """The message, then the call chain, one related location a line (shown in the annotation)."""
    lines = [_visible(d.message)]
    for related in d.related:
        where = f"{_visible(options.display_path(related.path))}:{related.span.line}:{related.span.column}"
        lines.append(f"  = {where}: {_visible(related.message)}" if related.message else f"  = {where}")
    if d.fix is not None:
        lines.append(f"  = help: {_visible(d.fix.message)} (fix available: `fraglint check --fix`)")
    return "\n".join(lines)


def annotation(d: Diagnostic, options: RenderOptions) -> str:
    command = "error" if d.severity is Severity.ERROR else "warning"
    properties = {
        "file": _visible(options.display_path(d.path)),
        "line": str(d.span.line),
        "endLine": str(d.span.end_line),
        "col": str(d.span.column),
        "endColumn": str(d.span.end_column),
        "title": f"{d.code} {d.name}",
    }
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{command} {listed}::{escape_data(message_text(d, options))}"


def render(result: CheckResult, out: TextIO, options: RenderOptions) -> None:
    for d in result.diagnostics:
        out.write(annotation(d, options) + "\n")
