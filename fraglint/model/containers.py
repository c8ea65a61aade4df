"""What a fragment draws, and into which container.

A fragment rerun clears and redraws only its own container; what it draws into a container
made outside it (a module-level `st.container()`, columns, `st.sidebar`, a container passed in)
belongs to another scope. `writes(fragment)` lists every element and widget a fragment draws,
in its body or through helpers, with the container each lands in; `container_uses` adds the
`with <container>:` blocks it enters.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from fraglint.index.project import FunctionKey, ProjectIndex, Target, TargetKind
from fraglint.index.summary import CALL, ITEM, MODULE_SCOPE, CallSite, FunctionSummary, Value, ValueKind
from fraglint.model import streamlit_api as api
from fraglint.model.call_graph import CallGraph, Chain
from fraglint.model.fragments import Fragment, Site
from fraglint.model.resolution import CallTargets

# how many helpers deep a parameter is traced to its arguments (each hop is a few Python frames)
_MAX_ARGUMENT_DEPTH = 150
_NOT_CUT = 1 << 30
Reach = dict[FunctionKey, Chain]


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
    chain: Chain
    element: str | None = None


@dataclass(frozen=True)
class Write:
    """An element or widget drawn while a fragment runs."""

    function: FunctionKey
    call: CallSite
    element: str  # "write", "button", ...
    container: ContainerRef | None  # None: the fragment's own main body
    chain: Chain
    via_with: Site | None = None  # the `with <container>:` that routed a plain `st.write` there

    @property
    def is_widget(self) -> bool:
        return api.is_widget(self.element)

    def site(self) -> Site:
        return Site(self.function[0], self.call.site)

    @property
    def outside(self) -> bool:
        """Drawn into a container made outside the fragment."""
        return self.container is not None and self.container.outside


def denoted_container(target: Target) -> str | None:
    """The container a Streamlit value denotes: the root ("sidebar", "bottom", "_bottom") it
    hangs off, else the API that made it ("container", "columns", "empty", ...); None when the
    value is no container. The one reading for the model and the rerun interpreter."""
    if target.kind != TargetKind.STREAMLIT:
        return None
    root = target.name.split(".")[0]
    if root in api.ROOT_CONTAINERS:
        return root
    creator = target.name.rsplit(".", 1)[-1]
    return creator if creator in api.CONTAINERS else None


class Containers:
    """Writes and container uses per fragment, each computed once."""

    def __init__(self, index: ProjectIndex, calls: CallTargets, graph: CallGraph) -> None:
        self.index = index
        self.calls = calls
        self.graph = graph
        self._writes: dict[FunctionKey, list[Write]] = {}
        self._uses: dict[FunctionKey, list[ContainerUse]] = {}
        self._enclosing_memo: dict[tuple[FunctionKey, FunctionKey], tuple[ContainerRef | None, Site | None]] = {}
        self._callers_memo: dict[FunctionKey, dict[FunctionKey, list[tuple[FunctionKey, CallSite]]]] = {}
        self._traced: dict[tuple[FunctionKey, FunctionKey, Target], list[ContainerRef]] = {}
        self._tracing: dict[tuple[FunctionKey, FunctionKey, Target], int] = {}  # in progress -> depth
        self._cut = _NOT_CUT  # the shallowest in-progress depth a cycle or the cap came back to
        self.steps = 0  # frames and values looked at: the analysis' cost, for tests

    def writes(self, fragment: Fragment) -> list[Write]:
        """Every element and widget drawn while `fragment` runs, once per container it may target."""
        cached = self._writes.get(fragment.function)
        if cached is not None:
            return cached
        reach = self.graph.reach(fragment.function)
        found: list[Write] = []
        for key, chain in reach.items():
            function = self.index.function(key)
            if function is None:
                continue
            for call in function.calls:
                found.extend(self._writes_at(reach, key, function, call, chain))
        self._writes[fragment.function] = found
        return found

    def container_uses(self, fragment: Fragment) -> list[ContainerUse]:
        """Where `fragment` uses a container by name while it runs: each `with <container>:`
        block it enters, then each element it draws through the container itself
        (`box.write`, `st.sidebar.button`; a plain `st.write` under a `with` is not repeated).
        One entry per container a site may use: a helper called with two containers has two.
        Found once per model (the rules ask once per release epoch)."""
        found = self._uses.get(fragment.function)
        if found is None:
            found = self._uses[fragment.function] = self._container_uses(fragment)
        return list(found)

    def _container_uses(self, fragment: Fragment) -> list[ContainerUse]:
        reach = self.graph.reach(fragment.function)
        found = []
        for key, chain in reach.items():
            function = self.index.function(key)
            if function is None:
                continue
            for site, item in function.withs.items():
                if item.ctx.ref is None:
                    continue
                ctx = self.index.resolve(key.path, key.qualname, item.ctx.ref)
                containers = self.containers_of(reach, key, ctx)
                if containers:
                    found.append(ContainerUse(Site(key.path, site), containers[0], chain))
        for write in self.writes(fragment):
            if write.container is not None and write.via_with is None:
                found.append(ContainerUse(write.site(), write.container, write.chain, write.element))
        return found

    def literal_keyless_widgets(self, key: FunctionKey) -> list[tuple[CallSite, str]]:
        """(call, widget) of each widget function `key` draws outside branches with no `key=` and
        only literal arguments: two runs of the function give it the same widget ID."""
        function = self.index.function(key)
        found = []
        for call in function.calls if function is not None else ():
            name = self.calls.streamlit_call(key, call)
            if name is None or "." in name or not api.is_widget(name) or call.in_branch:
                continue
            if "key" in call.kwargs or not call.args:
                continue
            literal = (ValueKind.STR, ValueKind.NUM, ValueKind.BOOL, ValueKind.NONE)
            if all(v.kind in literal for v in list(call.args) + list(call.kwargs.values())):
                found.append((call, name))
        return found

    def _writes_at(
        self, reach: Reach, key: FunctionKey, function: FunctionSummary, call: CallSite, chain: Chain
    ) -> list[Write]:
        target = self.calls.target(key, call)
        if target.kind == TargetKind.STREAMLIT and not target.rest:
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
        if target.kind in (TargetKind.STREAMLIT, TargetKind.PARAM) and target.rest:
            element = target.rest[-1]
            if element in (CALL, ITEM) or not api.draws(element):
                return []
            receiver = target.but(rest=target.rest[:-1])
            return [Write(key, call, element, c, chain) for c in self.containers_of(reach, key, receiver)]
        return []

    def _current_container(self, reach: Reach, key, function, call, chain) -> tuple[ContainerRef | None, Site | None]:
        """The innermost enclosing `with <container>:` for a plain `st.write`, along the chain."""
        found = self._with_container(reach, key, function, call.withs)
        if found[0] is not None:
            return found
        return self._enclosing(reach, key)

    def _with_container(self, reach: Reach, key: FunctionKey, function, withs) -> tuple[ContainerRef | None, Site | None]:
        """The innermost of `withs` (in `key`'s body) that enters a container, and its site."""
        self.steps += 1
        for with_site in reversed(withs):
            item = function.withs.get(with_site)
            if item is None or item.ctx.ref is None:
                continue
            ctx = self.index.resolve(key.path, function.qualname, item.ctx.ref)
            containers = self.containers_of(reach, key, ctx)
            if containers:
                return containers[0], Site(key.path, with_site)
        return None, None

    def _enclosing(self, reach: Reach, key: FunctionKey) -> tuple[ContainerRef | None, Site | None]:
        """The innermost container `with` around the calls that reach `key` (its callers' side).

        Reach is a tree (each function's chain extends its caller's), so this is computed once
        per function of a reach, from its caller's answer, instead of once per write."""
        start = next(iter(reach))
        memo = self._enclosing_memo
        pending = []
        current = key
        while (start, current) not in memo:
            chain = reach.get(current, ())
            step = chain[-1] if chain else None
            caller = self.index.function(step.caller) if step is not None else None
            found: tuple[ContainerRef | None, Site | None] = (None, None)
            if step is not None and caller is not None:
                found = self._with_container(reach, step.caller, caller, step.call.withs)
            if found[0] is not None or step is None:
                memo[(start, current)] = found
                break
            pending.append(current)
            current = step.caller
        for waiting in pending:
            memo[(start, waiting)] = memo[(start, current)]
        return memo[(start, current)]

    def containers_of(self, reach: Reach, key: FunctionKey, target: Target) -> list[ContainerRef]:
        """Every container a value seen from function `key` (running inside a fragment) may be.

        A helper's parameter is traced to the argument of every call of that helper within the
        fragment, so `draw(box)` and `draw(st.sidebar)` both count. Memoised per (fragment,
        value); a value whose tracing comes back round to itself adds nothing there.
        """
        self.steps += 1
        if target.kind == TargetKind.STREAMLIT:
            found = _streamlit_container(reach, target)
            return [found] if found else []
        if target.kind != TargetKind.PARAM or not reach:
            return []
        memo_key = (next(iter(reach)), key, target)
        if memo_key in self._traced:
            return self._traced[memo_key]
        if memo_key in self._tracing or len(self._tracing) > _MAX_ARGUMENT_DEPTH:
            self._cut = min(self._cut, self._tracing.get(memo_key, -1))
            return []
        depth = self._tracing[memo_key] = len(self._tracing)
        saved, self._cut = self._cut, _NOT_CUT
        try:
            containers = self._traced_param(reach, key, target)
        finally:
            del self._tracing[memo_key]
            inner = self._cut
            self._cut = min(saved, inner if inner < depth else _NOT_CUT)
        if inner >= depth:
            self._traced[memo_key] = containers  # complete: no cycle or cap above it cut it short
        return containers

    def _traced_param(self, reach: Reach, key: FunctionKey, target: Target) -> list[ContainerRef]:
        """The containers the calls of a parameter's function pass for it (see `containers_of`)."""
        owner_key = FunctionKey(target.path or key.path, target.scope or key.qualname)
        owner = self.index.function(owner_key)
        if owner is None or owner_key not in reach:
            return []
        if not reach[owner_key]:
            found = self._fragment_argument(owner_key, owner, target)
            return [found] if found else []
        containers: list[ContainerRef] = []
        for caller_key, call in self._callers(reach).get(owner_key, ()):
            for container in self._passed_containers(reach, caller_key, owner, call, target):
                if container not in containers:
                    containers.append(container)
        return containers

    def _callers(self, reach: Reach) -> dict[FunctionKey, list[tuple[FunctionKey, CallSite]]]:
        """Within one reach: callee -> (caller, call) of each plain call into it, in reach order."""
        start = next(iter(reach))
        found = self._callers_memo.get(start)
        if found is None:
            found = self._callers_memo[start] = {}
            for caller_key in reach:
                for edge in self.graph.out(caller_key):
                    if edge.callee is not None:
                        found.setdefault(edge.callee, []).append((caller_key, edge.call))
        return found

    def _passed_containers(
        self, reach: Reach, caller_key: FunctionKey, owner: FunctionSummary, call: CallSite, target: Target
    ) -> list[ContainerRef]:
        """The containers one call of a helper passes for its parameter `target`."""
        argument = argument_for(owner, call, target.name)
        if argument is None or argument.ref is None:
            return []
        passed = self.index.resolve(caller_key.path, caller_key.qualname, argument.ref)
        if target.rest:
            passed = passed.but(rest=passed.rest + target.rest)
        return self.containers_of(reach, caller_key, passed)

    def _fragment_argument(
        self, fragment_key: FunctionKey, fragment: FunctionSummary, target: Target
    ) -> ContainerRef | None:
        """A fragment's parameter is an outside container only if every call passes one.

        The parameter's type is unknown to a static reader (`name.title()` may be a string
        method), so fraglint looks at what the callers pass, and stays silent if any caller
        passes something that is not recognisably a Streamlit container.
        """
        found: ContainerRef | None = None
        for fragment_call in self.graph.fragment_calls:
            if fragment_call.fragment.function != fragment_key:
                continue
            argument = argument_for(fragment, fragment_call.call, target.name)
            if argument is None or argument.ref is None:
                return None
            passed = self.index.resolve(fragment_call.caller[0], fragment_call.caller[1], argument.ref)
            if target.rest:
                passed = passed.but(rest=passed.rest + target.rest)
            container = _streamlit_container({}, passed) if passed.kind == TargetKind.STREAMLIT else None
            if container is None:
                return None
            if found is None or container.api == "empty":
                found = container
        if found is None or found.api == "empty":
            return found
        how = f"the argument `{target.name}` ({found.how}) passed into the fragment"
        return ContainerRef(found.api, found.origin, True, how, found.origin_site)


def _streamlit_container(reach: Reach, target: Target) -> ContainerRef | None:
    denoted = denoted_container(target)
    if denoted in api.ROOT_CONTAINERS:
        if target.rest and target.origin is not None:
            # `side = st.sidebar.container()`: made where `origin` runs; when that is inside
            # the fragment, the creating call is itself the sidebar use to report.
            return replace(_root(denoted), origin=target.origin, made_inside=target.origin in reach)
        return _root(denoted)
    if denoted is None or not target.rest or target.rest[0] != CALL or target.origin is None:
        return None
    base = "empty" if "empty" in target.name.split(".") else denoted
    site = Site(target.call[0], target.call[1]) if target.call else None
    return ContainerRef(base, target.origin, target.origin not in reach, _describe_origin(base, target.origin), site)


def _root(name: str) -> ContainerRef:
    label = "st.sidebar" if name == "sidebar" else "st.bottom"
    return ContainerRef(name.lstrip("_"), None, True, f"`{label}`")


def _describe_origin(creator: str, origin: tuple[str, str]) -> str:
    where = "module-level" if origin[1] == MODULE_SCOPE else f"`{origin[1]}`'s"
    return f"{where} `st.{creator}()`"


def argument_for(function: FunctionSummary, call: CallSite, param: str) -> Value | None:
    """The value a call passes for a parameter of `function` (a bound method skips `self`)."""
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
