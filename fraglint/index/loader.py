"""Reading and parsing one file, with a clear account of why a file could not be read.

Every failure becomes an `InputProblem` that the engine reports as a diagnostic; the other
files are still checked. Nothing here raises for bad input.
"""

from __future__ import annotations

import io
import sys
import tokenize
from dataclasses import dataclass
from typing import Mapping

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from fraglint.index.summary import ModuleSummary
from fraglint.index.visitor import SummaryVisitor

# Deeply nested expressions recurse in libcst and in our walk; this is enough for any
# hand-written code while staying far from the C stack's limit.
_RECURSION_LIMIT = 6000


@dataclass(frozen=True)
class InputProblem:
    path: str
    name: str  # the diagnostic name: "syntax-error", "unreadable-file", "analysis-limit"
    message: str
    line: int = 1
    column: int = 1


def read_source(path: str) -> bytes | InputProblem:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except IsADirectoryError:
        return InputProblem(path, "unreadable-file", "is a directory, not a Python file")
    except FileNotFoundError:
        return InputProblem(path, "unreadable-file", "no such file")
    except PermissionError:
        return InputProblem(path, "unreadable-file", "permission denied")
    except OSError as error:
        return InputProblem(path, "unreadable-file", f"cannot be read: {error.strerror or error}")


def decode_source(path: str, data: bytes) -> str | InputProblem:
    """Decode as Python does (PEP 263 cookie or BOM, else UTF-8), rejecting null bytes."""
    nul = data.find(b"\x00")
    if nul != -1:
        line, column = _line_col(data, nul)
        return InputProblem(path, "syntax-error", "source code contains a null byte", line, column)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        return InputProblem(path, "syntax-error", f"invalid encoding declaration: {error.msg}", error.lineno or 1, 1)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line, column = _line_col(data, error.start)
        bad = data[error.start : error.start + 1].hex()
        return InputProblem(path, "syntax-error", f"invalid {encoding} byte 0x{bad}: the file is not valid {encoding}", line, column)
    except LookupError:
        return InputProblem(path, "syntax-error", f"unknown source encoding {encoding!r}")
    return text.lstrip("\ufeff")


def summarize_source(path: str, text: str, with_positions: bool = False) -> tuple[ModuleSummary, SummaryVisitor] | InputProblem:
    """Parse `text` and summarise it. With positions, the visitor also holds site spans."""
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
    try:
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as error:
            message = str(error.message).strip().splitlines()[0] if error.message else "invalid syntax"
            return InputProblem(path, "syntax-error", f"invalid syntax: {message}", error.raw_line, error.raw_column + 1)
        positions = compute_positions(module) if with_positions else None
        visitor = SummaryVisitor(path, positions)
        return visitor.summarize(module), visitor
    except RecursionError:
        return InputProblem(path, "analysis-limit", "the code is nested too deeply to analyse (recursion limit reached)")
    except MemoryError:
        return InputProblem(path, "analysis-limit", "the file is too large to analyse in memory")
    finally:
        sys.setrecursionlimit(old_limit)


def compute_positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Syntactic positions of every node: libcst's PositionProvider, run directly.

    `MetadataWrapper.resolve` adds a full visitor pass over the tree on top of the code
    generation that computes positions; calling the provider's generator alone halves the cost.
    """
    provider = PositionProvider()
    provider._gen_impl(module)  # noqa: SLF001 - stable in libcst 1.x; see tests/test_positions.py
    return provider._computed  # noqa: SLF001


def summarize_file(path: str, text: str | None = None) -> ModuleSummary | InputProblem:
    """Summarise the file at `path`; `text` overrides what is on disk (an editor buffer)."""
    if text is None:
        data = read_source(path)
        if isinstance(data, InputProblem):
            return data
        decoded = decode_source(path, data)
        if isinstance(decoded, InputProblem):
            return decoded
        text = decoded
    elif "\x00" in text:
        line, column = _line_col(text.encode(), text.encode().find(b"\x00"))
        return InputProblem(path, "syntax-error", "source code contains a null byte", line, column)
    result = summarize_source(path, text)
    if isinstance(result, InputProblem):
        return result
    return result[0]


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", "replace")) + 1
