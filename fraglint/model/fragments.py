"""Fragments, the call graph, and what runs inside each fragment.

Built once per check over the project index and shared by every rule:

* `fragments`: every function Streamlit turns into a fragment, by decorator under any alias
  (`@st.fragment`, `@frag`, `@st.fragment(run_every=...)`) or by wrapping (`shown = st.fragment(f)`).
* `fragment_calls`: every call site that starts a fragment (a partial-rerun scope).
* `reach(fragment)`: the functions that run inside a fragment's body, each with the chain of
  call sites that leads there from the fragment. Reach stops at another fragment's call: that
  is a nested fragment, with its own scope.
* `app_reach`: functions that run in a full-app run outside every fragment.
* `writes(fragment)`: every element or widget drawn inside a fragment, with the container it
  lands in and whether that container was created outside the fragment.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from functools import cached_property

from fraglint.index.project import FunctionKey, ProjectIndex, Target
from fraglint.index.summary import CALL, DISCARDED, ITEM, CallSite, FunctionSummary, Value
from fraglint.model import streamlit_api as api


@dataclass(frozen=True)
class Site:
    """A place in the project: a site id in a module (resolved to a span when reported)."""

    path: str
    site: int


@dataclass(frozen=True)
class Fragment:
    function: FunctionKey
    api: str  # "fragment" or "experimental_fragment"
    site: Site  # the decorator, or the wrapping call
    kwargs: dict = field(hash=False, compare=False)  # name -> Value of the decorator's arguments
    wrapped_by_call: bool = False

    @property
    def name(self) -> str:
        return self.function[1]

    def kwarg(self, name: str) -> Value | None:
        return self.kwargs.get(name)


@dataclass(frozen=True)
class ChainStep:
    """One call on the way from a fragment to the code it runs: `caller` calls at `call`."""

    caller: FunctionKey
    call: CallSite

    def site(self) -> Site:
        return Site(self.caller[0], self.call.site)


@dataclass(frozen=True)
class FragmentCall:
    caller: FunctionKey
    call: CallSite
    fragment: Fragment


@dataclass(frozen=True)
class ContainerRef:
    """Where a write lands: the container's creating API and where it was created."""

    api: str  # "container", "columns", "sidebar", "empty", ...
    origin: tuple[str, str] | None  # (path, scope qualname) of the creating call; None for roots
    outside: bool
    how: str  # a short phrase for messages: "module-level `st.container()`", "`st.sidebar`", ...
    origin_site: Site | None = None
    made_inside: bool = False  # a sidebar/bottom child container created within the fragment


@dataclass(frozen=True)
class ContainerUse:
    """A fragment entering a container (`with box:`, element None) or drawing through it (`box.write`)."""

    site: Site
    container: ContainerRef
    chain: tuple[ChainStep, ...]
    element: str | None = None


@dataclass(frozen=True)
class Write:
    """An element or widget drawn while a fragment runs."""

    function: FunctionKey
    call: CallSite
    element: str  # "write", "button", ...
    container: ContainerRef | None  # None: the fragment's own main body
    chain: tuple[ChainStep, ...]
    via_with: Site | None = None  # the `with <container>:` that routed a plain `st.write` there

    @property
    def is_widget(self) -> bool:
        return api.is_widget(self.element)

    def site(self) -> Site:
        return Site(self.function[0], self.call.site)


