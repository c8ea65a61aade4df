"""Which draws of a fragment happen only in a branch that a full run skips, and why.

From 1.59 a fragment reserves its slot in an outside container by drawing there during a full
run; a rerun that draws there first raises (versions.py: `outside-first-write-in-rerun-raises`).
So what matters is whether a draw can happen on a full run. A static reader knows three kinds
of condition that are false on every full run and can turn true in a rerun of the fragment:
a momentary widget of the fragment (a button: true only in the rerun its click starts), a
widget of the fragment that starts out false or empty, and session state that only changes
between full runs (set in a fragment's branch, or by a callback of a fragment's widget).
A `for` loop is a branch too (its body runs only over data): looping over session state that
starts out empty, in a fragment whose `run_every` timer reruns it, keeps the draws off the
full run that finds no entries yet (a worker thread or a queue fills them between runs), and
so does `while not q.empty():` draining a queue in such a fragment.

The opposite question serves `st.rerun(scope="fragment")`, which raises on a full run (1.37+,
`rerun-fragment-scope-outside-raises`): can a test be TRUE on a full run? A static reader can
say so when the test compares a widget's value with something a full run reads afresh: the
widget keeps the user's choice across full runs, while a module-level dict, a constant or a
config loaded from a file starts over, so `selected != AGENT["llm"]` holds on the next full
run. It cannot hold when the other side is session state that code the fragment runs keeps
in step with the widget (`st.session_state.model = selected` before the rerun), and a test
that is false on every full run (the kinds above) never holds. Tests of any other shape are
left undecided, and undecided means silent: a finding needs every test on the way to the
call to be one that can hold.
"""

from __future__ import annotations

import weakref
from collections import deque
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from fraglint.index.project import FunctionKey, TargetKind
from fraglint.index.summary import CALL, CallSite, Condition, Value, ValueKind
from fraglint.model import streamlit_api as api
from fraglint.model.call_graph import Chain
from fraglint.model.containers import Write
from fraglint.model.fragments import Fragment, Site
from fraglint.model.session_state import WriteKind

if TYPE_CHECKING:
    from fraglint.model.fragment_model import FragmentModel


@dataclass(frozen=True)
class RerunOnlyWrite:
    """A draw into an outside container that no full run makes: `condition` is the `if` or
    `while` a full run skips, `reason` why it is false then."""

    write: Write
    condition: Site
    reason: str


