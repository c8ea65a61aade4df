"""`fraglint scopes`: what reruns when the user acts, as text, JSON, Mermaid or HTML.

All four formats render one plain data model (`scopes_document`), built from the
interpreter's answer and the spans of the files involved, which the engine hands over
(`engine.interpret_project`): this module only renders. JSON schema: docs/scopes-schema.md.
Labels and paths come from the project: every renderer makes them printable or valid
Unicode (`fraglint.safe_text`) before writing them.
"""

from __future__ import annotations

import html
import os
from collections.abc import Set as AbstractSet
from typing import TextIO, cast

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from fraglint.index.facts import span_of
from fraglint.model import versions
from fraglint.model.fragments import Site
from fraglint.model.interpretation import CALLBACK_SWITCH
from fraglint.model.interpreter import Scope
from fraglint.report import RenderOptions, indented_json
from fraglint.report.narrate import Effect, effect, reruns, scope_effects, switched, trigger_effects
from fraglint.result import ScopesReport
from fraglint.safe_read import SOURCE_LIMIT, Unreadable, read_file
from fraglint.safe_text import printable, printable_data

SCHEMA_VERSION = 1
FIRST_RUN_ARGUMENTS = "fragment-rerun-first-run-arguments"
ORPHANED_TIMER = "orphaned-timer-keeps-running"


def scopes_document(report: ScopesReport, paths: list[str], options: RenderOptions) -> dict:
    """The interpreter's answer as JSON-ready data (the `--format json` output)."""
    interpretation = report.interpretation
    locate = _Locator(report, options)
    return {
        "schema_version": SCHEMA_VERSION,
        "streamlit_version": str(report.version),
        "entries": [options.display_path(e) for e in interpretation.entries],
        "scopes": [_scope_entry(scope, locate) for scope in interpretation.scopes.values()],
        "triggers": [_trigger_entry(trigger, locate) for trigger in interpretation.triggers],
    }


class _Locator:
    """Turns the interpreter's sites and function keys into display paths and lines.

    A function's range and an element's entry are made once and shared by every trigger that
    lists them (the document is read-only once made), which is what keeps the document, and
    writing it (`indented_json`), in proportion to what differs between triggers.
    """

    def __init__(self, report: ScopesReport, options: RenderOptions) -> None:
        self.report, self.options, self.facts = report, options, report.facts
        self.line_counts = {path: (len(f.text.splitlines()) if f else 0) for path, f in self.facts.items()}
        self._ranges: dict = {}
        self._drawn: dict[tuple[int, bool, bool], dict] = {}  # (id of a Drawn, cut short, skipped)

    def where(self, site: Site | None, part: str = "primary") -> tuple[str | None, int | None]:
        if site is None:
            return None, None
        span = span_of(self.facts.get(site.path), site.site, part)
        return self.options.display_path(site.path), span.line if span else None

    def location(self, site: Site | None) -> dict | None:
        if site is None:
            return None
        path, line = self.where(site)
        return {"path": path, "line": line}

    def function_range(self, key) -> dict:
        found = self._ranges.get(key)
        if found is None:
            found = self._ranges[key] = self._function_range(key)
        return found

    def _function_range(self, key) -> dict:
        path, qualname = key
        display = self.options.display_path(path)
        if qualname == "<module>":
            return {"name": "<module>", "path": display, "start_line": 1, "end_line": self.line_counts.get(path, 0)}
        function = self.report.function(key)
        span = span_of(self.facts.get(path), function.site, "secondary") if function else None
        return {
            "name": qualname,
            "path": display,
            "start_line": span.line if span else None,
            "end_line": span.end_line if span else None,
        }

    def scope_ref(self, scope: Scope) -> dict:
        if scope.kind == "fragment":
            path, line = self.where(scope.call)
        else:
            path, line = self.options.display_path(scope.entry), None
        return {"id": scope.id, "kind": scope.kind, "name": scope.name, "path": path, "line": line}

    def drawn_ref(self, drawn, cut_short: AbstractSet[int] = frozenset(), skipped: AbstractSet[int] = frozenset()) -> dict:
        memo = (id(drawn), drawn.id in cut_short, drawn.id in skipped)
        found = self._drawn.get(memo)
        if found is None:
            found = self._drawn[memo] = self._drawn_ref(drawn, cut_short, skipped)
        return found

    def _drawn_ref(self, drawn, cut_short: AbstractSet[int], skipped: AbstractSet[int]) -> dict:
        path, line = self.where(drawn.site)
        return {
            "element": drawn.api, "kind": drawn.kind, "label": drawn.label, "path": path, "line": line,
            "container": drawn.container, "after_stop": drawn.id in cut_short,
            "conditional": drawn.conditional or drawn.id in skipped,
        }

    def definition(self, scope: Scope) -> dict | None:
        if scope.kind != "fragment":
            return None
        function = self.report.function(scope.function)
        if function is None:
            return None
        path, line = self.where(Site(scope.function[0], function.site))
        return {"path": path, "line": line}


