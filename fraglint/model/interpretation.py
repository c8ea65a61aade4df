"""What the rerun interpreter finds: scopes, what each full run draws, and the triggers.

Plain data, built by `model.interpreter` and read by the renderers (`fraglint scopes`), the
language server's hover and the rules; `Interpretation.rerun_plan` answers what one trigger
reruns, redraws, freezes and piles up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from packaging.version import Version

from fraglint.index.project import FunctionKey
from fraglint.index.summary import Kind
from fraglint.model import run_every, versions
from fraglint.model.fragments import Fragment, Site

CALLBACK_SWITCH = "callback-switch-page-runs-target-page"


class ScopeKind(Kind):
    APP = "app"
    FRAGMENT = "fragment"


class DrawnKind(Kind):
    WIDGET = "widget"
    ELEMENT = "element"
    CONTAINER = "container"


class TriggerKind(Kind):
    """What makes a scope rerun."""

    WIDGET = "widget"
    FORM = "form"
    TIMER = "timer"
    RERUN = "rerun"
    CALLBACK = "callback"


@dataclass(frozen=True, slots=True)
class Stop:
    """An `st.stop()` call: it ends the run of `scope` (and, during a full run, the whole run)."""

    site: Site
    scope: str  # the scope whose code calls it
    conditional: bool  # inside a branch or loop, or a helper called from one: the run may go on


@dataclass
class Scope:
    id: str  # "app" or "fragment:<n>"
    kind: ScopeKind
    function: FunctionKey  # the fragment function, or the entry module's `MODULE_SCOPE`
    name: str | None = None
    call: Site | None = None  # the call that starts this instance
    parent: str | None = None
    run_every: tuple[str, object] | None = None  # (kind, literal) of run_every, if any
    chain: tuple[Site, ...] = ()  # call sites from the entry script to this instance
    functions: list[FunctionKey] = field(default_factory=list)  # code that runs in this scope
    children: list[str] = field(default_factory=list)
    entry: str = ""  # the entry script this scope belongs to
    stops: list[Stop] = field(default_factory=list)  # st.stop() calls this scope's code runs
    after_stop: Stop | None = None  # a conditional st.stop() the full run meets before this instance
    dialog: bool = False  # an `@st.dialog` opened here: its body runs as a fragment
    conditional: bool = False  # started under a branch or loop (here or around its parent): a full run may skip it
    branch_call: bool = False  # its own call is under a branch or loop of the parent's run: a parent rerun may skip it
    rerun_by_parent: bool = False  # a dialog opened from a fragment before 1.37: its widgets rerun the parent
    has_arguments: bool = False  # its call passes arguments (1.37.x reruns it with the first full run's)
    switches: list[SwitchPage] = field(default_factory=list)  # st.switch_page calls this scope's code runs
    nested_dialogs: list[NestedDialog] = field(default_factory=list)  # dialogs opened here that raise
    unawaited: list[AsyncScopeCall] = field(default_factory=list)  # async fragments called here: not scopes

    @property
    def what(self) -> str:
        """How text names the scope: "the whole app", "fragment `x`", "dialog `x`"."""
        if self.kind == ScopeKind.APP:
            return "the whole app"
        return f"{'dialog' if self.dialog else 'fragment'} `{self.name}`"

    @property
    def interval_seconds(self) -> float | None:
        return run_every.parse(*self.run_every).interval if self.run_every is not None else None


class Drawing(NamedTuple):
    """What a Streamlit call draws, the same in every context the walk meets its site in: one
    record per distinct value, shared by each `Drawn` (a few per hundred sites are distinct)."""

    element: str  # the API (`button` in `st.sidebar.button`)
    where: str | None  # the container the call names (`st.sidebar.x`, `box.x`), else None: the one in force
    kind: DrawnKind
    label: str | None
    key: str | None
    callback: FunctionKey | None


@dataclass(slots=True)
class Drawn:
    """One element, widget or container that a full run draws (a large project's run draws
    hundreds of thousands: what its call site draws is the shared `drawing`)."""

    id: int
    drawing: Drawing
    site: Site
    scope: str
    container: str = "main"
    outside: bool = False  # drawn by a fragment into a container created outside it
    in_form: bool = False
    after_stop: Stop | None = None  # a conditional st.stop() the full run meets before drawing it
    conditional: bool = False  # under a branch or loop of its scope's run: a run may not draw it

    @property
    def api(self) -> str:
        return self.drawing.element

    @property
    def kind(self) -> DrawnKind:
        return self.drawing.kind

    @property
    def label(self) -> str | None:
        return self.drawing.label

    @property
    def key(self) -> str | None:
        return self.drawing.key

    @property
    def callback(self) -> FunctionKey | None:
        return self.drawing.callback


@dataclass(slots=True)
class Trigger:
    kind: TriggerKind
    site: Site
    scope: str  # the scope that reruns
    widget: str | None = None
    label: str | None = None
    key: str | None = None
    interval_seconds: float | None = None
    callback: FunctionKey | None = None
    note: str = ""
    after_stop: Stop | None = None  # a conditional st.stop() the full run meets before the trigger
    rerun_call: Site | None = None  # the callback's st.rerun that decides the scope
    callback_stop: Stop | None = None  # an st.stop() the callback reaches: the interaction's rerun is cancelled
    callback_switch: SwitchPage | None = None  # an st.switch_page() the callback reaches (see callback_stops)
    orphan_of: str | None = None  # (a timer) the fragment whose rerun may stop calling it


@dataclass
class RerunPlan:
    trigger: Trigger
    scope: Scope
    functions: list[FunctionKey]
    redrawn: list[Drawn]
    frozen: list[Drawn]
    piled: list[Drawn]
    cut_short: set[int] = field(default_factory=set)  # ids of redrawn elements a stop in this rerun may skip
    skipped: set[int] = field(default_factory=set)  # ids of redrawn elements of scopes this rerun may not start
    cleared: list[Drawn] = field(default_factory=list)  # removed from the page by a cancelled rerun


@dataclass(frozen=True)
class SwitchPage:
    """An `st.switch_page(...)` call: it ends the run and runs the target page in full."""

    site: Site
    target: str | None  # the page's path when the argument names a file of the project
    label: str  # the argument as written (a path, or the name of an `st.Page`)
    conditional: bool


@dataclass(frozen=True)
class AsyncScopeCall:
    """A call of a fragment or dialog made from an `async def` (fact `async-fragment-unsupported`).

    Streamlit returns the coroutine unawaited, so no fragment scope starts: the body runs in the
    caller's scope if something awaits it, its widgets rerun that scope, and `run_every` never
    runs it (oracle: async_fragment, every recorded release)."""

    call: Site
    name: str
    dialog: bool
    run_every: bool  # it declares run_every, which never runs it


@dataclass(frozen=True)
class NestedDialog:
    """A dialog opened while another dialog's body runs (directly, or through calls)."""

    call: Site  # the call that opens the inner dialog
    inner: Fragment  # the inner dialog
    outer: Fragment  # the dialog whose body is running
    outer_call: Site  # the call that opened it
    chain: tuple[Site, ...]  # call sites from the outer dialog's opening to `call`


