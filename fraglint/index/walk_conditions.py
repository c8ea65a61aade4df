"""Conditions and guards: what runs only sometimes, and what it then requires.

An `if`/`while`/`for` test becomes a `Condition` (what its body requires, what it compares);
the arm being walked is pushed on `guards`; branches and loops count their depth; a
`hasattr(st, ...)` test or an `except AttributeError` marks a feature check.
"""

from __future__ import annotations

import libcst as cst

from fraglint.index.cst_reading import arm_checks, catches_attribute_error, expression_ref, lacking_name, literal_value, string_value
from fraglint.index.summary import CONDITION, EXPRESSION, Condition, Use, Value, ValueKind, key_part
from fraglint.index.walk_bindings import BindingsWalker


class ConditionsWalker(BindingsWalker):
    """Branches, loops and the conditions that guard them."""

    def visit_For(self, node: cst.For, use: Use) -> None:
        iterable = self.value_of(node.iter)
        self.bind_target(node.target, iterable, iterated=True)
        # The body runs only if the iterable is not empty: a guard like an `if` (arm 0 the
        # body, 1 the `else`), whose condition holds the iterable.
        site = self.new_site(node.iter)
        self.scope.conditions[site] = Condition(site, (iterable,), loop=True)
        self.loop_depth += 1
        self.guards.append((site, 0))
        self.walk_arm(node.body, site, 0, exclusive=False)
        self.guards.pop()
        self.loop_depth -= 1
        if node.orelse is not None:
            self.guards.append((site, 1))
            self.walk_arm(node.orelse, site, 1, exclusive=False)
            self.guards.pop()

    def visit_While(self, node: cst.While, use: Use) -> None:
        site = self.condition(node.test)
        self.loop_depth += 1
        self.branch_depth += 1
        self.guards.append((site, 0))
        self.walk_arm(node.body, site, 0, exclusive=False)
        self.guards.pop()
        self.branch_depth -= 1
        self.loop_depth -= 1
        if node.orelse is not None:
            self.guards.append((site, 1))
            self.walk_arm(node.orelse, site, 1, exclusive=False)
            self.guards.pop()

    def visit_If(self, node: cst.If, use: Use) -> None:
        site = self.condition(node.test)
        self.branch_depth += 1
        self.guards.append((site, 0))
        first, (body, orelse) = self.next_site, arm_checks(node.test)
        self.walk_arm(node.body, site, 0, exclusive=True, lacking=lacking_name(body))
        self.feature_check(first, body)
        if node.orelse is not None:
            self.guards[-1] = (site, 1)
            first = self.next_site
            self.walk_arm(node.orelse, site, 1, exclusive=True, lacking=lacking_name(orelse))
            self.feature_check(first, orelse)
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
        literal = literal_value(node)
        if literal is not None:
            return literal
        ref = expression_ref(node)
        if ref is None:
            return Value(ValueKind.OTHER)
        call_site = self.call_site_of_node.get(id(node)) if isinstance(node, cst.Call) else None
        return Value(ValueKind.REF, ref=ref, call_site=call_site)

    def requirements(self, node: cst.BaseExpression) -> tuple[Value, ...]:
        """What a test requires to hold: each name chain (or session-state key) it tests."""
        if isinstance(node, cst.BooleanOperation):
            if isinstance(node.operator, cst.And):
                return self.requirements(node.left) + self.requirements(node.right)
            return ()
        if isinstance(node, cst.NamedExpr):
            node = node.value
        if isinstance(node, cst.Comparison):
            if not _is_not_none_test(node):
                return _membership_requirement(node)
            node = node.left
        if isinstance(node, cst.NamedExpr):
            node = node.value
        ref = expression_ref(node)
        if ref is None:
            return ()
        call_site = self.call_site_of_node.get(id(node)) if isinstance(node, cst.Call) else None
        return (Value(ValueKind.REF, ref=ref, call_site=call_site),)

    def walk_arm(self, body: cst.CSTNode, branch: int, arm: int, exclusive: bool, lacking: str | None = None) -> None:
        """Walk one arm of a branching statement and record its sites (see `FunctionSummary.arms`);
        `lacking`: the arm runs only where Streamlit lacks that attribute (see `Value.lacking`)."""
        first = self.next_site
        if lacking is not None:
            self.fallbacks.append((self.scope, lacking))
        self.walk(body)
        if lacking is not None:
            self.fallbacks.pop()
        if self.next_site > first:
            self.scope.arms.append((first, self.next_site - 1, branch, arm, exclusive))

    def visit_Try(self, node: cst.Try, use: Use) -> None:
        site = self.new_site(node)  # names the statement's arms
        first = self.next_site
        self.walk_arm(node.body, site, 0, exclusive=False)
        self.feature_check(first, "*" if any(catches_attribute_error(h) for h in node.handlers) else None)
        self.branch_depth += 1
        for number, handler in enumerate(node.handlers, 1):
            caught = "*" if catches_attribute_error(handler) else None
            self.walk_arm(handler, site, number, exclusive=False, lacking=caught)
        if node.orelse is not None:
            self.walk_arm(node.orelse, site, 0, exclusive=False)
        self.branch_depth -= 1
        if node.finalbody is not None:
            self.walk(node.finalbody)

    def visit_Match(self, node: cst.Match, use: Use) -> None:
        self.walk(node.subject)
        site = self.new_site(node)  # names the statement's arms
        self.branch_depth += 1
        for number, case in enumerate(node.cases):
            self.walk_arm(case, site, number, exclusive=True)
        self.branch_depth -= 1

    def visit_IfExp(self, node: cst.IfExp, use: Use) -> None:
        self.walk(node.test, CONDITION)
        self.branch_depth += 1
        first, (body, orelse) = self.next_site, arm_checks(node.test)
        self.walk(node.body, use)
        self.feature_check(first, body)
        first = self.next_site
        self.walk(node.orelse, use)
        self.feature_check(first, orelse)
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


def _is_not_none_test(node: cst.Comparison) -> bool:
    """`x is not None`: the test requires `x`."""
    if len(node.comparisons) != 1:
        return False
    only = node.comparisons[0]
    return isinstance(only.operator, cst.IsNot) and isinstance(only.comparator, cst.Name) and only.comparator.value == "None"


def _membership_requirement(node: cst.Comparison) -> tuple[Value, ...]:
    """`"k" in mapping` requires `mapping["k"]`; any other comparison requires nothing."""
    if len(node.comparisons) != 1:
        return ()
    only = node.comparisons[0]
    if not (isinstance(only.operator, cst.In) and isinstance(node.left, cst.SimpleString)):
        return ()
    mapping = expression_ref(only.comparator)
    try:
        key = string_value(node.left)
    except Exception:  # an odd literal is just not a key
        return ()
    if mapping is None or not isinstance(key, str):
        return ()
    return (Value(ValueKind.REF, ref=mapping + (key_part(key),)),)
