"""The narrator: what reruns when a widget, timer, callback or `st.rerun` fires, said in words.

One module owns these sentences, so that the editor's hover, the `scopes` text and HTML formats
and the `full` format's `= scope:` lines say a rerun the same way. Each phrase is a function of
the interpreter's typed results (`Scope`, `Trigger`, `RerunPlan`), of the model's rerun causes
(`OwnRerun`), or of a finding's `ScopeNote`; a new plan element gets its phrase here, beside
the others. Like the other report modules it only phrases: what it is handed is already known.

* `effect(Effect.of(plan))`: what one rerun does to the page (`redraws 3 elements, keeps 2
  others as drawn`); `reruns(scope.what)`: which scope it reruns;
* `reruns_alone(name, causes)`: what reruns a fragment on its own;
* `describe_from_interpreter` / `describe_rerun`: the hover's Markdown;
* `scope_note(note)`: a finding's scope line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from fraglint.index.summary import CALL, ITEM, CallSite
from fraglint.model.fragments import Site
from fraglint.model.interpretation import Interpretation, RerunPlan, Scope, ScopeKind, Trigger, TriggerKind
from fraglint.model.own_reruns import OwnRerun
from fraglint.model.scope_notes import CallerNotRerun, OutsideContainerKept, OutsideSlotNeedsFullRun, ScopeNote

# `lines_of(function_key)`: (relative path, first line, last line) of a function, or None.
LinesOf = Callable[[object], "tuple[str, int, int] | None"]

_FIRED = {TriggerKind.WIDGET: "Interacting", TriggerKind.FORM: "Submitting", TriggerKind.CALLBACK: "Its callback", TriggerKind.RERUN: "This call"}
_OWN_CAUSE = {TriggerKind.WIDGET: OwnRerun.WIDGET, TriggerKind.FORM: OwnRerun.FORM, TriggerKind.TIMER: OwnRerun.TIMER}


class Effect(NamedTuple):
    """What one rerun does to the page, counted: the part of a `RerunPlan` the words say."""

    redrawn: int
    frozen: int  # elements of the same page left as drawn (a fragment's rerun only)
    piled: int  # outside writes that add a copy instead of replacing theirs
    fragment: bool  # the rerun is a fragment's (else the whole app's)

    @classmethod
    def of(cls, plan: RerunPlan) -> Effect:
        return cls(len(plan.redrawn), len(plan.frozen), len(plan.piled), plan.scope.kind == ScopeKind.FRAGMENT)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def effect(counts: Effect) -> str:
    """`redraws 3 elements, keeps 2 others as drawn, 1 piles up outside the fragment`."""
    parts = [f"redraws {_count(counts.redrawn, 'element', 'elements')}"]
    if counts.fragment:
        parts.append(f"keeps {_count(counts.frozen, 'other', 'others')} as drawn")
    if counts.piled:
        parts.append(f"{_count(counts.piled, 'piles', 'pile')} up outside the fragment")
    return ", ".join(parts)


def reruns(what: str) -> str:
    """`reruns the whole app`, `reruns fragment `x``: `what` is how the scope is named (`Scope.what`)."""
    return f"reruns {what}"


def reruns_alone(name: str, causes: Iterable[OwnRerun]) -> str:
    """`only `x` reruns when a widget inside it or its `run_every` timer fires`."""
    said = list(dict.fromkeys(causes))
    if not said:
        return f"nothing reruns `{name}` alone: only a full run of the app runs it"
    return f"only `{name}` reruns when {' or '.join(said)} fires"


def scope_note(note: ScopeNote) -> str:
    """A finding's scope line (the `full` format's `= scope:`)."""
    if isinstance(note, OutsideContainerKept):
        return (
            f"a rerun of `{note.fragment}` clears and redraws only its own container; {note.container} belongs "
            "to the scope that created it and is cleared only when that scope reruns"
        )
    if isinstance(note, OutsideSlotNeedsFullRun):
        return (
            f"a rerun of `{note.fragment}` may draw into {note.container} only if `{note.fragment}` drew there "
            "during the last full run"
        )
    if isinstance(note, CallerNotRerun):
        return f"{reruns_alone(note.fragment, [note.cause])}; `{note.caller}`, which uses the value, is not re-run"
    names = ", ".join(f"`{name}`" for name in note.writers)  # ArgumentsNotReevaluated, the last kind
    alone = f"fragment {names} reruns alone" if len(note.writers) == 1 else f"fragments {names} rerun alone"
    return f"arguments of `{note.fragment}` are evaluated in `{note.caller}`, which reruns only on a full run; {alone}"


# -- hover --------------------------------------------------------------------------------------


def _where(lines_of: LinesOf, key) -> str:
    found = lines_of(key)
    return f" ({found[0]}, lines {found[1]}-{found[2]})" if found else ""


def _started(what: str, name: str, dialog: bool, causes: Iterable[OwnRerun], where: str) -> str:
    """A fragment (or dialog) call: what starts here and what reruns it on its own."""
    return (
        f"**{'Opens' if dialog else 'Starts'} {what}**{where}\n\n"
        f"{_sentence(reruns_alone(name, causes))}; the rest of the page keeps what it drew. "
        "A full rerun of the app runs this call again."
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fired(trigger: Trigger, plan: RerunPlan, lines_of: LinesOf, switched: bool) -> str:
    """A widget, form, callback or st.rerun call: what its rerun covers and does to the page."""
    label = f" `{trigger.label}`" if trigger.label else ""
    if plan.trigger.callback_stop is not None and not plan.trigger.callback_stop.conditional:
        return _cancelled_trigger(trigger, label)
    if switched and trigger.callback_switch is not None:
        page = trigger.callback_switch.label  # as written: the hover has no project root to show a path from
        return (f"**`st.{trigger.widget}`{label}**: Its callback calls `st.switch_page()`: {page} runs in full "
                "instead, nothing of this page reruns.")
    what = reruns(plan.scope.what)
    if plan.scope.kind == ScopeKind.FRAGMENT:
        what += f"{_where(lines_of, plan.scope.function)}, not the whole app"
    return f"**`st.{trigger.widget or 'rerun'}`{label}**: {_FIRED[trigger.kind]} {what}: {effect(Effect.of(plan))}."


def _cancelled_trigger(trigger: Trigger, label: str) -> str:
    """The hover of a widget whose callback surely calls `st.stop()`."""
    return (f"**`st.{trigger.widget}`{label}**: Its callback calls `st.stop()`: the interaction's rerun is "
            "cancelled, no part of the script reruns.")


def describe_from_interpreter(interpretation: Interpretation, path: str, call: CallSite, lines_of: LinesOf) -> str | None:
    """The hover text at a call of an entry script (the buffer at `path`): the scopes it starts,
    the triggers it is. A helper module (imported elsewhere) falls back to `describe_rerun`."""
    site = Site(path, call.site)
    lines = [
        _started(scope.what, scope.name or "", scope.dialog, _own_causes(interpretation, scope), _where(lines_of, scope.function))
        for scope in interpretation.scopes.values()
        if scope.kind == ScopeKind.FRAGMENT and scope.call == site
    ]
    lines += [
        _sentence(unawaited(call.dialog, call.name, "", scope.what, call.run_every)) + "."
        for scope in interpretation.scopes.values() for call in scope.unawaited if call.call == site
    ]
    for trigger in interpretation.triggers:
        if trigger.site == site and trigger.kind in _FIRED:
            lines.append(_fired(trigger, interpretation.rerun_plan(trigger), lines_of, interpretation.switches_page(trigger)))
    return "\n\n".join(dict.fromkeys(lines)) or None


def _own_causes(interpretation: Interpretation, scope: Scope) -> list[OwnRerun]:
    kinds = {t.kind for t in interpretation.triggers if t.scope == scope.id}
    return [cause for kind, cause in _OWN_CAUSE.items() if kind in kinds]


def describe_rerun(model, key, call: CallSite, lines_of: LinesOf) -> str | None:
    """The hover text from the fragment model, for a call the interpreter does not reach (a
    helper module imported elsewhere): the fragment it starts, or the scopes a widget reruns."""
    from fraglint.model import streamlit_api as api

    fragment = model.called_scope(key, call)
    if fragment is not None:
        causes = [OwnRerun.WIDGET] + ([OwnRerun.TIMER] if fragment.kwarg("run_every") is not None else [])
        return _started(fragment.what, fragment.name, fragment.dialog, causes, _where(lines_of, fragment.function))
    target = model.target(key, call)
    if target.kind != "streamlit":
        return None
    element = target.rest[-1] if target.rest else target.name.rsplit(".", 1)[-1]
    if element in (CALL, ITEM) or not api.is_widget(element):
        return None
    inside = model.fragment_reach.get(key, [])
    lines = [f"Interacting {reruns(fragment.what)}{_where(lines_of, fragment.function)}, not the whole app." for fragment in inside]
    if key in model.app_reach or not inside:
        where = " when this runs outside a fragment." if inside else ": this widget is outside every fragment."
        lines.append(f"Interacting {reruns('the whole app')}{where}")
    return f"**`st.{element}`**\n\n" + "\n\n".join(lines)


# -- what a rerun does beyond rerunning a scope (`scopes` text, HTML and Mermaid; from the document) --


def _at(where: dict) -> str:
    return f"{where['path']}:{where['line']}"


def callback_stop_effect(trigger: dict) -> str | None:
    """A callback's `st.stop()`: the interaction's rerun is cancelled, and what stays on the page."""
    stop = trigger.get("callback_stop")
    if not stop:
        return None
    if stop["conditional"]:
        return f"its callback may call st.stop() ({_at(stop)}): then the interaction's rerun is cancelled"
    if trigger["scope"]["kind"] == "app":
        kept = "the page is left empty"
    elif trigger["clears"]:
        kept = f"fragment `{trigger['scope']['name']}`'s elements are cleared, the rest of the page stays"
    else:
        kept = "the page keeps what it showed"
    whose = "this" if trigger["kind"] == "callback" else "its"
    return f"{whose} callback calls st.stop() ({_at(stop)}): the interaction's rerun is cancelled; {kept}"


def switched(trigger: dict) -> bool:
    """A callback's sure `st.switch_page` replaces the trigger's rerun with the target page (1.63+)."""
    switch = trigger.get("callback_switch")
    return switch is not None and bool(switch["switches"]) and not switch["conditional"]


def callback_switch_effect(trigger: dict) -> str | None:
    """A callback's `st.switch_page`: the target page runs instead (1.63+), or nothing (a no-op)."""
    switch = trigger.get("callback_switch")
    if not switch:
        return None
    whose = "this" if trigger["kind"] == "callback" else "its"
    page = switch["target"] or switch["page"]
    if not switch["switches"]:
        return (f"{whose} callback's st.switch_page at {_at(switch)} is a no-op before 1.63: the callback ends "
                "there and the page does not switch")
    if switch["conditional"]:
        return f"{whose} callback may call st.switch_page ({_at(switch)}): then {page} runs in full instead"
    return f"{whose} callback calls st.switch_page ({_at(switch)}): nothing of this page reruns, it goes"


