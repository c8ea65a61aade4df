"""Bindings: assignments, stores into objects, imports and `global` names, per scope.

A name's bindings are what the project index resolves later; a store like
`st.session_state["k"] = v` is kept for the session-state rules.
"""

from __future__ import annotations

import libcst as cst

from fraglint.index.cst_reading import dotted, expression_ref, target_names
from fraglint.index.summary import ASSIGNED, DISCARDED, Binding, ImportBinding, Use, Value, ValueKind
from fraglint.index.walk_calls import CallsWalker, fallback


class BindingsWalker(CallsWalker):
    """Names bound, attributes stored and modules imported in the scope being walked."""

    def visit_Assign(self, node: cst.Assign, use: Use) -> None:
        names = tuple(
            n for target in node.targets for n in target_names(target.target)
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
        scope = self.scope
        if self.fallbacks and self.fallbacks[-1][0] is scope and value.lacking is None:
            value = fallback(value, self.fallbacks[-1][1])
        binding = Binding(site=site, value=value, unpack=unpack, iterated=iterated)
        if self.in_class_body:
            return  # class attributes are not names in any function's scope
        scope.bindings.setdefault(name, []).append(binding)

    def visit_Global(self, node: cst.Global, use: Use) -> None:
        self.scope.globals.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal, use: Use) -> None:
        """A `nonlocal` name is bound in the enclosing function: nothing to record here."""

    def visit_Import(self, node: cst.Import, use: Use) -> None:
        for alias in node.names:
            module = dotted(alias.name)
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
        module = dotted(node.module) if node.module is not None else ""
        level = len(node.relative)
        if module.split(".")[0] == "streamlit" and level == 0:
            self.mentions_streamlit = True
        if isinstance(node.names, cst.ImportStar):
            site = self.new_site(node)
            self.scope.imports[f"*{module}"] = ImportBinding(module=module, name="*", level=level, site=site)
            return
        for alias in node.names:
            name = dotted(alias.name)
            local = alias.asname.name.value if alias.asname is not None else name  # type: ignore[union-attr]
            site = self.new_site(alias)
            self.scope.imports[local] = ImportBinding(module=module, name=name, level=level, site=site)
