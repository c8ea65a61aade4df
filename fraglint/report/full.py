"""The default human format: a code frame with the span underlined, related places with frames
of their own, and notes aligned on the gutter, as rustc and ruff print them.

A fragment's scope note (what its reruns do) is said in full once per run; later findings in the
same fragment point back to it instead of repeating it word for word. `[*]` marks a finding
`--fix` can fix, as in ruff. Without colour the same text is written without rich (about
0.05 s of imports a one-file check in pre-commit does not need), unless rich would change it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from fraglint.diagnostics import Applicability, Diagnostic, Severity, Span
from fraglint.report import RenderOptions, SourceLines, narrate
from fraglint.report.summary import summary_line
from fraglint.result import CheckResult
from fraglint.safe_text import printable

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_CONTEXT = 1
_MAX_LINES = 6  # lines of a long span shown after its first


def frame(d: Diagnostic, lines: list[str], text: type[Text | _PlainText]) -> Text | _PlainText:
    """The finding's lines with one line of context around them, its span underlined with `^`."""
    style = "bold red" if d.severity is Severity.ERROR else "bold yellow"
    return _frame(text(), d.span, lines, _CONTEXT, "^", style)


def _frame(text: Text | _PlainText, span: Span, lines: list[str], context: int, mark: str, style: str, width: int = 0) -> Text | _PlainText:
    """`width`: at least this wide a gutter, so a related place's frame lines up with the finding's."""
    if not lines or span.line > len(lines):
        return text
    first = max(1, span.line - context)
    last = min(len(lines), span.end_line + context, span.line + _MAX_LINES)
    width = max(width, _gutter(last))
    text.append(f"{'':>{width}} |\n", style="blue")
    for number in range(first, last + 1):
        raw = printable(lines[number - 1])  # a string literal may hold an escape sequence
        source = raw.expandtabs(4)
        text.append(f"{number:>{width}} | ", style="blue")
        text.append(source + "\n")
        if span.line <= number <= span.end_line:
            # spans count characters of the raw line; the frame shows tabs expanded
            start = _width(lines[number - 1], span.column) if number == span.line else len(source) - len(source.lstrip())
            end = _width(lines[number - 1], span.end_column) if number == span.end_line else len(source)
            end = max(end, start + 1)
            text.append(f"{'':>{width}} | ", style="blue")
            text.append(" " * start + mark * (end - start) + "\n", style=style)
    text.append(f"{'':>{width}} |\n", style="blue")
    return text


def _gutter(last_line: int) -> int:
    return len(str(last_line))


def _width(line: str, column: int) -> int:
    """Where 1-based `column` of the raw line falls in the printed line (escapes, tabs expanded)."""
    return len(printable(line[: column - 1]).expandtabs(4))


def render(result: CheckResult, out: TextIO, options: RenderOptions) -> None:
    if not options.color:  # as rich would print it, when it would change nothing: no rich to import
        plain = _PlainConsole()
        _draw(result, options, plain, _PlainText)
        written = "".join(plain.written)
        if written.replace("\n", "").isprintable():  # rich expands tabs and drops control codes
            out.write(written)
            out.flush()  # as rich does: before anything said on stderr after it
            return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=out, force_terminal=options.color, no_color=not options.color, highlight=False, width=200, soft_wrap=True)
    _draw(result, options, console, Text)


def _draw(result: CheckResult, options: RenderOptions, console: Console | _PlainConsole, text: type[Text | _PlainText]) -> None:
    lines = SourceLines(result)
    said: dict[str, str] = {}  # a scope note -> the finding that said it in full
    for d in result.diagnostics:
        here = f"{printable(options.display_path(d.path))}:{d.span.line}:{d.span.column}"
        console.print(_header(text(), d, here, options))
        source = lines(d.path)
        console.print(frame(d, source, text), end="")
        width = _gutter(min(len(source), d.span.end_line + _CONTEXT, d.span.line + _MAX_LINES))
        note = " " * (width + 1) + "= "
        for related in d.related:
            where = f"{printable(options.display_path(related.path))}:{related.span.line}:{related.span.column}"
            console.print(text.assemble((note, "blue"), (where, "bold"), f": {printable(related.message)}"))
            console.print(_frame(text(), related.span, lines(related.path), 0, "-", "blue", width), end="")
        for fact in map(narrate.scope_note, d.scope_facts):
            if fact in said:
                console.print(text.assemble((note + "scope: ", "blue"), f"as for {said[fact]} above"))
            else:
                said[fact] = here
                console.print(text.assemble((note + "scope: ", "blue"), printable(fact)))
        if d.fix is not None:
            available = " (unsafe fix available)" if d.fix.applicability is Applicability.UNSAFE else " (fix available)"
            console.print(text.assemble((note + "help: ", "blue"), printable(d.fix.message), available))
        console.print()
    if not options.quiet:
        console.print(text(summary_line(result, options), style="bold"))


def _header(header: Text | _PlainText, d: Diagnostic, here: str, options: RenderOptions) -> Text | _PlainText:
    """`app.py:5:2: FRG108 [*] [experimental-fragment] message`; `[*]`: `--fix` fixes it (with
    `--unsafe-fixes`, an unsafe fix too), as ruff marks it."""
    header.append(f"{here}: ", style="bold")
    header.append(f"{d.code} ", style="bold red" if d.severity is Severity.ERROR else "bold yellow")
    if d.fix is not None and (d.fix.applicability is Applicability.SAFE or options.unsafe_fixes):
        header.append("[*] ", style="bold cyan")
    header.append(f"[{d.name}] ", style="cyan")
    header.append(printable(d.message))
    return header


class _PlainText:
    """The part of rich's `Text` this renderer uses, without styles: output without colour."""

    def __init__(self, text: str = "", style: str | None = None) -> None:
        self.plain = text

    def append(self, text: str, style: str | None = None) -> _PlainText:
        self.plain += text
        return self

    @classmethod
    def assemble(cls, *parts: str | tuple[str, str]) -> _PlainText:
        return cls("".join(part if isinstance(part, str) else part[0] for part in parts))


class _PlainConsole:
    """What rich's `Console.print` writes for plain text that fits its 200 columns unwrapped."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def print(self, text: Text | _PlainText | None = None, end: str = "\n") -> None:
        self.written.append((text.plain if text is not None else "") + end)
