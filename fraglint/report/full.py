"""The default human format: a code frame with the span underlined, and the call chain."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

from fraglint.diagnostics import Diagnostic, Severity
from fraglint.engine import CheckResult
from fraglint.index.loader import load_text, read_source
from fraglint.report import RenderOptions
from fraglint.report.summary import summary_line

_CONTEXT = 1


def _lines(path: str, cache: dict[str, list[str]]) -> list[str]:
    """The file's lines, decoded as Python decodes it (coding cookie, BOM)."""
    if path not in cache:
        text = load_text(path)
        if not isinstance(text, str):
            data = read_source(path)
            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else ""
        cache[path] = text.splitlines()
    return cache[path]


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
        raw = lines[number - 1]
        source = raw.expandtabs(4)
        text.append(f"{number:>{width}} | ", style="blue")
        text.append(source + "\n")
        if d.span.line <= number <= d.span.end_line:
            # spans count characters of the raw line; the frame shows tabs expanded
            start = len(raw[: d.span.column - 1].expandtabs(4)) if number == d.span.line else len(source) - len(source.lstrip())
            end = len(raw[: d.span.end_column - 1].expandtabs(4)) if number == d.span.end_line else len(source)
            end = max(end, start + 1)
            style = "bold red" if d.severity is Severity.ERROR else "bold yellow"
            text.append(f"{'':>{width}} | ", style="blue")
            text.append(" " * start + "^" * (end - start) + "\n", style=style)
    text.append(f"{'':>{width}} |\n", style="blue")
    return text


def render(result: CheckResult, out: TextIO, options: RenderOptions) -> None:
    console = Console(file=out, force_terminal=options.color, no_color=not options.color, highlight=False, width=200, soft_wrap=True)
    cache: dict[str, list[str]] = {}
    for d in result.diagnostics:
        header = Text()
        header.append(f"{options.display_path(d.path)}:{d.span.line}:{d.span.column}: ", style="bold")
        header.append(f"{d.code} ", style="bold red" if d.severity is Severity.ERROR else "bold yellow")
        header.append(f"[{d.name}] ", style="cyan")
        header.append(d.message)
        console.print(header)
        console.print(frame(d, _lines(d.path, cache)), end="")
        for related in d.related:
            console.print(
                Text.assemble(("  = ", "blue"), (f"{options.display_path(related.path)}:{related.span.line}:{related.span.column}", "bold"), f": {related.message}")
            )
        for fact in d.scope_facts:
            console.print(Text.assemble(("  = scope: ", "blue"), fact))
        if d.fix is not None:
            console.print(Text.assemble(("  = help: ", "blue"), d.fix.message, " (fix available)"))
        console.print()
    console.print(Text(summary_line(result), style="bold"))
