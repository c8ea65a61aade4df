"""Fixes that change the structure of code, offered only where the code has exactly the shape they understand.

A rule decides from the model *whether* a rewrite is right (a fragment called once, a
container written by one fragment); the shape of the code itself is checked here, on the
file's syntax tree, because summaries keep no statements and no name reads: where the body
holds anything but what the fix moves, or a name is read anywhere but where the fix expects,
no fix is offered. The rewritten tree is printed by libcst, which keeps every byte it was not
asked to change, and the difference is returned as small edits of the checked text (the
lines and columns of `fixes.py`), so `--fix`, `--diff` and the language server apply it as any
other fix.
"""

from __future__ import annotations

import difflib
import functools
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import libcst as cst
from libcst.metadata import Assignment, CodeRange, GlobalScope, MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider
from libcst.metadata.base_provider import BaseMetadataProvider

from fraglint.diagnostics import Edit, Span
from fraglint.index.loader import parse_admitted
from fraglint.index.rewrite_kinds import Rewrite
from fraglint.source_text import position_of

_Node = TypeVar("_Node", bound=cst.CSTNode)


@dataclass(frozen=True)
class Rewritten:
    edits: tuple[Edit, ...]
    certain: bool  # False: the shape is understood, but a part the fix moves may behave otherwise


def rewrite(kind: Rewrite, text: str, spans: Sequence[Span]) -> Rewritten | None:
    """The edits of `text` that make rewrite `kind` at the sites spanned, or None when the code
    is not exactly the shape the rewrite understands."""
    tree = _tree(text)
    if tree is None:
        return None
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 6000))  # as loader's: the guard has bounded the depth
    try:
        if kind is Rewrite.SIDEBAR_AROUND_CALL and len(spans) >= 3:
            found = _sidebar_around_call(tree, spans[0], spans[1], set(spans[2:]))
        elif kind is Rewrite.CONTAINER_TO_EMPTY and len(spans) == 2:
            found = _container_to_empty(tree, spans[0], spans[1])
        else:
            found = None
        if found is None:
            return None
        new_code, certain = found
        return Rewritten(_edits(text, new_code), certain)
    except (RecursionError, _Unresolved):
        return None
    finally:
        sys.setrecursionlimit(old_limit)


# -- the tree -------------------------------------------------------------------------------


class _Unresolved(Exception):
    """libcst could not give the tree's parents or scopes (nesting too deep, code its scope
    analysis does not take): no fix."""


@dataclass(frozen=True)
class _Tree:
    """A file's tree with its positions; parents and scopes are resolved when a rewrite first
    asks (most offers fail on the nodes at their spans, and scopes cost 4 parses' time)."""

    module: cst.Module
    wrapper: MetadataWrapper
    positions: dict[cst.CSTNode, CodeRange]

    @functools.cached_property
    def parents(self) -> dict[cst.CSTNode, cst.CSTNode]:
        return self._resolve(ParentNodeProvider)

    @functools.cached_property
    def scopes(self) -> dict:
        return self._resolve(ScopeProvider)

    def _resolve(self, provider: type[BaseMetadataProvider]) -> dict:
        try:
            return dict(self.wrapper.resolve(provider))
        except Exception as error:
            raise _Unresolved from error

    def at(self, span: Span, kind: type[_Node]) -> _Node | None:
        """The node of type `kind` spanning exactly `span` (the span a summary site was given)."""
        for node, where in self.positions.items():
            if isinstance(node, kind) and _span(where) == span:
                return node
        return None

    def ancestors(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        found = []
        while node in self.parents:
            node = self.parents[node]
            found.append(node)
        return found


@functools.lru_cache(maxsize=2)  # several findings of one file ask for the same tree
def _tree(text: str) -> _Tree | None:
    module = parse_admitted(text)
    if module is None:
        return None
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 6000))
    try:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        positions = dict(wrapper.resolve(PositionProvider))
    except Exception:  # nesting too deep: no fix
        return None
    finally:
        sys.setrecursionlimit(old_limit)
    return _Tree(module, wrapper, positions)


def _span(where: CodeRange) -> Span:
    return Span(where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)


def _only_reference(tree: _Tree, name: str, defining: cst.CSTNode) -> cst.CSTNode | None:
    """The one place a module-level name is read, when `defining` is its one assignment."""
    scope = tree.scopes.get(defining)
    if not isinstance(scope, GlobalScope):
        return None
    assignments = list(scope.assignments[name])
    if len(assignments) != 1 or not isinstance(assignments[0], Assignment) or assignments[0].node is not defining:
        return None
    references = list(assignments[0].references)
    return references[0].node if len(references) == 1 else None