def _scope_entry(scope: Scope, locate: _Locator) -> dict:
    """One scope of the document: where it starts, what it runs, where st.stop() ends it."""
    return {
        **locate.scope_ref(scope),
        "dialog": scope.dialog,
        "parent": scope.parent,
        "definition": locate.definition(scope),
        "run_every": _run_every_text(scope),
        "interval_seconds": scope.interval_seconds,
        "functions": [locate.function_range(key) for key in scope.functions],
        "children": list(scope.children),
        "stops": [{**(locate.location(stop.site) or {}), "conditional": stop.conditional} for stop in scope.stops],
        "after_stop": locate.location(scope.after_stop.site) if scope.after_stop else None,
        "rerun_by_parent": scope.rerun_by_parent,
        "switches": [_switch_entry(switch, locate) for switch in scope.switches],
        "nested_dialogs": [
            {**(locate.location(nested.call) or {}), "dialog": nested.inner.name} for nested in scope.nested_dialogs
        ],
        "unawaited": [
            {**(locate.location(call.call) or {}), "name": call.name, "dialog": call.dialog, "run_every": call.run_every}
            for call in scope.unawaited
        ],
        "first_run_arguments": (
            scope.has_arguments and not scope.dialog and versions.holds(FIRST_RUN_ARGUMENTS, locate.report.version)
        ),
    }


def _switch_entry(switch, locate: _Locator) -> dict:
    """`st.switch_page(...)` in a scope: the page that then runs in full."""
    target = locate.options.display_path(switch.target) if switch.target else None
    return {**(locate.location(switch.site) or {}), "page": switch.label, "target": target,
            "conditional": switch.conditional}


def _trigger_entry(trigger, locate: _Locator) -> dict:
    """One trigger of the document with its rerun plan: what reruns, redraws, freezes, piles up."""
    plan = locate.report.interpretation.rerun_plan(trigger)
    path, line = locate.where(trigger.site)
    return {
        "kind": trigger.kind,
        "widget": trigger.widget,
        "label": trigger.label,
        "key": trigger.key,
        "path": path,
        "line": line,
        "scope": locate.scope_ref(plan.scope),
        "interval_seconds": trigger.interval_seconds,
        "callback": trigger.callback[1] if trigger.callback else None,
        "note": trigger.note or None,
        "reruns": [locate.function_range(key) for key in plan.functions],
        "redraws": [locate.drawn_ref(d, plan.cut_short, plan.skipped) for d in plan.redrawn],
        "frozen": len(plan.frozen),
        "piles_up": [locate.drawn_ref(d, plan.cut_short) for d in plan.piled],
        "after_stop": locate.location(trigger.after_stop.site) if trigger.after_stop else None,
        "rerun_call": locate.location(trigger.rerun_call),
        "callback_stop": _callback_stop(trigger, locate),
        "callback_switch": _callback_switch(trigger, locate),
        "clears": [locate.drawn_ref(d) for d in plan.cleared],
        "orphaned": _orphaned(trigger, locate),
    }