def orphaned_timer_effect(trigger: dict, timer_name: str) -> str | None:
    """A timer an outer fragment's rerun may stop starting: does it keep ticking?"""
    orphaned = trigger.get("orphaned")
    if not orphaned:
        return None
    outer = orphaned["outer"]["name"]
    if orphaned["keeps_running"]:
        return (f"the timer of `{timer_name}` keeps ticking after `{outer}` stops calling it, and its elements stay "
                f"({orphaned['releases']})")
    return f"the timer of `{timer_name}` stops, and its elements go, when a rerun of `{outer}` does not call it"


def switch_page_effect(switch: dict) -> str:
    """`st.switch_page(...)`: the run ends there and the target page runs in full."""
    page = switch["target"] or switch["page"]
    when = " when reached" if switch["conditional"] else ""
    return f"switch_page at {_at(switch)} ends this run{when}: it runs {page} in full"


def nested_dialog_effect(nested: dict) -> str:
    """A dialog opened while a dialog's body runs."""
    return (f"opening dialog `{nested['dialog']}` at {_at(nested)} raises before drawing anything "
            "(\"Dialogs may not be nested inside other dialogs.\")")


def async_scope_effect(call: dict, scope: dict) -> str:
    """A fragment or dialog made from an `async def`: no scope of its own (FRG124)."""
    where = "the whole app" if scope["kind"] == "app" else f"`{scope['name']}`"
    return unawaited(call["dialog"], call["name"], f" called at {_at(call)}", where, call["run_every"])


