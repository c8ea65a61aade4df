"""The CST visitor that turns one libcst module into a `ModuleSummary`.

libcst's own `CSTVisitor` dispatch rebuilds every node it walks, which costs more than the
parse itself. This visitor walks the dataclass fields of the nodes directly (skipping
whitespace and punctuation fields), dispatching to a `visit_<NodeType>` method where one is
defined: the same visitor pattern, about fifteen times cheaper per node.

Sites are numbered in walk order, each top-level statement from its own base (its index
times `STATEMENT_STRIDE`): a statement's sites do not depend on the statements before it, so
an editor buffer re-walks only the statements an edit touched and joins the parts
(`ModulePart`, `join_parts`). Run with `positions` (from libcst's `PositionProvider`) the
same walk yields the same numbering, which is how spans are recovered lazily.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import libcst as cst

from fraglint.index.summary import (
    ARGUMENT,
    ASSIGNED,
    CALL,
    CONDITION,
    DISCARDED,
    EXPRESSION,
    FORMATTED,
    ITEM,
    MODULE_SCOPE,
    RETURNED,
    Binding,
    CallSite,
    ClassSummary,
    Condition,
    Decorator,
    FunctionSummary,
    ImportBinding,
    ModuleSummary,
    Ref,
    ReturnSite,
    Use,
    Value,
    ValueKind,
    WithItem,
    key_part,
)

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

# Sites of top-level statement i start at i * STATEMENT_STRIDE + 1, or right after the
# previous statement's last site when that one had more sites than the stride.
STATEMENT_STRIDE = 1 << 16


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = _child_fields_cache.get(cls)
    if fields is None:
        fields = tuple(
            f.name for f in dataclasses.fields(cls) if not f.name.startswith(_SKIPPED_FIELD_PREFIXES)
        )
        _child_fields_cache[cls] = fields
    return fields


def expression_ref(node: cst.BaseExpression) -> Ref | None:
    """The name chain an expression spells, or None for anything else."""
    parts: list[str] = []
    while True:
        if isinstance(node, cst.Name):
            parts.append(node.value)
            parts.reverse()
            return tuple(parts)
        if isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        elif isinstance(node, cst.Subscript):
            parts.append(_subscript_part(node))
            node = node.value
        elif isinstance(node, cst.Call):
            parts.append(CALL)
            node = node.func
        else:
            return None


def _subscript_part(node: cst.Subscript) -> str:
    """`x["k"]` -> `['k']` (a literal key, as session state is read); any other index -> `[]`."""
    if len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
            try:
                key = index.value.evaluated_value
            except Exception:
                return ITEM
            if isinstance(key, str):
                return key_part(key)
    return ITEM


def _number(node: cst.BaseExpression) -> object:
    if isinstance(node, cst.Integer):
        try:
            return int(node.value, 0)
        except ValueError:
            return None
    if isinstance(node, cst.Float):
        return float(node.value.replace("_", ""))
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = _number(node.expression)
        return -inner if isinstance(inner, (int, float)) else None
    return None


class SummaryVisitor:
    """Builds one module's summary in a single walk."""

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
            found: Callable[..., None] = getattr(self, "visit_" + cls.__name__, None) or SummaryVisitor.walk_children
            handler = self._handlers[cls] = found
        if handler is SummaryVisitor.walk_children:
            self.walk_children(node)
        else:
            handler(node, use)

    def walk_children(self, node: cst.CSTNode) -> None:
        for name in _child_fields(type(node)):
            child = getattr(node, name)
            if isinstance(child, cst.CSTNode):
                self.walk(child)
            elif type(child) in (tuple, list):
                for item in child:
                    if isinstance(item, cst.CSTNode):
                        self.walk(item)

    def walk_all(self, nodes, use: Use = EXPRESSION) -> None:
        for node in nodes:
            self.walk(node, use)

    def value_of(self, node: cst.BaseExpression | None, use: Use = EXPRESSION) -> Value:
        """Summarise an expression as a Value and walk it for the calls inside."""
        if node is None:
            return Value(ValueKind.NONE)
        if isinstance(node, cst.Lambda):
            name = self.walk_lambda(node)
            return Value(ValueKind.LAMBDA, ref=(name,))
        if isinstance(node, cst.Dict):
            return self.dict_value(node)
        if isinstance(node, cst.IfExp) and not isinstance(node.body, cst.IfExp) and not isinstance(node.orelse, cst.IfExp):
            return self.choice_value(node, use)  # one choice only: a chain of them is walked as before
        literal = _literal(node)
        call_site = None
        if isinstance(node, cst.Call):
            call_site = self.visit_Call(node, use)
        else:
            self.walk(node, use)
        if literal is not None:
            return literal
        ref = expression_ref(node)
        if ref is not None:
            return Value(ValueKind.REF, ref=ref, call_site=call_site)
        return Value(ValueKind.OTHER, call_site=call_site)

    def choice_value(self, node: cst.IfExp, use: Use) -> Value:
        """`a if flag else b`, walked as `visit_IfExp` walks it, keeping both values."""
        self.walk(node.test, CONDITION)
        self.branch_depth += 1
        choices = (self.value_of(node.body, use), self.value_of(node.orelse, use))
        self.branch_depth -= 1
        return Value(ValueKind.OTHER, choices=choices)

    def dict_value(self, node: cst.Dict) -> Value:
        """A dict display, with its string-keyed entries (walked in the usual order)."""
        items: dict[str, Value] = {}
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                self.walk(element)
                continue
            self.walk(element.key)
            value = self.value_of(element.value)
            key = _literal(element.key)
            if key is not None and key.kind == ValueKind.STR:
                items[str(key.literal)] = value  # a STR literal is its text
        return Value(ValueKind.DICT, items=items)

    # -- scopes ---------------------------------------------------------------------------

    def visit_Module(self, node: cst.Module, use: Use) -> None:
        self.walk_top_level(node.body, 0)

    def walk_top_level(self, statements, first_index: int) -> None:
        """Walk top-level statements, the first being statement `first_index` of its module."""
        for index, statement in enumerate(statements, first_index):
            self.next_site = max(self.next_site, index * STATEMENT_STRIDE + 1)
            self.walk(statement)

    def visit_FunctionDef(self, node: cst.FunctionDef, use: Use) -> None:
        decorators = [self.decorator(d) for d in node.decorators]
        name = node.name.value
        in_class = self.in_class_body
        if in_class:
            qualname = f"{self.class_stack[-1].qualname}.{name}"
            class_name = self.class_stack[-1].qualname
            self.class_stack[-1].methods[name] = qualname
        elif self.scope.qualname == MODULE_SCOPE:
            qualname, class_name = name, None
        else:
            qualname, class_name = f"{self.scope.qualname}.<locals>.{name}", None
        site = self.new_site(node.name, node)
        self.walk_param_defaults(node.params)
        function = FunctionSummary(
            qualname=qualname,
            name=name,
            site=site,
            params=_param_names(node.params),
            decorators=decorators,
            parent=self.enclosing_function,
            class_name=class_name,
            is_async=node.asynchronous is not None,
        )
        self.functions[qualname] = function
        if not in_class:
            self.bind(name, Value(ValueKind.REF, ref=("<def>", qualname)), site)
        self.enter_function(function, node.body)

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
            params=_param_names(node.params),
            decorators=[],
            parent=self.enclosing_function,
        )
        self.functions[qualname] = function
        self.enter_function(function, node.body)
        return qualname

    def visit_Lambda(self, node: cst.Lambda, use: Use) -> None:
        self.walk_lambda(node)

    def walk_param_defaults(self, params: cst.Parameters) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                self.walk(param.default)

    def visit_ClassDef(self, node: cst.ClassDef, use: Use) -> None:
        for decorator in node.decorators:
            self.walk(decorator.decorator)
        bases = []
        for arg in node.bases:
            self.walk(arg.value)
            ref = expression_ref(arg.value)
            if ref is not None:
                bases.append(ref)
        prefix = "" if self.scope.qualname == MODULE_SCOPE else f"{self.scope.qualname}.<locals>."
        qualname = prefix + node.name.value
        site = self.new_site(node.name, node)
        summary = ClassSummary(name=node.name.value, qualname=qualname, site=site, bases=bases, methods={})
        self.classes[qualname] = summary
        self.bind(node.name.value, Value(ValueKind.REF, ref=("<class>", qualname)), site)
        # A class body runs in place; its statements belong to a pseudo-scope named after it so
        # that methods are recognised, while its calls still count for the enclosing scope.
        saved_scope = self.scope
        class_scope = FunctionSummary(
            qualname=qualname, name=node.name.value, site=site, params=[], decorators=[],
            parent=self.enclosing_function,
        )
        class_scope.calls = saved_scope.calls
        class_scope.withs = saved_scope.withs
        class_scope.conditions = saved_scope.conditions
        self.scope = class_scope
        self.class_stack.append(summary)
        self.walk(node.body)
        self.class_stack.pop()
        self.scope = saved_scope

    def decorator(self, node: cst.Decorator) -> Decorator:
        expr = node.decorator
        if isinstance(expr, cst.Call):
            site = self.new_site(node.decorator, expr.func)
            args, kwargs = self.call_arguments(expr)
            ref = expression_ref(expr.func)
            self.note_streamlit(ref)
            return Decorator(site=site, ref=ref, called=True, args=args, kwargs=kwargs)
        site = self.new_site(node.decorator, node.decorator)
        self.walk(expr)
        ref = expression_ref(expr)
        self.note_streamlit(ref)
        return Decorator(site=site, ref=ref, called=False)

    # -- statements -----------------------------------------------------------------------

    def visit_Expr(self, node: cst.Expr, use: Use) -> None:
        self.walk(node.value, DISCARDED)

    def visit_Return(self, node: cst.Return, use: Use) -> None:
        site = self.new_site(node)
        value = self.value_of(node.value, RETURNED) if node.value is not None else None
        self.scope.returns.append(ReturnSite(site=site, has_value=node.value is not None, value=value))

    def visit_Assign(self, node: cst.Assign, use: Use) -> None:
        names = tuple(
            n for target in node.targets for n in _target_names(target.target)
        )
        discarded = all(n == "_" for n in names) and names
        site = self.new_site(node.value)
        value = self.value_of(node.value, DISCARDED if discarded else ASSIGNED)
        value.site = site
        for target in node.targets:
            self.bind_target(target.target, value)

    def visit_AnnAssign(self, node: cst.AnnAssign, use: Use) -> None:
        self.walk(node.annotation)
        if node.value is not None:
            site = self.new_site(node.value)
            value = self.value_of(node.value, ASSIGNED)
            value.site = site
            self.bind_target(node.target, value)

    def visit_AugAssign(self, node: cst.AugAssign, use: Use) -> None:
        self.record_store(node.target, Value(ValueKind.OTHER))
        self.value_of(node.value, ASSIGNED)

    def visit_NamedExpr(self, node: cst.NamedExpr, use: Use) -> None:
        value = self.value_of(node.value, ASSIGNED)
        self.bind_target(node.target, value)

    def bind_target(self, target: cst.BaseExpression, value: Value, iterated: bool = False) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, value, self.new_site(target), iterated=iterated)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for index, element in enumerate(target.elements):
                inner = element.value
                if isinstance(inner, cst.Name):
                    self.bind(inner.value, value, self.new_site(inner), unpack=index, iterated=iterated)
                else:
                    self.record_store(inner, Value(ValueKind.OTHER))
        else:
            self.record_store(target, Value(ValueKind.OTHER) if iterated else value)
            self.record_instance_attribute(target, value)

    def record_instance_attribute(self, target: cst.BaseExpression, value: Value) -> None:
        """`self.box = st.container()` in a method: the class's instances carry `box`."""
        ref = expression_ref(target)
        class_name = self.scope.class_name
        if ref is None or len(ref) != 2 or class_name is None or class_name not in self.classes:
            return
        if not self.scope.params or ref[0] != self.scope.params[0]:
            return
        self.classes[class_name].attributes.setdefault(ref[1], []).append((self.scope.qualname, value))

    def record_store(self, target: cst.BaseExpression, value: Value) -> None:
        """`obj.attr = value` / `obj["k"] = value`: kept for session-state writes."""
        ref = expression_ref(target)
        if ref is not None and len(ref) > 1:
            self.scope.stores.append((self.new_site(target), ref, tuple(self.guards), value))
        self.walk(target)

    def bind(self, name: str, value: Value, site: int, unpack: int | None = None, iterated: bool = False) -> None:
        binding = Binding(site=site, value=value, unpack=unpack, iterated=iterated)
        scope = self.scope
        if self.in_class_body:
            return  # class attributes are not names in any function's scope
        scope.bindings.setdefault(name, []).append(binding)

    def visit_Global(self, node: cst.Global, use: Use) -> None:
        self.scope.globals.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal, use: Use) -> None:
        """A `nonlocal` name is bound in the enclosing function: nothing to record here."""

    def visit_Import(self, node: cst.Import, use: Use) -> None:
        for alias in node.names:
            module = _dotted(alias.name)
            if module.split(".")[0] == "streamlit":
                self.mentions_streamlit = True
            site = self.new_site(alias)
            if alias.asname is not None:
                local = alias.asname.name.value  # type: ignore[union-attr]
                self.scope.imports[local] = ImportBinding(module=module, name=None, level=0, site=site)
            else:
                top = module.split(".")[0]
                self.scope.imports[top] = ImportBinding(module=top, name=None, level=0, site=site)

    def visit_ImportFrom(self, node: cst.ImportFrom, use: Use) -> None:
        module = _dotted(node.module) if node.module is not None else ""
        level = len(node.relative)
        if module.split(".")[0] == "streamlit" and level == 0:
            self.mentions_streamlit = True
        if isinstance(node.names, cst.ImportStar):
            site = self.new_site(node)
            self.scope.imports[f"*{module}"] = ImportBinding(module=module, name="*", level=level, site=site)
            return
        for alias in node.names:
            name = _dotted(alias.name)
            local = alias.asname.name.value if alias.asname is not None else name  # type: ignore[union-attr]
            site = self.new_site(alias)
            self.scope.imports[local] = ImportBinding(module=module, name=name, level=level, site=site)

    def visit_With(self, node: cst.With, use: Use) -> None:
        pushed = 0
        for item in node.items:
            parent = self.with_stack[-1] if self.with_stack else None
            site = self.new_site(item.item)
            ctx = self.value_of(item.item)
            self.scope.withs[site] = WithItem(site=site, ctx=ctx, parent=parent)
            if item.asname is not None:
                self.bind_target(item.asname.name, ctx)
            self.with_stack.append(site)
            pushed += 1
        self.walk(node.body)
        del self.with_stack[len(self.with_stack) - pushed :]

    def visit_For(self, node: cst.For, use: Use) -> None:
        iterable = self.value_of(node.iter)
        self.bind_target(node.target, iterable, iterated=True)
        # The body runs only if the iterable is not empty: a guard like an `if` (arm 0 the
        # body, 1 the `else`), whose condition holds the iterable.
        site = self.new_site(node.iter)
        self.scope.conditions[site] = Condition(site, (iterable,), loop=True)
        self.loop_depth += 1
        self.guards.append((site, 0))
        self.walk(node.body)
        self.guards.pop()
        self.loop_depth -= 1
        if node.orelse is not None:
            self.guards.append((site, 1))
            self.walk(node.orelse)
            self.guards.pop()

    def visit_While(self, node: cst.While, use: Use) -> None:
        site = self.condition(node.test)
        self.loop_depth += 1
        self.branch_depth += 1
        self.guards.append((site, 0))
        self.walk(node.body)
        self.guards.pop()
        self.branch_depth -= 1
        self.loop_depth -= 1
        if node.orelse is not None:
            self.guards.append((site, 1))
            self.walk(node.orelse)
            self.guards.pop()

    def visit_If(self, node: cst.If, use: Use) -> None:
        site = self.condition(node.test)
        self.branch_depth += 1
        self.guards.append((site, 0))
        first = self.next_site
        self.walk(node.body)
        self.feature_check(first, _hasattr_name(node.test))
        if node.orelse is not None:
            self.guards[-1] = (site, 1)
            self.walk(node.orelse)
        self.guards.pop()
        self.branch_depth -= 1

    def condition(self, test: cst.BaseExpression) -> int:
        """Walk an `if`/`while` test and record what its body requires (see `Condition`)."""
        site = self.new_site(test)
        self.walk(test, CONDITION)
        condition = Condition(site, self.requirements(test), self.comparison_sides(test))
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            condition.forbids = (self.side_value(test.expression),)
        self.scope.conditions[site] = condition
        return site

    def comparison_sides(self, node: cst.BaseExpression) -> tuple[Value, ...]:
        """(left, right) of a test that is a single comparison, possibly negated (see `Condition`)."""
        while isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            node = node.expression
        if not isinstance(node, cst.Comparison) or len(node.comparisons) != 1:
            return ()
        return (self.side_value(node.left), self.side_value(node.comparisons[0].comparator))

    def side_value(self, node: cst.BaseExpression) -> Value:
        """One side of a comparison, already walked: a literal, a name chain, or other."""
        literal = _literal(node)
        if literal is not None:
            return literal
        ref = expression_ref(node)
        if ref is None:
            return Value(ValueKind.OTHER)
        call_site = self.call_site_of_node.get(id(node)) if isinstance(node, cst.Call) else None
        return Value(ValueKind.REF, ref=ref, call_site=call_site)

    def requirements(self, node: cst.BaseExpression) -> tuple[Value, ...]:
        if isinstance(node, cst.BooleanOperation):
            if isinstance(node.operator, cst.And):
                return self.requirements(node.left) + self.requirements(node.right)
            return ()
        if isinstance(node, cst.NamedExpr):
            node = node.value
        if isinstance(node, cst.Comparison):
            if len(node.comparisons) != 1:
                return ()
            only = node.comparisons[0]
            if isinstance(only.operator, cst.IsNot) and isinstance(only.comparator, cst.Name) and only.comparator.value == "None":
                node = node.left
            elif isinstance(only.operator, cst.In) and isinstance(node.left, cst.SimpleString):
                mapping = expression_ref(only.comparator)
                try:
                    key = node.left.evaluated_value
                except Exception:  # an odd literal is just not a key
                    return ()
                if mapping is None or not isinstance(key, str):
                    return ()
                return (Value(ValueKind.REF, ref=mapping + (key_part(key),)),)
            else:
                return ()
        if isinstance(node, cst.NamedExpr):
            node = node.value
        ref = expression_ref(node)
        if ref is None:
            return ()
        call_site = self.call_site_of_node.get(id(node)) if isinstance(node, cst.Call) else None
        return (Value(ValueKind.REF, ref=ref, call_site=call_site),)

    def feature_check(self, first: int, name: str | None) -> None:
        """Sites `first` up to here run only where Streamlit has `name` (see `feature_checks`)."""
        if name is not None and self.next_site > first:
            self.scope.feature_checks.append((first, self.next_site - 1, name))

    def visit_Try(self, node: cst.Try, use: Use) -> None:
        first = self.next_site
        self.walk(node.body)
        self.feature_check(first, "*" if any(_catches_attribute_error(h) for h in node.handlers) else None)
        self.branch_depth += 1
        self.walk_all(node.handlers)
        if node.orelse is not None:
            self.walk(node.orelse)
        self.branch_depth -= 1
        if node.finalbody is not None:
            self.walk(node.finalbody)

    def visit_Match(self, node: cst.Match, use: Use) -> None:
        self.walk(node.subject)
        self.branch_depth += 1
        self.walk_all(node.cases)
        self.branch_depth -= 1

    def visit_IfExp(self, node: cst.IfExp, use: Use) -> None:
        self.walk(node.test, CONDITION)
        self.branch_depth += 1
        first = self.next_site
        self.walk(node.body, use)
        self.feature_check(first, _hasattr_name(node.test))
        self.walk(node.orelse, use)
        self.branch_depth -= 1

    def visit_BooleanOperation(self, node: cst.BooleanOperation, use: Use) -> None:
        self.walk(node.left, CONDITION if use == CONDITION else EXPRESSION)
        self.branch_depth += 1
        self.walk(node.right, CONDITION if use == CONDITION else EXPRESSION)
        self.branch_depth -= 1

    def visit_UnaryOperation(self, node: cst.UnaryOperation, use: Use) -> None:
        self.walk(node.expression, CONDITION if use == CONDITION else EXPRESSION)

    def visit_ListComp(self, node: cst.BaseComp, use: Use) -> None:
        self.loop_depth += 1
        self.walk_children(node)
        self.loop_depth -= 1

    visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression, use: Use) -> None:
        self.walk(node.expression, FORMATTED)

    def visit_Await(self, node: cst.Await, use: Use) -> None:
        self.walk(node.expression, use)

    # -- calls ----------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call, use: Use = EXPRESSION) -> int:
        func_ref = expression_ref(node.func)
        self.note_streamlit(func_ref)
        site = self.new_site(node, node.func)
        receiver_call = None
        if func_ref is None:
            self.walk(node.func)
        else:
            receiver_call = self.walk_ref_calls(node.func)
        args, kwargs = self.call_arguments(node)
        call = CallSite(
            site=site,
            func=func_ref,
            args=args,
            kwargs=kwargs,
            use=use,
            withs=tuple(self.with_stack),
            in_loop=self.loop_depth > 0,
            in_branch=self.branch_depth > 0,
            receiver_call=receiver_call,
            guards=tuple(self.guards),
        )
        self.scope.calls.append(call)
        self.call_site_of_node[id(node)] = site
        return site

    def walk_ref_calls(self, node: cst.BaseExpression) -> int | None:
        """Walk the inner calls and subscripts of a name chain like `st.container().write`.

        Returns the site of the nearest inner call (`st.container()` there), if any.
        """
        while True:
            if isinstance(node, cst.Attribute):
                node = node.value
            elif isinstance(node, cst.Subscript):
                for element in node.slice:
                    self.walk(element)
                node = node.value
            elif isinstance(node, cst.Call):
                return self.visit_Call(node, EXPRESSION)
            else:
                return None

    def call_arguments(self, node: cst.Call) -> tuple[list[Value], dict[str, Value]]:
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        for arg in node.args:
            site = self.new_site(arg.value, arg)
            value = self.value_of(arg.value, ARGUMENT)
            value.site = site
            if arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            elif arg.star == "**":
                continue  # `**kwargs`: keywords nobody can name here, not a positional value
            elif arg.star:
                args.append(Value(ValueKind.UNPACKED, site=site))
            else:
                args.append(value)
        return args, kwargs

    def note_streamlit(self, ref: Ref | None) -> None:
        if ref and ref[0] in ("st", "streamlit"):
            self.mentions_streamlit = True

    # -- result ---------------------------------------------------------------------------

    def summarize(self, module: cst.Module) -> ModuleSummary:
        self.walk(module)
        return join_parts(self.path, [self.part()])

    def part(self) -> ModulePart:
        """What the statements walked so far contribute to the module's summary."""
        return ModulePart(self.functions, self.classes, self.mentions_streamlit, self.next_site)


