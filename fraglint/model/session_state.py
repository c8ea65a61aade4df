"""Session state: which literal keys the code reads, sets and presets, and where.

Session state carries values across reruns, so it is how a fragment's rerun changes what
other code sees: a key written only by a fragment's reruns is stale for code that runs only on
full runs (`stale-fragment-argument`), and a key set between full runs can turn a condition
true only in a fragment rerun (`rerun-only-outside-write`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from fraglint.index.project import FunctionKey, ProjectIndex, Target, TargetKind
from fraglint.index.summary import CALL, Value, ValueKind, literal_key
from fraglint.model import streamlit_api as api
from fraglint.model.call_graph import CallGraph
from fraglint.model.callbacks import callback_functions
from fraglint.model.fragments import Site
from fraglint.model.resolution import CallTargets

# `st.session_state.<name>` attributes that are methods, not keys.
_METHODS = frozenset({"get", "setdefault", "pop", "keys", "items", "values", "to_dict", "update", "clear"})


class WriteKind(Enum):
    """How code writes a session-state key (the value is the phrase messages use)."""

    ASSIGNMENT = "assignment"  # `st.session_state.k = ...`, `st.session_state["k"] = ...`
    WIDGET = "widget"  # a widget's `key="k"`: its value is stored under the key


@dataclass(frozen=True)
class StateWriter:
    """One place that writes a session-state key."""

    function: FunctionKey
    site: Site
    how: WriteKind


class SessionState:
    """Session-state keys: readers are resolved on demand, writers and defaults once."""

    def __init__(self, index: ProjectIndex, calls: CallTargets, graph: CallGraph) -> None:
        self.index = index
        self.calls = calls
        self.graph = graph

    def state_key(self, path: str, scope: str, ref) -> str | None:
        """The session-state key a name chain reads (`st.session_state.k`, `["k"]`, `.get("k")`)."""
        target = self.index.resolve(path, scope, ref)
        if target.kind != TargetKind.STREAMLIT or not target.name.startswith("session_state"):
            return None
        parts = target.name.split(".")
        if len(parts) == 2 and parts[1] not in _METHODS:
            return parts[1] if not target.rest or target.rest[0] != CALL else None
        if len(parts) == 1 and target.rest and target.rest[0].startswith("["):
            return literal_key(target.rest[0])
        if parts[1:] == ["get"]:
            return self._get_key(target)
        return None

    def _get_key(self, target: Target) -> str | None:
        """`st.session_state.get("k")`: the literal key of the call the chain makes."""
        if target.rest[:1] == (CALL,) and target.call is not None:
            made = self.index.call_at(*target.call)
            if made and made[1].args and made[1].args[0].kind == ValueKind.STR:
                return str(made[1].args[0].literal)
        return None

    @cached_property
    def defaults(self) -> dict[str, list[Value | None]]:
        """Key -> the defaults `st.session_state.setdefault(key, default)` gives it (None: no default given)."""
        found: dict[str, list[Value | None]] = {}
        for path, function in self.index.functions():
            for call in function.calls:
                if not call.func or call.func[-1] != "setdefault" or not call.args or call.args[0].kind != ValueKind.STR:
                    continue
                if self.calls.streamlit_call(FunctionKey(path, function.qualname), call) != "session_state.setdefault":
                    continue
                default = call.args[1] if len(call.args) > 1 else call.kwargs.get("default")
                found.setdefault(str(call.args[0].literal), []).append(default)
        return found

    @cached_property
    def writers(self) -> dict[str, list[StateWriter]]:
        """Key -> every widget key and assignment that writes it."""
        writers: dict[str, list[StateWriter]] = {}
        for path, function in self.index.functions():
            key = FunctionKey(path, function.qualname)
            for site, ref, _, _ in function.stores:
                state = self.state_key(path, function.qualname, ref)
                if state is not None:
                    writers.setdefault(state, []).append(StateWriter(key, Site(path, site), WriteKind.ASSIGNMENT))
            for call in function.calls:
                widget_key = call.kwargs.get("key")
                if widget_key is None or widget_key.kind != ValueKind.STR:
                    continue
                if self._draws_widget(key, call):
                    writer = StateWriter(key, Site(path, call.site), WriteKind.WIDGET)
                    writers.setdefault(str(widget_key.literal), []).append(writer)
        return writers

    def _draws_widget(self, key: FunctionKey, call) -> bool:
        """A call that draws a widget: `st.slider(...)`, `box.slider(...)`, `st.sidebar.slider(...)`."""
        name = self.calls.streamlit_call(key, call)
        if name is None and call.func:
            target = self.calls.target(key, call)
            name = target.rest[-1] if target.kind == TargetKind.STREAMLIT and target.rest else None
        if not name:
            return False
        return api.is_widget(api.method_name(name))

    def value_key(self, path: str, scope: str, value: Value) -> str | None:
        """The key a value reads: a name chain (`state_key`), or a call written in place,
        `st.session_state.get("k", default)`, whose value is not bound to any name."""
        if value.call_site is not None:
            found = self.index.call_at(path, value.call_site)
            if found is not None and self.calls.streamlit_call(FunctionKey(path, scope), found[1]) == "session_state.get":
                args = found[1].args
                return str(args[0].literal) if args and args[0].kind == ValueKind.STR else None
        if value.kind != ValueKind.REF or value.ref is None or value.ref[0].startswith("<"):
            return None
        return self.state_key(path, scope, value.ref)

    def fragments_alone_writing(
        self,
        state: str,
        caller: FunctionKey,
        owners: Mapping[FunctionKey, Sequence[FunctionKey]],
        app_rerunning: Set[FunctionKey] = frozenset(),
    ) -> set[str]:
        """Names of the fragments whose reruns alone write `state`, none of which reruns `caller`.

        `owners`: each widget callback with the functions that draw its widgets; a callback's
        write is made just before the rerun of the scope that draws its widget, so it counts as
        a write of those functions. `app_rerunning`: callbacks that call `st.rerun()`, which
        (from 1.63, `callback-rerun-reruns-app`) reruns the whole app after the write.
        Empty when any writer runs on a full run, outside every fragment, inside a fragment
        whose rerun re-evaluates `caller` too, or is followed by a whole-app rerun.
        """
        names: set[str] = set()
        for writer in self.writers.get(state, ()):
            if writer.function in self.graph.app_reach or writer.function in app_rerunning:
                return set()
            if writer.function in owners:
                drawers: Sequence[FunctionKey] = owners[writer.function]
            elif self._widget_reruns_app(writer, app_rerunning):
                return set()
            else:
                drawers = (writer.function,)
            for function in drawers:
                alone = self._fragments_alone(function, caller)
                if alone is None:
                    return set()
                names |= alone
        return names

    def _fragments_alone(self, function: FunctionKey, caller: FunctionKey) -> set[str] | None:
        """The fragments that run `function` when none reruns `caller` and no full run runs it."""
        inside = self.graph.fragment_reach.get(function)
        if function in self.graph.app_reach or not inside or any(fragment.dialog for fragment in inside):
            return None  # a dialog's write is mostly followed by st.rerun(): not recorded
        for fragment in inside:
            if caller in self.graph.reach(fragment.function):
                return None  # that fragment's reruns re-evaluate the call
        return {fragment.name for fragment in inside}

    def _widget_reruns_app(self, writer: StateWriter, app_rerunning: Set[FunctionKey]) -> bool:
        """A widget whose callback reruns the whole app after its change."""
        if writer.how is not WriteKind.WIDGET or not app_rerunning:
            return False
        found = self.index.call_at(writer.site.path, writer.site.site)
        if found is None:
            return False
        return any(callback in app_rerunning for callback in callback_functions(self.index, writer.function, found[1]))
