"""Reading and parsing one file, with a clear account of why a file could not be read.

Every failure becomes an `InputProblem` that the engine reports as a diagnostic; the other
files are still checked. Nothing here raises for bad input, and nothing here lets libcst
crash or stall the process: `guard.py` decides what it may parse, and where.
"""

from __future__ import annotations

import gc
import io
import itertools
import sys
import tokenize
from collections.abc import Mapping
from typing import TYPE_CHECKING

from fraglint.index import guard
from fraglint.index.guard import admits_whole as admits_whole  # the language server's chunked parser asks here
from fraglint.index.problems import InputProblem
from fraglint.index.summary import ModuleSummary
from fraglint.safe_read import SOURCE_LIMIT, Unreadable, read_file

if TYPE_CHECKING:  # libcst and the walk are imported when a file is parsed: a warm check may parse none
    import libcst as cst
    from libcst.metadata import CodeRange

    from fraglint.index.visitor import SummaryVisitor

# libcst's tree and our walks recurse in Python; the guard keeps trees within
# `guard.MAX_DEPTH`, so this limit is met only by the recursion a level of nesting costs.
_RECURSION_LIMIT = 6000


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
    # One BOM marks the encoding ("utf-8-sig" has taken it off). A second one is a character
    # CPython rejects when it reads the file's bytes, yet `compile()` of the decoded text would
    # skip it as a BOM again: say so here.
    if text.startswith("\ufeff"):
        return InputProblem(path, "syntax-error", "invalid non-printable character U+FEFF", 1, 1)
    return text


def _bad_byte(path: str, data: bytes, error: UnicodeDecodeError, encoding: str) -> InputProblem:
    line, column = _line_col(data, error.start)
    bad = data[error.start : error.start + 1].hex()
    return InputProblem(path, "syntax-error", f"invalid {encoding} byte 0x{bad}: the file is not valid {encoding}", line, column)


# libcst's parse of a file the guard sends to a child process (deep expressions, or syntax
# the running Python rejects) may take this much CPU; the wall-clock backstop is twelve times
# it (a child on a machine loaded 12 deep on 2 cores gets a sixth of a core).
_PARSE_DEADLINE = 10.0


def prepare_parsing() -> None:
    """Import libcst and the summary walk now, before a worker pool forks: each worker would
    import them again (a tenth of a second each), and the check imports them anyway when it
    places what it reports."""
    import libcst  # noqa: F401

    from fraglint.index import visitor  # noqa: F401


def summarize_source(
    path: str, text: str, with_positions: bool = False
) -> tuple[ModuleSummary, SummaryVisitor] | InputProblem:
    """Parse `text` and summarise it. With positions, the visitor also holds site spans.

    CPython judges the file first (`guard.admit`): libcst only sees what it parses safely, in
    this process, or in a child under a deadline when it might crash or stall.
    """
    admitted = guard.admit(path, text)
    if isinstance(admitted, InputProblem):
        return admitted
    if admitted.contained:
        return _summarize_contained(path, text, with_positions, admitted.rejection)
    return _summarize_here(path, text, with_positions, admitted.rejection, admitted.statement_lines)


def parse_admitted(text: str) -> cst.Module | None:
    """libcst's tree of `text` when CPython accepts it and libcst parses it safely here, else None.

    For callers that parse pieces of a file and fall back to `summarize_source` for the whole
    file, which reports why (the language server's chunked parser).
    """
    admitted = guard.admit("", text)
    if isinstance(admitted, InputProblem) or admitted.contained or admitted.rejection is not None:
        return None
    import libcst as cst

    try:
        return parse_accepted(text)
    except (cst.ParserSyntaxError, RecursionError, MemoryError):
        return None


def parse_accepted(text: str) -> cst.Module:
    """libcst's tree of `text`, which CPython accepts, without validating each node built.

    libcst checks every node it constructs (`CSTNode.__post_init__` calls `_validate`), a
    tenth of its parse; what its parser builds from code CPython accepts is valid Python
    (libcst's own comment there suggests skipping it when parsing). Nodes built after the
    parse (fixes' rewrites) are validated as before.
    """
    import libcst as cst

    node = cst.CSTNode
    validating = node.__dict__.get("__post_init__")
    if validating is None or validating is _unvalidated:  # another libcst, or another thread's parse
        return cst.parse_module(text)
    node.__post_init__ = _unvalidated  # type: ignore[method-assign]
    try:
        return cst.parse_module(text)
    finally:
        node.__post_init__ = validating  # type: ignore[method-assign]


def _unvalidated(self: cst.CSTNode) -> None:
    """`CSTNode.__post_init__` while an accepted text is parsed."""




def _summarize_contained(
    path: str, text: str, with_positions: bool, rejection: InputProblem | None
) -> tuple[ModuleSummary, SummaryVisitor] | InputProblem:
    """Summarise in a forked child first: a crash or a runaway there costs this file only."""
    from fraglint.index import isolation  # the fork's pickle, selectors, signal: only for such a file

    if not isolation.AVAILABLE:  # no fork: CPython's error stands; a deep file is parsed here
        return rejection or _summarize_here(path, text, with_positions, None)
    result = isolation.run_forked(
        _summary_only, path, text, rejection, cpu_seconds=_PARSE_DEADLINE, wall_seconds=_PARSE_DEADLINE * 12
    )
    if isinstance(result, isolation.Failure):
        if rejection is not None:
            return rejection
        if result.timed_out:
            return InputProblem(
                path,
                "analysis-limit",
                f"parsing takes {result.reason} (libcst is slow on deeply nested expressions); it was not analysed",
            )
        return parser_crashed(path, result.reason)
    if isinstance(result, InputProblem):
        return result
    if not with_positions:
        from fraglint.index.visitor import SummaryVisitor

        return result, SummaryVisitor(path)
    return _summarize_here(path, text, True, rejection)  # it parses within the deadline: again here, for positions


