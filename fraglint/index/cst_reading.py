"""Plain readers of libcst nodes: the literal, name chain or names an expression spells.

They walk nothing and record nothing, so every part of the visitor (values, bindings,
conditions, scopes) reads a node the same way.
"""

from __future__ import annotations

import libcst as cst

from fraglint.index.summary import CALL, ITEM, LACKING, Ref, Value, ValueKind, key_part


def expression_ref(node: cst.BaseExpression) -> Ref | None:
    """The name chain an expression spells, or None for anything else.

    Exact types (libcst's concrete nodes have no subclasses): `isinstance` on a miss goes
    through ABCMeta, and this runs on nearly every expression the walk meets.
    """
    parts: list[str] = []
    while True:
        if type(node) is cst.Name:
            parts.append(node.value)
            parts.reverse()
            return tuple(parts)
        if type(node) is cst.Attribute:
            parts.append(node.attr.value)
            node = node.value
        elif type(node) is cst.Subscript:
            parts.append(_subscript_part(node))
            node = node.value
        elif type(node) is cst.Call:
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
                key = string_value(index.value)
            except Exception:
                return ITEM
            if isinstance(key, str):
                return key_part(key)
    return ITEM


def _number(node: cst.BaseExpression) -> object:
    if type(node) is cst.Integer:
        try:
            return int(node.value, 0)
        except ValueError:
            return None
    if type(node) is cst.Float:
        return float(node.value.replace("_", ""))
    if type(node) is cst.UnaryOperation and type(node.operator) is cst.Minus:
        inner = _number(node.expression)
        return -inner if isinstance(inner, (int, float)) else None
    return None


def string_value(node: cst.SimpleString | cst.ConcatenatedString) -> str | bytes | None:
    """The value a string literal spells (libcst's `evaluated_value`).

    libcst compiles each literal for it (`ast.literal_eval`), a fifth of the summary walk; a
    one-line literal without a backslash, `b` or `f` prefix means the text between its quotes.
    """
    if type(node) is cst.SimpleString:
        value = node.value
        quote = value[-1]
        start = value.find(quote)
        if value[start : start + 3] != quote * 3 and "\\" not in value and value[:start] in _PLAIN_PREFIXES:
            return value[start + 1 : -1]
    return node.evaluated_value


_PLAIN_PREFIXES = frozenset({"", "u", "U", "r", "R"})


def literal_value(node: cst.BaseExpression) -> Value | None:
    if type(node) is cst.SimpleString or type(node) is cst.ConcatenatedString:
        try:
            text = string_value(node)
        except Exception:  # an odd literal is just "other"
            return None
        if isinstance(text, bytes):
            return None
        return Value(ValueKind.STR, literal=text)
    if type(node) is cst.FormattedString:
        return None
    number = _number(node)
    if number is not None:
        return Value(ValueKind.NUM, literal=number)
    if type(node) is cst.Name and node.value in ("True", "False"):
        return Value(ValueKind.BOOL, literal=node.value == "True")
    if type(node) is cst.Name and node.value == "None":
        return Value(ValueKind.NONE)
    if isinstance(node, (cst.List, cst.Tuple)) and not node.elements:
        return Value(ValueKind.EMPTY)
    return None


def arm_checks(test: cst.BaseExpression) -> tuple[str | None, str | None]:
    """The feature checks (see `FunctionSummary.feature_checks`) of the code a test guards and
    of its `else`: `hasattr(st, "x")` runs its body only where `x` exists and its `else` only
    where it is missing (`LACKING + "x"`); `not` swaps them; an `and` keeps only the body's
    (its `else` runs when any part fails), an `or` only the `else`'s."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        body, orelse = arm_checks(test.expression)
        return orelse, body
    if isinstance(test, cst.BooleanOperation):
        left, right = arm_checks(test.left), arm_checks(test.right)
        if isinstance(test.operator, cst.And):
            return left[0] or right[0], None
        return None, left[1] or right[1]
    name = hasattr_name(test)
    return (None, None) if name is None else (name, LACKING + name)


def lacking_name(check: str | None) -> str | None:
    """The attribute a feature check says is missing (`Value.lacking`), or None."""
    return check.removeprefix(LACKING) if check is not None and check.startswith(LACKING) else None


def hasattr_name(test: cst.BaseExpression) -> str | None:
    """`name` when a test is `hasattr(st, "name")`."""
    if (
        isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and test.func.value == "hasattr"
        and len(test.args) == 2 and isinstance(test.args[1].value, cst.SimpleString)
    ):
        name = test.args[1].value.evaluated_value
        return name if isinstance(name, str) else None
    return None


def getattr_default_none(node: cst.BaseExpression) -> tuple[tuple[str, ...], str] | None:
    """(owner, name) of `getattr(owner, "name", None)`, else None."""
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "getattr"):
        return None
    if len(node.args) != 3 or not isinstance(node.args[1].value, cst.SimpleString):
        return None
    default, owner = node.args[2].value, expression_ref(node.args[0].value)
    name = node.args[1].value.evaluated_value
    if not (isinstance(default, cst.Name) and default.value == "None") or owner is None or not isinstance(name, str):
        return None
    return owner, name


_CATCHES_ATTRIBUTE_ERROR = frozenset({"AttributeError", "Exception", "BaseException"})


def catches_attribute_error(handler: cst.ExceptHandler) -> bool:
    """`except:`, `except AttributeError:`, `except (ImportError, AttributeError) as e:`, `except Exception:`."""
    caught = handler.type
    if caught is None:
        return True
    names = [element.value for element in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
    refs = [expression_ref(name) for name in names]
    return any(ref is not None and ref[-1] in _CATCHES_ATTRIBUTE_ERROR for ref in refs)


def param_names(params: cst.Parameters) -> list[str]:
    names = [p.name.value for p in (*params.posonly_params, *params.params)]
    if isinstance(params.star_arg, cst.Param):
        names.append("*" + params.star_arg.name.value)
    names.extend(p.name.value for p in params.kwonly_params)
    if params.star_kwarg is not None:
        names.append("**" + params.star_kwarg.name.value)
    return names


def target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in target_names(e.value)]
    return []


def dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""
