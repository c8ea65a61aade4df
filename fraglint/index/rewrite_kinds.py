"""The kinds of structural fix, apart from the libcst code that makes them (`rewrites.py`).

Rules name a rewrite when they offer one, so every check imports this; the rewrite itself is
made only when a check places a fix, and only then does it import libcst (about 0.1 s of a
one-file check in pre-commit). An offer the code at its spans plainly refuses (read with
CPython's parser alone) is refused here, without libcst at all.
"""

from __future__ import annotations

import ast
import enum
import warnings
from collections.abc import Sequence

from fraglint.diagnostics import Span
from fraglint.source_text import offset_of


class Rewrite(enum.Enum):
    """The structural fixes, each with the sites it is given (see the rules that offer them)."""

    # (the fragment's def name, its one call, the `st.sidebar` uses in its body...)
    SIDEBAR_AROUND_CALL = "sidebar-around-call"
    # (the `st.container()` call, the one write into it)
    CONTAINER_TO_EMPTY = "container-to-empty"


def refused_on_sight(kind: Rewrite, text: str, spans: Sequence[Span]) -> bool:
    """Is the code at the spans plainly not the shape rewrite `kind` understands?

    A necessary condition only, read from the spanned text alone: False leaves the decision to
    `rewrites.py`. The node `rewrites.py` looks for at a span has exactly that text, so when
    the text is a call with arguments, so is the node (or there is none): no fix either way.
    """
    if kind is Rewrite.CONTAINER_TO_EMPTY and len(spans) == 2:
        creation = _expression_at(text, spans[0])  # `st.container()` takes no argument here
        return isinstance(creation, ast.Call) and bool(creation.args or creation.keywords)
    return False


def _expression_at(text: str, span: Span) -> ast.expr | None:
    start, end = offset_of(text, span.line, span.column), offset_of(text, span.end_line, span.end_column)
    if start is None or end is None or end <= start:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings about the user's code are not ours to print
            return ast.parse(text[start:end], mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