@dataclass(frozen=True)
class ModulePart:
    """The summary of a run of top-level statements (functions includes their `<module>` part)."""

    functions: dict[str, FunctionSummary]
    classes: dict[str, ClassSummary]
    mentions_streamlit: bool
    next_site: int  # where the next statement's numbering may start


def join_parts(path: str, parts: list[ModulePart]) -> ModuleSummary:
    """One module's summary from the parts of its statements, in order.

    The same as walking the statements in one go: no statement's walk depends on another's,
    except through names, which the joined module scope collects in order.
    """
    if len(parts) == 1:
        functions, classes = parts[0].functions, parts[0].classes
    else:
        module_scope = FunctionSummary(qualname=MODULE_SCOPE, name=MODULE_SCOPE, site=0, params=[], decorators=[])
        functions, classes = {MODULE_SCOPE: module_scope}, {}
        for part in parts:
            scope = part.functions[MODULE_SCOPE]
            module_scope.calls.extend(scope.calls)
            module_scope.withs.update(scope.withs)
            module_scope.conditions.update(scope.conditions)
            for name, bindings in scope.bindings.items():
                module_scope.bindings.setdefault(name, []).extend(bindings)
            module_scope.imports.update(scope.imports)
            module_scope.returns.extend(scope.returns)
            module_scope.stores.extend(scope.stores)
            module_scope.globals.update(scope.globals)
            module_scope.feature_checks.extend(scope.feature_checks)
            functions.update((name, f) for name, f in part.functions.items() if name != MODULE_SCOPE)
            classes.update(part.classes)
    return ModuleSummary(
        path=path,
        functions=functions,
        classes=classes,
        mentions_streamlit=any(part.mentions_streamlit for part in parts),
    )