def _has_call(node: cst.CSTNode) -> bool:
    found: list[cst.Call] = []

    class _Calls(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> bool:
            found.append(call)
            return False

    node.visit(_Calls())
    return bool(found)


class _Replace(cst.CSTTransformer):
    """Replace nodes of the original tree (by identity) with new ones, in one pass."""

    def __init__(self, replacements: dict[cst.CSTNode, cst.CSTNode]) -> None:
        super().__init__()
        self.replacements = replacements

    def on_leave(self, original_node, updated_node):
        return self.replacements.get(original_node, updated_node)


def _replaced(tree: _Tree, replacements: dict[cst.CSTNode, cst.CSTNode]) -> str:
    return tree.module.visit(_Replace(replacements)).code


# -- the edits ------------------------------------------------------------------------------

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # lines as fixes.py breaks them


def _edits(text: str, new: str) -> tuple[Edit, ...]:
    """The smallest line-wise edits that turn `text` into `new` (each trimmed to what differs)."""
    old_lines, new_lines = _LINES.findall(text), _LINES.findall(new)
    old_starts = [0]
    for line in old_lines:
        old_starts.append(old_starts[-1] + len(line))
    edits = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = old_starts[i1], old_starts[i2]
        before, after = text[start:end], "".join(new_lines[j1:j2])
        prefix = len(_common_prefix(before, after))
        suffix = len(_common_prefix(before[prefix:][::-1], after[prefix:][::-1]))
        first = position_of(text, start + prefix)
        last = position_of(text, end - suffix)
        edits.append(Edit(Span(*first, *last), after[prefix : len(after) - suffix]))
    return tuple(edits)


def _common_prefix(a: str, b: str) -> str:
    size = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return a[:size]


# -- `with st.sidebar:` around the fragment's call ------------------------------------------


def _sidebar_around_call(tree: _Tree, name_span: Span, call_span: Span, uses: set[Span]) -> tuple[str, bool] | None:
    """The fragment's sidebar drawing moved to its one call: `with st.sidebar:` around the call.

    Offered when the fragment is a plain module-level `def` read only by one call, a statement
    of module-level code whose arguments call nothing; and its body (after a docstring) is
    either one `with st.sidebar:` block, which is removed (its body dedented), or statements
    that each draw with `st.sidebar.<element>(...)` (which becomes `st.<element>(...)`) or call
    nothing at all. Certain unless an argument of those elements calls something (which would
    then draw into the sidebar too).
    """
    name = tree.at(name_span, cst.Name)
    function = tree.parents.get(name) if name is not None else None
    call = tree.at(call_span, cst.Call)
    if not isinstance(function, cst.FunctionDef) or function.asynchronous or call is None:
        return None
    if function not in tree.module.body or not isinstance(function.body, cst.IndentedBlock):
        return None
    if _only_reference(tree, function.name.value, function) is not call.func:
        return None
    statement = _call_statement(tree, call)
    if statement is None:
        return None
    _, rest = _split_docstring(function.body.body)
    unwrapped = _unwrapped_with(tree, rest, uses)
    if unwrapped is not None:
        return _move_with(tree, function, statement, unwrapped), True
    rewritten = _sidebar_calls(tree, rest, uses)
    if rewritten is None:
        return None
    replacements, certain, sidebar = rewritten
    if not _inside(tree, statement, sidebar):
        replacements[statement] = _with_around(sidebar, statement)
    return _replaced(tree, replacements), certain


def _inside(tree: _Tree, statement: cst.CSTNode, sidebar: cst.BaseExpression) -> bool:
    """Is the statement already in a `with` block on the same `st.sidebar`?"""
    return any(
        isinstance(block, cst.With) and any(item.item.deep_equals(sidebar) for item in block.items)
        for block in tree.ancestors(statement)
    )


def _call_statement(tree: _Tree, call: cst.Call) -> cst.SimpleStatementLine | None:
    """The module-level statement that is only the call (`f(...)`, `x = f(...)`), when its
    arguments call nothing."""
    small = tree.parents.get(call)
    if isinstance(small, cst.Assign):
        if len(small.targets) != 1 or not isinstance(small.targets[0].target, cst.Name):
            return None
    elif not isinstance(small, cst.Expr):
        return None
    line = tree.parents.get(small)
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    if not isinstance(tree.scopes.get(call), GlobalScope) or any(_has_call(arg) for arg in call.args):
        return None
    return line


def _split_docstring(body: Sequence[cst.BaseStatement]) -> tuple[list[cst.BaseStatement], list[cst.BaseStatement]]:
    first = body[0] if body else None
    if (
        isinstance(first, cst.SimpleStatementLine)
        and len(first.body) == 1
        and isinstance(first.body[0], cst.Expr)
        and isinstance(first.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    ):
        return [first], list(body[1:])
    return [], list(body)


def _unwrapped_with(tree: _Tree, rest: list[cst.BaseStatement], uses: set[Span]) -> cst.With | None:
    """The body's one statement, when it is `with st.sidebar:` with a block and no comment after its colon."""
    if len(rest) != 1 or not isinstance(rest[0], cst.With):
        return None
    block = rest[0]
    if block.asynchronous is not None or len(block.items) != 1 or block.items[0].asname is not None:
        return None
    if not isinstance(block.body, cst.IndentedBlock) or block.body.header.comment is not None:
        return None
    where = tree.positions.get(block.items[0].item)
    return block if where is not None and _span(where) in uses else None


def _move_with(tree: _Tree, function: cst.FunctionDef, statement: cst.SimpleStatementLine, block: cst.With) -> str:
    """The `with` block's body becomes the function's (dedented); the `with` goes around the call."""
    assert isinstance(function.body, cst.IndentedBlock) and isinstance(block.body, cst.IndentedBlock)
    docstring, _ = _split_docstring(function.body.body)
    inner = list(block.body.body)
    first = inner[0]
    assert isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    inner[0] = first.with_changes(leading_lines=[*block.leading_lines, *first.leading_lines])
    new_body = function.body.with_changes(body=[*docstring, *inner], footer=[*block.body.footer, *function.body.footer])
    replacements: dict[cst.CSTNode, cst.CSTNode] = {function: function.with_changes(body=new_body)}
    if not _inside(tree, statement, block.items[0].item):
        replacements[statement] = block.with_changes(
            body=block.body.with_changes(body=[statement.with_changes(leading_lines=[])], footer=[]),
            leading_lines=statement.leading_lines,
        )
    return _replaced(tree, replacements)


def _sidebar_calls(
    tree: _Tree, rest: list[cst.BaseStatement], uses: set[Span]
) -> tuple[dict[cst.CSTNode, cst.CSTNode], bool, cst.Attribute] | None:
    """`st.sidebar.<element>` -> `st.<element>` in every statement of the body, when each either
    draws that way (`st.sidebar.x(...)`, `v = st.sidebar.x(...)`) or calls nothing at all."""
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    certain, header = True, None
    for statement in rest:
        if not isinstance(statement, cst.SimpleStatementLine):
            return None
        for small in statement.body:
            call = _sidebar_call(tree, small, uses)
            if call is None:
                if _has_call(small):
                    return None
                continue
            func = call.func
            assert isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)
            header = header or func.value
            replacements[func] = func.with_changes(value=func.value.value)
            certain = certain and not any(_has_call(arg) for arg in call.args)
    return (replacements, certain, header) if header is not None else None


def _sidebar_call(tree: _Tree, small: cst.BaseSmallStatement, uses: set[Span]) -> cst.Call | None:
    """The `st.sidebar.<element>(...)` call a small statement is (or assigns), when the rule reported it."""
    value = small.value if isinstance(small, (cst.Expr, cst.Assign)) else None
    if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Attribute):
        return None
    if not isinstance(value.func.value, cst.Attribute):
        return None
    where = tree.positions.get(value)
    return value if where is not None and _span(where) in uses else None


