"""The project's call graph, and which code runs inside which fragment.

A call that starts a fragment (or opens a dialog, whose body Streamlit runs as a fragment)
opens a partial-rerun scope: it is an edge of its own kind, and reach stops there. So
`reach(fragment)` is the code a fragment's rerun runs (with the chain of
calls that gets there), `app_reach` the code a full run runs outside every fragment, and
`fragment_reach` the inverse: for a function, the fragments inside whose body it can run.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property

from fraglint.index.project import FunctionKey, ProjectIndex, Target, TargetKind
from fraglint.index.summary import MODULE_SCOPE, CallSite
from fraglint.model.fragments import Fragment, FragmentDiscovery, Site
from fraglint.model.resolution import CallTargets


@dataclass(frozen=True)
class ChainStep:
    """One call on the way from a fragment to the code it runs: `caller` calls at `call`."""

    caller: FunctionKey
    call: CallSite

    def site(self) -> Site:
        return Site(self.caller[0], self.call.site)


Chain = tuple[ChainStep, ...]


@dataclass(frozen=True)
class FragmentCall:
    """A call site that starts a fragment."""

    caller: FunctionKey
    call: CallSite
    fragment: Fragment

    def site(self) -> Site:
        return Site(self.caller[0], self.call.site)


@dataclass(frozen=True)
class Edge:
    """One call of a function: into a project function (`callee`) or starting a fragment."""

    call: CallSite
    callee: FunctionKey | None
    fragment: Fragment | None


class CallGraph:
    """Edges per function, and reach over them, each computed once, when first asked.

    A one-file check asks for the edges of the functions its rules and its interpreter walk
    reach, and for the fragment calls of the reported modules: never the whole project's.
    """

    def __init__(self, index: ProjectIndex, calls: CallTargets, discovery: FragmentDiscovery) -> None:
        self.index = index
        self.calls = calls
        self.discovery = discovery
        self._reused_edges: dict[FunctionKey, list[Edge]] = {}
        self._out: dict[FunctionKey, list[Edge]] = {}
        self._module_fragment_calls: dict[str, list[FragmentCall]] = {}
        self._reach: dict[FunctionKey, dict[FunctionKey, Chain]] = {}
        self._unresolved_named: dict[str, bool] = {}  # `unresolved_call_named`
        self._calls_by_fragment: dict[frozenset[str] | None, dict[FunctionKey, list[FragmentCall]]] = {}

    def reuse(self, previous: CallGraph, kept: set[str]) -> None:
        """Take over the edges of functions in `kept` modules (see `CallTargets.reuse`).

        Only when the previous graph computed some and the project's fragments are the same: a
        call's edge depends on whether its target is a fragment, which any module can decide.
        """
        if previous._out and self.discovery.identity == previous.discovery.identity:
            self._reused_edges = {key: out for key, out in previous._out.items() if key.path in kept}

    def covers(self, path: str) -> bool:
        """May code of module `path` be asked about (`NarrowedGraph`: code that cannot reach
        the modules it was made for neither is asked about nor runs code that is)?"""
        return True

    @property
    def computed_edges(self) -> int:
        """How many functions' edges were computed or taken over so far (tests check laziness)."""
        return len(self._out)

    def out(self, key: FunctionKey) -> list[Edge]:
        """One function's calls into project functions, and the fragments it starts."""
        found = self._out.get(key)
        if found is not None:
            return found
        found = self._reused_edges.get(key)
        if found is None:
            summary = self.index.summaries.get(key.path)
            function = summary.functions.get(key.qualname) if summary is not None else None
            if function is None:
                return []
            found = [edge for call in function.calls for edge in self._call_edges(key, call)]
        self._out[key] = found
        return found

    @cached_property
    def edges(self) -> dict[FunctionKey, list[Edge]]:
        """For every function of the project: its edges (`out`)."""
        keys = [FunctionKey(path, function.qualname) for path, function in self.index.functions()]
        return {key: self.out(key) for key in keys}

    def _call_edges(self, key: FunctionKey, call: CallSite) -> list[Edge]:
        """The edges of one call: one per function it may run (several for a function defined
        in exclusive branches, each of which may be the one that runs)."""
        fragment = self.discovery.called_scope(key, call)
        callees = self.calls.callees(key, call)
        if len(callees) < 2:
            if fragment is not None:
                return [Edge(call, None, fragment)]
            return [Edge(call, callees[0], None)] if callees else []
        edges = []
        for callee in callees:
            scope = self.discovery.scopes.get(callee)
            edges.append(Edge(call, None, scope) if scope is not None else Edge(call, callee, None))
        return edges

    def module_fragment_calls(self, path: str) -> list[FragmentCall]:
        """The calls in module `path` that start a fragment (or open a dialog)."""
        found = self._module_fragment_calls.get(path)
        if found is None:
            summary = self.index.summaries.get(path)
            if summary is None:
                return []
            found = self._module_fragment_calls[path] = [
                FragmentCall(key, edge.call, edge.fragment)
                for key in [FunctionKey(path, qualname) for qualname in list(summary.functions)]
                for edge in self.out(key)
                if edge.fragment is not None
            ]
        return found

    @cached_property
    def fragment_calls(self) -> list[FragmentCall]:
        return self.fragment_calls_in(None)

    def fragment_calls_in(self, paths: Collection[str] | None) -> list[FragmentCall]:
        """The fragment calls made in the modules `paths` (None: every module), in index order."""
        modules = [path for path in list(self.index.summaries) if paths is None or path in paths]
        return [fragment_call for path in modules for fragment_call in self.module_fragment_calls(path)]

    def calls_by_fragment(self, modules: frozenset[str] | None = None) -> dict[FunctionKey, list[FragmentCall]]:
        """Per fragment function, the calls that start it made in `modules` (None: all), in
        `fragment_calls`' order; once per set of modules."""
        found = self._calls_by_fragment.get(modules)
        if found is None:
            found = self._calls_by_fragment[modules] = {}
            for fragment_call in self.fragment_calls if modules is None else self.fragment_calls_in(modules):
                found.setdefault(fragment_call.fragment.function, []).append(fragment_call)
        return found

    @cached_property
    def called_fragments(self) -> set[FunctionKey]:
        """Fragment functions some call site starts."""
        return {c.fragment.function for c in self.fragment_calls}

    def reach(self, start: FunctionKey) -> dict[FunctionKey, Chain]:
        """Functions that run when `start` runs, not crossing into other fragments."""
        cached = self._reach.get(start)
        if cached is None:
            cached = self._reach[start] = self._walk({start: ()}, set())
        return cached

    @cached_property
    def app_reach(self) -> dict[FunctionKey, Chain]:
        """Functions that run during a full-app run outside any fragment, from module-level code."""
        return self._app_reach_from(list(self.index.summaries))

    def _app_reach_from(self, modules: list[str]) -> dict[FunctionKey, Chain]:
        starts: dict[FunctionKey, Chain] = {FunctionKey(path, MODULE_SCOPE): () for path in modules}
        return self._walk(starts, set(self.discovery.scopes))

    def _walk(self, chains: dict[FunctionKey, Chain], stop_at: set[FunctionKey]) -> dict[FunctionKey, Chain]:
        """Breadth first from `chains`' keys over plain calls, never entering `stop_at`."""
        queue = deque(chains)
        while queue:
            current = queue.popleft()
            for edge in self.out(current):
                callee = edge.callee
                if callee is None or callee in chains or callee in stop_at:
                    continue
                chains[callee] = chains[current] + (ChainStep(current, edge.call),)
                queue.append(callee)
        return chains

    @cached_property
    def fragment_reach(self) -> dict[FunctionKey, list[Fragment]]:
        """For every function, the fragments and dialogs inside whose body it can run."""
        return self._fragment_reach_of(list(self.discovery.scopes.values()))

    def _fragment_reach_of(self, fragments: list[Fragment]) -> dict[FunctionKey, list[Fragment]]:
        inside: dict[FunctionKey, list[Fragment]] = {}
        for fragment in fragments:
            for key in self.reach(fragment.function):
                inside.setdefault(key, []).append(fragment)
        return inside

    def nested_calls(self, fragment: Fragment) -> list[tuple[FragmentCall, Chain]]:
        """Fragment calls made while `fragment` runs, each with its chain from the fragment."""
        found = []
        for key, chain in self.reach(fragment.function).items():
            for edge in self.out(key):
                inner = edge.fragment
                if inner is not None and inner.function != fragment.function:
                    found.append((FragmentCall(key, edge.call, inner), chain))
        return found

    def repeated_calls(self, calls: list[FragmentCall] | None = None) -> dict[FunctionKey, list[FragmentCall]]:
        """Fragments that one run may call more than once: by calls outside branches that sit in
        a loop, or by two such calls from one function (the first two of them). Among `calls`
        (every fragment's calls, or all of one fragment's), default every fragment call."""
        by_fragment: dict[FunctionKey, list[FragmentCall]] = {}
        for fragment_call in self.fragment_calls if calls is None else calls:
            if not fragment_call.call.in_branch:
                by_fragment.setdefault(fragment_call.fragment.function, []).append(fragment_call)
        repeated = {}
        for function_key, calls in by_fragment.items():
            found = [c for c in calls if c.call.in_loop]
            by_caller: dict[FunctionKey, list[FragmentCall]] = {}
            for c in calls:
                by_caller.setdefault(c.caller, []).append(c)
            found += [c for group in by_caller.values() if len(group) > 1 for c in group[:2]]
            if found:
                repeated[function_key] = found
        return repeated

    def unresolved_call_named(self, name: str) -> bool:
        """Is `name` in `unresolved_call_names`? Resolves only the calls so named, when the
        whole set was not asked for (a one-file check asks about its own fragments)."""
        if "unresolved_call_names" in self.__dict__:
            return name in self.unresolved_call_names
        found = self._unresolved_named.get(name)
        if found is None:
            found = self._unresolved_named[name] = any(
                call.func and call.func[-1] == name and _on_unknown_object(self.calls.target(FunctionKey(path, function.qualname), call))
                for path, function in self.index.functions() for call in function.calls
            )
        return found

    @cached_property
    def unresolved_call_names(self) -> set[str]:
        """Last names of calls that resolve to nothing (`obj.render()` on an unknown object)."""
        names: set[str] = set()
        for path, function in self.index.functions():
            key = FunctionKey(path, function.qualname)
            for call in function.calls:
                if call.func and _on_unknown_object(self.calls.target(key, call)):
                    names.add(call.func[-1])
        return names