class FragmentModel:
    """The fragment-level facts of a project, computed lazily and cached."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._call_targets: dict[tuple[str, int], Target] = {}
        # Per module, the modules read to resolve its calls: what its call targets and its
        # call graph edges depend on (see `reuse`).
        self._module_reads: dict[str, set[str]] = {}
        self._reused_edges: dict[FunctionKey, list] = {}

    def reuse(self, previous: FragmentModel, changed: set[str]) -> None:
        """Take over call targets and call-graph edges of modules the changes cannot affect.

        `changed`: the modules whose summaries changed, from `ProjectIndex.reuse`. A module's
        targets hold when neither it nor any module read while resolving them changed; its
        edges hold when, in addition, the project's fragments are the same (a call's edge
        depends on whether its target is a fragment, which any module can decide).
        """
        kept = {
            path for path, read in previous._module_reads.items()
            if path not in changed and changed.isdisjoint(read)
        }
        self._module_reads = {path: set(previous._module_reads[path]) for path in kept}
        self._call_targets = {key: target for key, target in previous._call_targets.items() if key[0] in kept}
        if "edges" in previous.__dict__ and self._fragment_identity == previous._fragment_identity:
            self._reused_edges = {key: out for key, out in previous.edges.items() if key[0] in kept}

    @cached_property
    def _fragment_identity(self) -> tuple:
        return (
            {key: (f.api, f.site, f.wrapped_by_call, f.kwargs) for key, f in self.fragments.items()},
            [(f.function, f.site, f.kwargs) for f in self.wraps],
        )

    # -- resolution helpers -----------------------------------------------------------------

    def target(self, key: FunctionKey, call: CallSite) -> Target:
        cache_key = (key[0], call.site)
        found = self._call_targets.get(cache_key)
        if found is None:
            self.index.start_reading()
            try:
                found = self.index.resolve(key[0], key[1], call.func)
            finally:
                self._module_reads.setdefault(key[0], set()).update(self.index.stop_reading())
            self._call_targets[cache_key] = found
        return found

    def streamlit_call(self, key: FunctionKey, call: CallSite) -> str | None:
        """The Streamlit API path a call invokes directly (`sidebar.write`), else None."""
        target = self.target(key, call)
        return target.api()

    def decorator_scope(self, function: FunctionSummary) -> str:
        return function.parent or "<module>"

    # -- fragments --------------------------------------------------------------------------

    @cached_property
    def fragments(self) -> dict[FunctionKey, Fragment]:
        found: dict[FunctionKey, Fragment] = {}
        for path, function in self.index.functions():
            for decorator in function.decorators:
                target = self.index.resolve(path, self.decorator_scope(function), decorator.ref)
                fragment_api, kwargs = self._fragment_decorator(target, decorator.kwargs if decorator.called else None)
                if fragment_api is not None:
                    key = (path, function.qualname)
                    found.setdefault(key, Fragment(key, fragment_api, Site(path, decorator.site), kwargs))
        for wrap in self.wraps:
            found.setdefault(wrap.function, wrap)
        return found

    @cached_property
    def dialogs(self) -> dict[FunctionKey, Fragment]:
        """Functions decorated with `st.dialog` (`st.experimental_dialog`): Streamlit runs them as
        fragments, so a widget inside one reruns the dialog alone. Kept apart from `fragments`,
        whose rules do not apply to dialogs."""
        found: dict[FunctionKey, Fragment] = {}
        for path, function in self.index.functions():
            for decorator in function.decorators:
                target = self.index.resolve(path, self.decorator_scope(function), decorator.ref)
                if target.kind == "streamlit" and target.name in api.DIALOG_DECORATORS and not target.rest:
                    key = (path, function.qualname)
                    found.setdefault(key, Fragment(key, target.name, Site(path, decorator.site), dict(decorator.kwargs)))
        return found

    def called_dialog(self, key: FunctionKey, call: CallSite) -> Fragment | None:
        target = self.target(key, call)
        if target.kind == "function" and not target.rest:
            return self.dialogs.get((target.path or key[0], target.name))
        return None

    def _fragment_decorator(self, target: Target, call_kwargs: dict | None) -> tuple[str | None, dict]:
        """(api, kwargs) when a decorator or callee is Streamlit's fragment decorator."""
        if target.kind != "streamlit" or target.name not in api.FRAGMENT_DECORATORS:
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
                    if local in names:
                        continue
                    for binding in bindings:
                        ref = binding.value.ref
                        if binding.value.kind == "ref" and ref and _last_name(ref) in names:
                            names.add(local)
                            changed = True
                            break
        return frozenset(names)

    @cached_property
    def wraps(self) -> list[Fragment]:
        """`st.fragment(render)` and `st.fragment(run_every=5)(render)` calls."""
        wraps = []
        decorator_names = self._decorator_names
        for path, function in self.index.functions():
            key = (path, function.qualname)
            for call in function.calls:
                if not call.args or call.args[0].kind != "ref" or not call.func:
                    continue
                if _last_name(call.func) not in decorator_names:
                    continue
                target = self.target(key, call)
                if target.kind != "streamlit" or target.name not in api.FRAGMENT_DECORATORS:
                    continue
                if target.rest == ():
                    kwargs = {k: v for k, v in call.kwargs.items()}
                elif target.rest == (CALL,) and (target.call or call.receiver_call is not None):
                    made = self.index.call_at(*(target.call or (path, call.receiver_call)))
                    kwargs = dict(made[1].kwargs) if made else {}
                else:
                    continue
                wrapped = self.index.resolve(path, function.qualname, call.args[0].ref)
                if wrapped.kind == "function" and not wrapped.rest:
                    wraps.append(
                        Fragment((wrapped.path or path, wrapped.name), target.name, Site(path, call.site), kwargs, True)
                    )
        return wraps

    @cached_property
    def _wraps_by_site(self) -> dict[Site, Fragment]:
        return {wrap.site: wrap for wrap in self.wraps}

    def called_fragment(self, key: FunctionKey, call: CallSite) -> Fragment | None:
        """The fragment a call starts, if it starts one."""
        target = self.target(key, call)
        if target.kind == "function" and not target.rest:
            return self.fragments.get((target.path or key[0], target.name))
        if target.kind == "streamlit" and target.name in api.FRAGMENT_DECORATORS:
            origin = target.call or ((key[0], call.receiver_call) if call.receiver_call else None)
            if origin is not None and target.rest in ((CALL,), (CALL, CALL)):
                return self._wraps_by_site.get(Site(*origin))
        return None

    # -- call graph -------------------------------------------------------------------------

    @cached_property
    def edges(self) -> dict[FunctionKey, list[tuple[CallSite, FunctionKey | None, Fragment | None]]]:
        """For every function: its calls into project functions, and the fragments it starts."""
        graph: dict[FunctionKey, list[tuple[CallSite, FunctionKey | None, Fragment | None]]] = {}
        reused = self._reused_edges
        for path, function in self.index.functions():
            key = (path, function.qualname)
            if key in reused:
                graph[key] = reused[key]
                continue
            out = []
            for call in function.calls:
                fragment = self.called_fragment(key, call)
                if fragment is not None:
                    out.append((call, None, fragment))
                    continue
                target = self.target(key, call)
                if target.kind == "function" and not target.rest:
                    out.append((call, (target.path or path, target.name), None))
                elif target.kind == "class" and not target.rest:
                    self.index.start_reading()
                    try:
                        init = self.index.method(target.path or path, target.name, "__init__")
                    finally:
                        self._module_reads.setdefault(path, set()).update(self.index.stop_reading())
                    if init is not None:
                        out.append((call, (init.path or path, init.name), None))
            graph[key] = out
        return graph

    @cached_property
    def fragment_calls(self) -> list[FragmentCall]:
        return [
            FragmentCall(key, call, fragment)
            for key, out in self.edges.items()
            for call, _, fragment in out
            if fragment is not None
        ]

    def reach(self, start: FunctionKey) -> dict[FunctionKey, tuple[ChainStep, ...]]:
        """Functions that run when `start` runs, not crossing into other fragments."""
        cached = self._reach_cache.get(start)
        if cached is not None:
            return cached
        chains: dict[FunctionKey, tuple[ChainStep, ...]] = {start: ()}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for call, callee, _ in self.edges.get(current, ()):
                if callee is None or callee in chains:
                    continue
                chains[callee] = chains[current] + (ChainStep(current, call),)
                queue.append(callee)
        self._reach_cache[start] = chains
        return chains

    @cached_property
    def _reach_cache(self) -> dict[FunctionKey, dict[FunctionKey, tuple[ChainStep, ...]]]:
        return {}

    def nested_calls(self, fragment: Fragment) -> list[tuple[FragmentCall, tuple[ChainStep, ...]]]:
        """Fragment calls made while `fragment` runs, each with its chain from the fragment."""
        found = []
        for key, chain in self.reach(fragment.function).items():
            for call, _, inner in self.edges.get(key, ()):
                if inner is not None and inner.function != fragment.function:
                    found.append((FragmentCall(key, call, inner), chain))
        return found

    @cached_property
    def app_reach(self) -> dict[FunctionKey, tuple[ChainStep, ...]]:
        """Functions that run during a full-app run outside any fragment, from module-level code."""
        chains: dict[FunctionKey, tuple[ChainStep, ...]] = {}
        queue: deque[FunctionKey] = deque()
        for path in list(self.index.summaries):
            key = (path, "<module>")
            chains[key] = ()
            queue.append(key)
        while queue:
            current = queue.popleft()
            for call, callee, _ in self.edges.get(current, ()):
                if callee is None or callee in chains or callee in self.fragments:
                    continue
                chains[callee] = chains[current] + (ChainStep(current, call),)
                queue.append(callee)
        return chains

    @cached_property
    def fragment_reach(self) -> dict[FunctionKey, list[Fragment]]:
        """For every function, the fragments inside whose body it can run."""
        inside: dict[FunctionKey, list[Fragment]] = {}
        for fragment in self.fragments.values():
            for key in self.reach(fragment.function):
                inside.setdefault(key, []).append(fragment)
        return inside

    def container_uses(self, fragment: Fragment) -> list[ContainerUse]:
        """Where `fragment` uses a container by name while it runs: each `with <container>:`
        block it enters, then each element it draws through the container itself
        (`box.write`, `st.sidebar.button`; a plain `st.write` under a `with` is not repeated).
        One entry per container a site may use: a helper called with two containers has two."""
        reach = self.reach(fragment.function)
        found = []
        for key, chain in reach.items():
            function = self.index.function(key)
            if function is None:
                continue
            for site, item in function.withs.items():
                if item.ctx.ref is None:
                    continue
                ctx = self.index.resolve(key[0], key[1], item.ctx.ref)
                container = self.container_of(reach, key, ctx)
                if container is not None:
                    found.append(ContainerUse(Site(key[0], site), container, chain))
        for write in self.writes(fragment):
            if write.container is not None and write.via_with is None:
                found.append(ContainerUse(write.site(), write.container, write.chain, write.element))
        return found

    def streamlit_references(self, names: frozenset[str] | set[str]) -> list[Reference]:
        """Places where a Streamlit API in `names` is written out literally (not via an alias)."""
        found: list[Reference] = []
        for path, function in self.index.functions():
            scope = function.qualname
            for decorator in function.decorators:
                if decorator.ref and decorator.ref[-1] in names:
                    target = self.index.resolve(path, self.decorator_scope(function), decorator.ref)
                    if target.api() in names:
                        found.append(Reference(Site(path, decorator.site), target.name, "decorator", "secondary"))
            for call in function.calls:
                if call.func and call.func[-1] in names:
                    target = self.target((path, scope), call)
                    if target.api() in names:
                        found.append(Reference(Site(path, call.site), target.name, "call", "secondary", call))
            for bindings in function.bindings.values():
                for binding in bindings:
                    value = binding.value
                    if value.kind == "ref" and value.ref and value.ref[-1] in names and value.site:
                        target = self.index.resolve(path, scope, value.ref)
                        if target.api() in names:
                            found.append(Reference(Site(path, value.site), target.name, "alias", "primary"))
            for imported in function.imports.values():
                if imported.level == 0 and imported.module == "streamlit" and imported.name in names:
                    found.append(Reference(Site(path, imported.site), imported.name, "import", "primary"))
        return found

    @cached_property
    def rerun_calls(self) -> list[tuple[FunctionKey, CallSite, str | None, Value | None]]:
        """`st.rerun(...)` calls with their scope: "app", "fragment", "key" or None (not literal)."""
        found = []
        for path, function in self.index.functions():
            key = (path, function.qualname)
            for call in function.calls:
                if not call.func or call.func[-1] != "rerun":
                    continue
                if self.target(key, call).api() != "rerun":
                    continue
                scope = call.kwargs.get("scope") or (call.args[0] if call.args else None)
                found.append((key, call, _scope_kind(scope), scope))
        return found

    # -- session state ----------------------------------------------------------------------

    def state_key(self, path: str, scope: str, ref) -> str | None:
        """The session-state key a name chain reads (`st.session_state.k`, `["k"]`, `.get("k")`)."""
        target = self.index.resolve(path, scope, ref)
        if target.kind != "streamlit" or not target.name.startswith("session_state"):
            return None
        parts = target.name.split(".")
        if len(parts) == 2 and parts[1] not in ("get", "setdefault", "pop", "keys", "items", "values", "to_dict", "update", "clear"):
            return parts[1] if not target.rest or target.rest[0] != CALL else None
        if len(parts) == 1 and target.rest and target.rest[0].startswith("["):
            return _literal_key(target.rest[0])
        if len(parts) == 2 and parts[1] == "get" and target.rest[:1] == (CALL,) and target.call is not None:
            made = self.index.call_at(*target.call)
            if made and made[1].args and made[1].args[0].kind == "str":
                return str(made[1].args[0].literal)
        return None

    @cached_property
    def state_defaults(self) -> dict[str, list[Value | None]]:
        """Session-state key -> the defaults `st.session_state.setdefault(key, default)` gives it
        (None: no default given)."""
        found: dict[str, list[Value | None]] = {}
        for path, function in self.index.functions():
            for call in function.calls:
                if not call.func or call.func[-1] != "setdefault" or not call.args or call.args[0].kind != "str":
                    continue
                if self.streamlit_call((path, function.qualname), call) != "session_state.setdefault":
                    continue
                default = call.args[1] if len(call.args) > 1 else call.kwargs.get("default")
                found.setdefault(str(call.args[0].literal), []).append(default)
        return found

    @cached_property
    def state_writers(self) -> dict[str, list[tuple[FunctionKey, Site, str]]]:
        """Session-state key -> (function, site, how) of every widget key and assignment that writes it."""
        writers: dict[str, list[tuple[FunctionKey, Site, str]]] = {}
        for path, function in self.index.functions():
            key = (path, function.qualname)
            for site, ref, _, _ in function.stores:
                state = self.state_key(path, function.qualname, ref)
                if state is not None:
                    writers.setdefault(state, []).append((key, Site(path, site), "assignment"))
            for call in function.calls:
                widget_key = call.kwargs.get("key")
                if widget_key is None or widget_key.kind != "str":
                    continue
                name = self.streamlit_call(key, call)
                if name is None and call.func:
                    target = self.target(key, call)
                    name = target.rest[-1] if target.kind == "streamlit" and target.rest else None
                if name and api.is_widget(name.rsplit(".", 1)[-1]):
                    writers.setdefault(str(widget_key.literal), []).append((key, Site(path, call.site), "widget"))
        return writers

    @cached_property
    def callbacks(self) -> set[FunctionKey]:
        """Functions passed as `on_click=`/`on_change=`/`on_submit=` to a Streamlit widget."""
        return set(self.callback_owners)

    @cached_property
    def callback_owners(self) -> dict[FunctionKey, list[FunctionKey]]:
        """Each widget callback, with the functions that draw a widget it is passed to."""
        return {callback: [owner for owner, _ in uses] for callback, uses in self.callback_widgets.items()}

    @cached_property
    def callback_widgets(self) -> dict[FunctionKey, list[tuple[FunctionKey, CallSite]]]:
        """Each widget callback (a function or a lambda), with every widget call it is passed to
        and the function that makes that call."""
        found: dict[FunctionKey, list[tuple[FunctionKey, CallSite]]] = {}
        for path, function in self.index.functions():
            owner = (path, function.qualname)
            for call in function.calls:
                for name in ("on_click", "on_change", "on_submit", "on_select"):
                    value = call.kwargs.get(name)
                    if value is None or value.ref is None:
                        continue
                    if value.kind == "lambda":
                        found.setdefault((path, value.ref[0]), []).append((owner, call))
                        continue
                    target = self.index.resolve(path, function.qualname, value.ref)
                    if target.kind == "function" and not target.rest:
                        found.setdefault((target.path or path, target.name), []).append((owner, call))
        return found

    @cached_property
    def referenced_functions(self) -> set[FunctionKey]:
        """Fragment functions used as values (passed, stored, returned), not only called."""
        found: set[FunctionKey] = set()
        # Only fragments matter to the rules that ask; pre-filter on their names and import aliases.
        names = {key[1].rsplit(".", 1)[-1] for key in self.fragments}
        for _, function in self.index.functions():
            names.update(local for local, imported in function.imports.items() if imported.name in names)
        for path, function in self.index.functions():
            values: list[Value] = []
            for call in function.calls:
                values.extend(call.args)
                values.extend(call.kwargs.values())
            for bindings in function.bindings.values():
                values.extend(b.value for b in bindings)
            for value in values:
                if value.kind == "ref" and value.ref and not value.ref[0].startswith("<") and _last_name(value.ref) in names:
                    target = self.index.resolve(path, function.qualname, value.ref)
                    if target.kind == "function" and not target.rest:
                        found.add((target.path or path, target.name))
        return found

    @cached_property
    def unresolved_call_names(self) -> set[str]:
        """Last names of calls that resolve to nothing (`obj.render()` on an unknown object)."""
        names: set[str] = set()
        for path, function in self.index.functions():
            key = (path, function.qualname)
            for call in function.calls:
                if call.func and self.target(key, call).kind == "unknown":
                    names.add(call.func[-1])
        return names

    # -- containers and writes --------------------------------------------------------------

    def writes(self, fragment: Fragment) -> list[Write]:
        """Every element and widget drawn while `fragment` runs, once per container it may target."""
        cached = self._writes_cache.get(fragment.function)
        if cached is not None:
            return cached
        reach = self.reach(fragment.function)
        found: list[Write] = []
        for key, chain in reach.items():
            function = self.index.function(key)
            if function is None:
                continue
            for call in function.calls:
                found.extend(self._writes_at(reach, key, function, call, chain))
        self._writes_cache[fragment.function] = found
        return found

    @cached_property
    def _writes_cache(self) -> dict[FunctionKey, list[Write]]:
        return {}

    def _writes_at(self, reach, key, function, call, chain) -> list[Write]:
        target = self.target(key, call)
        if target.kind == "streamlit" and not target.rest:
            parts = target.name.split(".")
            element = parts[-1]
            if not api.draws(element):
                return []
            if len(parts) == 1:
                container, via = self._current_container(reach, key, function, call, chain)
                return [Write(key, call, element, container, chain, via)]
            if parts[0] in api.ROOT_CONTAINERS and len(parts) == 2:
                return [Write(key, call, element, _root(parts[0]), chain)]
            return []
        if target.kind in ("streamlit", "param") and target.rest:
            element = target.rest[-1]
            if element in (CALL, ITEM) or not api.draws(element):
                return []
            receiver = target.but(rest=target.rest[:-1])
            return [Write(key, call, element, c, chain) for c in self.containers_of(reach, key, receiver)]
        return []

    def _current_container(self, reach, key, function, call, chain) -> tuple[ContainerRef | None, Site | None]:
        """The innermost enclosing `with <container>:` for a plain `st.write`, along the chain."""
        frames = [(key, function, call.withs)]
        for step in reversed(chain):
            caller = self.index.function(step.caller)
            if caller is not None:
                frames.append((step.caller, caller, step.call.withs))
        for frame_key, frame_function, withs in frames:
            for with_site in reversed(withs):
                item = frame_function.withs.get(with_site)
                if item is None or item.ctx.ref is None:
                    continue
                ctx = self.index.resolve(frame_key[0], frame_function.qualname, item.ctx.ref)
                containers = self.containers_of(reach, frame_key, ctx)
                if containers:
                    return containers[0], Site(frame_key[0], with_site)
        return None, None

    def container_of(self, reach, key: FunctionKey, target: Target) -> ContainerRef | None:
        """The first container a value may be (see `containers_of`)."""
        found = self.containers_of(reach, key, target)
        return found[0] if found else None

    def containers_of(self, reach, key: FunctionKey, target: Target, depth: int = 0) -> list[ContainerRef]:
        """Every container a value seen from function `key` (running inside a fragment) may be.

        A helper's parameter is traced to the argument of every call of that helper within the
        fragment, so `draw(box)` and `draw(st.sidebar)` both count.
        """
        if depth > 12:
            return []
        if target.kind == "streamlit":
            found = self._streamlit_container(reach, target)
            return [found] if found else []
        if target.kind == "instance" and target.rest:
            return []
        if target.kind != "param":
            return []
        owner_key = (target.path or key[0], target.scope or key[1])
        owner = self.index.function(owner_key)
        if owner is None or owner_key not in reach:
            return []
        if not reach[owner_key]:
            found = self._fragment_argument(owner_key, owner, target, depth)
            return [found] if found else []
        containers: list[ContainerRef] = []
        for caller_key in reach:
            for call, callee, _ in self.edges.get(caller_key, ()):
                if callee != owner_key:
                    continue
                argument = _argument_for(owner, call, target.name)
                if argument is None or argument.ref is None:
                    continue
                passed = self.index.resolve(caller_key[0], caller_key[1], argument.ref)
                if target.rest:
                    passed = passed.but(rest=passed.rest + target.rest)
                for container in self.containers_of(reach, caller_key, passed, depth + 1):
                    if container not in containers:
                        containers.append(container)
        return containers

    def _streamlit_container(self, reach, target: Target) -> ContainerRef | None:
        root = target.name.split(".")[0]
        if root in api.ROOT_CONTAINERS:
            if target.rest and target.origin is not None:
                # `side = st.sidebar.container()`: made where `origin` runs; when that is inside
                # the fragment, the creating call is itself the sidebar use to report.
                return replace(_root(root), origin=target.origin, made_inside=target.origin in reach)
            return _root(root)
        creator = target.name.rsplit(".", 1)[-1]
        if creator not in api.CONTAINERS or not target.rest or target.rest[0] != CALL or target.origin is None:
            return None
        base = "empty" if "empty" in target.name.split(".") else creator
        site = Site(target.call[0], target.call[1]) if target.call else None
        return ContainerRef(base, target.origin, target.origin not in reach, _describe_origin(base, target.origin), site)

    def _fragment_argument(self, fragment_key: FunctionKey, fragment: FunctionSummary, target: Target, depth: int) -> ContainerRef | None:
        """A fragment's parameter is an outside container only if every call passes one.

        The parameter's type is unknown to a static reader (`name.title()` may be a string
        method), so fraglint looks at what the callers pass, and stays silent if any caller
        passes something that is not recognisably a Streamlit container.
        """
        found: ContainerRef | None = None
        calls = [c for c in self.fragment_calls if c.fragment.function == fragment_key]
        for fragment_call in calls:
            argument = _argument_for(fragment, fragment_call.call, target.name)
            if argument is None or argument.ref is None:
                return None
            passed = self.index.resolve(fragment_call.caller[0], fragment_call.caller[1], argument.ref)
            if target.rest:
                passed = passed.but(rest=passed.rest + target.rest)
            container = self._streamlit_container({}, passed) if passed.kind == "streamlit" else None
            if container is None:
                return None
            if found is None or container.api == "empty":
                found = container
        if found is None or found.api == "empty":
            return found
        return ContainerRef(found.api, found.origin, True, f"the argument `{target.name}` ({found.how}) passed into the fragment", found.origin_site)


