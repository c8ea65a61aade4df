"""Indented JSON, written fast: the bytes of `json.dump(valid_unicode_data(value), out, indent=2)`.

`fraglint scopes --format json` writes documents of tens to hundreds of megabytes, most of
them the same small objects (an element a rerun redraws, a function's line range) repeated
under every trigger of a scope. The standard library encodes indented JSON in pure Python,
one generator per container; this writer escapes strings with its C function, encodes each
flat object once per nesting level (the document shares them: `report.scopes._Locator`),
and writes in batches. `tests/test_scopes_perf.py` holds it to the standard library's bytes.
"""

from __future__ import annotations

from json.encoder import encode_basestring_ascii
from typing import TextIO

from fraglint.safe_text import valid_unicode

_BATCH = 8192  # pieces per write


def dump(value: object, out: TextIO) -> None:
    """Write `value` as `json.dump(valid_unicode_data(value), out, indent=2)` would."""
    writer = _Writer(out)
    writer.write(value, 0)
    writer.flush()


class _Writer:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.parts: list[str] = []
        self.flat: dict[tuple[int, int], str] = {}  # (id of a flat dict, level) -> its text

    def flush(self) -> None:
        self.out.write("".join(self.parts))
        self.parts.clear()

    def write(self, value: object, level: int) -> None:
        if isinstance(value, dict):
            self._dict(value, level)
        elif isinstance(value, (list, tuple)):
            self._list(value, level)
        else:
            self.parts.append(_scalar(value))
        if len(self.parts) > _BATCH:
            self.flush()

    def _dict(self, value: dict, level: int) -> None:
        if not value:
            self.parts.append("{}")
            return
        memo = (id(value), level)
        text = self.flat.get(memo)
        if text is None and not any(isinstance(item, (dict, list, tuple)) for item in value.values()):
            inner = ",\n" + "  " * (level + 1)
            items = inner.join(f"{_key(key)}: {_scalar(item)}" for key, item in value.items())
            text = self.flat[memo] = f"{{{inner[1:]}{items}\n{'  ' * level}}}"
        if text is not None:
            self.parts.append(text)
            return
        inner = "\n" + "  " * (level + 1)
        separator = "{" + inner
        for key, item in value.items():
            self.parts.append(f"{separator}{_key(key)}: ")
            self.write(item, level + 1)
            separator = "," + inner
        self.parts.append("\n" + "  " * level + "}")

    def _list(self, value: list | tuple, level: int) -> None:
        if not value:
            self.parts.append("[]")
            return
        inner = "\n" + "  " * (level + 1)
        separator = "[" + inner
        for item in value:
            self.parts.append(separator)
            self.write(item, level + 1)
            separator = "," + inner
        self.parts.append("\n" + "  " * level + "]")


def _key(key: object) -> str:
    """A key as `json` writes it: strings quoted, numbers, booleans and None as their JSON text, quoted."""
    if isinstance(key, str):
        return encode_basestring_ascii(valid_unicode(key))
    if isinstance(key, (bool, int, float)) or key is None:
        return '"' + _scalar(key) + '"'
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _scalar(value: object) -> str:
    if isinstance(value, str):
        return encode_basestring_ascii(valid_unicode(value))
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)
