"""The project's own decorators: which function a decorator returns, what it decorates, and
whether it passes on a value.

Real apps wrap fragments in decorators of their own: a factory that returns the fragment it
makes (`def live(render): @st.fragment def panel(): ...; return panel`), or a transparent
decorator whose wrapper runs the decorated function inside an inner fragment and returns what
the fragment returns. Returning the fragment passes it on; returning its value uses nothing
when the decorated functions return None and nobody reads what their calls give.
"""

from __future__ import annotations

from fraglint.index.project import FunctionKey, ProjectIndex, TargetKind
from fraglint.index.summary import DISCARDED, FunctionSummary, ValueKind
from fraglint.model.call_graph import CallGraph
from fraglint.model.fragments import decorator_scope


def returns_function(index: ProjectIndex, maker: FunctionKey, made: FunctionKey) -> bool:
    """Does `maker` return the function `made` itself (`return wrapper`)?"""
    function = index.function(maker)
    for returned in function.returns if function else ():
        value = returned.value
        if value is not None and value.kind == ValueKind.REF and value.ref and value.call_site is None:
            target = index.resolve(maker.path, maker.qualname, value.ref)
            if target.kind == TargetKind.FUNCTION and not target.rest and (target.path or maker.path, target.name) == made:
                return True
    return False


def decorated_by(index: ProjectIndex, decorator: FunctionKey) -> dict[FunctionKey, FunctionSummary]:
    """The functions `@decorator` decorates (written without a call: `@decorator()` is a factory)."""
    found = {}
    name = decorator.qualname.rsplit(".", 1)[-1]
    for path, function in index.functions():
        for written in function.decorators:
            if written.called or not written.ref or written.ref[-1] != name:
                continue
            target = index.resolve(path, decorator_scope(function), written.ref)
            if target.kind == TargetKind.FUNCTION and not target.rest and (target.path or path, target.name) == decorator:
                found[FunctionKey(path, function.qualname)] = function
    return found


def passes_on_none(index: ProjectIndex, graph: CallGraph, wrapper: FunctionKey, inner: FunctionKey) -> bool:
    """The transparent decorator idiom: `wrapper`, made and returned by a decorator, returns
    what `inner()` gives, and `inner` returns only what the decorated function returns. True
    when every function the decorator decorates returns None and every call of them (and of
    the decorator) discards its result: then no value is ever used."""
    wrapper_function = index.function(wrapper)
    if wrapper_function is None or wrapper_function.parent is None:
        return False
    decorator = FunctionKey(wrapper.path, wrapper_function.parent)
    if not returns_function(index, decorator, wrapper) or not _returns_only_calls_of_params(index, inner, decorator):
        return False
    decorated = decorated_by(index, decorator)
    if not decorated or any(any(r.has_value for r in f.returns) for f in decorated.values()):
        return False
    return all(
        edge.call.use == DISCARDED
        for edges in graph.edges.values()
        for edge in edges
        if edge.callee in decorated or edge.callee == decorator
    )


def _returns_only_calls_of_params(index: ProjectIndex, inner: FunctionKey, decorator: FunctionKey) -> bool:
    """Does every `return` of `inner` with a value return a call of a `decorator` parameter
    (`return func(*args, **kwargs)`)?"""
    function = index.function(inner)
    if function is None:
        return False
    for returned in function.returns:
        if not returned.has_value:
            continue
        value = returned.value
        if value is None or value.call_site is None or not value.ref:
            return False
        target = index.resolve(inner.path, inner.qualname, value.ref[:1])
        if target.kind != TargetKind.PARAM or target.scope != decorator.qualname:
            return False
    return True