@dataclass(frozen=True)
class Reference:
    """A literal mention of a Streamlit API: `@st.fragment`, `st.rerun(...)`, an import."""

    site: Site
    api: str
    kind: str  # "decorator", "call", "alias", "import"
    part: str  # which span of the site holds the name
    call: CallSite | None = None


def _last_name(ref) -> str:
    """The last real name of a chain: `st.fragment(run_every=5)` -> `fragment`."""
    for part in reversed(ref):
        if part != CALL and not part.startswith("["):
            return part
    return ""


def _literal_key(part: str) -> str | None:
    """`['k']` -> `k`."""
    import ast

    try:
        value = ast.literal_eval(part[1:-1])
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def _scope_kind(scope: Value | None) -> str | None:
    if scope is None:
        return "app"
    if scope.kind == "str":
        if scope.literal in ("app", "fragment"):
            return str(scope.literal)
        return "key"
    if scope.kind == "num" and isinstance(scope.literal, int):
        return "key"
    return None


def _root(name: str) -> ContainerRef:
    label = "st.sidebar" if name == "sidebar" else "st.bottom"
    return ContainerRef(name.lstrip("_"), None, True, f"`{label}`")


def _describe_origin(creator: str, origin: tuple[str, str]) -> str:
    where = "module-level" if origin[1] == "<module>" else f"`{origin[1]}`'s"
    return f"{where} `st.{creator}()`"


def _argument_for(function: FunctionSummary, call: CallSite, param: str) -> Value | None:
    if param in call.kwargs:
        return call.kwargs[param]
    params = function.params
    bound_method = function.class_name is not None and call.func is not None and len(call.func) > 1
    offset = 1 if bound_method and params and params[0] in ("self", "cls") else 0
    try:
        index = params.index(param) - offset
    except ValueError:
        return None
    if 0 <= index < len(call.args):
        return call.args[index]
    return None


def result_is_used(call: CallSite) -> bool:
    return call.use != DISCARDED
