"""Which functions are fragments (and dialogs), and where the Streamlit fragment API is named.

Streamlit turns a function into a fragment by decorator under any alias (`@st.fragment`,
`@frag`, `@st.fragment(run_every=...)`, `frag = st.fragment(run_every=5)` then `@frag`) or by
wrapping (`shown = st.fragment(f)`). An `st.dialog` (`st.experimental_dialog`, 1.34-1.48)
function's body runs as a fragment too: Streamlit wraps it in its fragment decorator, so a widget
inside reruns the dialog alone and the fragment checks (sidebar, outside containers) apply. Dialogs
are kept apart in `dialogs`; `scopes` holds both, for the questions the runtime answers alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from fraglint.index.memo import Reads, reads_of
from fraglint.index.project import FunctionKey, ProjectIndex, Target, TargetKind
from fraglint.index.summary import (
    CALL,
    MODULE_SCOPE,
    CallSite,
    FunctionSummary,
    Value,
    ValueKind,
    display_name,
)
from fraglint.model import streamlit_api as api
from fraglint.model.hidden_fragments import HiddenDeclarations
from fraglint.model.resolution import CallTargets

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Site:
    """A place in the project: a site id in a module (resolved to a span when reported)."""

    path: str
    site: int


@dataclass(frozen=True)
class Fragment:
    function: FunctionKey
    api: str  # "fragment" or "experimental_fragment" ("dialog", "experimental_dialog" for dialogs)
    site: Site  # the decorator, or the wrapping call
    kwargs: dict = field(hash=False, compare=False)  # name -> Value of the decorator's arguments
    wrapped_by_call: bool = False
    # False for a may-fragment: declared by an expression only some of whose alternatives are
    # fragment decorators (see `model.declarations`); such a fragment is not in `fragments`.
    certain: bool = True

    @property
    def name(self) -> str:
        return display_name(self.function.qualname)

    @property
    def dialog(self) -> bool:
        """An `@st.dialog` (`@st.experimental_dialog`) function: a fragment opened in a modal."""
        return self.api in api.DIALOG_DECORATORS

    @property
    def word(self) -> str:
        """"dialog" or "fragment", for messages."""
        return "dialog" if self.dialog else "fragment"

    @property
    def what(self) -> str:
        """How messages name it: "fragment `render`", "dialog `confirm`"."""
        return f"{self.word} `{self.name}`"

    def kwarg(self, name: str) -> Value | None:
        return self.kwargs.get(name)

    @property
    def parallel(self) -> bool:
        """Declared `parallel=True` (1.58+): it runs in a worker thread, beside the script."""
        value = self.kwarg("parallel")
        return value is not None and value.kind == ValueKind.BOOL and value.literal is True

    @property
    def key(self) -> str | None:
        """The literal `key=` (1.63+) as Streamlit reads it: an int key is its string."""
        value = self.kwarg("key")
        if value is not None and value.kind in (ValueKind.STR, ValueKind.NUM):
            return str(value.literal)
        return None


@dataclass(frozen=True)
class Reference:
    """A literal mention of a Streamlit API: `@st.fragment`, `st.rerun(...)`, an import."""

    site: Site
    api: str
    kind: str  # "decorator", "call", "alias", "import"
    part: str  # which span of the site holds the name
    call: CallSite | None = None


def decorator_scope(function: FunctionSummary) -> str:
    """The scope a function's decorators are evaluated in: the one around the `def`."""
    return function.parent or MODULE_SCOPE


def last_name(ref) -> str:
    """The last real name of a chain: `st.fragment(run_every=5)` -> `fragment`."""
    for part in reversed(ref):
        if part != CALL and not part.startswith("["):
            return part
    return ""


