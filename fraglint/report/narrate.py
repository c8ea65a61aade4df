"""Narration: what reruns when a call fires, said in words (the editor's hover).

A renderer like the other report modules: it is handed the interpreter's plans (or the
fragment model) and a way to name a function's lines, and only phrases them.
"""

from __future__ import annotations

from fraglint.index.summary import CALL, ITEM, CallSite


def rerun_effect(trigger: dict) -> str:
    """`redraws 6, 5 frozen, 1 pile up`: what one trigger's rerun does to the page, as the
    `scopes` text and HTML formats say it (from a trigger of `scopes_document`)."""
    text = f"redraws {len(trigger['redraws'])}, {trigger['frozen']} frozen"
    return text + (f", {len(trigger['piles_up'])} pile up" if trigger["piles_up"] else "")


def describe_from_interpreter(interpretation, path: str, call: CallSite, lines_of) -> str | None:
    """The hover text from the interpreter: the triggers at this call and what each reruns.

    Used when the buffer is an entry script; a helper module (imported elsewhere) falls back
    to `describe_rerun`.
    """
    from fraglint.model.fragments import Site

    site = Site(path, call.site)

    def where(key) -> str:
        found = lines_of(key)
        return f" ({found[0]}, lines {found[1]}-{found[2]})" if found else ""

    started = [scope for scope in interpretation.scopes.values() if scope.kind == "fragment" and scope.call == site]
    lines = [_started_scope(scope, interpretation, where) for scope in started]
    for trigger in interpretation.triggers:
        if trigger.site == site and trigger.kind in ("widget", "form", "callback", "rerun"):
            lines.append(_fired_trigger(trigger, interpretation.rerun_plan(trigger), where))
    return "\n\n".join(dict.fromkeys(lines)) or None


def _started_scope(scope, interpretation, where) -> str:
    """A fragment (or dialog) call: what starts here and what reruns it on its own."""
    fired_by = [t for t in interpretation.triggers if t.scope == scope.id and t.kind in ("widget", "form", "timer")]
    kinds = sorted({"its `run_every` timer" if t.kind == "timer" else "a widget inside it" for t in fired_by})
    return (
        f"**{'Opens' if scope.dialog else 'Starts'} {scope.what}**{where(scope.function)}\n\n"
        f"Reruns only `{scope.name}` when {' or '.join(kinds) or 'it is rerun'} fires; "
        "the rest of the page keeps what it drew. A full rerun of the app runs this call again."
    )


def _fired_trigger(trigger, plan, where) -> str:
    """A widget, form, callback or st.rerun call: what its rerun covers and does to the page."""
    label = f" `{trigger.label}`" if trigger.label else ""
    if plan.trigger.callback_stop is not None and not plan.trigger.callback_stop.conditional:
        return _cancelled_trigger(trigger, label)
    what = "reruns the whole app"
    if plan.scope.kind == "fragment":
        what = f"reruns {plan.scope.what}{where(plan.scope.function)}, not the whole app"
    verb = {"widget": "Interacting", "form": "Submitting", "callback": "Its callback", "rerun": "This call"}[trigger.kind]
    return f"**`st.{trigger.widget or 'rerun'}`{label}**: {verb} {what} ({_plan_effect(plan)})."


def _cancelled_trigger(trigger, label: str) -> str:
    """The hover of a widget whose callback surely calls `st.stop()`."""
    return (f"**`st.{trigger.widget}`{label}**: Its callback calls `st.stop()`: the interaction's rerun is "
            "cancelled, no part of the script reruns.")


def _plan_effect(plan) -> str:
    """`3 elements redrawn; 2 elsewhere stay as drawn`: the hover's account of a rerun plan."""
    parts = [f"{len(plan.redrawn)} element{'s' if len(plan.redrawn) != 1 else ''} redrawn"]
    if plan.scope.kind == "fragment":
        parts.append(f"{len(plan.frozen)} elsewhere {'stay' if len(plan.frozen) != 1 else 'stays'} as drawn")
    if plan.piled:
        parts.append(f"{len(plan.piled)} {'pile' if len(plan.piled) != 1 else 'piles'} up in a container outside the fragment")
    return "; ".join(parts)


def describe_rerun(model, key, call: CallSite, lines_of) -> str | None:
    """The hover text for a call: what reruns when it fires. The one place to switch to the interpreter.

    `lines_of(function_key)` gives (relative path, first line, last line) of a function.
    """
    from fraglint.model import streamlit_api as api

    def where(fragment_key) -> str:
        found = lines_of(fragment_key)
        return f" ({found[0]}, lines {found[1]}-{found[2]})" if found else ""

    fragment = model.called_scope(key, call)
    if fragment is not None:
        timer = " or its `run_every` timer fires" if fragment.kwarg("run_every") is not None else ""
        return (
            f"**{'Opens' if fragment.dialog else 'Starts'} {fragment.what}**{where(fragment.function)}\n\n"
            f"When a widget inside `{fragment.name}` is used{timer}, Streamlit reruns only "
            f"`{fragment.name}`; the rest of the page keeps what it drew. A full rerun of the app "
            "runs this call again."
        )
    target = model.target(key, call)
    if target.kind != "streamlit":
        return None
    element = target.rest[-1] if target.rest else target.name.rsplit(".", 1)[-1]
    if element in (CALL, ITEM) or not api.is_widget(element):
        return None
    inside = model.fragment_reach.get(key, [])
    outside = key in model.app_reach
    lines = []
    for fragment in inside:
        lines.append(f"Interacting reruns {fragment.what}{where(fragment.function)}, not the whole app.")
    if outside or not inside:
        lines.append(
            "Interacting reruns the whole app"
            + (" when this runs outside a fragment." if inside else ": this widget is outside every fragment.")
        )
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
    if scope.get("rerun_by_parent") and scope.get("parent") in by_id:
        lines.append(dialog_in_fragment_effect(by_id[scope["parent"]]["name"]))
    if scope.get("first_run_arguments"):
        lines.append(first_run_arguments_effect())
    return lines


def trigger_effects(trigger: dict) -> list[str]:
    """What the scopes text and HTML add to one trigger's line."""
    timer_name = trigger["scope"]["name"] or ""
    found = [callback_stop_effect(trigger), orphaned_timer_effect(trigger, timer_name)]
    return [text for text in found if text]
