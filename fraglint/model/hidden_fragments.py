"""Fragments declared in ways plain name resolution does not see, and how sure each one is.

Real projects choose the fragment decorator at run time: a conditional alias
(`frag = st.fragment if hasattr(st, "fragment") else st.experimental_fragment`), two bindings
in `try`/`except` or `if`/`else`, `getattr(st, "fragment")`, a wrapper function that returns
`st.fragment(func)` (used as a decorator or called), a factory that returns a fragment
decorator (`@live(5)`), or a dict of decorators indexed at run time (`@DECORATORS[mode]`).
Such an expression is judged by its alternatives, each a fragment decorator or not:

- must: every alternative is a fragment decorator, so the function is a fragment for every rule;
- may: some alternative is not one (`lambda f: f`, `getattr(st, "fragment", None)`, a wrapper
  that returns the function unchanged in its `except`). A rule reports on a may-fragment only
  where its claim holds both ways: fragment rules, whose claims need a fragment, skip it, and
  so do claims that need code to run outside every fragment (`rerun-scope-outside-fragment`).

An alternative that is feature detection's fallback (`Value.lacking`: the `else` of
`hasattr(st, "fragment")`, a binding in `except AttributeError:`, the right of
`getattr(st, "fragment", None) or ...`) runs only where the fragment API is missing, so on every
release where the fragment alternative can run it does not: it does not make the verdict "may".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fraglint.index.project import FunctionKey, ProjectIndex, Target, TargetKind
from fraglint.index.summary import CALL, ITEM, MODULE_SCOPE, CallSite, FunctionSummary, Value, ValueKind
from fraglint.model import streamlit_api as api
from fraglint.model.resolution import CallTargets


@dataclass(frozen=True)
class Fallback:
    """An alternative that is no fragment decorator, chosen only where Streamlit lacks the
    attribute `lacking` ("*": any attribute the `try` body used)."""

    lacking: str


# One alternative: (api, decorator kwargs) of a fragment decorator, a fallback, or None for anything else.
Alternative = tuple[str, dict] | Fallback | None
DirectDecorator = Callable[[Target, dict | None], tuple[str | None, dict]]
_DEPTH = 4  # wrappers of wrappers of ...: enough for real code, and no recursion without end


@dataclass(frozen=True)
class Declared:
    """What a hidden declaration makes of a function: `api` and `kwargs` of the first fragment
    alternative, and `must` when every alternative is one."""

    api: str
    kwargs: dict
    must: bool


def _called_with(alternative: Alternative, call: CallSite | None) -> Alternative:
    """An alternative called with keyword arguments: `st.fragment(run_every=5)` is a decorator
    too. `call` None: not called."""
    if not isinstance(alternative, tuple) or call is None:
        return alternative
    return None if call.args else (alternative[0], {**alternative[1], **call.kwargs})


def verdict(alternatives: list[Alternative]) -> Declared | None:
    found = [alt for alt in alternatives if isinstance(alt, tuple)]
    if not found:
        return None
    apis = {api for api, _ in found}
    others = [
        alt for alt in alternatives
        if not isinstance(alt, tuple) and not (isinstance(alt, Fallback) and alt.lacking in apis | {"*"})
    ]
    return Declared(found[0][0], found[0][1], must=not others)


class HiddenDeclarations:
    """Judges decorator expressions and wrapping calls by their alternatives."""

    def __init__(self, index: ProjectIndex, calls: CallTargets, direct: DirectDecorator) -> None:
        self.index = index
        self.calls = calls
        self.direct = direct  # `FragmentDiscovery._fragment_decorator`: the plain spellings

    def decorator(self, path: str, scope: str, ref, called: bool, args: list[Value], kwargs: dict) -> Declared | None:
        """A decorator written `@ref` or `@ref(*args, **kwargs)` in `scope`."""
        if not ref:
            return None
        if called:
            return verdict(list(self._called(path, scope, ref, args, kwargs, _DEPTH)))
        return verdict(list(self._applied(path, scope, ref, _DEPTH)))

    def value(self, path: str, scope: str, value: Value) -> Declared | None:
        """A decorator written as an expression: `@(st.fragment if hasattr(...) else identity)`."""
        return verdict(list(self._value(path, scope, value, _DEPTH)))

    def applied_call(self, key: FunctionKey, call: CallSite) -> Declared | None:
        """`frag(main)`: a name bound to fragment decorators (or their fallbacks) called on a function."""
        return verdict(list(self._fragment_call(key, call, _DEPTH)))

    def wrapper_call(self, key: FunctionKey, call: CallSite) -> Declared | None:
        """`panel = as_fragment(render)`: a call of a project wrapper function."""
        target = self.calls.target(key, call)
        if target.kind != TargetKind.FUNCTION or target.rest:
            return None
        return verdict(list(self._wrapper(FunctionKey(target.path or key.path, target.name), _DEPTH)))

    # -- alternatives ----------------------------------------------------------------------

    def _applied(self, path: str, scope: str, ref, depth: int, call_site: int | None = None) -> Iterator[Alternative]:
        """The alternatives of an expression applied to a function as a decorator
        (`call_site`: where the expression is itself a call, `st.fragment(run_every=5)`)."""
        if depth <= 0:
            yield None
            return
        target = self.index.resolve(path, scope, ref)
        if call_site is not None and target.kind != TargetKind.UNKNOWN:
            target = target.but(call=(path, call_site))
        fragment_api, kwargs = self.direct(target, None)
        if fragment_api is not None:
            yield fragment_api, kwargs
        elif target.kind == TargetKind.FUNCTION:
            yield from self._applied_function(path, target, depth - 1)
        elif target.kind == TargetKind.UNKNOWN:
            yield from self._applied_local(path, scope, ref, depth - 1, call_site)
        else:
            yield None

    def _applied_function(self, path: str, target: Target, depth: int) -> Iterator[Alternative]:
        """A project function applied as a decorator: a wrapper itself (`@as_fragment`),
        or what a factory's call returns (`@make_fragment()`)."""
        if not target.rest:
            yield from self._wrapper(FunctionKey(target.path or path, target.name), depth)
        elif target.rest == (CALL,) and target.call is not None:
            yield from self._factory_call(target, depth)
        else:
            yield None

    def _applied_local(self, path: str, scope: str, ref, depth: int, call_site: int | None) -> Iterator[Alternative]:
        """A name the index leaves unresolved, so bound in code: the name (`@frag`), its call
        (`@frag(run_every=5)`) or an entry of the dict it names (`@DECORATORS[mode]`)."""
        if len(ref) == 1:
            yield from self._bound(path, scope, ref[0], depth)
        elif len(ref) == 2 and ref[1] == CALL and call_site is not None:
            made = self.index.call_at(path, call_site)
            yield from self._bound(path, scope, ref[0], depth, made[1] if made else None)
        elif len(ref) == 2 and ref[1] == ITEM:
            yield from self._dict_entries(path, scope, ref[0], depth)
        else:
            yield None

    def _called(self, path: str, scope: str, ref, args: list[Value], kwargs: dict, depth: int) -> Iterator[Alternative]:
        """`@getattr(st, "fragment")` or `@factory(...)`: what the call returns, applied."""
        if ref == ("getattr",):
            yield from self._getattr(path, scope, args, kwargs, depth)
            return
        target = self.index.resolve(path, scope, ref)
        if target.kind == TargetKind.FUNCTION and not target.rest and depth > 0:
            yield from self._returns_applied(FunctionKey(target.path or path, target.name), depth - 1)
        else:
            yield None

    def _value(self, path: str, scope: str, value: Value, depth: int) -> Iterator[Alternative]:
        """A bound value used as a decorator: `a if flag else b`, `getattr(...)`, a name chain."""
        if value.lacking is not None:
            chosen = list(self._value(path, scope, dataclasses.replace(value, lacking=None), depth))
            yield from chosen if any(isinstance(alt, tuple) for alt in chosen) else [Fallback(value.lacking)]
            return
        if value.choices is not None:
            for choice in value.choices:
                yield from self._value(path, scope, choice, depth)
            return
        if value.kind != ValueKind.REF or not value.ref:
            yield None
            return
        if value.ref[0] == "<def>":
            yield from self._wrapper(FunctionKey(path, value.ref[1]), depth)
            return
        if value.call_site is not None and value.ref[:1] == ("getattr",):
            found = self.index.call_at(path, value.call_site)
            if found is not None:
                yield from self._getattr(path, scope, found[1].args, found[1].kwargs, depth)
                return
        if value.ref[0].startswith("<"):
            yield None
            return
        yield from self._applied(path, scope, value.ref, depth, value.call_site)

    def _getattr(self, path: str, scope: str, args: list[Value], kwargs: dict, depth: int) -> Iterator[Alternative]:
        """`getattr(st, "fragment"[, default])`: Streamlit's decorator by name, or the default."""
        if len(args) < 2 or args[1].kind != ValueKind.STR or args[0].kind != ValueKind.REF:
            yield None
            return
        module = self.index.resolve(path, scope, args[0].ref)
        name = str(args[1].literal)
        is_streamlit = module.kind == TargetKind.STREAMLIT and not module.rest and module.name == ""
        yield (name, {}) if is_streamlit and name in api.FRAGMENT_DECORATORS else None
        default = args[2] if len(args) > 2 else kwargs.get("default")
        if default is not None:
            yield from self._value(path, scope, default, depth - 1)

    def _bound(self, path: str, scope: str, name: str, depth: int, call: CallSite | None = None) -> Iterator[Alternative]:
        """A name bound more than once (`try`/`except`, `if`/`else`) or to a choice: each
        binding's value; `call`: the name is called there (`st_fragment(run_every=5)`)."""
        found = self._binder(path, scope, name)
        if found is None:
            yield None
            return
        where, function = found
        for binding in function.bindings[name]:
            if binding.unpack is not None or binding.iterated:
                yield None
                continue
            for alternative in self._value(where, function.qualname, binding.value, depth):
                yield _called_with(alternative, call)

    def _dict_entries(self, path: str, scope: str, name: str, depth: int) -> Iterator[Alternative]:
        """`DECORATORS[mode]`: every entry of the dict display `name` is bound to."""
        found = self._binder(path, scope, name)
        bindings = found[1].bindings[name] if found else []
        if found is None or len(bindings) != 1 or not bindings[0].value.items:
            yield None
            return
        for value in (bindings[0].value.items or {}).values():
            yield from self._value(found[0], found[1].qualname, value, depth)

    def _binder(self, path: str, scope: str, name: str, hops: int = _DEPTH) -> tuple[str, FunctionSummary] | None:
        """(module, function or module scope) whose bindings hold `name` as seen from `scope`,
        following `from module import name` across the project."""
        summary = self.index.module(path)
        function = summary.functions.get(scope) if summary else None
        while summary is not None and function is not None:
            if function.bindings.get(name):
                return path, function
            imported = function.imports.get(name)
            if imported is not None:
                module = self.index.find_module(imported.module, path, imported.level)
                if module is None or imported.name is None or hops <= 0:
                    return None
                return self._binder(module, MODULE_SCOPE, imported.name, hops - 1)
            if function.qualname == MODULE_SCOPE or name in function.params:
                return None
            function = summary.functions.get(function.parent or MODULE_SCOPE)
        return None

    # -- wrappers and factories --------------------------------------------------------------

    def _wrapper(self, key: FunctionKey, depth: int) -> Iterator[Alternative]:
        """A function applied to a function: each `return` gives `st.fragment(func)` (a fragment)
        or anything else (not one). A function with no `return` value is no wrapper."""
        function = self.index.function(key)
        returns = [r for r in function.returns if r.has_value] if function else []
        if function is None or not returns or not function.params:
            yield None
            return
        for returned in returns:
            value = returned.value
            found = self.index.call_at(key.path, value.call_site) if value and value.call_site else None
            if found is None or not found[1].args:
                yield None
                continue
            yield from self._fragment_call(key, found[1], depth)

    def _fragment_call(self, key: FunctionKey, call: CallSite, depth: int) -> Iterator[Alternative]:
        """`st.fragment(func, ...)`, `st.fragment(run_every=5)(func)` or an alias of either,
        called inside a wrapper: the callee's alternatives, with the call's own arguments."""
        if not call.func:
            yield None
            return
        for alternative in self._applied(key.path, key.qualname, call.func, depth, call.receiver_call):
            yield (alternative[0], {**alternative[1], **call.kwargs}) if isinstance(alternative, tuple) else alternative

    def _returns_applied(self, factory: FunctionKey, depth: int) -> Iterator[Alternative]:
        """A decorator factory: each value it returns, used as a decorator."""
        function = self.index.function(factory)
        returns = [r for r in function.returns if r.has_value and r.value] if function else []
        if function is None or not returns:
            yield None
            return
        for returned in returns:
            assert returned.value is not None
            yield from self._value(factory.path, factory.qualname, returned.value, depth)

    def _factory_call(self, target: Target, depth: int) -> Iterator[Alternative]:
        """`live = make_live(5)` then `@live`: what the factory returns."""
        yield from self._returns_applied(FunctionKey(target.path or "", target.name), depth)
