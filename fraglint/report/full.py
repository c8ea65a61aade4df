"""The default human format: a code frame with the span underlined, and the call chain."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

from fraglint.diagnostics import Diagnostic, Severity
from fraglint.report import RenderOptions, SourceLines
from fraglint.report.summary import summary_line
from fraglint.result import CheckResult
from fraglint.safe_text import printable

_CONTEXT = 1


def frame(d: Diagnostic, lines: list[str]) -> Text:
    text = Text()
    if not lines or d.span.line > len(lines):
        return text
    first = max(1, d.span.line - _CONTEXT)
    last = min(len(lines), d.span.end_line + _CONTEXT)
    last = min(last, d.span.line + 6)
    width = len(str(last))
    text.append(f"{'':>{width}} |\n", style="blue")
    for number in range(first, last + 1):
        raw = printable(lines[number - 1])  # a string literal may hold an escape sequence
        source = raw.expandtabs(4)
        text.append(f"{number:>{width}} | ", style="blue")
        text.append(source + "\n")
        if d.span.line <= number <= d.span.end_line:
            # spans count characters of the raw line; the frame shows tabs expanded
            start = _width(lines[number - 1], d.span.column) if number == d.span.line else len(source) - len(source.lstrip())
            end = _width(lines[number - 1], d.span.end_column) if number == d.span.end_line else len(source)
            end = max(end, start + 1)
            style = "bold red" if d.severity is Severity.ERROR else "bold yellow"
            text.append(f"{'':>{width}} | ", style="blue")
            text.append(" " * start + "^" * (end - start) + "\n", style=style)
    text.append(f"{'':>{width}} |\n", style="blue")
    return text


def _width(line: str, column: int) -> int:
    """Where 1-based `column` of the raw line falls in the printed line (escapes, tabs expanded)."""
    return len(printable(line[: column - 1]).expandtabs(4))


def render(result: CheckResult, out: TextIO, options: RenderOptions) -> None:
    console = Console(file=out, force_terminal=options.color, no_color=not options.color, highlight=False, width=200, soft_wrap=True)
    lines = SourceLines(result)
    for d in result.diagnostics:
        header = Text()
        header.append(f"{printable(options.display_path(d.path))}:{d.span.line}:{d.span.column}: ", style="bold")
        header.append(f"{d.code} ", style="bold red" if d.severity is Severity.ERROR else "bold yellow")
        header.append(f"[{d.name}] ", style="cyan")
        header.append(printable(d.message))
        console.print(header)
        console.print(frame(d, lines(d.path)), end="")
        for related in d.related:
            where = f"{printable(options.display_path(related.path))}:{related.span.line}:{related.span.column}"
            console.print(Text.assemble(("  = ", "blue"), (where, "bold"), f": {printable(related.message)}"))
        for fact in d.scope_facts:
            console.print(Text.assemble(("  = scope: ", "blue"), printable(fact)))
        if d.fix is not None:
            console.print(Text.assemble(("  = help: ", "blue"), printable(d.fix.message), " (fix available)"))
        console.print()
    if not options.quiet:
        console.print(Text(summary_line(result, options), style="bold"))