@dataclass
class Interpretation:
    entries: list[str]
    scopes: dict[str, Scope]
    drawn: list[Drawn]
    triggers: list[Trigger]
    version: Version
    nested_dialogs: list[NestedDialog] = field(default_factory=list)

    @cached_property
    def drawn_by_scope(self) -> dict[str, list[Drawn]]:
        found: dict[str, list[Drawn]] = {}
        for drawn in self.drawn:
            found.setdefault(drawn.scope, []).append(drawn)
        return found

    @cached_property
    def runs_calling(self) -> dict[FunctionKey, set[str]]:
        """Fragment function -> the app runs (app scope ids) that call it."""
        runs: dict[FunctionKey, set[str]] = {}
        for scope in self.scopes.values():
            if scope.kind == ScopeKind.FRAGMENT:
                runs.setdefault(scope.function, set()).add(self.app_of(scope.id))
        return runs

    def scope_of(self, scope_id: str) -> Scope:
        return self.scopes[scope_id]

    def descendants(self, scope_id: str) -> list[str]:
        found = [scope_id]
        for child in self.scopes[scope_id].children:
            found.extend(self.descendants(child))
        return found

    def app_of(self, scope_id: str) -> str:
        while self.scopes[scope_id].parent is not None:
            scope_id = self.scopes[scope_id].parent  # type: ignore[assignment]
        return scope_id

    def rerun_plan(self, trigger: Trigger) -> RerunPlan:
        scope = self.scopes[trigger.scope]
        inside = set(self.descendants(scope.id))
        app = self.app_of(scope.id)
        if trigger.callback_stop is not None and not trigger.callback_stop.conditional:
            return self._cancelled_plan(trigger, scope, inside, app)
        if self.switches_page(trigger):
            # the target page replaces this one: nothing of it reruns, all of it goes
            return RerunPlan(trigger, scope, [], [], [], [], cleared=_in_order(self._drawn_in_app(app)))
        piles = versions.holds("outside-writes-pile-up", self.version)
        functions: list[FunctionKey] = []
        for scope_id in sorted(inside, key=_scope_order):
            for key in self.scopes[scope_id].functions:
                if key not in functions:
                    functions.append(key)
        redrawn, frozen, piled = self._split(app, inside, piles and scope.kind == ScopeKind.FRAGMENT)
        # a conditional st.stop() counts only when this rerun runs it: a fragment rerun does
        # not run the stops of the script around the fragment
        cut_short = {d.id for d in redrawn if d.after_stop is not None and d.after_stop.scope in inside}
        skipped = {d.id for d in redrawn if self._started_in_branch(d.scope, scope.id)}
        return RerunPlan(
            trigger, scope, functions, _in_order(redrawn), _in_order(frozen), _in_order(piled), cut_short, skipped
        )

    def _split(self, app: str, inside: set[str], piles: bool) -> tuple[list[Drawn], list[Drawn], list[Drawn]]:
        """What the app run draws, as (redrawn, frozen, piled up) by a rerun of the scopes `inside`."""
        redrawn, frozen, piled = [], [], []
        for drawn in self._drawn_in_app(app):
            if drawn.scope not in inside:
                frozen.append(drawn)
            elif drawn.outside and piles and drawn.kind != DrawnKind.WIDGET:
                piled.append(drawn)
            else:
                redrawn.append(drawn)
        return redrawn, frozen, piled

    def _drawn_in_app(self, app: str) -> list[Drawn]:
        return [d for scope_id in self.descendants(app) for d in self.drawn_by_scope.get(scope_id, ())]

    def _started_in_branch(self, scope_id: str, rerun: str) -> bool:
        """Is a scope between `scope_id` and the rerunning scope started under a branch or loop?
        Then the rerun may not call it (nor draw what it draws)."""
        while scope_id != rerun and scope_id in self.scopes:
            scope = self.scopes[scope_id]
            if scope.branch_call:
                return True
            if scope.parent is None:
                break
            scope_id = scope.parent
        return False

    def switches_page(self, trigger: Trigger) -> bool:
        """Does the trigger's callback surely switch page (from 1.63; before, the call is a no-op)?"""
        switch = trigger.callback_switch
        return switch is not None and not switch.conditional and versions.holds(CALLBACK_SWITCH, self.version)

    def _cancelled_plan(self, trigger: Trigger, scope: Scope, inside: set[str], app: str) -> RerunPlan:
        """`st.stop()` in the callback: nothing reruns. A widget outside fragments leaves the page
        empty; one in a fragment keeps the page (its fragment's elements are cleared before 1.38)."""
        drawn = self._drawn_in_app(app)
        clears = scope.kind == ScopeKind.APP or versions.holds("stop-in-fragment-callback-clears-fragment", self.version)
        cleared = [d for d in drawn if clears and d.scope in inside]
        gone = {d.id for d in cleared}
        frozen = [d for d in drawn if d.id not in gone]
        return RerunPlan(trigger, scope, [], [], _in_order(frozen), [], cleared=_in_order(cleared))


def _in_order(drawn: list[Drawn]) -> list[Drawn]:
    return sorted(drawn, key=lambda d: d.id)  # drawing order


def _scope_order(scope_id: str) -> tuple[int, int]:
    if scope_id.startswith("app"):
        return (0, int(scope_id.split(":")[1]) if ":" in scope_id else 0)
    return (1, int(scope_id.split(":")[1]))