def unawaited(dialog: bool, name: str, at: str, where: str, run_every: bool) -> str:
    """`fragment `x` called at app.py:9 is an async def: ...`, for the scopes text and the hover."""
    what = "dialog" if dialog else "fragment"
    timer = "; its run_every never runs it" if run_every else ""
    return (f"{what} `{name}`{at} is an async def: Streamlit returns its coroutine unawaited, so no {what} "
            f"scope starts; its body runs here only when awaited, and its widgets rerun {where}{timer}")


def dialog_in_fragment_effect(parent_name: str | None) -> str:
    """A dialog opened from a fragment before 1.37 is a fragment nested in it."""
    return (f"opened from fragment `{parent_name}` before 1.37: a nested fragment, its widgets rerun "
            f"`{parent_name}` and its body is not drawn again")


def first_run_arguments_effect() -> str:
    """1.37.x reruns a fragment with the arguments of the session's first full run."""
    return "its reruns use the arguments of the session's first full run, not the last one's (1.37.x)"


def scope_effects(scope: dict, by_id: dict) -> list[str]:
    """What the scopes text and HTML say about one scope besides its triggers."""
    lines = [switch_page_effect(switch) for switch in scope.get("switches", ())]
    lines += [nested_dialog_effect(nested) for nested in scope.get("nested_dialogs", ())]
    lines += [async_scope_effect(call, scope) for call in scope.get("unawaited", ())]
    if scope.get("rerun_by_parent") and scope.get("parent") in by_id:
        lines.append(dialog_in_fragment_effect(by_id[scope["parent"]]["name"]))
    if scope.get("first_run_arguments"):
        lines.append(first_run_arguments_effect())
    return lines


def trigger_effects(trigger: dict) -> list[str]:
    """What the scopes text and HTML add to one trigger's line."""
    timer_name = trigger["scope"]["name"] or ""
    found = [callback_stop_effect(trigger), callback_switch_effect(trigger), orphaned_timer_effect(trigger, timer_name)]
    return [text for text in found if text]
