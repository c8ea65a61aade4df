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
    what = "reruns the whole app"
    if plan.scope.kind == "fragment":
        what = f"reruns {plan.scope.what}{where(plan.scope.function)}, not the whole app"
    verb = {"widget": "Interacting", "form": "Submitting", "callback": "Its callback", "rerun": "This call"}[trigger.kind]
    return f"**`st.{trigger.widget or 'rerun'}`{label}**: {verb} {what} ({_plan_effect(plan)})."


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
