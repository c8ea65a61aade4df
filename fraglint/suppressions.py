"""The grammar of suppression comments, in one place: reading them and writing a `# noqa`.

`# noqa` (every code), `# noqa: FRG104, FRG105` (those codes), `# fraglint: ignore` and
`# fraglint: ignore[outside-container-write]` (by rule name), as ruff and fixit spell them.
The engine reads them (`index/facts.py`); the language server's "suppress on this line" action
and `fraglint check --add-noqa` write them (`noqa_edit`), so all agree on what a comment suppresses.
"""

from __future__ import annotations

import re

from fraglint.diagnostics import Span

NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*))?", re.IGNORECASE)
IGNORE = re.compile(r"#\s*fraglint:\s*ignore(?:\[(?P<names>[^\]]*)\])?", re.IGNORECASE)


def suppression(comment: str) -> tuple[set[str] | None, set[str] | None] | None:
    """What a comment suppresses: (noqa codes, ignored rule names), None in either for "all",
    an empty set where the comment has no such part; None when it suppresses nothing."""
    noqa, ignore = NOQA.search(comment), IGNORE.search(comment)
    if noqa is None and ignore is None:
        return None
    codes: set[str] | None = set()
    names: set[str] | None = set()
    if noqa:
        codes = {c.strip().upper() for c in noqa.group("codes").split(",")} if noqa.group("codes") else None
    if ignore:
        names = {n.strip().lower() for n in ignore.group("names").split(",")} if ignore.group("names") else None
    return codes, names


def noqa_edit(line_text: str, line: int, code: str) -> tuple[Span, str] | None:
    """The edit that adds `code` to the line's `# noqa` comment (or adds one); None if covered."""
    return noqa_edit_codes(line_text, line, [code])


def noqa_edit_codes(line_text: str, line: int, codes: list[str]) -> tuple[Span, str] | None:
    """The edit that adds `codes` to the line's `# noqa` comment (or adds one); None if all are covered.

    Codes of other tools in the comment (`# noqa: E501`) are kept: fraglint's are appended.
    """
    text = line_text.rstrip("\r\n")
    match = NOQA.search(text)
    if match is None:
        column = len(text) + 1
        return Span(line, column, line, column), f"  # noqa: {', '.join(codes)}"
    if match.group("codes") is None:
        return None  # a bare noqa comment already suppresses everything
    present = {c.strip().upper() for c in match.group("codes").split(",")}
    new = [code for code in dict.fromkeys(codes) if code not in present]
    if not new:
        return None
    column = match.end("codes") + 1
    return Span(line, column, line, column), "".join(f", {code}" for code in new)
