"""Reading and parsing one file, with a clear account of why a file could not be read.

Every failure becomes an `InputProblem` that the engine reports as a diagnostic; the other
files are still checked. Nothing here raises for bad input.
"""

from __future__ import annotations

import ast
import io
import itertools
import multiprocessing
import os
import re
import sys
import tokenize
from dataclasses import dataclass
from typing import Mapping

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from fraglint.index.summary import ModuleSummary
from fraglint.index.visitor import SummaryVisitor
from fraglint.safe_read import SOURCE_LIMIT, Unreadable, read_file

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
    """The file's bytes (a regular file of at most 20 MiB), or why it cannot be read."""
    data = read_file(path, SOURCE_LIMIT)
    if isinstance(data, Unreadable):
        return InputProblem(path, "unreadable-file", data.reason)
    return data


def decode_source(path: str, data: bytes) -> str | InputProblem:
    """Decode as Python does (PEP 263 cookie or BOM, else UTF-8), rejecting null bytes."""
    nul = data.find(b"\x00")
    if nul != -1:
        line, column = _line_col(data, nul)
        return InputProblem(path, "syntax-error", "source code contains a null byte", line, column)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        # detect_encoding also fails on bytes that are not UTF-8 in the first two lines:
        # name the byte, as for any other invalid UTF-8.
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as decode_error:
            return _bad_byte(path, data, decode_error, "utf-8")
        return InputProblem(path, "syntax-error", f"invalid encoding declaration: {error.msg}", error.lineno or 1, 1)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        return _bad_byte(path, data, error, encoding)
    except LookupError:
        return InputProblem(path, "syntax-error", f"unknown source encoding {encoding!r}")
    return text.lstrip("\ufeff")


def _bad_byte(path: str, data: bytes, error: UnicodeDecodeError, encoding: str) -> InputProblem:
    line, column = _line_col(data, error.start)
    bad = data[error.start : error.start + 1].hex()
    return InputProblem(path, "syntax-error", f"invalid {encoding} byte 0x{bad}: the file is not valid {encoding}", line, column)


# Python's tokenizer refuses more than 200 nested brackets; libcst's native parser overflows
# its stack (and kills the process) a few thousand levels deep. Checking the depth first keeps
# such files a diagnostic instead of a crash.
_MAX_BRACKET_DEPTH = 200
_DEPTH_STEP = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}


_STRINGS_AND_COMMENTS = re.compile(
    r"#[^\n]*"
    r"|[rRbBuUfF]{0,2}'''[\s\S]*?'''"
    r'|[rRbBuUfF]{0,2}"""[\s\S]*?"""'
    r"|[rRbBuUfF]{0,2}'(?:\\.|[^'\\\n])*'"
    r'|[rRbBuUfF]{0,2}"(?:\\.|[^"\\\n])*"'
)
_NESTING_ERRORS = ("too many nested parentheses", "too many levels of indentation", "too many statically nested blocks")


def _bracket_depth(text: str) -> int:
    """The deepest bracket nesting outside strings and comments (approximately, at C speed)."""
    brackets = re.sub(r"[^()\[\]{}]+", "", _STRINGS_AND_COMMENTS.sub("", text))
    if len(brackets) < _MAX_BRACKET_DEPTH:
        return len(brackets)
    return max(itertools.accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


# libcst's parse time grows quadratically with very long expressions (a 5,000-term sum takes
# ~40 s). Files with such lines are first parsed in a forked child under a deadline.
_LONG_LINE = 5_000
_PARSE_DEADLINE = 10.0


def _longest_line(text: str) -> int:
    return max(map(len, text.splitlines()), default=0)


def _summarize_in_child(path: str, text: str, cpu_seconds: float, pipe) -> None:  # runs in the child
    try:
        import resource

        limit = int(cpu_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit))  # SIGXCPU ends the child
    except (ImportError, ValueError, OSError):
        pass
    result = summarize_source(path, text, _checked=True)
    pipe.send(result if isinstance(result, InputProblem) else result[0])
    pipe.close()


def _summarize_with_deadline(path: str, text: str, cpu_seconds: float) -> ModuleSummary | InputProblem | None:
    """Summarise in a forked child limited to `cpu_seconds` of CPU (fair on a busy machine).

    None when the child did not finish: the file is beyond what libcst parses in that time.
    """
    if not hasattr(os, "fork"):
        return summarize_source(path, text, _checked=True)  # type: ignore[return-value]
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_summarize_in_child, args=(path, text, cpu_seconds, sender), daemon=True)
    child.start()
    sender.close()
    result = None
    if receiver.poll(cpu_seconds * 6):  # wall-clock backstop for a very busy machine
        try:
            result = receiver.recv()
        except (EOFError, OSError):
            result = None
    if child.is_alive():
        child.kill()
    child.join()
    return result


def python_syntax_error(path: str, text: str) -> InputProblem | None:
    """The syntax error CPython reports for `text`, with its line and column, if any."""
    try:
        # Not `filename=path`: CPython then re-reads the offending line from that file to
        # turn the error's byte offset into a column, which is wrong for an unsaved buffer.
        ast.parse(text, filename="<fraglint>")
    except SyntaxError as error:
        message = error.msg or "invalid syntax"
        return InputProblem(path, "syntax-error", message, error.lineno or 1, error.offset or 1)
    except (RecursionError, MemoryError, ValueError):
        return InputProblem(path, "analysis-limit", "the code is nested too deeply to analyse")
    return None


def summarize_source(
    path: str, text: str, with_positions: bool = False, _checked: bool = False
) -> tuple[ModuleSummary, SummaryVisitor] | InputProblem:
    """Parse `text` and summarise it. With positions, the visitor also holds site spans."""
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
    try:
        if _bracket_depth(text) > _MAX_BRACKET_DEPTH:
            problem = python_syntax_error(path, text)
            if problem is not None and (problem.name == "analysis-limit" or problem.message.startswith(_NESTING_ERRORS)):
                return problem
            # otherwise a deep but valid file, or syntax newer than the running Python: libcst judges
        if not _checked and _longest_line(text) > _LONG_LINE:
            summarized = _summarize_with_deadline(path, text, _PARSE_DEADLINE)
            if summarized is None:
                return InputProblem(
                    path, "analysis-limit",
                    f"parsing needs more than {_PARSE_DEADLINE:.0f} s of CPU (a line of {_longest_line(text)} "
                    "characters); libcst is slow on very long expressions",
                )
            if isinstance(summarized, InputProblem) or not with_positions:
                return summarized if isinstance(summarized, InputProblem) else (summarized, SummaryVisitor(path))
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as error:
            # libcst's positions for errors can trail the real one; CPython's are what users
            # see when they run the app, so report those when CPython also rejects the file.
            problem = python_syntax_error(path, text)
            if problem is not None:
                return problem
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


def load_text(path: str) -> str | InputProblem:
    """The file's text, decoded as Python decodes source, or why it cannot be read."""
    data = read_source(path)
    if isinstance(data, InputProblem):
        return data
    return decode_source(path, data)


def summarize_file(path: str, text: str | None = None) -> ModuleSummary | InputProblem:
    """Summarise the file at `path`; `text` overrides what is on disk (an editor buffer)."""
    if text is None:
        loaded = load_text(path)
        if isinstance(loaded, InputProblem):
            return loaded
        text = loaded
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
