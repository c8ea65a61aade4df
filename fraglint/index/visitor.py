"""The CST visitor that turns one libcst module into a `ModuleSummary`.

`SummaryVisitor` is the top of a stack of layers, one concern each: the walk and its site
numbering (`walk_core`), values and calls (`walk_calls`), bindings and imports
(`walk_bindings`), conditions and guards (`walk_conditions`); here, the definitions that open
scopes (functions, classes, decorators), `with` blocks and returns, and the result.

Sites are numbered in walk order, each top-level statement from its own base (its index
times `STATEMENT_STRIDE`): a statement's sites do not depend on the statements before it, so
an editor buffer re-walks only the statements an edit touched and joins the parts
(`ModulePart`, `join_parts`). Run with `positions` (from libcst's `PositionProvider`) the
same walk yields the same numbering, which is how spans are recovered lazily.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fraglint.index.cst_reading import expression_ref, param_names
from fraglint.index.summary import (
    DISCARDED,
    MODULE_SCOPE,
    RETURNED,
    STATEMENT_STRIDE,
    ClassSummary,
    Decorator,
    FunctionSummary,
    ModuleSummary,
    ReturnSite,
    Use,
    Value,
    ValueKind,
    WithItem,
    redefined_qualname,
)
from fraglint.index.walk_conditions import ConditionsWalker


class SummaryVisitor(ConditionsWalker):
    """Builds one module's summary in a single walk."""

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
        if not in_class and qualname in self.functions:
            qualname = redefined_qualname(qualname, site)  # every definition kept, each its own body
        self.walk_param_defaults(node.params)
        function = FunctionSummary(
            qualname=qualname,
            name=name,
            site=site,
            params=param_names(node.params),
            decorators=decorators,
            parent=self.enclosing_function,
            class_name=class_name,
            is_async=node.asynchronous is not None,
        )
        self.functions[qualname] = function
        if not in_class:
            self.bind(name, Value(ValueKind.REF, ref=("<def>", qualname)), site)
        self.enter_function(function, node.body)

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
        if isinstance(expr, cst.IfExp):  # `@(st.fragment if hasattr(st, "fragment") else identity)`
            return Decorator(site=site, ref=None, called=False, value=self.value_of(expr))
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
            if not functions.keys().isdisjoint(part.functions.keys() - {MODULE_SCOPE}):
                part = _renamed_redefinitions(part, functions)
            scope = part.functions[MODULE_SCOPE]
            module_scope.arms.extend(scope.arms)
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


def _renamed_redefinitions(part: ModulePart, earlier: dict[str, FunctionSummary]) -> ModulePart:
    """`part` with its top-level functions that an earlier part defines already renamed as a
    single walk names them (`f` -> `f@<site>`, their nested scopes and bindings with them)."""
    renames = {
        qualname: redefined_qualname(qualname, function.site)
        for qualname, function in part.functions.items()
        if qualname in earlier and function.parent is None and function.class_name is None and qualname != MODULE_SCOPE
    }

    def renamed(qualname: str | None) -> str | None:
        if qualname is None:
            return None
        head, dot, rest = qualname.partition(".")
        return renames.get(head, head) + dot + rest

    functions: dict[str, FunctionSummary] = {}
    for qualname, function in part.functions.items():
        function.qualname = renamed(qualname) or qualname
        function.parent = renamed(function.parent)
        function.class_name = renamed(function.class_name)
        for bindings in function.bindings.values():
            for binding in bindings:
                ref = binding.value.ref
                if ref and ref[0] in ("<def>", "<class>") and len(ref) == 2:
                    binding.value.ref = (ref[0], renamed(ref[1]) or ref[1])
        functions[function.qualname] = function
    for cls in part.classes.values():
        cls.methods = {name: renamed(method) or method for name, method in cls.methods.items()}
    return ModulePart(functions, part.classes, part.mentions_streamlit, part.next_site)
