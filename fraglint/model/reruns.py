"""`st.rerun` calls, each with its scope read once (`streamlit_api.rerun_request`), and where
a fragment-scoped one runs in script code that no fragment rerun is running.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from fraglint.index.project import FunctionKey, ProjectIndex
from fraglint.index.summary import CallSite
from fraglint.model import streamlit_api as api
from fraglint.model.call_graph import CallGraph, Chain
from fraglint.model.fragments import Fragment, Site
from fraglint.model.resolution import CallTargets
from fraglint.model.streamlit_api import RerunRequest, RerunScope


@dataclass(frozen=True)
class RerunCall:
    """An `st.rerun(...)` call in function `function`."""

    function: FunctionKey
    call: CallSite
    request: RerunRequest

    @property
    def site(self) -> Site:
        return Site(self.function.path, self.call.site)


@dataclass(frozen=True)
class FragmentRerunInScript:
    """`st.rerun(scope="fragment")` that runs where no fragment rerun is running: in code a
    full run runs outside fragments (`fragment` None, `chain` from module level), or
    unconditionally in a fragment (`chain` from it), so also in the full run that draws it."""

    rerun: RerunCall
    chain: Chain
    fragment: Fragment | None


class Reruns:
    """The project's `st.rerun` calls; with `paths`, those of these modules alone (a one-file
    check's, over a `NarrowedGraph` of the modules that reach them)."""

    def __init__(self, index: ProjectIndex, calls: CallTargets, graph: CallGraph, paths: set[str] | None = None) -> None:
        self.index = index
        self.calls = calls
        self.graph = graph
        self.paths = paths

    @cached_property
    def all(self) -> list[RerunCall]:
        """Every `st.rerun(...)` call of the project (of `paths`)."""
        found = []
        for path, function in self.index.functions():
            if self.paths is not None and path not in self.paths:
                continue
            key = FunctionKey(path, function.qualname)
            for call in function.calls:
                if call.func and call.func[-1] == api.RERUN and self.calls.target(key, call).api() == api.RERUN:
                    found.append(RerunCall(key, call, api.rerun_request(call)))
        return found

    @cached_property
    def fragment_scope_in_script(self) -> list[FragmentRerunInScript]:
        """Fragment-scoped reruns that raise in script code (1.37+: `rerun-fragment-scope-outside-raises`)."""
        found = []
        for rerun in self.all:
            if rerun.request.scope is not RerunScope.FRAGMENT:
                continue
            if rerun.function in self.graph.app_reach:
                chain = self.graph.app_reach[rerun.function]
                if not self._through_possible_fragment(rerun.function, chain):
                    found.append(FragmentRerunInScript(rerun, chain, None))
                continue
            unguarded = self._unguarded_in(rerun)
            if unguarded is not None:
                found.append(unguarded)
        return found

    @cached_property
    def fragment_scope_in_branches(self) -> list[FragmentRerunInScript]:
        """Fragment-scoped reruns a called fragment reaches only through `if`/`while` bodies (or
        other branches): whether a full run takes them depends on the tests on the way
        (`FullRunGuards.true_on_full_run`)."""
        found = []
        for rerun in self.all:
            if rerun.request.scope is not RerunScope.FRAGMENT or rerun.function in self.graph.app_reach:
                continue
            for fragment in self.graph.fragment_reach.get(rerun.function, []):
                chain = self.graph.reach(fragment.function)[rerun.function]
                if fragment.function not in self.graph.called_fragments:
                    continue
                if rerun.call.in_branch or any(step.call.in_branch for step in chain):
                    found.append(FragmentRerunInScript(rerun, chain, fragment))
                break
        return found

    def _through_possible_fragment(self, function: FunctionKey, chain: Chain) -> bool:
        """Is the code reached through a may-fragment (`model.declarations`)? Then it may run
        inside a fragment, and "outside any fragment" is not a claim that holds either way."""
        possible = self.graph.discovery.possible_fragments
        return bool(possible) and any(key in possible for key in (function, *(step.caller for step in chain)))

    def _unguarded_in(self, rerun: RerunCall) -> FragmentRerunInScript | None:
        """The first called fragment that reaches the call through no branch at all."""
        for fragment in self.graph.fragment_reach.get(rerun.function, []):
            chain = self.graph.reach(fragment.function)[rerun.function]
            if fragment.function not in self.graph.called_fragments:
                continue
            if rerun.call.in_branch or any(step.call.in_branch for step in chain):
                continue
            return FragmentRerunInScript(rerun, chain, fragment)
        return None
