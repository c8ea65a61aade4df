"""The fragment model of one check: every analysis over the project index, built lazily, once.

Each concern is its own small class with its own memo (resolution, fragment discovery, call
graph, entry scripts, containers, session state, callbacks, reruns, full-run guards); `FragmentModel` only
composes them, so the rules, the rerun interpreter and the language server share one set of
answers. The names below the concerns are shortcuts for the questions asked most.
"""

from __future__ import annotations

from fraglint.index.project import FunctionKey, ProjectIndex, Target
from fraglint.index.summary import CallSite
from fraglint.model.call_graph import CallGraph, Chain, FragmentCall
from fraglint.model.callbacks import Callbacks
from fraglint.model.containers import Containers, Write
from fraglint.model.entries import AppEntries
from fraglint.model.fragments import Fragment, FragmentDiscovery
from fraglint.model.guards import FullRunGuards
from fraglint.model.reruns import Reruns
from fraglint.model.resolution import CallTargets
from fraglint.model.session_state import SessionState


class FragmentModel:
    """The fragment-level facts of a project, computed lazily and cached."""

    def __init__(self, index: ProjectIndex, entry_patterns: tuple[str, ...] = ()) -> None:
        self.index = index
        self.calls = CallTargets(index)
        self.discovery = FragmentDiscovery(index, self.calls)
        self.graph = CallGraph(index, self.calls, self.discovery)
        self.containers = Containers(index, self.calls, self.graph)
        self.state = SessionState(index, self.calls, self.graph)
        self.callbacks = Callbacks(index, self.graph, self.discovery)
        self.reruns = Reruns(index, self.calls, self.graph)
        self.entries = AppEntries(index, self.calls, self.graph, self.discovery, entry_patterns)
        self._guards: dict[FunctionKey, FullRunGuards] = {}

    def reuse(self, previous: FragmentModel, changed: set[str]) -> None:
        """Take over call targets, call-graph edges, per-module references and entry scripts the
        changes cannot affect.

        `changed`: the modules whose summaries changed, from `ProjectIndex.reuse`.
        """
        kept = self.calls.reuse(previous.calls, changed)
        self.graph.reuse(previous.graph, kept)
        self.discovery.reuse(previous.discovery, changed)
        self.entries.reuse(previous.entries, changed, kept)

    @property
    def _module_reads(self) -> dict[str, set[str]]:
        """Per module, the modules read to resolve its calls (tests check what `reuse` kept)."""
        return self.calls.module_reads

    def guards(self, fragment: Fragment) -> FullRunGuards:
        """The guards around `fragment`'s draws (see `model.guards`)."""
        found = self._guards.get(fragment.function)
        if found is None:
            found = self._guards[fragment.function] = FullRunGuards(self, fragment)
        return found

    # -- shortcuts ------------------------------------------------------------------------

    @property
    def fragments(self) -> dict[FunctionKey, Fragment]:
        return self.discovery.fragments

    @property
    def scopes(self) -> dict[FunctionKey, Fragment]:
        """Fragments and dialogs (a dialog's body runs as a fragment)."""
        return self.discovery.scopes

    def target(self, key: FunctionKey, call: CallSite) -> Target:
        return self.calls.target(key, call)

    def streamlit_call(self, key: FunctionKey, call: CallSite) -> str | None:
        return self.calls.streamlit_call(key, call)

    def called_fragment(self, key: FunctionKey, call: CallSite) -> Fragment | None:
        return self.discovery.called_fragment(key, call)

    def called_dialog(self, key: FunctionKey, call: CallSite) -> Fragment | None:
        return self.discovery.called_dialog(key, call)

    def called_scope(self, key: FunctionKey, call: CallSite) -> Fragment | None:
        return self.discovery.called_scope(key, call)

    @property
    def fragment_calls(self) -> list[FragmentCall]:
        return self.graph.fragment_calls

    def fragment_calls_in(self, paths: set[str] | None) -> list[FragmentCall]:
        """The fragment calls made in the modules `paths` (None: all): a one-file check's."""
        return self.graph.fragment_calls_in(paths)

    def reach(self, start: FunctionKey) -> dict[FunctionKey, Chain]:
        return self.graph.reach(start)

    @property
    def app_reach(self) -> dict[FunctionKey, Chain]:
        return self.graph.app_reach

    @property
    def fragment_reach(self) -> dict[FunctionKey, list[Fragment]]:
        return self.graph.fragment_reach

    def writes(self, fragment: Fragment) -> list[Write]:
        return self.containers.writes(fragment)
