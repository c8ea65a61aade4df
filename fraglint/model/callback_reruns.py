"""What a widget callback's own `st.rerun` does to the interaction's rerun (from 1.63).

The rerun interpreter records each widget's trigger and its callback's trigger; this module
follows each callback (and the helpers it calls) to the `st.rerun` calls it reaches, and moves
the triggers to the scope those reruns name. Kept apart from the walk of the full run: it reads
the scopes the walk made and changes only triggers.
"""

from __future__ import annotations

from dataclasses import dataclass

from fraglint.index.project import FunctionKey, ProjectIndex, TargetKind
from fraglint.index.summary import CallSite
from fraglint.model import streamlit_api as api
from fraglint.model import versions
from fraglint.model.fragment_model import FragmentModel
from fraglint.model.fragments import Site
from fraglint.model.interpretation import Scope, ScopeKind, Trigger, TriggerKind
from fraglint.model.interpreter_facts import WalkFacts
from fraglint.model.streamlit_api import RerunScope

MAX_CALL_DEPTH = 40


@dataclass(frozen=True)
class ReachedRerun:
    """An `st.rerun(...)` a widget callback reaches, directly or through helpers."""

    site: Site
    scope: RerunScope
    key: str | None
    conditional: bool


def app_scope(scopes: dict[str, Scope], scope: Scope) -> Scope:
    """The app run a scope belongs to."""
    while scope.parent is not None:
        scope = scopes[scope.parent]
    return scope


def keyed_scope(scopes: dict[str, Scope], model: FragmentModel, key: str, app: str | None = None) -> Scope | None:
    """The fragment instance declared with `key=`, preferring one of the app run `app`."""
    found = None
    for scope in scopes.values():
        fragment = model.fragments.get(scope.function) if scope.kind == ScopeKind.FRAGMENT else None
        if fragment is not None and fragment.key == key:
            if app is None or app_scope(scopes, scope).id == app:
                return scope
            found = found or scope
    return found


