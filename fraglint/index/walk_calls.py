"""Values and calls: what an expression is worth to the model, and every call site in it.

`value_of` summarises an expression as a `Value` while walking it for the calls inside;
`visit_Call` records a `CallSite` with its arguments and the context it runs in.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

from fraglint.index.cst_reading import arm_checks, expression_ref, getattr_default_none, lacking_name, literal_value
from fraglint.index.summary import ARGUMENT, CONDITION, EXPRESSION, FORMATTED, CallSite, Ref, Use, Value, ValueKind
from fraglint.index.walk_core import WalkCore


def fallback(value: Value, lacking: str | None) -> Value:
    """`value`, chosen only where Streamlit lacks `lacking` (see `Value.lacking`); None: always."""
    return value if lacking is None else dataclasses.replace(value, lacking=lacking)


class CallsWalker(WalkCore):
    """Expressions as values, calls as call sites."""

    def value_of(self, node: cst.BaseExpression | None, use: Use = EXPRESSION) -> Value:
        """Summarise an expression as a Value and walk it for the calls inside."""
        if node is None:
            return Value(ValueKind.NONE)
        if type(node) is cst.Lambda:
            name = self.walk_lambda(node)
            return Value(ValueKind.LAMBDA, ref=(name,))
        if type(node) is cst.Dict:
            return self.dict_value(node)
        if type(node) is cst.IfExp and type(node.body) is not cst.IfExp and type(node.orelse) is not cst.IfExp:
            return self.choice_value(node, use)  # one choice only: a chain of them is walked as before
        if type(node) is cst.BooleanOperation:
            detected = self.detected_value(node, use)
            if detected is not None:
                return detected
        literal = literal_value(node)
        call_site = None
        if type(node) is cst.Call:
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
        (body_check, orelse_check), first = arm_checks(node.test), self.next_site
        body = self.choice(node.body, use)
        self.feature_check(first, body_check)  # as `visit_IfExp`: see `feature_checks`
        first = self.next_site
        orelse = self.choice(node.orelse, use)
        self.feature_check(first, orelse_check)
        self.branch_depth -= 1
        choices = (fallback(body, lacking_name(body_check)), fallback(orelse, lacking_name(orelse_check)))
        return Value(ValueKind.OTHER, choices=choices)

    def choice(self, node: cst.BaseExpression, use: Use) -> Value:
        """One side of `a if flag else b`, at a site of its own (where an alias it spells is)."""
        site = self.new_site(node)
        value = self.value_of(node, use)
        value.site = site
        return value

    def feature_check(self, first: int, check: str | None) -> None:
        """Sites `first` up to here run only where Streamlit has (or lacks) an attribute: `check`
        (see `FunctionSummary.feature_checks`)."""
        if check is not None and self.next_site > first:
            self.scope.feature_checks.append((first, self.next_site - 1, check))

    def detected_value(self, node: cst.BooleanOperation, use: Use) -> Value | None:
        """`getattr(st, "fragment", None) or st.experimental_fragment`: Streamlit's `fragment`
        where it has one, else the right side; None for any other expression."""
        left = getattr_default_none(node.left)
        if left is None or not isinstance(node.operator, cst.Or):
            return None
        self.walk(node.left, use)
        self.branch_depth += 1
        right = self.value_of(node.right, use)
        self.branch_depth -= 1
        owner, name = left
        return Value(ValueKind.OTHER, choices=(Value(ValueKind.REF, ref=(*owner, name)), fallback(right, name)))

    def dict_value(self, node: cst.Dict) -> Value:
        """A dict display, with its string-keyed entries (walked in the usual order)."""
        items: dict[str, Value] = {}
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                self.walk(element)
                continue
            self.walk(element.key)
            value = self.value_of(element.value)
            key = literal_value(element.key)
            if key is not None and key.kind == ValueKind.STR:
                items[str(key.literal)] = value  # a STR literal is its text
        return Value(ValueKind.DICT, items=items)

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
            if type(node) is cst.Attribute:
                node = node.value
            elif type(node) is cst.Subscript:
                for element in node.slice:
                    self.walk(element)
                node = node.value
            elif type(node) is cst.Call:
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

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression, use: Use) -> None:
        self.walk(node.expression, FORMATTED)

    def visit_Await(self, node: cst.Await, use: Use) -> None:
        self.walk(node.expression, use)
