"""Making text from the analysed project safe to print.

File names, messages that quote code and source lines all come from a stranger's project.
Printed raw, a newline in a file name starts a line of its own, and in a CI log a line that
starts `::error` is a GitHub workflow command; an escape sequence rewrites the terminal.
Every front-end therefore passes such text through one of two functions:

- `printable`, for line-oriented output (the full, concise and junit formats, scopes text,
  every stderr message): control characters (C0, DEL, C1, Unicode line and paragraph
  separators) become Python-style escapes (`\\n`, `\\x1b`, `\\u2028`); tabs are kept.
- `valid_unicode`, for JSON and SARIF, which escape control characters themselves but must
  still be valid UTF-8: only the bytes of a non-UTF-8 file name (which Python carries as
  lone surrogates, PEP 383) are written as `\\xNN`.

Both are idempotent on ordinary text and cheap enough to apply to every string printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_NAMED = {"\n": "\\n", "\r": "\\r"}
# C0 controls except tab, DEL, C1 controls, line/paragraph separators, lone surrogates.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_UNPRINTABLE_BUT_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, keep_line_breaks: bool = False) -> str:
    """`text` on one line, with nothing a terminal or a CI log would interpret.

    `keep_line_breaks`: leave `\n` and `\r` to the caller's own escaping (GitHub's `%0A`).
    """
    return (_UNPRINTABLE_BUT_BREAKS if keep_line_breaks else _UNPRINTABLE).sub(_escape, text)


def valid_unicode(text: str) -> str:
    """`text` encodable as UTF-8: lone surrogates (undecodable file-name bytes) escaped."""
    return _SURROGATE.sub(_escape, text)


def valid_unicode_data(value: object) -> object:
    """`valid_unicode` applied to every string (keys too) of a JSON-ready document."""
    return _map_strings(value, valid_unicode)


def printable_data(value: object) -> object:
    """`printable` applied to every string (keys too) of a JSON-ready document."""
    return _map_strings(value, printable)


def _map_strings(value: object, function: Callable[[str], str]) -> object:
    if isinstance(value, str):
        return function(value)
    if isinstance(value, dict):
        return {_map_strings(key, function): _map_strings(item, function) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_map_strings(item, function) for item in value]
    return value