class FragmentDiscovery:
    """Fragments and dialogs of a project, found by resolving decorators and wrapping calls."""

    def __init__(self, index: ProjectIndex, calls: CallTargets) -> None:
        self.index = index
        self.calls = calls
        self._references: dict[frozenset[str], list[Reference]] = {}  # asked once per release epoch
        # (names, module) -> (its references, the modules read to find them): kept by `reuse`
        self._module_references: dict[tuple[frozenset[str], str], tuple[list[Reference], Reads]] = {}
        self._cache_decorators: dict[FunctionKey, list[tuple[Site, str]]] = {}
        self._module_referenced_functions: dict[tuple[frozenset[str], str], tuple[frozenset[FunctionKey], Reads]] = {}
        # One object per distinct set of modules read: a module's answers about different names
        # mostly read the same modules, and 5,000 modules keep some 70,000 answers.
        self._reads: dict[Reads, Reads] = {}

    def reuse(self, previous: FragmentDiscovery, changed: set[str]) -> None:
        """Take over each module's literal references (`streamlit_references`) and functions used
        as values (`referenced_functions`) when neither the module nor any module read to find
        them changed (the language server's next check)."""
        self._module_references = _unaffected(previous._module_references, changed)
        self._module_referenced_functions = _unaffected(previous._module_referenced_functions, changed)

    @cached_property
    def fragments(self) -> dict[FunctionKey, Fragment]:
        found: dict[FunctionKey, Fragment] = {}
        for path, function in self.index.functions():
            for decorator in function.decorators:
                target = self.index.resolve(path, decorator_scope(function), decorator.ref)
                fragment_api, kwargs = self._fragment_decorator(target, decorator.kwargs if decorator.called else None)
                if fragment_api is not None:
                    key = FunctionKey(path, function.qualname)
                    found.setdefault(key, Fragment(key, fragment_api, Site(path, decorator.site), kwargs))
        for wrap in self.wraps:
            found.setdefault(wrap.function, wrap)
        for key, hidden in self.hidden_fragments.items():
            if hidden.certain:
                found.setdefault(key, hidden)
        return found

    @cached_property
    def dialogs(self) -> dict[FunctionKey, Fragment]:
        """Functions decorated with `st.dialog` (`st.experimental_dialog`): Streamlit runs them as
        fragments, so a widget inside one reruns the dialog alone."""
        found: dict[FunctionKey, Fragment] = {}
        for path, function in self.index.functions():
            for decorator in function.decorators:
                target = self.index.resolve(path, decorator_scope(function), decorator.ref)
                if target.kind == TargetKind.STREAMLIT and target.name in api.DIALOG_DECORATORS and not target.rest:
                    key = FunctionKey(path, function.qualname)
                    dialog = Fragment(key, target.name, Site(path, decorator.site), dict(decorator.kwargs))
                    found.setdefault(key, dialog)
        return found

    @cached_property
    def scopes(self) -> dict[FunctionKey, Fragment]:
        """Fragments and dialogs: every function whose body Streamlit runs as a fragment."""
        return {**self.dialogs, **self.fragments}

    @cached_property
    def identity(self) -> tuple:
        """Everything about the fragments that call-graph edges depend on (see `CallGraph.reuse`)."""
        return (
            {key: (f.api, f.site, f.wrapped_by_call, f.kwargs) for key, f in self.scopes.items()},
            [(f.function, f.site, f.kwargs) for f in self.wraps],
        )

    @cached_property
    def shared_keys(self) -> dict[str, list[Fragment]]:
        """Fragment keys (`key=`, 1.63+) that two or more fragment functions declare, each with
        its fragments in the order of their declarations."""
        by_key: dict[str, list[Fragment]] = {}
        for fragment in sorted(self.fragments.values(), key=lambda f: (f.site.path, f.site.site)):
            if fragment.key is not None:
                by_key.setdefault(fragment.key, []).append(fragment)
        return {key: fragments for key, fragments in by_key.items() if len(fragments) > 1}

    def called_fragment(self, key: FunctionKey, call: CallSite) -> Fragment | None:
        """The fragment a call starts, if it starts one."""
        path, _ = key  # unpacked: callers may still pass a plain (path, qualname) tuple
        target = self.calls.target(key, call)
        if target.kind == TargetKind.FUNCTION and not target.rest:
            return _first_of(self.fragments, target, path)
        if target.kind == TargetKind.STREAMLIT and target.name in api.FRAGMENT_DECORATORS:
            origin = target.call or ((path, call.receiver_call) if call.receiver_call else None)
            if origin is not None and target.rest in ((CALL,), (CALL, CALL)):
                return self._wraps_by_site.get(Site(*origin))
        if target.kind == TargetKind.UNKNOWN and call.receiver_call is not None:
            return self._wraps_by_site.get(Site(path, call.receiver_call))  # `frag(main)()`
        return None

    def called_dialog(self, key: FunctionKey, call: CallSite) -> Fragment | None:
        """The dialog a call opens, if it opens one."""
        path, _ = key
        target = self.calls.target(key, call)
        if target.kind == TargetKind.FUNCTION and not target.rest:
            return _first_of(self.dialogs, target, path)
        return None

    def called_scope(self, key: FunctionKey, call: CallSite) -> Fragment | None:
        """The fragment a call starts or the dialog it opens."""
        return self.called_fragment(key, call) or self.called_dialog(key, call)

    def cache_decorators(self, fragment: Fragment) -> list[tuple[Site, str]]:
        """(site, api) of each Streamlit cache decorator on a fragment function (`st.cache_data`, ...);
        found once per model (the rule asks once per release epoch)."""
        found = self._cache_decorators.get(fragment.function)
        if found is None:
            found = self._cache_decorators[fragment.function] = self._find_cache_decorators(fragment)
        return list(found)

    def _find_cache_decorators(self, fragment: Fragment) -> list[tuple[Site, str]]:
        function = self.index.function(fragment.function)
        if function is None:
            return []
        path = fragment.function.path
        found = []
        for decorator in function.decorators:
            target = self.index.resolve(path, decorator_scope(function), decorator.ref)
            if target.kind == TargetKind.STREAMLIT and target.name in api.CACHE_DECORATORS and target.rest in ((), (CALL,)):
                found.append((Site(path, decorator.site), target.name))
        return found

    # -- wrapping calls -------------------------------------------------------------------

    def _fragment_decorator(self, target: Target, call_kwargs: dict | None) -> tuple[str | None, dict]:
        """(api, kwargs) when a decorator or callee is Streamlit's fragment decorator."""
        if target.kind != TargetKind.STREAMLIT or target.name not in api.FRAGMENT_DECORATORS:
            return None, {}
        if target.rest == ():
            return target.name, dict(call_kwargs or {})
        if target.rest == (CALL,) and call_kwargs is None and target.call is not None:
            # `frag = st.fragment(run_every=5)` then `@frag`
            made = self.index.call_at(*target.call)
            return target.name, dict(made[1].kwargs) if made else {}
        return None, {}

    @cached_property
    def _decorator_names(self) -> frozenset[str]:
        """Names that may spell the fragment decorator: its own, and every alias of it.

        A cheap textual pre-filter (no resolution): calls whose callee ends in none of these
        cannot wrap a function into a fragment.
        """
        names = set(api.FRAGMENT_DECORATORS)
        changed = True
        while changed:
            changed = False
            for _, function in self.index.functions():
                for local, imported in function.imports.items():
                    if (imported.name in names or local in names) and local not in names:
                        names.add(local)
                        changed = True
                for local, bindings in function.bindings.items():
                    if local not in names and any(_aliases(binding.value, names) for binding in bindings):
                        names.add(local)
                        changed = True
        return frozenset(names)

    @cached_property
    def wraps(self) -> list[Fragment]:
        """`st.fragment(render)` and `st.fragment(run_every=5)(render)` calls."""
        wraps = []
        for path, function in self.index.functions():
            for call in function.calls:
                if not (call.args and call.args[0].kind == ValueKind.REF and call.func):
                    continue
                if last_name(call.func) in self._decorator_names:  # cheap: resolve only these
                    wrap = self._wrap(FunctionKey(path, function.qualname), call)
                    if wrap is not None:
                        wraps.append(wrap)
        return wraps

    def _wrap(self, key: FunctionKey, call: CallSite) -> Fragment | None:
        path, qualname = key
        target = self.calls.target(key, call)
        if target.kind != TargetKind.STREAMLIT or target.name not in api.FRAGMENT_DECORATORS:
            return None
        if target.rest == ():
            kwargs = dict(call.kwargs)
        elif target.rest == (CALL,) and (target.call or call.receiver_call is not None):
            made_path, made_site = target.call or (path, call.receiver_call)
            made = self.index.call_at(made_path, made_site) if made_site is not None else None
            kwargs = dict(made[1].kwargs) if made else {}
        else:
            return None
        wrapped = self.index.resolve(path, qualname, call.args[0].ref)
        if wrapped.kind == TargetKind.FUNCTION and not wrapped.rest:
            return Fragment(FunctionKey(wrapped.path or path, wrapped.name), target.name, Site(path, call.site), kwargs, True)
        return None

    @cached_property
    def _wraps_by_site(self) -> dict[Site, Fragment]:
        hidden_wraps = [f for f in self.hidden_fragments.values() if f.wrapped_by_call and f.certain]
        return {wrap.site: wrap for wrap in [*self.wraps, *hidden_wraps]}

    # -- hidden declarations (model.declarations) -------------------------------------------

    @cached_property
    def possible_fragments(self) -> dict[FunctionKey, Fragment]:
        """May-fragments: functions that are fragments on some of the ways their declaration
        can go (`certain` False). Rules whose claims need a fragment, or need code to run
        outside every fragment, leave their code alone."""
        return {key: f for key, f in self.hidden_fragments.items() if not f.certain and key not in self.fragments}

    @cached_property
    def hidden_fragments(self) -> dict[FunctionKey, Fragment]:
        """Fragments declared in forms plain resolution does not see: conditional aliases,
        `getattr(st, "fragment")`, wrapper functions, decorator factories, dicts of decorators."""
        judge = HiddenDeclarations(self.index, self.calls, self._fragment_decorator)
        found: dict[FunctionKey, Fragment] = {}
        for path, function in self.index.functions():
            key = FunctionKey(path, function.qualname)
            for decorator in function.decorators:
                if decorator.value is not None:
                    declared = judge.value(path, decorator_scope(function), decorator.value)
                elif not self._may_hide(path, function, decorator.ref):
                    continue
                else:
                    declared = judge.decorator(
                        path, decorator_scope(function), decorator.ref, decorator.called, decorator.args, decorator.kwargs
                    )
                if declared is not None:
                    site = Site(path, decorator.site)
                    found.setdefault(key, Fragment(key, declared.api, site, declared.kwargs, certain=declared.must))
        for wrap in self._hidden_wraps(judge):
            found.setdefault(wrap.function, wrap)
        return found

    def _may_hide(self, path: str, function: FunctionSummary, ref) -> bool:
        """A decorator plain resolution does not already call a fragment (or anything Streamlit)."""
        if not ref:
            return False
        target = self.index.resolve(path, decorator_scope(function), ref)
        return target.kind in (TargetKind.UNKNOWN, TargetKind.FUNCTION) or ref == ("getattr",)

    def _hidden_wraps(self, judge: HiddenDeclarations) -> list[Fragment]:
        """`panel = as_fragment(render)`: project wrapper functions called on a function."""
        wrappers = self._wrapper_names | self._decorator_names
        found = []
        for path, function in self.index.functions():
            for call in function.calls:
                if not (call.func and call.args and call.args[0].kind == ValueKind.REF and call.func[-1] in wrappers):
                    continue
                key = FunctionKey(path, function.qualname)
                declared = judge.wrapper_call(key, call)
                if declared is None and self.calls.target(key, call).kind == TargetKind.UNKNOWN:
                    declared = judge.applied_call(key, call)  # `frag(main)`, `frag` bound in `try`/`except`
                wrapped = self.index.resolve(path, function.qualname, call.args[0].ref)
                if declared is None or wrapped.kind != TargetKind.FUNCTION or wrapped.rest:
                    continue
                target = FunctionKey(wrapped.path or path, wrapped.name)
                found.append(Fragment(target, declared.api, Site(path, call.site), declared.kwargs, True, declared.must))
        return found

    @cached_property
    def _wrapper_names(self) -> frozenset[str]:
        """Names of project functions that return a call on a fragment decorator name (cheap, textual)."""
        spellings = set(self._decorator_names)
        for _, function in self.index.functions():  # names bound to a choice or to `getattr(...)`
            for local, bindings in function.bindings.items():
                if any(b.value.choices is not None or (b.value.ref or ())[:1] == ("getattr",) for b in bindings):
                    spellings.add(local)
        names = set()
        for _, function in self.index.functions():
            for returned in function.returns:
                ref = returned.value.ref if returned.value is not None else None
                if ref and last_name(ref) in spellings:
                    names.add(function.name)
        return frozenset(names)

    # -- mentions -------------------------------------------------------------------------

    @cached_property
    def referenced_functions(self) -> set[FunctionKey]:
        """Fragment functions used as values (passed, stored, returned), not only called."""
        found: set[FunctionKey] = set()
        # Only fragments matter to the rules that ask; pre-filter on their names and import aliases.
        names = {key.qualname.rsplit(".", 1)[-1] for key in self.fragments}
        for _, function in self.index.functions():
            names.update(local for local, imported in function.imports.items() if imported.name in names)
        spellings = frozenset(names)
        for path in list(self.index.summaries):
            found.update(self._module_referenced(spellings, path))
        return found

    def _module_referenced(self, names: frozenset[str], path: str) -> frozenset[FunctionKey]:
        """The functions one module uses as values, among `names` (kept by `reuse`)."""

        def find() -> frozenset[FunctionKey]:
            found: set[FunctionKey] = set()
            for function in self.index.summaries[path].functions.values():
                for value in _values_in(function):
                    if value.kind != ValueKind.REF or not value.ref or value.ref[0].startswith("<"):
                        continue
                    if last_name(value.ref) in names:
                        target = self.index.resolve(path, function.qualname, value.ref)
                        if target.kind == TargetKind.FUNCTION and not target.rest:
                            found.update(FunctionKey(target.path or path, name) for name in target.definitions())
            return frozenset(found)

        return self._per_module(self._module_referenced_functions, names, path, find)

    def streamlit_references(self, names: frozenset[str] | set[str]) -> list[Reference]:
        """Places where a Streamlit API in `names` is written out literally (not via an alias);
        a walk of the whole project, so done once per model (the rules ask once per release epoch)."""
        key = frozenset(names)
        found = self._references.get(key)
        if found is None:
            found = self._references[key] = []
            for path in list(self.index.summaries):
                found.extend(self._module_references_of(key, path))
        return list(found)

    def _module_references_of(self, names: frozenset[str], path: str) -> list[Reference]:
        """One module's literal references to `names` (kept by `reuse`)."""

        def find() -> list[Reference]:
            functions = self.index.summaries[path].functions.values()
            return [reference for function in functions for reference in self._references_in(path, function, names)]

        return self._per_module(self._module_references, names, path, find)

    def _per_module(self, store: dict, names: frozenset[str], path: str, find: Callable[[], _T]) -> _T:
        """One module's answer about `names`, found once and kept in `store` with the modules read
        to find it: what the index reads now, and what the module's call targets read, some
        possibly before (`CallTargets.module_reads`), so that `reuse` knows what can alter it."""
        found = store.get((names, path))
        if found is None:
            self.index.start_reading()
            try:
                answer = find()
            finally:
                read = self.index.stop_reading()
            found = store[(names, path)] = (answer, reads_of(read | self.calls.module_reads.get(path, set()), self._reads))
        return found[0]

    def _references_in(self, path: str, function: FunctionSummary, names) -> list[Reference]:
        """One function's literal spellings of `names`, in the order a reader meets their kinds."""
        return [
            *self._decorator_references(path, function, names),
            *self._call_references(path, function, names),
            *self._alias_references(path, function, names),
            *_import_references(path, function, names),
        ]

    def _decorator_references(self, path: str, function: FunctionSummary, names) -> Iterator[Reference]:
        """`@st.fragment`: a decorator that spells the API."""
        for decorator in function.decorators:
            if decorator.ref and decorator.ref[-1] in names:
                target = self.index.resolve(path, decorator_scope(function), decorator.ref)
                if target.api() in names:
                    yield Reference(Site(path, decorator.site), target.name, "decorator", "secondary")

    def _call_references(self, path: str, function: FunctionSummary, names) -> Iterator[Reference]:
        """`st.fragment(draw)`: a call of the API."""
        for call in function.calls:
            if call.func and call.func[-1] in names:
                target = self.calls.target(FunctionKey(path, function.qualname), call)
                if target.api() in names:
                    yield Reference(Site(path, call.site), target.name, "call", "secondary", call)

    def _alias_references(self, path: str, function: FunctionSummary, names) -> Iterator[Reference]:
        """`frag = st.fragment`: a name bound to the API."""
        for bindings in function.bindings.values():
            for binding in bindings:
                for value in (binding.value, *(binding.value.choices or ())):  # `a if flag else b`: each
                    yield from self._alias_reference(path, function, names, value)

    def _alias_reference(self, path: str, function: FunctionSummary, names, value: Value) -> Iterator[Reference]:
        if value.kind == ValueKind.REF and value.ref and value.ref[-1] in names and value.site:
            target = self.index.resolve(path, function.qualname, value.ref)
            if target.api() in names:
                yield Reference(Site(path, value.site), target.name, "alias", "primary")


