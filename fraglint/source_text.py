"""Source text as the check counts it: line starts, (line, column) <-> offset, the bytes' digest.

The engine, the index and the fix writer share these, so that they agree on what a span
means; a check that fixes nothing imports only this, not `fraglint.fixes`. A span's lines and
columns are those of the text the check parsed: the file's bytes decoded as Python decodes
source (PEP 263 cookie or BOM, the BOM left out), lines broken only at \\n, \\r\\n and \\r (as
Python's tokenizer, libcst and LSP break them: `str.splitlines` also breaks at \\x0b, \\x0c,
\\x1c-\\x1e, \\x85, \\u2028 and \\u2029, so it is never used here), columns in code points.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re

from fraglint.diagnostics import Edit, Span

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@functools.lru_cache(maxsize=16)
def line_starts(text: str) -> tuple[int, ...]:
    """The offset where each line starts; a text ending in a line break has an empty last line."""
    return (0, *(match.end() for match in _LINE_BREAK.finditer(text)))


def offset_of(text: str, line: int, column: int) -> int | None:
    """The offset of a 1-based (line, column), or None when the line has no such column."""
    starts = line_starts(text)
    if not 1 <= line <= len(starts) or column < 1:
        return None
    start = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    content = _LINE_BREAK.sub("", text[start:end], count=1) if end > start else ""
    return start + column - 1 if column - 1 <= len(content) else None


def position_of(text: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of an offset."""
    starts = line_starts(text)
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def line_text(text: str, line: int) -> str:
    """Line `line` (1-based) with its line break, or "" past the end."""
    starts = line_starts(text)
    if not 1 <= line <= len(starts):
        return ""
    return text[starts[line - 1] : starts[line] if line < len(starts) else len(text)]


def edit_replacing(text: str, span: Span, old: str, new: str) -> Edit | None:
    """The edit that replaces `old` where it ends `span` (else first occurs in it) by `new`."""
    start, end = offset_of(text, span.line, span.column), offset_of(text, span.end_line, span.end_column)
    if start is None or end is None or end < start:
        return None
    segment = text[start:end]
    at = segment.rfind(old) if segment.endswith(old) else segment.find(old)
    if at < 0 or not old:
        return None
    first, last = position_of(text, start + at), position_of(text, start + at + len(old))
    return Edit(Span(*first, *last), new)


def source_digest(data: bytes) -> str:
    """What a check remembers of the bytes it read, to tell later whether the file changed."""
    return hashlib.sha256(data).hexdigest()
