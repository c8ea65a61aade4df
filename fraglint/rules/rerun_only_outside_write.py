"""FRG118 rerun-only-outside-write."""

from __future__ import annotations

from collections import deque
from functools import cached_property
from typing import Iterator

from fraglint.diagnostics import Severity
from fraglint.index.project import FunctionKey
from fraglint.index.summary import CALL, CallSite, Condition, Value
from fraglint.model import streamlit_api as api
from fraglint.model import versions
from fraglint.model.fragments import Fragment, Site, Write
from fraglint.rules.base import CheckContext, Example, Finding, Rule, outside_write_related
from fraglint.rules.outside_container_write import is_parallel


class RerunOnlyOutsideWrite(Rule):
    """A fragment draws into a container made outside it only in a branch a full run can skip.

    ## What it does
    Flags an element or widget that a fragment draws (in its body or through helpers) into a
    container created outside the fragment (a module-level or enclosing `st.container()`,
    columns, tabs, an `st.empty()` placeholder, `st.sidebar`, `st.bottom`, a container passed
    in, also through `with box:`), when every draw of that fragment into that container lies
    in the body of an `if` or `while` whose condition is false on a full run and can turn true
    in a rerun of the fragment. fraglint knows three such conditions:

    - a button, form submit button or chat input drawn in the fragment (`if st.button(...)`,
      or `if clicked:` after `clicked = st.button(...)`): true only in the fragment rerun that
      the click or the submit starts;
    - a checkbox, toggle, text input, text area, multiselect, pills, segmented control, file
      uploader, camera or audio input drawn in the fragment with its false, empty or `None`
      starting value (no `value=`/`default=`, no `key=` that session state presets): false
      until the user changes it, and changing it reruns only the fragment;
    - session state (`st.session_state.k`, `["k"]`, `.get("k")`, `"k" in st.session_state`)
      that changes between full runs: set inside a branch of fragment code or by the callback
      of a widget drawn in a fragment, or the `key=` of a widget of the first two kinds drawn
      in a fragment.

    `a and b`, `x is not None` and `(x := ...)` count when one part is such a value. A draw in
    an `else` branch, under `not` or `or`, under any other condition or under none may happen
    on the full run and reserve the fragment's slot: then nothing is reported for that
    container.

    ## Why is this bad?
    From Streamlit 1.59, a fragment draws into an outside container through a slot that it
    reserves there the first time it draws into that container during a full run. Every full
    run clears the slots. A fragment rerun that draws into an outside container where the
    fragment drew nothing during the last full run finds no slot, and Streamlit raises
    (`StreamlitAPIException`; `StreamlitInvalidLayoutContextError` from 1.63). The slot belongs
    to the fragment: the app drawing into the same container during the full run reserves
    nothing for it. Before 1.59 the element piles up instead (`outside-container-write`).

    Session state that some code may set to anything but a literal false, empty or None value
    (an assignment outside the fragment's branches, `st.session_state.setdefault("k", True)`)
    may be true on a full run: the rule stays silent on conditions that read it.

    Limits: fraglint does not know values. A condition that is in fact true on every full run
    for another reason (session state set from a loaded file, say) is still reported; draws kept off
    the full run in other ways (an early `return`, a loop over an empty list, a condition on
    data the fragment loads) are not. Columns or tabs made by one call count as one container,
    so a draw into one of them on every run hides the others, and a helper that draws into its
    parameter counts as drawing on the full run if any of its calls does.

    ## Example
    ```python
    results = st.container()

    @st.fragment
    def search():
        if st.button("Search"):
            results.write(run_query())  # raises in the click's rerun
    ```

    ## Use instead
    Reserve the slot on every run, inside the fragment, and fill it later:
    ```python
    results = st.container()

    @st.fragment
    def search():
        slot = results.empty()
        if st.button("Search"):
            slot.write(run_query())
    ```
    Or create the container inside the fragment.
    """

    code = "FRG118"
    name = "rerun-only-outside-write"
    severity = Severity.ERROR
    facts = ("outside-first-write-in-rerun-raises",)
    reads = ("parallel-outside-write-raises",)

    VALID = [
        Example(
            """
import streamlit as st

st.session_state.setdefault("show", True)
box = st.container()

@st.fragment
def panel():
    if st.button("Hide"):
        st.session_state.show = False
    if st.session_state.show:
        box.write("shown on full runs too")

panel()
""",
            version="1.59.0",
        ),
        Example(
            """
import streamlit as st

box = st.container()
slot = st.empty()
pair = st.container()

@st.fragment
def search():
    box.write("drawn on every run: the fragment's slot is reserved")
    reserved = slot.empty()
    if st.button("Search"):
        box.write("fills the reserved slot")
        reserved.write("inside a placeholder the fragment makes on every run")
    if st.button("Toggle"):
        pair.caption("one branch")
    else:
        pair.caption("or the other, on every run")

search()
""",
        ),
        Example(
            """
import streamlit as st

rows_area = st.container()
flag_area = st.container()
hide_area = st.container()
show = st.checkbox("Show details")

@st.fragment
def details(rows):
    if rows:
        rows_area.write(rows)
    if show:
        flag_area.caption("an app widget: changing it reruns the whole app")
    if not st.button("Hide"):
        hide_area.caption("drawn on every full run")

details([1, 2])
""",
        ),
        Example(
            """
import streamlit as st

box = st.container()

@st.fragment
def search():
    if st.button("Search"):
        box.write("piles up before 1.59 instead")

search()
""",
            version="1.58.0",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

box = st.container()
slot = st.empty()
st.session_state.setdefault("clicks", 0)

def show(target, text):
    target.markdown(text)

@st.fragment
def search():
    if st.button("Search"):
        st.session_state.clicks += 1
        box.write("first drawn in a rerun")
        with st.sidebar:
            st.caption("the sidebar too")
    if st.session_state.clicks and (query := st.text_input("Query")):
        show(slot, query)

search()
box.write("the app's own write reserves nothing for the fragment")
""",
            lines=(8, 14, 16),
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        parallel_raises = versions.holds("parallel-outside-write-raises", ctx.version)
        seen: set[Site] = set()
        for fragment in ctx.model.fragments.values():
            if parallel_raises and is_parallel(fragment):
                continue  # parallel-fragment-outside-write: any outside draw raises there
            reading = _Guards(ctx, fragment)
            by_container: dict[tuple, list[tuple[Write, tuple[Site, str] | None]]] = {}
            for write in ctx.model.writes(fragment):
                container = write.container
                if container is None or not container.outside or container.made_inside:
                    continue
                if reading.created_inside(container.origin_site) or reading.into_new_child(write):
                    continue  # `reserved = box.empty()` in the fragment: its draw into `box` is what counts
                key = (container.api, container.origin, container.origin_site)
                by_container.setdefault(key, []).append((write, reading.skipped_on_full_run(write)))
            for writes in by_container.values():
                if any(guard is None for _, guard in writes):
                    continue  # a draw that may run on the full run reserves the slot
                for write, guard in writes:
                    if write.site() not in seen:
                        seen.add(write.site())
                        yield self.finding(fragment, write, guard)

    def finding(self, fragment: Fragment, write: Write, guard: tuple[Site, str]) -> Finding:
        container = write.container
        condition_site, reason = guard
        related = ((condition_site, f"a full run can skip this branch: {reason}"),) + outside_write_related(write)
        return Finding(
            write.site(),
            f"`{write.element}` inside fragment `{fragment.name}` draws into {container.how}, created outside "
            f"the fragment, only in a branch that a full run can skip ({reason}); a fragment rerun that draws "
            "there after such a full run raises, as the fragment reserved no slot in that container (draw into "
            "it on every run, e.g. `slot = container.empty()` before the condition, then fill `slot`)",
            related=related,
            scope_facts=(
                f"a rerun of `{fragment.name}` may draw into {container.how} only if `{fragment.name}` drew "
                "there during the last full run",
            ),
        )


class _Guards:
    """Which draws of one fragment only happen in a branch that full runs skip, and why."""

    def __init__(self, ctx: CheckContext, fragment: Fragment) -> None:
        self.ctx = ctx
        self.reach = ctx.model.reach(fragment.function)
        self.start = fragment.function
        self._reasons: dict[tuple[FunctionKey, int], str | None] = {}

    def created_inside(self, origin: Site | None) -> bool:
        """A child container made while the fragment runs (`reserved = box.empty()` in its body).

        It lies inside the fragment's slot in the outside container, so drawing into it needs
        no slot of its own; the call that made it is itself a draw into the outside container.
        """
        if origin is None:
            return False
        found = self.ctx.index.call_at(origin.path, origin.site)
        return found is not None and (origin.path, found[0].qualname) in self.reach

    def into_new_child(self, write: Write) -> bool:
        """`box.empty().write(...)`: drawn into a container the same expression makes."""
        if write.call.receiver_call is None:
            return False
        found = self.ctx.index.call_at(write.function[0], write.call.receiver_call)
        if found is None or not found[1].func or found[1].func[-1] not in api.CONTAINERS:
            return False
        return self.ctx.model.target(write.function, found[1]).kind == "streamlit"

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
        for condition_site, arm in call.guards:
            if arm != 0:
                continue
            reason = self._reason(key, condition_site)
            if reason is not None:
                return Site(key[0], condition_site), reason
        return None

    @cached_property
    def unguarded_reach(self) -> set[FunctionKey]:
        """Functions the fragment reaches through at least one chain of calls outside such branches."""
        found = {self.start}
        queue = deque([self.start])
        while queue:
            current = queue.popleft()
            for call, callee, _ in self.ctx.model.edges.get(current, ()):
                if callee is None or callee in found or self.guard_of(current, call) is not None:
                    continue
                found.add(callee)
                queue.append(callee)
        return found

    def _reason(self, key: FunctionKey, condition_site: int) -> str | None:
        cache_key = (key, condition_site)
        if cache_key not in self._reasons:
            function = self.ctx.index.function(key)
            condition: Condition | None = function.conditions.get(condition_site) if function else None
            reasons = (self._value_reason(key, value) for value in (condition.requires if condition else ()))
            self._reasons[cache_key] = next((r for r in reasons if r is not None), None)
        return self._reasons[cache_key]

    def _value_reason(self, key: FunctionKey, value: Value) -> str | None:
        """Why one value a condition requires is false on a full run, or None if it may be true."""
        index, model = self.ctx.index, self.ctx.model
        shown = f"`{_spelled(value.ref)}`"
        if value.call_site is not None:
            found = index.call_at(key[0], value.call_site)
            name = model.streamlit_call(key, found[1]) if found else None
            return self._call_reason(found[1], name, shown) if name else None
        state = model.state_key(key[0], key[1], value.ref)
        if state is not None:
            return self._state_reason(state, shown)
        target = index.resolve(key[0], key[1], value.ref)
        if target.kind != "streamlit" or target.rest != (CALL,) or target.call is None:
            return None
        if target.origin not in self.reach:
            return None  # drawn by the app: changing it reruns the whole app
        found = index.call_at(*target.call)
        return self._call_reason(found[1], target.name, f"{shown} (`st.{target.name}(...)`)") if found else None

    def _call_reason(self, call: CallSite, name: str, shown: str) -> str | None:
        widget = api.method_name(name)
        if name == "session_state.get":
            key = call.args[0] if call.args else None
            default = call.args[1] if len(call.args) > 1 else call.kwargs.get("default")
            if key is None or key.kind != "str" or not _falsy(default):
                return None
            return self._state_reason(str(key.literal), shown)
        if widget in api.MOMENTARY_WIDGETS:
            return f"{shown} is true only in the fragment rerun that using it starts"
        if widget not in api.FALSY_START or self._state_preset(call):
            return None
        argument = api.FALSY_START[widget]
        if argument is not None:
            keyword, position = argument
            given = call.kwargs.get(keyword)
            if given is None and position is not None and len(call.args) > position:
                given = call.args[position]
            if not _falsy(given):
                return None
        return f"{shown} starts out empty, and changing it reruns only the fragment"

    def _state_preset(self, call: CallSite) -> bool:
        """A widget whose `key=` is also assigned in session state may start from that value."""
        key = call.kwargs.get("key")
        if key is None or key.kind != "str":
            return key is not None
        return any(how == "assignment" for _, _, how in self.ctx.model.state_writers.get(str(key.literal), ()))

    def _state_reason(self, state: str, shown: str) -> str | None:
        """Session state that a fragment rerun can change: code inside a fragment writes it, or a
        callback of a widget drawn inside one (a callback of an app widget runs before a full run)."""
        model = self.ctx.model
        if self._preset_true(state):
            return None
        for function, site, how in model.state_writers.get(state, ()):
            inside = model.fragment_reach.get(function)
            if inside and how == "widget" and self._widget_starts_false(function, site):
                return f"{shown} is the value of a widget in fragment `{inside[0].name}` that starts out false or empty"
            if inside and how == "assignment" and self._conditional_store(function, site):
                return f"{shown} is set in fragment `{inside[0].name}`, between full runs"
            for owner in model.callback_owners.get(function, ()):
                inside = model.fragment_reach.get(owner)
                if inside:
                    return f"{shown} is set by a callback of a widget in fragment `{inside[0].name}`, between full runs"
        return None

    def _preset_true(self, state: str) -> bool:
        """Might a full run find the key already true? Any assignment of a value that is not a
        literal false, empty or None (except those in a fragment's branches, the changes between
        runs this rule looks for), or `st.session_state.setdefault(key, <such a value>)`."""
        model, index = self.ctx.model, self.ctx.index
        for function, site, how in model.state_writers.get(state, ()):
            if how != "assignment":
                continue
            summary = index.function(function)
            for at, _, guards, value in summary.stores if summary else ():
                if at == site.site and not _falsy(value) and not (guards and model.fragment_reach.get(function)):
                    return True
        return any(not _falsy(default) for default in model.state_defaults.get(state, ()))

    def _widget_starts_false(self, key: FunctionKey, site: Site) -> bool:
        found = self.ctx.index.call_at(site.path, site.site)
        name = self.ctx.model.streamlit_call(key, found[1]) if found else None
        return name is not None and self._call_reason(found[1], name, "") is not None

    def _conditional_store(self, key: FunctionKey, site: Site) -> bool:
        """An assignment in a branch: a fragment that sets the key on every run, full runs
        included, may well set it before the condition reads it."""
        function = self.ctx.index.function(key)
        return function is not None and any(guards for at, _, guards, _ in function.stores if at == site.site)


def _falsy(value: Value | None) -> bool:
    """No value given, or a literal False, None, 0 or ""."""
    if value is None or value.kind == "none":
        return True
    return value.kind in ("bool", "num", "str") and not value.literal


def _spelled(ref) -> str:
    text = ".".join(ref or ("?",)).replace(".()", "()").replace(".[", "[")
    return text.replace("()", "(...)")
