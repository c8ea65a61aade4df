"""An abstract interpreter of Streamlit's rerun model.

It walks each entry script the way a full run does (every branch of an `if`, loop bodies,
calls into helpers and other modules, pages of a multipage app), and records:

* scopes: the app, and every fragment *instance* (each call site that starts a fragment is
  its own instance; a fragment called inside another is a child scope);
* everything drawn (elements, widgets, containers), in which scope and into which container;
* triggers: widget interactions, form submits, `run_every` timers, `st.rerun` calls and
  widget callbacks, each with the scope it reruns (a callback's own `st.rerun` can change that
  scope, from 1.63);
* `st.stop()` calls: an unconditional one ends the walk of the run it is in (nothing after it
  is drawn, in the function, its callers, and, from a fragment, the rest of the full run); one
  inside a branch or loop leaves what follows as "after a stop": drawn only on runs that get
  past it. Fragment reruns start afresh: a stop outside the fragment does not concern them.

From that, `rerun_plan(trigger)` answers what the user sees when the trigger fires: which
scope reruns, which functions run again, which elements are redrawn, which stay frozen and
which pile up (writes into outside containers, in releases where they do). The results are
plain data, in `model.interpretation`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, NamedTuple

from packaging.version import Version

from fraglint.index.project import FunctionKey, ProjectIndex, Target, TargetKind
from fraglint.index.summary import MODULE_SCOPE, CallSite, Value, ValueKind
from fraglint.model import interpreter_facts, run_every
from fraglint.model import streamlit_api as api
from fraglint.model.async_scopes import FACT as ASYNC_SCOPES
from fraglint.model.async_scopes import is_async
from fraglint.model.callback_reruns import MAX_CALL_DEPTH, CallbackReruns, app_scope, keyed_scope
from fraglint.model.callback_stops import CallbackStops, callback_switches
from fraglint.model.callbacks import callback_functions
from fraglint.model.containers import denoted_container
from fraglint.model.fragment_model import FragmentModel
from fraglint.model.fragments import Fragment, Site
from fraglint.model.interpretation import (
    AsyncScopeCall,
    Drawing,
    Drawn,
    DrawnKind,
    Interpretation,
    NestedDialog,
    Scope,
    ScopeKind,
    Stop,
    Trigger,
    TriggerKind,
)
from fraglint.model.interpreter_facts import WalkFacts
from fraglint.model.orphaned_timers import mark_orphaned_timers
from fraglint.model.streamlit_api import RerunScope
from fraglint.model.switch_pages import switch_page

FACTS = interpreter_facts.FACTS  # every version fact `fraglint scopes` depends on (docs/semantics.md)


@dataclass(frozen=True)
class _Frame:
    """Where a function body is being walked: its scope, container, call chain and stack."""

    scope: Scope
    container: str
    chain: tuple[Site, ...]
    stack: tuple[FunctionKey, ...]
    in_form: bool
    guarded: bool


class _Step(NamedTuple):
    """What one call site is to the walk, found once per walk (a site is walked in each context
    its function is reached in, a few times on average): the container its `with` statements
    enter, the fragment it starts, its target, the function it runs, and for a Streamlit call
    whether it is an `st.rerun` and what it draws. (A tuple: made thousands of times per walk.)"""

    site: Site
    container: str | None  # the innermost enclosing `with` that enters a container, else None
    fragment: Fragment | None
    async_fragment: bool  # an `async def` fragment: whether that matters is the release's (`WalkFacts`)
    target: Target
    api: str | None  # the Streamlit API it calls
    callee: FunctionKey | None
    rerun: bool = False  # an `st.rerun` of the script
    draws: Drawing | None = None


_ACTING = frozenset({api.STOP, "switch_page", "Page"})  # Streamlit calls that act on the walk beyond drawing
_UNSEEN: Any = object()  # a call site not taken apart yet (None: one that does nothing to the walk)


class Interpreter:
    """Runs the abstract full run of each entry script over the fragment model.

    It is given no release: every version fact it (and the modules it calls) reads goes through
    `facts`, which records it, so that the walk can serve every release that agrees on them."""

    def __init__(self, index: ProjectIndex, model: FragmentModel, facts: WalkFacts) -> None:
        self.index = index
        self.model = model
        self.facts = facts
        self.scopes: dict[str, Scope] = {}
        self.drawn: list[Drawn] = []
        self.triggers: list[Trigger] = []
        self._fragment_count = 0
        self._app_count = 0
        self._outside_cache: dict[FunctionKey, set[tuple[str, int]]] = {}
        self._lost_to: Scope | None = None  # the app scope a broken nested fragment falls back to
        self._maybe_stopped: Stop | None = None  # the last conditional st.stop() of the current run
        self._dialog_open: tuple[Fragment, Site, str] | None = None  # (dialog, its call, its container) whose body runs
        self.nested_dialogs: list[NestedDialog] = []
        self._callbacks: list[tuple[Trigger | None, Trigger]] = []  # (widget or form trigger, callback trigger)
        # (function, scope, container, in_form, guarded, lost-to scope, maybe-stopped) -> the
        # outcome of walking it there: (its stop, the maybe-stopped and lost-to state after), each
        # outcome (one tuple per distinct value: most are (None, None, None))
        self._walked: dict[tuple, tuple[Stop | None, Stop | None, Scope | None]] = {}
        self._outcomes: dict[tuple, tuple[Stop | None, Stop | None, Scope | None]] = {}  # keyed by the scope's id
        # path -> call site -> what it is (see `_take_apart`; None: nothing the walk acts on, most
        # sites): a table per module, so that walking a call makes no key tuple (the walk meets a
        # site in each of its contexts)
        self._steps: dict[str, dict[int, _Step | None]] = {}
        self._withs: dict[tuple[str, int], str | None] = {}  # (path, with site) -> the container it denotes
        self._drawings: dict[Drawing, Drawing] = {}  # one record per distinct drawing (a few per hundred sites)
        self.steps = 0  # calls walked: the walk's cost, for tests (linear in the code)
        self.sites = 0  # call sites taken apart (`_take_apart`): once each per walk, however often walked

    # -- entries ------------------------------------------------------------------------------

    def entries(self, paths: list[str]) -> list[str]:
        """The entry scripts among `paths` that start runs of their own (see `model.entries`)."""
        scripts = set(self.model.entries.scripts)
        return [path for path in paths if path in scripts]

    def run(self, paths: list[str]) -> Walk:
        entries = self.entries(paths)
        for entry in entries:
            scope = self._new_app_scope(entry)
            self._maybe_stopped = None
            self._run_function(FunctionKey(entry, MODULE_SCOPE), scope, "main", (), ())
        self._collect_fragment_triggers()
        followed = CallbackReruns(self.index, self.model, self.facts, self.scopes)
        followed.apply(self._callbacks)
        stops = CallbackStops(self.index, self.model, self.facts)
        stops.apply(self._callbacks)
        self.steps += callback_switches(self.index, self.model, self.scopes, self._callbacks)
        mark_orphaned_timers(self.scopes, self.triggers)
        self.steps += followed.steps + stops.steps
        return Walk(entries, self.scopes, self.drawn, self.triggers, self.nested_dialogs)

    def _new_app_scope(self, entry: str) -> Scope:
        scope_id = "app" if self._app_count == 0 else f"app:{self._app_count}"
        self._app_count += 1
        scope = Scope(scope_id, ScopeKind.APP, FunctionKey(entry, MODULE_SCOPE), entry=entry)
        self.scopes[scope_id] = scope
        return scope

    # -- the walk -----------------------------------------------------------------------------

    def _run_function(
        self,
        key: FunctionKey,
        scope: Scope,
        container: str,
        chain: tuple[Site, ...],
        stack: tuple[FunctionKey, ...],
        in_form: bool = False,
        guarded: bool = False,
    ) -> Stop | None:
        """Walk one function; returns the `st.stop()` that ends the run inside it, if one does.

        `guarded`: the call chain into this function, within the scope's own run, passed a
        branch or a loop (a stop in here then may not happen).

        Each function is walked once per context (scope, container, form, guard, the stop and
        lost-fragment state it starts in): a second call in the same context draws nothing new,
        so its recorded outcome is replayed. That keeps the walk linear in the code instead of
        in the number of call paths; a call to a function already on the stack adds nothing."""
        if key in stack or len(stack) > MAX_CALL_DEPTH:
            return None
        lost = self._lost_to.id if self._lost_to is not None else None
        context = (key, scope.id, container, in_form, guarded, lost, self._maybe_stopped, self._dialog_open)
        if context in self._walked:
            stop, self._maybe_stopped, self._lost_to = self._walked[context]
            return stop
        function = self.index.function(key)
        if function is None:
            return None
        if key not in scope.functions:
            scope.functions.append(key)
        stop = self._walk_body(key, function, _Frame(scope, container, chain, stack + (key,), in_form, guarded))
        self._walked[context] = self._outcome(stop)
        return stop

    def _outcome(self, stop: Stop | None) -> tuple[Stop | None, Stop | None, Scope | None]:
        """(stop, maybe-stopped, lost-to) after walking a function: one tuple per distinct value."""
        lost = self._lost_to.id if self._lost_to is not None else None
        outcome = (stop, self._maybe_stopped, self._lost_to)
        return self._outcomes.setdefault((stop, self._maybe_stopped, lost), outcome)

    def _walk_body(self, key: FunctionKey, function, frame: _Frame) -> Stop | None:
        """The calls of one function in order, up to an `st.stop()` that surely ends the run."""
        steps = self._steps.get(key.path)
        if steps is None:
            steps = self._steps[key.path] = {}
        for call in function.calls:
            self.steps += 1
            stop = self._walk_call(key, function, call, frame, steps)
            if stop is not None and self._ends_run(stop, call.in_branch or call.in_loop):
                return stop
        return None

    def _walk_call(
        self, key: FunctionKey, function, call: CallSite, frame: _Frame, steps: dict[int, _Step | None]
    ) -> Stop | None:
        """One call: a fragment instance, a Streamlit API call, or a project helper to walk.
        `steps`: the module's call sites taken apart so far."""
        step = steps.get(call.site, _UNSEEN)
        if step is _UNSEEN:
            step = steps[call.site] = self._take_apart(key, function, call)
        if step is None:
            return None
        scope = frame.scope
        container, in_form = frame.container, frame.in_form
        if step.container is not None:
            container, in_form = step.container, in_form or step.container == "form"
        conditional = frame.guarded or call.in_branch or call.in_loop
        fragment = step.fragment
        if fragment is not None and step.async_fragment and self.facts.holds(ASYNC_SCOPES):
            return self._call_async_scope(fragment, key, call, self._lost_to or scope, container, frame, in_form)
        if fragment is not None and fragment.dialog:
            return self._open_dialog(fragment, key, call, self._lost_to or scope, container, frame, conditional)
        if fragment is not None:
            return self._enter_fragment(
                fragment, key, call, self._lost_to or scope, container, frame.chain, frame.stack, in_form, conditional
            )
        target = step.target
        if target.kind == TargetKind.STREAMLIT:
            if step.api == api.STOP and self.facts.holds("stop-ends-current-run"):
                return self._stop(key, call, self._lost_to or scope, conditional)
            if step.api == "switch_page":
                self._switch_page(key, call, self._lost_to or scope, conditional)
            self._streamlit_call(key, call, step, scope, container, in_form, conditional)
            if step.api == "Page":
                self._navigation_pages(key, call, scope, frame.stack)
            return None
        if step.callee is None:
            return None
        chain = frame.chain + (step.site,)
        return self._run_function(step.callee, scope, container, chain, frame.stack, in_form, conditional)

    def _take_apart(self, key: FunctionKey, function, call: CallSite) -> _Step | None:
        """What a call site is, found the first time the walk meets it; None for one that
        starts nothing, runs no project code, draws nothing and is no `st.rerun`, `st.stop`,
        `st.switch_page` or `st.Page` (most calls: the table then holds no record for them)."""
        self.sites += 1
        fragment = self.model.called_scope(key, call)
        target = self.model.target(key, call)
        if target.kind != TargetKind.STREAMLIT:
            callee = self.model.calls.callee_of(key, target) if fragment is None else None
            if fragment is None and callee is None:
                return None
            return self._step(key, function, call, fragment, target, None, callee)
        element, where = _element_and_container(target, None)
        rerun = element == api.RERUN and not target.rest and "." not in target.name
        drawing = fragment is None and not rerun and api.draws(element)
        draws = self._draws(key, call, element, where) if drawing else None
        called = target.api()
        if fragment is None and not rerun and draws is None and called not in _ACTING:
            return None
        return self._step(key, function, call, fragment, target, called, None, rerun, draws)

    def _step(
        self, key: FunctionKey, function, call: CallSite, fragment: Fragment | None, target: Target, called: str | None,
        callee: FunctionKey | None, rerun: bool = False, draws: Drawing | None = None,
    ) -> _Step:
        container = self._container_for(key, function, call)
        async_fragment = fragment is not None and is_async(self.index, fragment)
        return _Step(Site(key.path, call.site), container, fragment, async_fragment, target, called, callee, rerun, draws)

    def _draws(self, key: FunctionKey, call: CallSite, element: str, where: str | None) -> Drawing:
        kind = DrawnKind.WIDGET if api.is_widget(element) else (
            DrawnKind.CONTAINER if element in api.CONTAINERS else DrawnKind.ELEMENT
        )
        key_value = call.kwargs.get("key")
        callbacks = callback_functions(self.index, key, call)
        draws = Drawing(
            element, where, kind,
            label=_str_literal(call.args[0]) if call.args and call.args[0].kind == ValueKind.STR else None,
            key=str(key_value.literal) if key_value is not None and key_value.kind in (ValueKind.STR, ValueKind.NUM) else None,
            callback=callbacks[-1] if callbacks else None,
        )
        return self._drawings.setdefault(draws, draws)

    def _call_async_scope(
        self, fragment: Fragment, key: FunctionKey, call: CallSite, scope: Scope, container: str, frame: _Frame,
        in_form: bool,
    ) -> Stop | None:
        """A fragment or dialog made from an `async def` starts no scope: its call returns the
        coroutine, whose body runs in the caller's scope only if something awaits it (so what
        it draws is conditional), and its `run_every` never runs it."""
        site = Site(key.path, call.site)
        if all(known.call != site for known in scope.unawaited):
            declares = fragment.kwarg("run_every") is not None
            scope.unawaited.append(AsyncScopeCall(site, fragment.name, fragment.dialog, declares))
        chain = frame.chain + (site,)
        return self._run_function(fragment.function, scope, container, chain, frame.stack, in_form, True)

    def _stop(self, key, call: CallSite, scope: Scope, conditional: bool) -> Stop:
        stop = Stop(Site(key.path, call.site), scope.id, conditional)
        if all(known.site != stop.site for known in scope.stops):
            scope.stops.append(stop)
        return stop

    def _switch_page(self, key: FunctionKey, call: CallSite, scope: Scope, conditional: bool) -> None:
        switch = switch_page(self.index, key, call, scope, conditional)
        if all(known.site != switch.site for known in scope.switches):
            scope.switches.append(switch)

    def _ends_run(self, stop: Stop, branch: bool) -> bool:
        """A stop reached through an unconditional statement ends the caller's run too; through a
        branch or loop it only may, so what follows is drawn "after a stop"."""
        if not branch:
            return True
        self._maybe_stopped = stop
        return False

    def _enter_fragment(
        self, fragment: Fragment, key: FunctionKey, call: CallSite, scope: Scope, container, chain, stack, in_form,
        conditional: bool = False,
    ) -> Stop | None:
        """Walk one fragment instance; returns the stop that ends the full run inside it, if any."""
        self._fragment_count += 1
        scope_id = f"fragment:{self._fragment_count}"
        child = Scope(
            scope_id,
            ScopeKind.FRAGMENT,
            fragment.function,
            name=fragment.name,
            call=Site(key.path, call.site),
            parent=scope.id,
            run_every=run_every.literal_value(self.index, fragment.site.path, fragment.kwarg("run_every")),
            chain=chain + (Site(key.path, call.site),),
            entry=scope.entry,
            after_stop=self._maybe_stopped,
            dialog=fragment.dialog,
            conditional=conditional or scope.conditional,
            branch_call=conditional,
            has_arguments=bool(call.args or call.kwargs),
        )
        self.scopes[scope_id] = child
        scope.children.append(scope_id)
        saved, self._lost_to = self._lost_to, None
        # the fragment's own reruns start at its body: its stops are conditional only within it
        stop = self._run_function(fragment.function, child, container, child.chain, stack, in_form)
        self._lost_to = saved
        if scope.kind == ScopeKind.FRAGMENT and self.facts.holds("nested-fragments-unsupported"):
            # Before 1.37 the runtime forgets the outer fragment once the inner one returns:
            # what the outer fragment draws afterwards belongs to the full app run.
            self._lost_to = self._app_scope(scope)
        if stop is not None and fragment.parallel:
            # A parallel fragment (1.58+) runs in a worker thread: its st.stop() ends the full
            # run only when the script thread next checks, so what follows the call may still
            # be drawn. Counted as a conditional stop (conservative: keeps walking).
            self._maybe_stopped = stop
            return None
        return stop

    def _open_dialog(
        self, dialog: Fragment, key: FunctionKey, call: CallSite, scope: Scope, container: str, frame: _Frame,
        conditional: bool,
    ) -> Stop | None:
        """A dialog's body runs as a fragment. Opened while another dialog's body runs (in the
        container that body draws into: a `with` another container escapes the runtime's
        check) it raises, on every release; opened from a fragment before 1.37 it is nested in
        that fragment, so its widgets rerun the outer fragment."""
        site = Site(key.path, call.site)
        outer = self._dialog_open
        if outer is not None and outer[2] == container:
            nested = NestedDialog(site, dialog, outer[0], outer[1], frame.chain + (site,))
            self.nested_dialogs.append(nested)
            if self.facts.holds("nested-dialog-raises"):
                scope.nested_dialogs.append(nested)  # it raises before its body draws anything
                return None
        self._dialog_open = (dialog, site, container)
        if scope.kind == ScopeKind.FRAGMENT and self.facts.holds("dialog-in-fragment-nested"):
            self._dialog_in_fragment(dialog, site, scope, conditional)
            chain = frame.chain + (site,)
            stop = self._run_function(dialog.function, scope, container, chain, frame.stack, frame.in_form, conditional)
            self._lost_to = self._app_scope(scope)  # as after any nested fragment before 1.37
        else:
            stop = self._enter_fragment(
                dialog, key, call, scope, container, frame.chain, frame.stack, frame.in_form, conditional
            )
        self._dialog_open = outer
        return stop

    def _dialog_in_fragment(self, dialog: Fragment, site: Site, scope: Scope, conditional: bool) -> None:
        """Before 1.37 a dialog opened from a fragment is a fragment nested in it: its body runs
        in the outer fragment's scope (whose rerun its widgets trigger); the dialog is kept as a
        child scope so that reports show where it opens."""
        self._fragment_count += 1
        child = Scope(
            f"fragment:{self._fragment_count}", ScopeKind.FRAGMENT, dialog.function, name=dialog.name, call=site,
            parent=scope.id, chain=(site,), entry=scope.entry, dialog=True, conditional=conditional or scope.conditional,
            branch_call=conditional, rerun_by_parent=True, functions=[dialog.function],
        )
        self.scopes[child.id] = child
        scope.children.append(child.id)

    def _outside(self, scope: Scope, key: FunctionKey, site: int) -> bool:
        """Is the element at `site` drawn into a container created outside the scope's fragment?"""
        if scope.kind != ScopeKind.FRAGMENT:
            return False
        fragment = self.model.scopes.get(scope.function)
        if fragment is None:
            return False
        return (key.path, site) in self._outside_table(fragment)

    def _outside_table(self, fragment: Fragment) -> set[tuple[str, int]]:
        """The sites (path, call) whose last write the fragment reaches goes into an outside
        container: only those are kept, the table's other answer is False."""
        cache = self._outside_cache
        if fragment.function not in cache:
            outside = {
                (write.function[0], write.call.site): bool(write.container and write.container.outside)
                for write in self.model.writes(fragment)
            }
            cache[fragment.function] = {site for site, out in outside.items() if out}
        return cache[fragment.function]

    def _container_for(self, key, function, call: CallSite) -> str | None:
        """The container the innermost enclosing `with` that names one enters (None: the caller's)."""
        for with_site in reversed(call.withs):
            denoted = self._with_container(key, function, with_site)
            if denoted is not None:
                return denoted
        return None

    def _with_container(self, key: FunctionKey, function, with_site: int) -> str | None:
        """The container a `with` statement enters, if it names one (resolved once per walk)."""
        cache_key = (key.path, with_site)
        if cache_key not in self._withs:
            item = function.withs.get(with_site)
            ref = item.ctx.ref if item is not None else None
            resolved = self.index.resolve(key.path, key.qualname, ref) if ref is not None else None
            self._withs[cache_key] = denoted_container(resolved) if resolved is not None else None
        return self._withs[cache_key]

    def _streamlit_call(
        self, key, call: CallSite, step: _Step, scope: Scope, container: str, in_form: bool, conditional: bool = False
    ) -> None:
        """A Streamlit API call: an `st.rerun` trigger, or something drawn (and, for a widget,
        the triggers its interaction fires)."""
        scope = self._lost_to or scope
        if step.rerun:
            self._rerun_trigger(key, call, scope)
            return
        draws = step.draws
        if draws is None:
            return
        drawn = self._draw(key, call, step.site, draws, container, scope, in_form, conditional)
        if drawn.kind == DrawnKind.WIDGET:
            self._widget_triggers(drawn, in_form)

    def _draw(
        self, key, call: CallSite, site: Site, draws: Drawing, container: str, scope: Scope, in_form: bool,
        conditional: bool,
    ) -> Drawn:
        drawn = Drawn(
            id=len(self.drawn),
            drawing=draws,
            site=site,
            scope=scope.id,
            container=draws.where if draws.where is not None else container,
            outside=self._outside(scope, key, call.site),
            in_form=in_form,
            after_stop=self._maybe_stopped,
            conditional=conditional,
        )
        self.drawn.append(drawn)
        return drawn

    def _widget_triggers(self, drawn: Drawn, in_form: bool) -> None:
        """A widget's interaction (a form's submit button for widgets in a form), and its callback."""
        fired = None
        args = (drawn.site, drawn.scope, drawn.api, drawn.label, drawn.key)
        if drawn.api == "form_submit_button":
            fired = Trigger(TriggerKind.FORM, *args, after_stop=self._maybe_stopped)
        elif not in_form:
            fired = Trigger(TriggerKind.WIDGET, *args, after_stop=self._maybe_stopped)
        if fired is not None:
            self.triggers.append(fired)
        if drawn.callback is not None:
            called = Trigger(TriggerKind.CALLBACK, *args, callback=drawn.callback,
                             note="the callback runs first, then the scope reruns", after_stop=self._maybe_stopped)
            self.triggers.append(called)
            self._callbacks.append((fired, called))

    def _rerun_trigger(self, key, call: CallSite, scope: Scope) -> None:
        """An `st.rerun` in the script: its own fragment, a keyed fragment, or the whole app (also
        for a scope only known at run time)."""
        request = api.rerun_request(call)
        site = Site(key.path, call.site)
        after = self._maybe_stopped
        app = self._app_scope(scope).id
        if request.scope is RerunScope.FRAGMENT and scope.kind == ScopeKind.FRAGMENT:
            self.triggers.append(Trigger(TriggerKind.RERUN, site, scope.id, note='st.rerun(scope="fragment")', after_stop=after))
        elif request.scope is RerunScope.KEY and request.key is not None:  # a KEY request always has its key
            target = self._keyed_scope(request.key, app)
            self.triggers.append(
                Trigger(TriggerKind.RERUN, site, target.id if target else app, key=request.key,
                        note=f'st.rerun("{request.key}")', after_stop=after)
            )
        else:
            kind = "fragment" if request.scope is RerunScope.FRAGMENT else "app"
            self.triggers.append(Trigger(TriggerKind.RERUN, site, app, note=f'st.rerun(scope="{kind}")', after_stop=after))

    def _app_scope(self, scope: Scope) -> Scope:
        return app_scope(self.scopes, scope)

    def _keyed_scope(self, key: str, app: str | None = None) -> Scope | None:
        return keyed_scope(self.scopes, self.model, key, app)

    def _navigation_pages(self, key, call: CallSite, scope: Scope, stack) -> None:
        """`st.Page(func)` / `st.Page("pages/x.py")`: the page runs after the navigation script."""
        if not call.args:
            return
        page = call.args[0]
        # one page runs per run: a page's st.stop() concerns that page, not the pages listed after it
        saved = self._maybe_stopped
        if page.kind == ValueKind.REF and page.ref is not None:
            resolved = self.index.resolve(key.path, key.qualname, page.ref)
            if resolved.kind == TargetKind.FUNCTION and not resolved.rest:
                self._run_function(FunctionKey(resolved.path or key.path, resolved.name), scope, "main", (), stack)
        elif page.kind == ValueKind.STR and isinstance(page.literal, str) and page.literal.endswith(".py"):
            path = os.path.normpath(os.path.join(os.path.dirname(scope.entry or key.path), page.literal))
            if self.index.module(path) is not None:
                self._run_function(FunctionKey(path, MODULE_SCOPE), scope, "main", (), stack)
        self._maybe_stopped = saved

    def _collect_fragment_triggers(self) -> None:
        for scope in self.scopes.values():
            if scope.kind == ScopeKind.FRAGMENT and scope.run_every is not None and scope.call is not None:
                self.triggers.append(
                    Trigger(TriggerKind.TIMER, scope.call, scope.id, interval_seconds=scope.interval_seconds,
                            note=f"run_every={scope.run_every[1]!r}", after_stop=scope.after_stop)
                )