def _callback_stop(trigger, locate: _Locator) -> dict | None:
    """The `st.stop()` the callback reaches: `conditional` false when it cancels the rerun for sure."""
    stop = trigger.callback_stop
    return {**(locate.location(stop.site) or {}), "conditional": stop.conditional} if stop else None


def _callback_switch(trigger, locate: _Locator) -> dict | None:
    """The `st.switch_page` the callback reaches; `switches`: the release runs the target page
    (from 1.63), else the call is a no-op."""
    switch = trigger.callback_switch
    if switch is None:
        return None
    switches = versions.holds(CALLBACK_SWITCH, locate.report.version)
    return {**_switch_entry(switch, locate), "switches": switches}


def _orphaned(trigger, locate: _Locator) -> dict | None:
    """A timer whose outer fragment's rerun may stop starting it, and whether it then keeps ticking."""
    if trigger.orphan_of is None:
        return None
    outer = locate.report.interpretation.scopes[trigger.orphan_of]
    fact = versions.FACTS[ORPHANED_TIMER]
    return {"outer": locate.scope_ref(outer), "keeps_running": fact.holds(locate.report.version),
            "releases": fact.range_text()}


def _run_every_text(scope: Scope) -> str | None:
    if scope.run_every is None:
        return None
    kind, literal = cast(tuple, scope.run_every)  # (ValueKind, literal), see Scope.run_every
    return str(literal) if kind != "str" else repr(literal)


def _scope_label(scope: dict) -> str:
    if scope["kind"] == "app":
        return f"the whole app ({scope['path']})"
    at = f"{scope['path']}:{scope['line']}" if scope["line"] else scope["path"]
    return f"{_word(scope)} `{scope['name']}` (instance called at {at})"


def _word(scope: dict) -> str:
    return "dialog" if scope.get("dialog") else "fragment"


def _trigger_title(trigger: dict, located: bool = True) -> str:
    """`button 'Apply' (app.py:23)`; without the location where the reader already sees it."""
    at = f" ({trigger['path']}:{trigger['line']})" if located else ""
    if trigger["kind"] == "timer":
        return f"timer every {trigger['interval_seconds']}s{at}" if trigger["interval_seconds"] else f"timer{at}"
    if trigger["kind"] == "rerun":
        return f"{trigger['note']}{at}"
    label = f" {trigger['label']!r}" if trigger["label"] else ""
    if trigger["kind"] == "callback":
        return f"callback `{trigger['callback']}` of {trigger['widget']}{label}{at}"
    prefix = "form submit" if trigger["kind"] == "form" else trigger["widget"]
    return f"{prefix}{label}{at}"


def _rerun_target(trigger: dict, by_id: dict) -> str:
    """`the whole app`, ``fragment `filters` `` or ``dialog `confirm` ``: what a trigger reruns, named as
    `Scope.what` names it (the narrator phrases the rest)."""
    target = trigger["scope"]
    return "the whole app" if target["kind"] == "app" else f"{_word(by_id[target['id']])} `{target['name']}`"


def _effect(trigger: dict) -> Effect:
    """The counts of a trigger's rerun plan, read back from the document (see `_trigger_entry`)."""
    return Effect(len(trigger["redraws"]), trigger["frozen"], len(trigger["piles_up"]), trigger["scope"]["kind"] == "fragment")


def _scope_chip(scope: dict) -> str:
    """A scope's name in a legend or a graph: which entry's full run, or which fragment instance."""
    if scope["kind"] == "app":
        return f"app: full run of {scope['path']}"
    return f"{_word(scope)} {scope['name']} @ {scope['path']}:{scope['line']}"


