"""FRG103 fragment-return-value."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.index import summary
from fraglint.index.project import FunctionKey, TargetKind
from fraglint.index.summary import FunctionSummary, ValueKind
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Site, decorator_scope
from fraglint.model.own_reruns import own_reruns
from fraglint.rules.base import CheckContext, Example, Finding, Rule

_USES = {
    summary.ASSIGNED: "assigned",
    summary.RETURNED: "returned",
    summary.CONDITION: "tested",
    summary.ARGUMENT: "passed on",
    summary.FORMATTED: "formatted",
    summary.EXPRESSION: "used",
}


class FragmentReturnValue(Rule):
    """The value a fragment returns is used.

    ## What it does
    Flags a call of a fragment whose result is assigned, tested, passed on, returned or
    formatted, when the fragment returns a value. A bare call statement is fine.

    ## Why is this bad?
    On a full run the call returns normally, but when a widget inside the fragment (or its
    `run_every` timer) fires, Streamlit reruns only the fragment and throws its return value
    away: the code that consumed it does not run again and keeps the old value. The guide:
    "Streamlit ignores fragment return values during fragment reruns."

    ## Example
    ```python
    @st.fragment
    def pick_city():
        return st.selectbox("City", cities)

    city = pick_city()
    st.map(load(city))  # stale after the user picks another city
    ```

    ## Use instead
    Share data through Session State, and draw what depends on it inside the fragment or
    trigger a full rerun:
    ```python
    @st.fragment
    def pick_city():
        st.selectbox("City", cities, key="city")

    pick_city()
    st.map(load(st.session_state.city))
    ```
    """

    code = "FRG103"
    name = "fragment-return-value"
    judges = CodeScope.APP_RUN
    facts = ("fragment-return-ignored",)

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment
def pick_city():
    st.selectbox("City", ["Oslo", "Lima"], key="city")

pick_city()
_ = pick_city
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment
def pick_city():
    return st.selectbox("City", ["Oslo", "Lima"])

city = pick_city()  # [fragment-return-value]
if pick_city():  # [fragment-return-value]
    st.write(f"{pick_city()}")  # [fragment-return-value]
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for fragment_call in ctx.model.fragment_calls:
            use = fragment_call.call.use
            if use == summary.DISCARDED:
                continue
            fragment = fragment_call.fragment
            function = ctx.index.function(fragment.function)
            if function is None or not any(r.has_value for r in function.returns):
                continue  # it returns nothing: the caller always gets None, nothing vanishes
            causes = own_reruns(ctx.model, fragment, ctx.version)
            if not causes:
                continue  # only full runs run it: every caller gets a fresh value
            if use == summary.RETURNED and _passes_on_none(ctx, fragment_call.caller, fragment.function):
                continue
            name = fragment.name
            yield Finding(
                Site(fragment_call.caller[0], fragment_call.call.site),
                f"the return value of fragment `{name}` is {_USES.get(use, 'used')}, but Streamlit "
                f"discards it on the fragment's reruns ({causes[0]} reruns it alone); "
                "share data through `st.session_state`",
                related=((fragment.site, f"fragment `{name}` defined here"),),
                scope_facts=(
                    f"{causes[0]} reruns only `{name}`; `{fragment_call.caller[1]}`, which uses the value, is not re-run",
                ),
            )


def _passes_on_none(ctx: CheckContext, wrapper: FunctionKey, inner: FunctionKey) -> bool:
    """The transparent decorator idiom: `wrapper`, made and returned by a decorator, ends with
    `return inner()`, where the fragment `inner` only returns what the decorated function
    returns. No value is used when every function the decorator decorates returns None and
    every call of them discards the result."""
    wrapper_function = ctx.index.function(wrapper)
    inner_function = ctx.index.function(inner)
    if wrapper_function is None or inner_function is None or wrapper_function.parent is None:
        return False
    decorator = FunctionKey(wrapper.path, wrapper_function.parent)
    decorator_function = ctx.index.function(decorator)
    if decorator_function is None or not _returns_function(ctx, decorator, wrapper):
        return False
    for returned in inner_function.returns:
        value = returned.value
        if returned.has_value and not (value is not None and value.call_site is not None and value.ref):
            return False
        if returned.has_value and value is not None and value.ref:
            target = ctx.index.resolve(inner.path, inner.qualname, value.ref[:1])
            if target.kind != TargetKind.PARAM or target.scope != decorator.qualname:
                return False
    decorated = _decorated_by(ctx, decorator)
    if not decorated or any(any(r.has_value for r in f.returns) for f in decorated.values()):
        return False
    return all(
        edge.call.use == summary.DISCARDED
        for edges in ctx.model.graph.edges.values()
        for edge in edges
        if edge.callee in decorated or edge.callee == decorator
    )


def _returns_function(ctx: CheckContext, maker: FunctionKey, made: FunctionKey) -> bool:
    """Does `maker` return the function `made` (`return wrapper`)?"""
    function = ctx.index.function(maker)
    for returned in function.returns if function else ():
        value = returned.value
        if value is not None and value.kind == ValueKind.REF and value.ref and value.call_site is None:
            target = ctx.index.resolve(maker.path, maker.qualname, value.ref)
            if target.kind == TargetKind.FUNCTION and not target.rest and (target.path or maker.path, target.name) == made:
                return True
    return False


def _decorated_by(ctx: CheckContext, decorator: FunctionKey) -> dict[FunctionKey, FunctionSummary]:
    """The functions `@decorator` decorates (not called: `@decorator()` is a factory)."""
    found = {}
    for path, function in ctx.index.functions():
        for written in function.decorators:
            if written.called or not written.ref or written.ref[-1] != decorator.qualname.rsplit(".", 1)[-1]:
                continue
            target = ctx.index.resolve(path, decorator_scope(function), written.ref)
            if target.kind == TargetKind.FUNCTION and not target.rest and (target.path or path, target.name) == decorator:
                found[FunctionKey(path, function.qualname)] = function
    return found
