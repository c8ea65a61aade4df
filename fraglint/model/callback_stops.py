"""`st.stop()` and `st.switch_page()` in a widget callback.

The callback runs before the script; `st.stop()` there ends the interaction before any part of
the script reruns (oracle: stop_in_callback, every recorded release). This module follows each
callback, and the helpers it calls, to the `st.stop()` calls it reaches, and records on the
widget's triggers the one that cancels their rerun. A stop under a branch or loop only may: the
callback's trigger says so and the widget's own trigger keeps its scope. Kept apart from the
walk of the full run, like `callback_reruns`: it reads the callbacks and changes only triggers.

`st.switch_page()` in a callback ends the callback there. Before 1.63 it is a no-op: the page
does not switch and the widget's scope reruns as usual (with the warning "Calling st.rerun()
within a callback is a no-op." for a widget outside fragments); from 1.63 the interaction runs
the whole target page instead, also for a widget inside a fragment (facts
`switch-page-in-callback-no-op`, `callback-switch-page-runs-target-page`; oracle:
switch_page_callback, switch_page_callback_fragment). The same walk finds those calls.
"""

from __future__ import annotations

from fraglint.index.project import FunctionKey, ProjectIndex, TargetKind
from fraglint.index.summary import CallSite
from fraglint.model import streamlit_api as api
from fraglint.model.callback_reruns import MAX_CALL_DEPTH
from fraglint.model.fragment_model import FragmentModel
from fraglint.model.fragments import Site
from fraglint.model.interpretation import Scope, Stop, Trigger
from fraglint.model.interpreter_facts import WalkFacts
from fraglint.model.switch_pages import switch_page

FACT = "stop-in-callback-cancels-rerun"


class CallbackStops:
    """Marks the widget and callback triggers whose callback calls `st.stop()` (or `api`)."""

    def __init__(self, index: ProjectIndex, model: FragmentModel, facts: WalkFacts | None, call: str = api.STOP) -> None:
        self.index = index
        self.model = model
        self.facts = facts  # for `apply`: read only when a callback reaches an `st.stop()`
        self.call = call  # the Streamlit API followed: `stop`, or `switch_page` (see `callback_switches`)
        self._stops: dict[FunctionKey, tuple[Site | None, Site | None]] = {}
        self.calls: dict[Site, tuple[FunctionKey, CallSite]] = {}  # the calls found, by site
        self.steps = 0  # calls followed: the cost, for tests (linear in the code)

    def apply(self, callbacks: list[tuple[Trigger | None, Trigger]]) -> None:
        for fired, called in callbacks:
            sure, maybe = self._stops_in(called.callback, ())
            if (sure is None and maybe is None) or self.facts is None or not self.facts.holds(FACT):
                continue
            if sure is not None:
                for trigger in (fired, called):
                    if trigger is not None:
                        trigger.callback_stop = Stop(sure, trigger.scope, False)
                        trigger.note = ""  # "then the scope reruns" no longer holds; callback_stop says why
            elif maybe is not None:
                called.callback_stop = Stop(maybe, called.scope, True)

    def reached(self, key: FunctionKey | None) -> tuple[Site | None, Site | None]:
        """The call of `self.call` a callback surely reaches, and the first it may reach."""
        return self._stops_in(key, ())

    def _stops_in(self, key: FunctionKey | None, stack: tuple) -> tuple[Site | None, Site | None]:
        """The `st.stop()` a function surely reaches, and the first it may reach (under a branch
        or loop). Memoised per function; a call back into the stack adds nothing."""
        if key is None or key in stack or len(stack) > MAX_CALL_DEPTH:
            return None, None
        if key in self._stops:
            return self._stops[key]
        function = self.index.function(key)
        sure: Site | None = None
        maybe: Site | None = None
        for call in function.calls if function is not None else ():
            self.steps += 1
            branch = call.in_branch or call.in_loop
            inner_sure, inner_maybe = self._stops_at(key, call, stack)
            maybe = maybe or (inner_sure if branch else None) or inner_maybe
            if inner_sure is not None and not branch:
                sure = inner_sure
                break
        self._stops[key] = (sure, maybe)
        return sure, maybe

    def _stops_at(self, key: FunctionKey, call: CallSite, stack: tuple) -> tuple[Site | None, Site | None]:
        """What one call of a callback reaches: an `st.stop()`, or the stops of a helper it calls."""
        target = self.model.target(key, call)
        if target.kind == TargetKind.STREAMLIT and target.api() == self.call:
            site = Site(key.path, call.site)
            self.calls[site] = (key, call)
            return site, None
        if target.kind == TargetKind.FUNCTION and not target.rest:
            return self._stops_in(FunctionKey(target.path or key.path, target.name), stack + (key,))
        return None, None


def callback_switches(index: ProjectIndex, model: FragmentModel, scopes: dict[str, Scope],
                      callbacks: list[tuple[Trigger | None, Trigger]]) -> int:
    """Marks the triggers whose callback reaches `st.switch_page()`; returns the calls followed.
    (Whether the switch happens is the release's: `Interpretation.switches_page` reads it.)"""
    walk = CallbackStops(index, model, None, "switch_page")
    for fired, called in callbacks:
        sure, maybe = walk.reached(called.callback)
        site = sure or maybe
        if site is None:
            continue
        key, call = walk.calls[site]
        for trigger in (fired, called):
            if trigger is not None:
                trigger.callback_switch = switch_page(index, key, call, scopes[trigger.scope], sure is None)
    return walk.steps