# -- renderers ----------------------------------------------------------------------------------


def render_json(document: dict, out: TextIO) -> None:
    indented_json.dump(document, out)  # json.dump(valid_unicode_data(document), out, indent=2), faster
    out.write("\n")


def render_text(document: dict, out: TextIO, options: RenderOptions) -> None:
    document = cast(dict, printable_data(document))
    console = Console(file=out, force_terminal=options.color, no_color=not options.color, width=160, highlight=False)
    by_id = {scope["id"]: scope for scope in document["scopes"]}
    if not document["entries"]:
        console.print("No entry script found (an unimported file that uses Streamlit, a `pages/` script, or one named by `entry`).")
        return
    for scope in document["scopes"]:
        if scope["kind"] != "app":
            continue
        tree = Tree(Text(f"{scope['path']} (entry, Streamlit {document['streamlit_version']})", style="bold"))
        _add_scope(tree, scope, by_id, document)
        console.print(tree)


def _add_scope(node: Tree, scope: dict, by_id: dict, document: dict) -> None:
    style = "bold green" if scope["kind"] == "app" else "bold magenta"
    title = "app scope: a full run" if scope["kind"] == "app" else _scope_label(scope)
    if scope.get("run_every"):
        title += f", run_every={scope['run_every']}"
    branch = node.add(Text(title, style=style))
    runs = ", ".join(f"{f['name']} {f['path']}:{f['start_line']}-{f['end_line']}" for f in scope["functions"][:6])
    more = len(scope["functions"]) - 6
    branch.add(Text(f"runs: {runs}{f' and {more} more' if more > 0 else ''}", style="dim"))
    if scope.get("stops"):
        stops = ", ".join(f"{s['path']}:{s['line']}{' (conditional)' if s['conditional'] else ''}" for s in scope["stops"])
        branch.add(Text(f"st.stop() ends the run at: {stops}", style="dim"))
    for extra in scope_effects(scope, by_id):
        branch.add(Text(extra, style="yellow"))
    for trigger in document["triggers"]:
        if trigger["scope"]["id"] == scope["id"]:
            branch.add(_trigger_line(trigger, by_id))
    for child in scope["children"]:
        _add_scope(branch, by_id[child], by_id, document)


def _trigger_line(trigger: dict, by_id: dict) -> Text:
    """`widget: button 'Apply' (app.py:23) -> reruns the whole app; redraws 6, 5 frozen`."""
    verdict = f"-> {reruns(_rerun_target(trigger, by_id))}"
    detail = f"; {effect(_effect(trigger))}"
    if _cancelled(trigger):
        verdict, detail = "-> reruns nothing", ""
    elif switched(trigger):
        verdict, detail = f"-> runs {_page(trigger['callback_switch'])} in full", ""
    if trigger.get("rerun_call") or (trigger["note"] or "").startswith("its callback may"):
        detail += f"; {trigger['note']}"
    for extra in trigger_effects(trigger):
        detail += f"; {extra}"
    if trigger.get("after_stop"):
        detail += f"; only on runs past st.stop() at {trigger['after_stop']['path']}:{trigger['after_stop']['line']}"
    return Text.assemble((trigger["kind"] + ": ", "cyan"), _trigger_title(trigger), " ", (verdict, "bold"), detail)


def _page(switch: dict) -> str:
    return switch["target"] or switch["page"]