class NarrowedGraph(CallGraph):
    """The whole graph's edges and reaches, with its project-wide answers (`app_reach`,
    `fragment_reach`, `fragment_calls`) made from the code of `modules` alone.

    `modules` is closed under callers (`AppEntries.modules_reaching` of a check's reported
    files): whatever can run code of a function of theirs is in them, so about such a function
    these answers are the whole graph's, chains too (the breadth-first walk drops only code
    that never reaches them, and with it nothing they are reached through).
    """

    def __init__(self, whole: CallGraph, modules: Collection[str]) -> None:
        super().__init__(whole.index, whole.calls, whole.discovery)
        self.modules = modules
        self._out, self._reused_edges, self._reach = whole._out, whole._reused_edges, whole._reach
        self._module_fragment_calls, self._unresolved_named = whole._module_fragment_calls, whole._unresolved_named
        self._calls_by_fragment = whole._calls_by_fragment  # (keyed by the modules read)

    def covers(self, path: str) -> bool:
        return path in self.modules

    @cached_property
    def app_reach(self) -> dict[FunctionKey, Chain]:
        return self._app_reach_from([path for path in list(self.index.summaries) if path in self.modules])

    @cached_property
    def fragment_reach(self) -> dict[FunctionKey, list[Fragment]]:
        return self._fragment_reach_of([f for f in self.discovery.scopes.values() if f.function.path in self.modules])

    @cached_property
    def fragment_calls(self) -> list[FragmentCall]:
        return self.fragment_calls_in(self.modules)


def _on_unknown_object(target: Target) -> bool:
    """A call fraglint cannot follow: to nothing it knows, or a method of an object the app keeps
    in session state (`st.session_state.editor.edit()`: `edit` is the user's, not Streamlit's)."""
    if target.kind == TargetKind.UNKNOWN:
        return True
    return target.kind == TargetKind.STREAMLIT and target.name.startswith("session_state.") and target.name.count(".") >= 2