def _element_and_container(target, container: str | None) -> tuple[str, str | None]:
    """The API a Streamlit call names (`button` in `st.sidebar.button`, `write` in `box.write`)
    and the container it draws into (`container`, the one in force, for a plain `st.write`)."""
    if target.rest:
        return target.rest[-1], denoted_container(target) or target.name.rsplit(".", 1)[-1]
    parts = target.name.split(".")
    where = parts[0] if len(parts) == 2 and parts[0] in api.ROOT_CONTAINERS else container
    return parts[-1], where


def _str_literal(value: Value) -> str | None:
    """The text of a string argument (its summary keeps literals untyped)."""
    return value.literal if isinstance(value.literal, str) else None


@dataclass(frozen=True)
class Walk:
    """What one walk finds: the same on every release that agrees on the facts it read."""

    entries: list[str]
    scopes: dict[str, Scope]
    drawn: list[Drawn]
    triggers: list[Trigger]
    nested_dialogs: list[NestedDialog]

    def at(self, version: Version) -> Interpretation:
        """The walk as the interpretation of one release (whose rerun plans read its facts)."""
        return Interpretation(self.entries, self.scopes, self.drawn, self.triggers, version, self.nested_dialogs)


def walk(index: ProjectIndex, model: FragmentModel, facts: WalkFacts, paths: list[str]) -> Walk:
    """The walk of the entry scripts among `paths`; `facts.read` then says what it depends on."""
    return Interpreter(index, model, facts).run(paths)


def interpret(index: ProjectIndex, model: FragmentModel, version: Version, paths: list[str]) -> Interpretation:
    return walk(index, model, WalkFacts(version), paths).at(version)