def parser_crashed(path: str, reason: str) -> InputProblem:
    """The file killed the process that parsed it (`reason`: "killed by SIGSEGV")."""
    return InputProblem(path, "analysis-limit", f"the parser crashed on this file ({reason}); it was not analysed")


def _summary_only(path: str, text: str, rejection: InputProblem | None) -> ModuleSummary | InputProblem:
    result = _summarize_here(path, text, False, rejection)
    return result if isinstance(result, InputProblem) else result[0]


def _summarize_here(
    path: str, text: str, with_positions: bool, rejection: InputProblem | None, cpython_lines: tuple[int, ...] = ()
) -> tuple[ModuleSummary, SummaryVisitor] | InputProblem:
    import libcst as cst

    from fraglint.index.visitor import SummaryVisitor

    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
    collecting = gc.isenabled()
    gc.disable()  # a fresh tree has no garbage cycles; collecting while it grows costs a fifth of the parse
    try:
        if not with_positions and len(text) >= _CHUNKED_FROM and cpython_lines:
            chunked = _summarize_in_chunks(path, text, cpython_lines)
            if chunked is not None:
                return chunked
        try:
            module = cst.parse_module(text) if rejection is not None else parse_accepted(text)
        except cst.ParserSyntaxError as error:
            return rejection or _unsupported(path, error)
        positions = compute_positions(module) if with_positions else None
        visitor = SummaryVisitor(path, positions)
        return _summarize_statements(visitor, module, cpython_lines), visitor
    except RecursionError:
        too_deep = "the code is nested too deeply to analyse (recursion limit reached)"
        return rejection or InputProblem(path, "analysis-limit", too_deep)
    except MemoryError:
        return rejection or InputProblem(path, "analysis-limit", "the file is too large to analyse in memory")
    finally:
        sys.setrecursionlimit(old_limit)
        if collecting:
            gc.enable()


# From this size a file is parsed one top-level statement at a time: libcst's parse grows
# faster than the text (a whole 50,000-line file costs 2.6 times the parse of its statements
# one by one, a 2,000-line one 1.1-1.25 times) and its whole tree would live until the walk
# ends. Below about 30,000 characters the pieces' own overhead makes it slower.
_CHUNKED_FROM = 64 * 1024  # characters


def _summarize_in_chunks(path: str, text: str, cpython_lines: tuple[int, ...]) -> tuple[ModuleSummary, SummaryVisitor] | None:
    """What `_summarize_statements` makes of the whole tree, from a parse of each top-level
    statement's text alone (from its first line to the next one's, as `facts.py` places
    sites), each tree let go once walked. None when a piece is not one statement that libcst
    parses alone: the caller parses the whole file."""
    import libcst as cst

    from fraglint.index.visitor import SummaryVisitor, join_parts

    lines = guard.python_lines(text)
    starts = sorted(set(cpython_lines))  # `a; b` is one libcst statement on one line
    if starts[0] < 1 or starts[-1] > len(lines):
        return None
    visitor, ends, counted = SummaryVisitor(path), [], 0
    for index, (first, last) in enumerate(zip(starts, [*starts[1:], len(lines) + 1], strict=True)):
        try:
            module = parse_accepted("".join(lines[first - 1 : last - 1]))  # CPython accepted the file
        except cst.ParserSyntaxError:
            return None
        if len(module.body) != 1:
            return None
        statement = module.body[0]
        counted += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        visitor.walk_top_level(module.body, index)
        ends.append(visitor.next_site)
    if counted != len(cpython_lines):
        return None
    summary = join_parts(path, [visitor.part()])
    summary.statement_lines, summary.statement_ends = tuple(starts), tuple(ends)
    return summary, visitor


def _summarize_statements(visitor: SummaryVisitor, module: cst.Module, cpython_lines: tuple[int, ...]) -> ModuleSummary:
    """`visitor.summarize(module)`, noting where each top-level statement starts: its first
    line (from CPython's tree) and its first site, so that `facts.py` can later place a
    site by parsing only the statement that holds it."""
    import libcst as cst

    from fraglint.index.visitor import join_parts

    ends = []
    for index, statement in enumerate(module.body):
        visitor.walk_top_level((statement,), index)
        ends.append(visitor.next_site)
    summary = join_parts(visitor.path, [visitor.part()])
    # CPython counts each statement of `a; b` apart, libcst one line of them.
    counts = [len(s.body) if isinstance(s, cst.SimpleStatementLine) else 1 for s in module.body]
    if sum(counts) == len(cpython_lines):
        firsts = [0, *itertools.accumulate(counts)][: len(counts)]  # each statement's first in CPython's count
        summary.statement_lines = tuple(cpython_lines[first] for first in firsts)
        summary.statement_ends = tuple(ends)
    return summary


def _unsupported(path: str, error: cst.ParserSyntaxError) -> InputProblem:
    """CPython accepts the file, libcst does not (e.g. tabs under spaces it cannot match)."""
    detail = str(error.message).strip().splitlines()[0] if error.message else "invalid syntax"
    return InputProblem(
        path, "parser-unsupported",
        f"libcst cannot parse this file ({detail}); Python accepts it, but it was not analysed",
        error.raw_line, error.raw_column + 1,
    )


def compute_positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Syntactic positions of every node, libcst's `PositionProvider` values (see `positions.py`).

    `MetadataWrapper.resolve` adds a full visitor pass over the tree on top of the code
    generation that computes positions; `NodePositions` runs the generation alone, and keeps
    its bookkeeping cheap: 2.4 times faster than the provider's own.
    """
    from fraglint.index.positions import NodePositions

    return NodePositions(module)


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
