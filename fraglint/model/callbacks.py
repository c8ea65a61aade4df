"""Widget callbacks: which functions run as one, for which widgets, and what they rerun.

A callback (`on_click=`, `on_change=`, ... see `streamlit_api.CALLBACK_KEYWORDS`) runs before
the rerun its widget triggers, outside the script and outside every fragment body; `st.rerun`
there means something else than in the script (versions.py: `rerun-in-callback-no-op`,
`rerun-fragment-scope-*-callback-*`, `callback-keyed-rerun-replaces-rerun`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from fraglint.index.project import FunctionKey, ProjectIndex, TargetKind
from fraglint.index.summary import CallSite, ValueKind
from fraglint.model import streamlit_api as api
from fraglint.model.call_graph import CallGraph, Chain
from fraglint.model.fragments import FragmentDiscovery, Site
from fraglint.model.reruns import RerunCall


def callback_functions(index: ProjectIndex, key: FunctionKey, call: CallSite) -> list[FunctionKey]:
    """The functions (a lambda included) a call made in function `key` passes as callbacks."""
    path, qualname = key
    found = []
    for _, value in api.callback_values(call):
        if value.kind == ValueKind.LAMBDA and value.ref is not None:  # a lambda's ref is its qualname
            found.append(FunctionKey(path, value.ref[0]))
            continue
        target = index.resolve(path, qualname, value.ref)
        if target.kind == TargetKind.FUNCTION and not target.rest:
            found.append(FunctionKey(target.path or path, target.name))
    return found


@dataclass(frozen=True)
class CallbackRerun:
    """An `st.rerun` call reached from the callback of one widget."""

    rerun: RerunCall
    callback: FunctionKey
    chain: Chain  # from the callback to the function that holds the call
    widget: Site
    fragment: str | None  # the fragment that draws the widget; None: drawn outside every fragment

    @property
    def site(self) -> Site:
        return self.rerun.site

    @property
    def function(self) -> FunctionKey:
        """The function that holds the call."""
        return self.rerun.function


class Callbacks:
    """Every widget callback of the project, with the widgets that take it."""

    def __init__(self, index: ProjectIndex, graph: CallGraph, discovery: FragmentDiscovery) -> None:
        self.index = index
        self.graph = graph
        self.discovery = discovery

    @cached_property
    def widgets(self) -> dict[FunctionKey, list[tuple[FunctionKey, CallSite]]]:
        """Each widget callback (a function or a lambda), with every widget call it is passed to
        and the function that makes that call."""
        found: dict[FunctionKey, list[tuple[FunctionKey, CallSite]]] = {}
        for path, function in self.index.functions():
            if not self.graph.covers(path):
                continue  # (a widget there names no callback of code a narrowed graph covers)
            owner = FunctionKey(path, function.qualname)
            for call in function.calls:
                for callback in callback_functions(self.index, owner, call):
                    found.setdefault(callback, []).append((owner, call))
        return found

    @cached_property
    def owners(self) -> dict[FunctionKey, list[FunctionKey]]:
        """Each widget callback, with the functions that draw a widget it is passed to."""
        return {callback: [owner for owner, _ in uses] for callback, uses in self.widgets.items()}

    @cached_property
    def functions(self) -> set[FunctionKey]:
        """Functions passed as a callback to some call."""
        return set(self.owners)

    def rerunning_app(self, reruns: list[RerunCall]) -> set[FunctionKey]:
        """Callbacks that reach an `st.rerun()` of the whole app (no scope, or `scope="app"`)."""
        app = {rerun.function for rerun in reruns if rerun.request.scope is api.RerunScope.APP}
        return {callback for callback in self.functions if not app.isdisjoint(self.graph.reach(callback))}

    def reruns_reached(self, reruns: list[RerunCall], dialogs: bool = False) -> Iterator[CallbackRerun]:
        """Each (rerun call, widget) pair where the widget's callback reaches one of `reruns`.

        Widgets drawn only in an uncalled fragment or in unreached code are skipped, and so are
        widgets drawn only in a dialog unless `dialogs`: what reruns there is recorded on real
        releases only for `st.rerun()` (oracle case `rerun_in_dialog_callback`).
        """
        by_function: dict[FunctionKey, list[RerunCall]] = {}
        for rerun in reruns:
            by_function.setdefault(rerun.function, []).append(rerun)
        started = self.graph.called_fragments | self.discovery.referenced_functions
        in_dialog: set[FunctionKey] = set()
        for dialog in self.discovery.dialogs:
            in_dialog.update(self.graph.reach(dialog))
        for callback, widgets in self.widgets.items():
            if not self.graph.covers(callback.path):
                continue  # (a callback a covered widget names from outside reaches no covered code)
            for key, chain in self.graph.reach(callback).items():
                for rerun in by_function.get(key, ()):
                    for owner, widget in widgets:
                        for fragment in self._drawn_by(owner, started, in_dialog, dialogs):
                            yield CallbackRerun(rerun, callback, chain, Site(owner[0], widget.site), fragment)

    def _drawn_by(
        self, owner: FunctionKey, started: set[FunctionKey], in_dialog: set[FunctionKey], dialogs: bool
    ) -> list[str | None]:
        """Who draws the widgets of function `owner`: the first started fragment (or, with
        `dialogs`, dialog) that runs it, by name, then None if the script also runs it outside
        every fragment and dialog."""
        found: list[str | None] = []
        for fragment in self.graph.fragment_reach.get(owner, ()):
            if fragment.function in started and (dialogs or not fragment.dialog):
                found.append(fragment.name)
                break
        if owner in self.graph.app_reach and owner not in in_dialog:
            found.append(None)
        return found