class CallbackReruns:
    """Moves widget and callback triggers to the scope their callback's `st.rerun` names."""

    def __init__(self, index: ProjectIndex, model: FragmentModel, facts: WalkFacts, scopes: dict[str, Scope]) -> None:
        self.index = index
        self.model = model
        self.facts = facts  # read only when a callback reaches an `st.rerun`
        self.scopes = scopes
        self._reruns: dict[FunctionKey, tuple[tuple[ReachedRerun, ...], bool]] = {}
        self.steps = 0  # calls followed: the cost, for tests (linear in the code)

    def apply(self, callbacks: list[tuple[Trigger | None, Trigger]]) -> None:
        """A callback's own `st.rerun` decides what the interaction reruns, from 1.63.

        The widget (or form) trigger gets the scope of the path through the callback that takes
        no branch; the callback trigger gets the first `st.rerun` that changes the scope, with a
        note when a branch decides it. Before 1.63 `st.rerun()` in a callback is a no-op and a
        keyed rerun does not exist: nothing changes."""
        for fired, called in callbacks:
            self._apply_callback(fired, called)

    def _apply_callback(self, fired: Trigger | None, called: Trigger) -> None:
        """One widget's callback: its sure `st.rerun` moves both triggers, a branch's the callback's."""
        reruns, _ = self._reruns_in(called.callback, ())
        first_change = self._follow_reruns(fired, called, reruns) if reruns else None
        if first_change is not None and called.rerun_call is None:
            rerun, target = first_change
            called.scope, called.rerun_call = target.id, rerun.site
            called.note = _callback_note(rerun, target, "callback")
            if fired is not None and fired.rerun_call is None:
                fired.note = f"its callback may call {_rerun_text(rerun)} instead (see the callback trigger)"

    def _follow_reruns(
        self, fired: Trigger | None, called: Trigger, reruns: tuple[ReachedRerun, ...]
    ) -> tuple[ReachedRerun, Scope] | None:
        """The callback's reruns in order, up to the first it surely reaches: that one moves both
        triggers when it changes the scope. Returns the first rerun that changes it, sure or not."""
        keyed = self.facts.holds("callback-keyed-rerun-replaces-rerun")
        to_app = self.facts.holds("callback-rerun-reruns-app")
        own = self.scopes[called.scope]
        first_change = None
        for rerun in reruns:
            if rerun.scope is RerunScope.APP and not to_app:
                called.note = (
                    "the callback runs first, then the scope reruns (its st.rerun() is a no-op in a callback "
                    f"before {versions.since('callback-rerun-reruns-app')})"
                )
            target = self._callback_target(rerun, own, keyed, to_app)
            changed = target if target is not None and target.id != own.id else None
            if changed is not None and first_change is None:
                first_change = (rerun, changed)
            if not rerun.conditional:
                if changed is not None:
                    _move_triggers((fired, called), rerun, changed)
                break
        return first_change

    def _callback_target(self, rerun: ReachedRerun, own: Scope, keyed: bool, to_app: bool) -> Scope | None:
        """The scope a callback's `st.rerun` reruns instead of the widget's; None when it does not
        change it (`scope="fragment"` reruns the widget's own fragment, or raises) or is unknown."""
        if rerun.scope is RerunScope.KEY and keyed and rerun.key is not None:
            return keyed_scope(self.scopes, self.model, rerun.key, app_scope(self.scopes, own).id)
        if rerun.scope is RerunScope.APP and to_app:
            return app_scope(self.scopes, own)
        return None

    def _reruns_in(self, key: FunctionKey | None, stack: tuple) -> tuple[tuple[ReachedRerun, ...], bool]:
        """The `st.rerun` calls a callback reaches in order, up to the first it surely reaches;
        and whether it surely reaches one. Memoised per function (a callback or a helper is
        often shared), so the cost is linear in the code; a call back into the stack adds nothing."""
        if key is None or key in stack or len(stack) > MAX_CALL_DEPTH:
            return (), False
        if key in self._reruns:
            return self._reruns[key]
        function = self.index.function(key)
        found: list[ReachedRerun] = []
        certain = False
        for call in function.calls if function is not None else ():
            self.steps += 1
            reached, certain = self._reruns_at(key, call, stack)
            found.extend(reached)
            if certain:
                break
        result = (tuple(found), certain)
        self._reruns[key] = result
        return result

    def _reruns_at(self, key: FunctionKey, call: CallSite, stack: tuple) -> tuple[tuple[ReachedRerun, ...], bool]:
        """The `st.rerun` calls one call of a callback reaches, and whether it surely reaches one."""
        branch = call.in_branch or call.in_loop
        target = self.model.target(key, call)
        if target.kind == TargetKind.STREAMLIT and target.api() == api.RERUN:
            request = api.rerun_request(call)
            return (ReachedRerun(Site(key.path, call.site), request.scope, request.key, branch),), not branch
        if target.kind == TargetKind.FUNCTION and not target.rest:
            inner, inner_certain = self._reruns_in(FunctionKey(target.path or key.path, target.name), stack + (key,))
            reached = tuple(ReachedRerun(r.site, r.scope, r.key, r.conditional or branch) for r in inner)
            return reached, inner_certain and not branch
        return (), False


def _move_triggers(triggers: tuple[Trigger | None, Trigger], rerun: ReachedRerun, changed: Scope) -> None:
    """A sure `st.rerun` in the callback: the interaction reruns `changed`, not the widget's scope."""
    for trigger in triggers:
        if trigger is not None:
            trigger.scope, trigger.rerun_call = changed.id, rerun.site
            trigger.note = _callback_note(rerun, changed, trigger.kind)


def _rerun_text(rerun: ReachedRerun) -> str:
    if rerun.scope is RerunScope.KEY:
        return f'st.rerun("{rerun.key}")'
    return "st.rerun()" if rerun.scope is RerunScope.APP else f'st.rerun(scope="{rerun.scope.value}")'


def _callback_note(rerun: ReachedRerun, target: Scope, kind: str) -> str:
    what = "the whole app reruns" if target.kind == ScopeKind.APP else f"only fragment `{target.name}` reruns"
    if kind != TriggerKind.CALLBACK:
        return f"its callback calls {_rerun_text(rerun)}: {what} instead of this widget's scope"
    if rerun.conditional:
        return f"the callback runs first; when it reaches {_rerun_text(rerun)}, {what} instead of the widget's scope"
    return f"the callback runs first; its {_rerun_text(rerun)} replaces the widget's rerun: {what}"