def _hasattr_name(test: cst.BaseExpression) -> str | None:
    """`name` when a test holds only where an object has it: `hasattr(st, "name")`, alone or
    in an `and`."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _hasattr_name(test.left) or _hasattr_name(test.right)
    if (
        isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and test.func.value == "hasattr"
        and len(test.args) == 2 and isinstance(test.args[1].value, cst.SimpleString)
    ):
        name = test.args[1].value.evaluated_value
        return name if isinstance(name, str) else None
    return None


_CATCHES_ATTRIBUTE_ERROR = frozenset({"AttributeError", "Exception", "BaseException"})


def _catches_attribute_error(handler: cst.ExceptHandler) -> bool:
    """`except:`, `except AttributeError:`, `except (ImportError, AttributeError) as e:`, `except Exception:`."""
    caught = handler.type
    if caught is None:
        return True
    names = [element.value for element in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
    refs = [expression_ref(name) for name in names]
    return any(ref is not None and ref[-1] in _CATCHES_ATTRIBUTE_ERROR for ref in refs)


def _literal(node: cst.BaseExpression) -> Value | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            text = node.evaluated_value
        except Exception:  # an odd literal is just "other"
            return None
        if isinstance(text, bytes):
            return None
        return Value(ValueKind.STR, literal=text)
    if isinstance(node, cst.FormattedString):
        return None
    number = _number(node)
    if number is not None:
        return Value(ValueKind.NUM, literal=number)
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return Value(ValueKind.BOOL, literal=node.value == "True")
    if isinstance(node, cst.Name) and node.value == "None":
        return Value(ValueKind.NONE)
    if isinstance(node, (cst.List, cst.Tuple)) and not node.elements:
        return Value(ValueKind.EMPTY)
    return None


def _param_names(params: cst.Parameters) -> list[str]:
    names = [p.name.value for p in (*params.posonly_params, *params.params)]
    if isinstance(params.star_arg, cst.Param):
        names.append("*" + params.star_arg.name.value)
    names.extend(p.name.value for p in params.kwonly_params)
    if params.star_kwarg is not None:
        names.append("**" + params.star_kwarg.name.value)
    return names


def _target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _target_names(e.value)]
    return []


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""