def _cancelled(trigger: dict) -> bool:
    """A callback's sure `st.stop()` cancels the trigger's rerun."""
    stop = trigger.get("callback_stop")
    return stop is not None and not stop["conditional"]


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def render_mermaid(document: dict, out: TextIO) -> None:
    """Left to right: one subgraph per entry's full run and per fragment instance, holding the
    widgets and timers that rerun it; short labels (a name and a line), details in the other formats."""
    document = cast(dict, printable_data(document))
    ids = {scope["id"]: f"S{index}" for index, scope in enumerate(document["scopes"])}
    by_scope: dict[str, list[tuple[int, dict]]] = {}
    for index, trigger in enumerate(document["triggers"]):
        by_scope.setdefault(trigger["scope"]["id"], []).append((index, trigger))
    by_id = {scope["id"]: scope for scope in document["scopes"]}
    lines = ["flowchart LR"]

    def subgraph(scope: dict, indent: str) -> None:
        if scope["kind"] == "app":
            title = f"app: {os.path.basename(scope['path'])}"
        else:
            title = f"{_word(scope)} {scope['name']}" + (f" every {scope['run_every']}" if scope.get("run_every") else "")
        lines.append(f'{indent}subgraph {ids[scope["id"]]}["{_mermaid_text(title)}"]')
        lines.append(f"{indent}  direction TB")
        for index, trigger in by_scope.get(scope["id"], []):
            lines.append(f'{indent}  T{index}(["{_mermaid_text(_short_trigger(trigger))}"])')
        for number, switch in enumerate(scope.get("switches", ())):
            page = os.path.basename(str(switch["target"] or switch["page"]))
            lines.append(f'{indent}  {ids[scope["id"]]}P{number}[/"{_mermaid_text(f"switch_page runs {page} in full")}"/]')
        for child in scope["children"]:
            subgraph(by_id[child], indent + "  ")
        lines.append(f"{indent}end")

    for scope in document["scopes"]:
        if scope["parent"] is None or scope["parent"] not in by_id:
            subgraph(scope, "  ")
    out.write("\n".join(lines) + "\n")


def _short_trigger(trigger: dict) -> str:
    """`button Apply app.py:23`: what fires and where; the subgraph it sits in says what reruns."""
    if trigger["kind"] == "timer":
        what = "timer"
    elif trigger["kind"] == "rerun":
        what = "st.rerun"
    elif trigger["kind"] == "callback":
        what = f"callback {trigger['callback']}"
    else:
        what = "form submit" if trigger["kind"] == "form" else str(trigger["widget"])
        if trigger["label"]:
            label = str(trigger["label"])
            what += f" {label[:24]}{'...' if len(label) > 24 else ''}"
    cancelled = ", cancelled by st.stop()" if _cancelled(trigger) else ""
    return f"{what} {os.path.basename(str(trigger['path']))}:{trigger['line']}{cancelled}"


_PALETTE = ["#e8f5e9", "#f3e5f5", "#e3f2fd", "#fff3e0", "#fce4ec", "#e0f7fa", "#f1f8e9", "#ede7f6"]


def render_html(document: dict, out: TextIO, options: RenderOptions) -> None:
    """One self-contained page: each file's source shaded by scope, widgets annotated."""
    colors = {scope["id"]: _PALETTE[i % len(_PALETTE)] for i, scope in enumerate(document["scopes"])}
    line_scope = _line_scopes(document)
    notes = _line_notes(document)
    files = sorted({path for path, _ in line_scope} | {path for path, _ in notes if path})
    parts = _html_head(document)
    for scope in document["scopes"]:
        parts.append(f"<span style='background:{colors[scope['id']]}'>{_html(_scope_chip(scope))}</span>")
    parts.append("</div>")
    for path in files:
        parts.append(f"<h2>{_html(path)}</h2><div class='file'>")
        for number, text in enumerate(_read(path, options), start=1):
            parts.append(_html_line(text, number, line_scope.get((path, number)), colors, notes.get((path, number), [])))
        parts.append("</div>")
    parts.append("</body></html>\n")
    out.write("".join(parts))


def _line_scopes(document: dict) -> dict[tuple[str, int], str]:
    """(path, line) -> the scope that runs it; a fragment's lines win over its entry's full run."""
    line_scope: dict[tuple[str, int], str] = {}
    for scope in sorted(document["scopes"], key=lambda s: s["kind"] != "app"):
        for function in scope["functions"]:
            if function["start_line"] and function["end_line"]:
                for line in range(function["start_line"], function["end_line"] + 1):
                    line_scope[(function["path"], line)] = scope["id"]
    return line_scope