def _import_references(path: str, function: FunctionSummary, names) -> Iterator[Reference]:
    """`from streamlit import fragment`: the API imported by its own name."""
    for imported in function.imports.values():
        if imported.level == 0 and imported.module == "streamlit" and imported.name is not None and imported.name in names:
            yield Reference(Site(path, imported.site), imported.name, "import", "primary")


def _unaffected(found: dict[tuple[frozenset[str], str], tuple], changed: set[str]) -> dict:
    """The per-module answers (keyed by (names, module), each with the modules it read) that
    no change in `changed` can alter."""
    return {key: entry for key, entry in found.items() if key[1] not in changed and changed.isdisjoint(entry[1])}


def _first_of(scopes: dict[FunctionKey, Fragment], target: Target, path: str) -> Fragment | None:
    """The fragment (or dialog) among the definitions a call may run (see `Target.alternatives`)."""
    for name in target.definitions():
        found = scopes.get(FunctionKey(target.path or path, name))
        if found is not None:
            return found
    return None


def _aliases(value: Value, names: set[str]) -> bool:
    """`frag = st.fragment` or `frag = fragment(run_every=5)`: a binding to a known spelling."""
    return value.kind == ValueKind.REF and bool(value.ref) and last_name(value.ref) in names


def _values_in(function: FunctionSummary) -> list[Value]:
    """Every argument and bound value in a function: where a function can be used as a value."""
    values: list[Value] = []
    for call in function.calls:
        values.extend(call.args)
        values.extend(call.kwargs.values())
    for bindings in function.bindings.values():
        values.extend(b.value for b in bindings)
    return values
