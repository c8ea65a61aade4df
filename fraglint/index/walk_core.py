"""The walk itself: field-by-field dispatch, site numbering and the scope being walked.

libcst's own `CSTVisitor` dispatch rebuilds every node it walks, which costs more than the
parse itself. `WalkCore` walks the dataclass fields of the nodes directly (skipping
whitespace and punctuation fields), dispatching to a `visit_<NodeType>` method where one is
defined: the same visitor pattern, about fifteen times cheaper per node. The concerns built on
it (values and calls, bindings, conditions, scopes) are layers of `SummaryVisitor`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

import libcst as cst

from fraglint.index.cst_reading import param_names
from fraglint.index.summary import EXPRESSION, MODULE_SCOPE, RETURNED, ClassSummary, FunctionSummary, Use

_SKIPPED_FIELD_PREFIXES = (
    "whitespace",
    "lpar",
    "rpar",
    "comma",
    "semicolon",
    "leading_lines",
    "lines_after",
    "header",
    "footer",
    "newline",
    "trailing_whitespace",
    "empty_lines",
    "colon",
    "equal",
    "star",
    "dot",
    "operator",
    "encoding",
    "default_indent",
    "default_newline",
    "has_trailing_newline",
    "indent",
)
_child_fields_cache: dict[type, tuple[str, ...]] = {}
# `isinstance(x, cst.CSTNode)` goes through ABCMeta for every child that is not a node (a
# third of the walk's time): each type is asked once.
_node_types: dict[type, bool] = {}


def _is_node(kind: type) -> bool:
    known = _node_types.get(kind)
    if known is None:
        known = _node_types[kind] = issubclass(kind, cst.CSTNode)
    return known


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = _child_fields_cache.get(cls)
    if fields is None:
        fields = tuple(
            f.name
            for f in dataclasses.fields(cls)
            if f.type is not str and not f.name.startswith(_SKIPPED_FIELD_PREFIXES)  # a `str` holds no node
        )
        _child_fields_cache[cls] = fields
    return fields


def _leaf(node: cst.CSTNode, use: Use) -> None:
    """The handler of a node without children the walk reads (never called)."""


class WalkCore:
    """The walker's state and dispatch; each layer above adds the `visit_` methods of one concern."""

    def __init__(self, path: str, positions: Mapping[cst.CSTNode, object] | None = None, next_site: int = 1) -> None:
        self.path = path
        self.positions = positions
        self.site_nodes: dict[int, tuple[cst.CSTNode, ...]] = {}
        self.next_site = next_site
        module_scope = FunctionSummary(qualname=MODULE_SCOPE, name=MODULE_SCOPE, site=0, params=[], decorators=[])
        self.functions: dict[str, FunctionSummary] = {MODULE_SCOPE: module_scope}
        self.classes: dict[str, ClassSummary] = {}
        self.scope = module_scope
        self.class_stack: list[ClassSummary] = []
        self.with_stack: list[int] = []
        self.loop_depth = 0
        self.branch_depth = 0
        self.guards: list[tuple[int, int]] = []  # see CallSite.guards
        self.mentions_streamlit = False
        self.call_site_of_node: dict[int, int] = {}  # id(cst.Call) -> its site, for conditions
        # The arms being walked that run only where Streamlit lacks an attribute, with their
        # scope: their bindings are fallbacks (see `Value.lacking`).
        self.fallbacks: list[tuple[FunctionSummary, str]] = []
        self._handlers: dict[type, Callable] = {}

    # -- infrastructure -------------------------------------------------------------------

    def new_site(self, *nodes: cst.CSTNode) -> int:
        site = self.next_site
        self.next_site += 1
        if self.positions is not None:
            self.site_nodes[site] = nodes
        return site

    def walk(self, node: cst.CSTNode, use: Use = EXPRESSION) -> None:
        cls = type(node)
        handler = self._handlers.get(cls)
        if handler is None:
            handler = self._handlers[cls] = self._handler(cls)
        if handler is WalkCore.walk_children:
            self.walk_children(node)
        elif handler is not _leaf:
            handler(node, use)

    def _handler(self, cls: type) -> Callable[..., None]:
        """The layer's `visit_<NodeType>`, else the children's walk, else nothing: a leaf (a
        name, a literal, a bracket: half the nodes) has no child to walk."""
        visit: Callable[..., None] | None = getattr(self, "visit_" + cls.__name__, None)
        if visit is not None:
            return visit
        return WalkCore.walk_children if _child_fields(cls) else _leaf

    def walk_children(self, node: cst.CSTNode) -> None:
        walk = self.walk
        for name in _child_fields(type(node)):
            child = getattr(node, name)
            kind = type(child)
            if kind is tuple or kind is list:
                for item in child:
                    if _is_node(type(item)):
                        walk(item)
            elif _is_node(kind):
                walk(child)

    def walk_all(self, nodes, use: Use = EXPRESSION) -> None:
        for node in nodes:
            self.walk(node, use)

    # -- function scopes ------------------------------------------------------------------

    @property
    def in_class_body(self) -> bool:
        return bool(self.class_stack) and self.scope.qualname == self.class_stack[-1].qualname

    @property
    def enclosing_function(self) -> str | None:
        """The qualname of the function whose body we are in (a class body is transparent)."""
        if self.in_class_body:
            return self.scope.parent
        return None if self.scope.qualname == MODULE_SCOPE else self.scope.qualname

    def enter_function(self, function: FunctionSummary, body: cst.CSTNode) -> None:
        saved = (self.scope, self.with_stack, self.loop_depth, self.branch_depth, self.guards)
        self.scope, self.with_stack, self.loop_depth, self.branch_depth, self.guards = function, [], 0, 0, []
        if isinstance(body, cst.BaseExpression):
            self.walk(body, RETURNED)
        else:
            self.walk(body)
        function.end_site = self.next_site - 1
        self.scope, self.with_stack, self.loop_depth, self.branch_depth, self.guards = saved

    def walk_lambda(self, node: cst.Lambda) -> str:
        site = self.new_site(node)
        qualname = f"{self.scope.qualname}.<lambda{site}>"
        function = FunctionSummary(
            qualname=qualname,
            name="<lambda>",
            site=site,
            params=param_names(node.params),
            decorators=[],
            parent=self.enclosing_function,
        )
        self.functions[qualname] = function
        self.enter_function(function, node.body)
        return qualname

    def visit_Lambda(self, node: cst.Lambda, use: Use) -> None:
        self.walk_lambda(node)