class FullRunGuards:
    """The guards around one fragment's draws, read against what a full run can see."""

    def __init__(self, model: FragmentModel, fragment: Fragment) -> None:
        self.model = weakref.proxy(model)  # the model keeps its guards: no cycle to wait for the GC
        self.index = model.index
        self.reach = model.graph.reach(fragment.function)
        self.fragment = fragment
        self._reasons: dict[tuple[FunctionKey, int], str | None] = {}

    def rerun_only_writes(self) -> list[RerunOnlyWrite]:
        """Draws into outside containers where every draw of the fragment into that container
        is guarded: the fragment reserves no slot there on a full run."""
        by_container: dict[tuple, list[tuple[Write, tuple[Site, str] | None]]] = {}
        for write in self.model.containers.writes(self.fragment):
            container = write.container
            if container is None or not container.outside or container.made_inside:
                continue
            if self.created_inside(container.origin_site) or self.into_new_child(write):
                continue  # `reserved = box.empty()` in the fragment: its draw into `box` is what counts
            key = (container.api, container.origin, container.origin_site)
            by_container.setdefault(key, []).append((write, self.skipped_on_full_run(write)))
        found: list[RerunOnlyWrite] = []
        for writes in by_container.values():
            if all(guard is not None for _, guard in writes):  # a draw on the full run reserves the slot
                found.extend(RerunOnlyWrite(write, *guard) for write, guard in writes if guard is not None)
        return found

    def created_inside(self, origin: Site | None) -> bool:
        """A child container made while the fragment runs (`reserved = box.empty()` in its body).

        It lies inside the fragment's slot in the outside container, so drawing into it needs
        no slot of its own; the call that made it is itself a draw into the outside container.
        """
        if origin is None:
            return False
        found = self.index.call_at(origin.path, origin.site)
        return found is not None and (origin.path, found[0].qualname) in self.reach

    def into_new_child(self, write: Write) -> bool:
        """`box.empty().write(...)`: drawn into a container the same expression makes."""
        if write.call.receiver_call is None:
            return False
        path, _ = write.function
        found = self.index.call_at(path, write.call.receiver_call)
        if found is None or not found[1].func or found[1].func[-1] not in api.CONTAINERS:
            return False
        return self.model.calls.target(write.function, found[1]).kind == TargetKind.STREAMLIT

    def skipped_on_full_run(self, write: Write) -> tuple[Site, str] | None:
        """(condition, reason) when every way the fragment reaches this draw passes a branch
        that full runs skip; None when the draw may run on a full run."""
        own = self.guard_of(write.function, write.call)
        if own is not None:
            return own
        if write.function in self.unguarded_reach:
            return None
        for step in reversed(write.chain):
            found = self.guard_of(step.caller, step.call)
            if found is not None:
                return found
        return None

    def guard_of(self, key: FunctionKey, call: CallSite) -> tuple[Site, str] | None:
        """The first `if`/`while` body around `call` whose condition is false on a full run."""
        path, _ = key  # unpacked: callers may still pass a plain (path, qualname) tuple
        for condition_site, arm in call.guards:
            if arm != 0:
                continue
            reason = self._reason(key, condition_site)
            if reason is not None:
                return Site(path, condition_site), reason
        return None

    @cached_property
    def unguarded_reach(self) -> set[FunctionKey]:
        """Functions the fragment reaches through at least one chain of calls outside such branches."""
        start = self.fragment.function
        found = {start}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for edge in self.model.graph.out(current):
                callee = edge.callee
                if callee is None or callee in found or self.guard_of(current, edge.call) is not None:
                    continue
                found.add(callee)
                queue.append(callee)
        return found

    def _reason(self, key: FunctionKey, condition_site: int) -> str | None:
        cache_key = (key, condition_site)
        if cache_key not in self._reasons:
            function = self.index.function(key)
            condition: Condition | None = function.conditions.get(condition_site) if function else None
            reasons = (self._value_reason(key, value) for value in (condition.requires if condition else ()))
            found = next((r for r in reasons if r is not None), None)
            if found is None and condition is not None and condition.loop and condition.requires:
                found = self._loop_reason(key, condition.requires[0])
            if found is None and condition is not None and condition.forbids:
                found = self._drain_reason(key, condition.forbids[0])
            self._reasons[cache_key] = found
        return self._reasons[cache_key]

    def _loop_reason(self, key: FunctionKey, iterable: Value) -> str | None:
        """A `run_every` fragment looping over session state that starts out empty: entries that
        arrive between runs (from a worker thread, a queue, a callback) are drawn by a tick of
        the timer, not by the full run, which finds none."""
        every = self.fragment.kwarg("run_every")
        if every is None or every.kind == ValueKind.NONE:
            return None
        state = self.model.state.value_key(key.path, key.qualname, iterable)
        if state is None or self._preset_true(state) or not self._empty_default(key, iterable):
            return None
        return (
            f"`{_shown(iterable)}` is empty on a full run that finds no entries yet, and the "
            f"`run_every` timer of `{self.fragment.name}` reruns it once they arrive"
        )

    def _drain_reason(self, key: FunctionKey, value: Value) -> str | None:
        """`while not q.empty():` in a `run_every` fragment: a queue (anything but `st.empty`; also
        one kept in session state) that a worker fills between runs may hold nothing yet on the
        full run."""
        every = self.fragment.kwarg("run_every")
        if every is None or every.kind == ValueKind.NONE or value.call_site is None:
            return None
        if not value.ref or value.ref[-2:] != ("empty", CALL):
            return None
        found = self.index.call_at(key.path, value.call_site)
        if found is None:
            return None
        target = self.model.calls.target(key, found[1])
        if target.kind == TargetKind.STREAMLIT and not target.name.startswith("session_state."):
            return None  # `st.empty()`; a queue kept in session state is the app's own object
        return (
            f"`{_shown(value)}` may hold on the full run, before anything is queued, and the "
            f"`run_every` timer of `{self.fragment.name}` drains the queue on later ticks"
        )

    def _empty_default(self, key: FunctionKey, value: Value) -> bool:
        """`st.session_state.get("k")` or `.get("k", [])` (also through a name bound to it), or a
        plain `st.session_state.k`: what a full run reads when nothing filled the key."""
        site = value.call_site
        if site is None and value.kind == ValueKind.REF:
            target = self.index.resolve(key.path, key.qualname, value.ref)
            site = target.call[1] if target.call is not None and target.call[0] == key.path else None
        found = self.index.call_at(key.path, site) if site is not None else None
        if found is None or self.model.calls.streamlit_call(key, found[1]) != "session_state.get":
            return True
        call = found[1]
        return falsy(call.args[1] if len(call.args) > 1 else call.kwargs.get("default"))

    def _value_reason(self, key: FunctionKey, value: Value) -> str | None:
        """Why one value a condition requires is false on a full run, or None if it may be true."""
        path, qualname = key
        shown = f"`{_spelled(value.ref)}`"
        if value.call_site is not None:
            found = self.index.call_at(path, value.call_site)
            if found is None:
                return None
            name = self.model.calls.streamlit_call(key, found[1])
            return self._call_reason(found[1], name, shown) if name else None
        state = self.model.state.state_key(path, qualname, value.ref)
        if state is not None:
            return self._state_reason(state, shown)
        target = self.index.resolve(path, qualname, value.ref)
        if target.kind != TargetKind.STREAMLIT or target.rest != (CALL,) or target.call is None:
            return None
        if target.origin not in self.reach:
            return None  # drawn by the app: changing it reruns the whole app
        found = self.index.call_at(*target.call)
        return self._call_reason(found[1], target.name, f"{shown} (`st.{target.name}(...)`)") if found else None

    def _call_reason(self, call: CallSite, name: str, shown: str) -> str | None:
        widget = api.method_name(name)
        if name == "session_state.get":
            key = call.args[0] if call.args else None
            default = call.args[1] if len(call.args) > 1 else call.kwargs.get("default")
            if key is None or key.kind != ValueKind.STR or not falsy(default):
                return None
            return self._state_reason(str(key.literal), shown)
        if widget in api.MOMENTARY_WIDGETS:
            return f"{shown} is true only in the fragment rerun that using it starts"
        if widget not in api.FALSY_START or self._state_preset(call):
            return None
        if not falsy(_starting_value(call, widget)):
            return None
        return f"{shown} starts out empty, and changing it reruns only the fragment"

    def _state_preset(self, call: CallSite) -> bool:
        """A widget whose `key=` is also assigned in session state may start from that value."""
        key = call.kwargs.get("key")
        if key is None or key.kind != ValueKind.STR:
            return key is not None
        return any(w.how is WriteKind.ASSIGNMENT for w in self.model.state.writers.get(str(key.literal), ()))

    def _state_reason(self, state: str, shown: str) -> str | None:
        """Session state that a fragment rerun can change: code inside a fragment writes it, or a
        callback of a widget drawn inside one (a callback of an app widget runs before a full run)."""
        graph = self.model.graph
        if self._preset_true(state):
            return None
        for writer in self.model.state.writers.get(state, ()):
            inside = graph.fragment_reach.get(writer.function)
            if inside and writer.how is WriteKind.WIDGET and self._widget_starts_false(writer.function, writer.site):
                return f"{shown} is the value of a widget in fragment `{inside[0].name}` that starts out false or empty"
            if inside and writer.how is WriteKind.ASSIGNMENT and self._conditional_store(writer.function, writer.site):
                return f"{shown} is set in fragment `{inside[0].name}`, between full runs"
            for owner in self.model.callbacks.owners.get(writer.function, ()):
                inside = graph.fragment_reach.get(owner)
                if inside:
                    return f"{shown} is set by a callback of a widget in fragment `{inside[0].name}`, between full runs"
        return None

    def _preset_true(self, state: str) -> bool:
        """Might a full run find the key already true? Any assignment of a value that is not a
        literal false, empty or None (except those in a fragment's branches, the changes between
        runs this rule looks for), or `st.session_state.setdefault(key, <such a value>)`."""
        for writer in self.model.state.writers.get(state, ()):
            if writer.how is not WriteKind.ASSIGNMENT:
                continue
            summary = self.index.function(writer.function)
            in_fragment = bool(self.model.graph.fragment_reach.get(writer.function))
            for at, _, guards, value in summary.stores if summary else ():
                if at == writer.site.site and not falsy(value) and not (guards and in_fragment):
                    return True
        return any(not falsy(default) for default in self.model.state.defaults.get(state, ()))

    def _widget_starts_false(self, key: FunctionKey, site: Site) -> bool:
        found = self.index.call_at(site.path, site.site)
        if found is None:
            return False
        name = self.model.calls.streamlit_call(key, found[1])
        return name is not None and self._call_reason(found[1], name, "") is not None

    def _conditional_store(self, key: FunctionKey, site: Site) -> bool:
        """An assignment in a branch: a fragment that sets the key on every run, full runs
        included, may well set it before the condition reads it."""
        function = self.index.function(key)
        return function is not None and any(guards for at, _, guards, _ in function.stores if at == site.site)

    # -- conditions a full run can take (rerun-scope-outside-fragment) --------------------

    def true_on_full_run(self, function: FunctionKey, call: CallSite, chain: Chain) -> tuple[Site, str] | None:
        """(condition, why) when every `if`/`while` body around `call`, in `function` and on the
        chain from the fragment, has a test that can be true on a full run; None when any may
        not be (false on full runs, an `else`, a `try` handler, or a test no reader can judge)."""
        found: tuple[Site, str] | None = None
        for key, site_call in [(function, call), *((step.caller, step.call) for step in chain)]:
            if site_call.in_branch and not site_call.guards:
                return None  # a `try` handler or a `match` case: not a test we read
            for condition_site, arm in site_call.guards:
                why = self._true_reason(key, condition_site) if arm == 0 else None
                if why is None:
                    return None
                found = found or (Site(key.path, condition_site), why)
        return found

    def _true_reason(self, key: FunctionKey, condition_site: int) -> str | None:
        """Why a test can be true on a full run: it compares a widget's value, which the widget
        keeps across full runs, with a value a full run reads afresh (a constant, a module
        dict, a config) and not with session state the fragment keeps in step with it."""
        if self._reason(key, condition_site) is not None:
            return None  # false on every full run
        function = self.index.function(key)
        condition = function.conditions.get(condition_site) if function else None
        if condition is None or len(condition.compares) != 2:
            return None
        for mine, other in (condition.compares, reversed(condition.compares)):
            widget = self._kept_widget(key, mine)
            if widget is not None and not self._kept_in_step(key, other):
                return (
                    f"`{_shown(mine)}` ({widget}, which keeps its value across full runs) is compared "
                    f"with `{_shown(other)}`, which no session-state update keeps in step with it"
                )
        return None

    def _kept_widget(self, key: FunctionKey, value: Value) -> str | None:
        """The widget (not a button) whose value `value` is: `st.selectbox(...)` or a name bound to one."""
        if value.kind != ValueKind.REF or value.ref is None:
            return None
        path, qualname = key
        if value.call_site is not None:
            found = self.index.call_at(path, value.call_site)
            name = self.model.calls.streamlit_call(key, found[1]) if found else None
        else:
            target = self.index.resolve(path, qualname, value.ref)
            name = target.name if target.kind == TargetKind.STREAMLIT and target.rest == (CALL,) else None
        widget = api.method_name(name) if name else ""
        if not api.is_widget(widget) or widget in api.MOMENTARY_WIDGETS:
            return None
        return f"a {widget}"

    def _kept_in_step(self, key: FunctionKey, value: Value) -> bool:
        """Session state that code the fragment runs writes (a store, a widget's key): the
        fragment keeps it equal to its widget, so a full run finds the two agree."""
        state = self.model.state.value_key(key.path, key.qualname, value)
        if state is None:
            return False
        return any(writer.function in self.reach for writer in self.model.state.writers.get(state, ()))


def _shown(value: Value) -> str:
    if value.kind == ValueKind.REF and value.ref:
        return _spelled(value.ref)
    return repr(value.literal) if value.kind in (ValueKind.STR, ValueKind.NUM, ValueKind.BOOL) else "..."


def _starting_value(call: CallSite, widget: str) -> Value | None:
    """The argument that sets a widget's starting value (`value=`, `default=`), if given."""
    argument = api.FALSY_START[widget]
    if argument is None:
        return None
    keyword, position = argument
    given = call.kwargs.get(keyword)
    if given is None and position is not None and len(call.args) > position:
        given = call.args[position]
    return given


def falsy(value: Value | None) -> bool:
    """No value given, or a literal False, None, 0, "", [] or ()."""
    if value is None or value.kind in (ValueKind.NONE, ValueKind.EMPTY):
        return True
    return value.kind in (ValueKind.BOOL, ValueKind.NUM, ValueKind.STR) and not value.literal


def _spelled(ref) -> str:
    text = ".".join(ref or ("?",)).replace(".()", "()").replace(".[", "[")
    return text.replace("()", "(...)")