def _line_notes(document: dict) -> dict[tuple[str, int], list[str]]:
    """(path, line) -> the badges of the triggers on that line."""
    by_id = {scope["id"]: scope for scope in document["scopes"]}
    notes: dict[tuple[str, int], list[str]] = {}
    for trigger in document["triggers"]:
        # The badge sits on the trigger's own line: it does not repeat the file and line.
        text = f"{_trigger_title(trigger, located=False)} {reruns(_rerun_target(trigger, by_id))}: {effect(_effect(trigger))}"
        if _cancelled(trigger):
            text = f"{_trigger_title(trigger, located=False)} reruns nothing"
        text = "; ".join([text, *trigger_effects(trigger)])
        notes.setdefault((trigger["path"], trigger["line"]), []).append(text)
    for scope in document["scopes"]:
        for extra, where in _scope_effect_places(scope, by_id):
            notes.setdefault((where["path"], where["line"]), []).append(extra)
    return notes


def _scope_effect_places(scope: dict, by_id: dict) -> list[tuple[str, dict]]:
    """Each scope effect with the line it belongs on: the call it is about, or the scope's call."""
    places = [*scope.get("switches", ()), *scope.get("nested_dialogs", ()), *scope.get("unawaited", ())]
    effects = scope_effects(scope, by_id)
    return [(effect, places[i] if i < len(places) else scope) for i, effect in enumerate(effects)]


def _html_head(document: dict) -> list[str]:
    """The page up to the open legend: style sheet, title, target release and entries."""
    return [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>fraglint scopes</title><style>",
        "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}pre{margin:0}",
        # The gutter and the code never shrink; badges wrap after them instead of squeezing them.
        ".line{display:flex;align-items:flex-start;font-family:ui-monospace,monospace;font-size:13px;white-space:pre}",
        ".no{flex:0 0 4em;color:#888;text-align:right;padding-right:1em;user-select:none}",
        ".line code{flex:0 0 auto}",
        ".notes{flex:1 1 12em;display:flex;flex-wrap:wrap;gap:.2em .5em;margin-left:1.5em;white-space:normal}",
        ".note{background:#263238;color:#fff;border-radius:4px;padding:0 .5em;font-family:system-ui}",
        ".legend span{display:inline-block;padding:.2em .6em;margin:.2em;border-radius:4px}",
        "h2{font-size:1.1rem;margin-top:2rem}</style></head><body>",
        f"<h1>What reruns when the user acts</h1><p>Target: Streamlit {_html(document['streamlit_version'])}. "
        f"Entries: {_html(', '.join(document['entries']))}.</p><div class='legend'>",
    ]


def _html_line(text: str, number: int, scope_id: str | None, colors: dict, notes: list[str]) -> str:
    """One source line, shaded by the scope that runs it, with its trigger badges."""
    background = colors.get(scope_id, "#fff") if scope_id else "#fff"
    badges = "".join(f"<span class='note'>{_html(n)}</span>" for n in notes)
    note = f"<span class='notes'>{badges}</span>" if badges else ""
    return (
        f"<div class='line' style='background:{background}' data-scope='{scope_id or ''}'>"
        f"<span class='no'>{number}</span><code>{_html(text) or ' '}</code>{note}</div>"
    )


def _html(text: str) -> str:
    return html.escape(printable(text))


def _read(display_path: str, options: RenderOptions) -> list[str]:
    path = display_path if os.path.isabs(display_path) else os.path.join(options.cwd, display_path)
    data = read_file(path, SOURCE_LIMIT)  # a file the check read; never a FIFO or a huge one
    return [] if isinstance(data, Unreadable) else data.decode("utf-8", "replace").splitlines()