def _with_around(sidebar: cst.Attribute, statement: cst.SimpleStatementLine) -> cst.With:
    """`with <st>.sidebar:` (as the code spells `st`) around one statement."""
    return cst.With(
        items=[cst.WithItem(item=sidebar.deep_clone())],
        body=cst.IndentedBlock(body=[statement.with_changes(leading_lines=[])]),
        leading_lines=statement.leading_lines,
    )


# -- `st.container()` -> `st.empty()` -------------------------------------------------------


def _container_to_empty(tree: _Tree, creation_span: Span, write_span: Span) -> tuple[str, bool] | None:
    """`name = st.container()` -> `name = st.empty()`, when that is the module-level statement's
    only assignment of `name` (outside any loop) and `name` is read only by the write."""
    creation, write = tree.at(creation_span, cst.Call), tree.at(write_span, cst.Call)
    if creation is None or write is None or creation.args:
        return None
    func = creation.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "container" or not isinstance(func.value, cst.Name):
        return None
    assign = tree.parents.get(creation)
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    target = assign.targets[0].target
    if not isinstance(target, cst.Name) or any(isinstance(a, (cst.For, cst.While)) for a in tree.ancestors(assign)):
        return None
    receiver = write.func.value if isinstance(write.func, cst.Attribute) else None
    if receiver is None or _only_reference(tree, target.value, target) is not receiver:
        return None
    return _replaced(tree, {func.attr: func.attr.with_changes(value="empty")}), False
