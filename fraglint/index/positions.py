"""Syntactic positions of a libcst tree, as libcst's `PositionProvider` computes them, cheaper.

libcst finds positions by generating the tree's code and noting where each node starts and
ends. Its provider builds two `CodePosition`s and a `CodeRange` for every node, hashes every
node through a Python `__hash__`, enters a generator-based context manager for most nodes
and splits every token with a regular expression: more than half of the generation's cost.
`NodePositions` runs the same generation with a state that keeps plain tuples keyed by the
node's id, and builds a `CodeRange` only for the nodes asked for (a placed statement asks for
a handful). The values are libcst's own, node for node (`tests/test_cold_check.py`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from libcst import CSTNode, Module
from libcst._position import CodePosition, CodeRange
from libcst.metadata.position_provider import NEWLINE_RE, PositionProvidingCodegenState

if TYPE_CHECKING:
    from types import TracebackType

Found = dict[int, tuple[CSTNode, int, int, int, int]]  # id(node) -> (node, start line, column, end line, column)


class NodePositions(Mapping[CSTNode, CodeRange]):
    """Node -> its syntactic `CodeRange`, for every node of `module` (libcst's values)."""

    def __init__(self, module: Module) -> None:
        state = _State(default_indent=module.default_indent, default_newline=module.default_newline)
        module._codegen(state)  # private, but stable in libcst 1.x, as PositionProvider uses it
        self._found = state.found

    def __getitem__(self, node: CSTNode) -> CodeRange:
        found = self._found.get(id(node))
        if found is None or found[0] is not node:
            raise KeyError(node)
        _, line, column, end_line, end_column = found
        return CodeRange(CodePosition(line, column), CodePosition(end_line, end_column))

    def __iter__(self) -> Iterator[CSTNode]:
        return (found[0] for found in self._found.values())

    def __len__(self) -> int:
        return len(self._found)


class _State(PositionProvidingCodegenState):
    """libcst's `PositionProvidingCodegenState`, its bookkeeping in tuples."""

    def __init__(self, default_indent: str, default_newline: str) -> None:
        super().__init__(default_indent=default_indent, default_newline=default_newline, provider=None)  # type: ignore[arg-type]
        self.found: Found = {}
        self.starts: list[tuple[int, int]] = []

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            segments = NEWLINE_RE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: CSTNode) -> None:
        self.starts.append((self.line, self.column))

    def after_codegen(self, node: CSTNode) -> None:
        line, column = self.starts.pop()
        key = id(node)
        if key not in self.found:  # a syntactic position, recorded inside the node's generation, stands
            self.found[key] = (node, line, column, self.line, self.column)

    def record_syntactic_position(  # type: ignore[override]
        self, node: CSTNode, *, start_node: CSTNode | None = None, end_node: CSTNode | None = None
    ) -> _Syntactic:
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    """The context in which a node's code is generated; its span, hoisted from the children
    named (a decorated function starts at its decorators' start), is recorded on exit."""

    __slots__ = ("_end_node", "_node", "_start", "_start_node", "_state")

    def __init__(self, state: _State, node: CSTNode, start_node: CSTNode | None, end_node: CSTNode | None) -> None:
        self._state, self._node, self._start_node, self._end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self._start = (self._state.line, self._state.column)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        state = self._state
        line, column = self._start
        end_line, end_column = state.line, state.column
        if self._start_node is not None:
            _, line, column, _, _ = state.found[id(self._start_node)]
        if self._end_node is not None:
            _, _, _, end_line, end_column = state.found[id(self._end_node)]
        state.found[id(self._node)] = (self._node, line, column, end_line, end_column)
