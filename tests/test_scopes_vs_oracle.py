"""The interpreter's answer, checked against what real Streamlit releases re-executed.

The oracle (tests/oracle) recorded, for every release in its matrix, the markers each app printed
after each click and each `run_every` tick (tests/oracle/results/<release>.json). For every such
step this test asks `fraglint scopes` (in process, on the same case file, for the same release)
which scope the widget or timer reruns, and compares:

* a widget the interpreter says reruns the app must have re-run the whole script;
* a widget it says reruns fragment F must have re-run F, and not the whole script;
* a tick must re-run only fragments the interpreter lists as timers.

A widget with a callback may have two answers: its own trigger (the path through the callback
that takes no branch) and its callback trigger (the first `st.rerun` in the callback that changes
the scope, from 1.63); the runtime must match one of them, and when the two agree, that one.
A widget whose callback surely calls `st.stop()` reruns nothing: no scope may have run, what
the interpreter says the cancelled rerun clears must be gone and the rest of the page kept.
A widget whose callback calls `st.switch_page()` must have run the target page and nothing of
its own page where the interpreter says the release switches, and no page where it says the
call is a no-op.
Steps where the runtime raised are left out; the count of compared steps is asserted so the test
cannot silently compare nothing.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from fraglint.config import Settings
from fraglint.engine import build_project, interpret_project
from fraglint.model import versions
from fraglint.report import RenderOptions
from fraglint.report.scopes import scopes_document

ORACLE = Path(__file__).resolve().parent / "oracle"
RESULTS = sorted((ORACLE / "results").glob("*.json"))
# a dialog is a fragment: its body marks `dialog:<name>` where a fragment's marks `fragment:<name>`
SCOPE_MARKERS = ("fragment:", "dialog:")
# Cases whose recorded behaviour the interpreter does not model yet (issue 11). They are left out
# of the two comparisons below, and `test_known_gaps_still_disagree` fails once one of them
# agrees on every release, so the entry is removed when the model learns the behaviour.
KNOWN_GAPS: dict[str, str] = {}


_DOCUMENTS: dict[tuple[Path, tuple[bool, ...]], dict] = {}


def _document(case_file: Path, release: str) -> dict:
    """The scopes document for one case under one release. The interpreter sees a release only
    through the version facts, so releases with the same facts share one document (the 35
    recorded releases fall into about a dozen epochs)."""
    version = versions.parse_version(release)
    key = (case_file, tuple(fact.holds(version) for fact in versions.FACTS.values()))
    if key not in _DOCUMENTS:
        settings = Settings(root=str(case_file.parent), streamlit_version=version, cache=False)
        project = build_project([str(case_file)], settings, jobs=1)
        _DOCUMENTS[key] = scopes_document(interpret_project(project), [str(case_file)],
                                          RenderOptions(cwd=str(case_file.parent)))
    return _DOCUMENTS[key]


def _marker_names(case_file: Path) -> dict[str, str]:
    """`mark("fragment:int")` at the top of `tick_int` -> {"int": "tick_int"} (the test reads the app)."""
    names = {}
    for node in ast.walk(ast.parse(case_file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef):
            for statement in node.body:
                call = getattr(statement, "value", None)
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "mark" and call.args:
                    text = getattr(call.args[0], "value", "")
                    if isinstance(text, str) and text.startswith(SCOPE_MARKERS):
                        names[text.split(":")[1]] = node.name
    return names


def _family(document: dict, scope_id: str) -> set[str]:
    """Names of the fragment `scope_id` and the fragments nested in it (they rerun with it)."""
    by_id = {scope["id"]: scope for scope in document["scopes"]}
    names, todo = set(), [scope_id]
    while todo:
        scope = by_id[todo.pop()]
        if scope["name"]:
            names.add(scope["name"].rsplit(".", 1)[-1])
        todo.extend(scope["children"])
    return names


def _compare(release: str, case: dict, document: dict, marker_names: dict[str, str]) -> list[tuple[str, str, str]]:
    """(step, predicted, observed) for every comparable step of one case."""
    if not case["steps"] or case["steps"][0].get("exceptions"):
        return []
    widgets = {t["label"]: t for t in document["triggers"] if t["kind"] in ("widget", "form") and t["label"]}
    callbacks = {t["label"]: t for t in document["triggers"] if t["kind"] == "callback" and t["label"]}
    timers = {t["scope"]["name"] for t in document["triggers"] if t["kind"] == "timer"}
    compared = []
    for step in case["steps"][1:]:
        action = step.get("action")
        if not action or step.get("exceptions"):
            break  # after an exception the app state no longer follows the script
        markers = step.get("markers") or []
        ran = {m.split(":", 1)[1].split(":")[0] for m in markers if m.startswith(SCOPE_MARKERS)}
        ran = {marker_names.get(name, name) for name in ran}
        if action[0] == "wait":
            if ran:
                compared.append((step["step"], f"timers {sorted(timers)}", f"ran {sorted(ran)}"))
                assert ran <= timers, (release, case["case"], step["step"], ran, timers)
            continue
        label = action[1]
        trigger = widgets.get(label)
        if trigger is None or not markers:
            continue
        observed = "app" if "full-run" in markers else f"fragments {sorted(ran)}"
        if _cancelled(trigger):
            # st.stop() in the callback: no part of the script reruns
            compared.append((step["step"], "cancelled", observed))
            assert "full-run" not in markers and not ran, (release, case["case"], step["step"], markers)
            continue
        pages = [m for m in markers if m.startswith("page:")]
        if _switched(trigger):
            # st.switch_page() in the callback (1.63+): the target page runs, nothing of this one
            compared.append((step["step"], f"page {trigger['callback_switch']['target']}", str(pages)))
            assert pages and "full-run" not in markers and not ran, (release, case["case"], step["step"], markers)
            continue
        if trigger.get("callback_switch") and not trigger["callback_switch"]["switches"]:
            # a no-op before 1.63: the page does not switch, the widget's scope reruns (checked below)
            compared.append((step["step"], "no switch", str(pages)))
            assert not pages, (release, case["case"], step["step"], markers)
        callback = callbacks.get(label)
        if callback is not None and callback["scope"]["id"] != trigger["scope"]["id"]:
            answers = [trigger["scope"], callback["scope"]]
            names = ["app" if a["kind"] == "app" else a["name"].rsplit(".", 1)[-1] for a in answers]
            compared.append((step["step"], f"one of {names}", observed))
            matched = [
                name for name, answer in zip(names, answers, strict=True)
                if (name == "app" and "full-run" in markers)
                or (name != "app" and "full-run" not in markers and name in ran and ran <= _family(document, answer["id"]) | timers)
            ]
            assert matched, (release, case["case"], step["step"], names, markers)
            continue
        scope = trigger["scope"]
        if scope["kind"] == "app":
            compared.append((step["step"], "app", observed))
            assert "full-run" in markers, (release, case["case"], step["step"], markers)
        else:
            name = scope["name"].rsplit(".", 1)[-1]
            compared.append((step["step"], f"fragment {name}", observed))
            assert name in ran, (release, case["case"], step["step"], name, markers)
            if "full-run" not in markers:
                # no other fragment ran (a keyed st.rerun in a callback replaces the widget's rerun)
                assert ran <= _family(document, scope["id"]) | timers, (release, case["case"], step["step"], name, markers)
            else:
                # only an `st.rerun()` the fragment itself calls may turn its rerun into a full one
                escalates = any(t["kind"] == "rerun" and t["scope"]["kind"] == "app" for t in document["triggers"])
                own = [
                    i for i, m in enumerate(markers)
                    if m.startswith(SCOPE_MARKERS) and marker_names.get(m.split(":")[1], m.split(":")[1]) == name
                ]
                first = own[0] if own else len(markers)
                assert escalates and first < markers.index("full-run"), (release, case["case"], step["step"], markers)
    return compared


@pytest.mark.skipif(not RESULTS, reason="no oracle results committed")
@pytest.mark.parametrize("results", RESULTS, ids=lambda p: p.stem)
def test_interpreter_matches_the_runtime(results):
    data = json.loads(results.read_text(encoding="utf-8"))
    release = data["release"]
    compared = 0
    for case in data["cases"].values():
        case_file = ORACLE / "cases" / case["app"]
        if not case_file.exists() or case["case"] in KNOWN_GAPS:
            continue
        compared += len(_compare(release, case, _document(case_file, release), _marker_names(case_file)))
    assert compared >= 10, f"only {compared} steps compared for {release}"


def _cuts_drawing(case_file: Path, document: dict) -> bool:
    """Does the interpreter leave something of this app undrawn on purpose? After an `st.stop()`,
    and in a dialog opened inside a dialog (it raises before drawing anything)."""
    nested = any(scope.get("nested_dialogs") for scope in document["scopes"])
    return nested or "st.stop()" in case_file.read_text(encoding="utf-8")


def _switched(trigger: dict) -> bool:
    switch = trigger.get("callback_switch")
    return bool(switch) and switch["switches"] and not switch["conditional"]


def _cancelled(trigger: dict) -> bool:
    stop = trigger.get("callback_stop")
    return bool(stop) and not stop["conditional"]


def _cancelled_counts(release: str, case: dict, step: dict, trigger: dict, before: dict) -> list[tuple[str, str, str]]:
    """After a rerun `st.stop()` cancelled: what the interpreter says it clears is gone, the rest
    of the page keeps what it showed."""
    cleared = {d["label"] for d in trigger["clears"]}
    compared = []
    for text, seen in (step.get("counts") or {}).items():
        if text in cleared:
            compared.append((step["step"], f"{text} cleared", str(seen)))
            assert seen == 0, (release, case["case"], step["step"], text, seen)
        elif before.get(text):
            compared.append((step["step"], f"{text} kept", str(seen)))
            assert seen >= 1, (release, case["case"], step["step"], text, seen)
    return compared


def _drawn_counts(release: str, case: dict, document: dict, stops: bool) -> list[tuple[str, str, str]]:
    """Texts the oracle counted after each click, against what the interpreter says is drawn.

    * in an app that calls `st.stop()` or opens a dialog in a dialog, a text the interpreter never
      draws (after an unconditional stop, in the inner dialog) is never shown (elsewhere a text the interpreter cannot place, such as
      a write into a container passed as an argument, is not drawn either);
    * a text the rerun redraws for sure (not under a branch or loop) is shown after the click;
    * a text the rerun redraws but the oracle found missing must be marked `after_stop` (a
      conditional `st.stop()` in that rerun may end it first).
    """
    drawn = {d["label"] for t in document["triggers"] for d in t["redraws"] + t["piles_up"]}
    widgets = {t["label"]: t for t in document["triggers"] if t["kind"] in ("widget", "form") and t["label"]}
    compared = []
    before: dict = {}
    for step in case["steps"]:
        if step.get("exceptions"):
            break
        counts = step.get("counts") or {}
        previous, before = before, counts
        shown = {**counts, **(step.get("widget_counts") or {})}
        for text, seen in shown.items():
            if stops and text not in drawn:
                compared.append((step["step"], f"{text} never drawn", str(seen)))
                assert seen == 0, (release, case["case"], step["step"], text, seen)
        action = step.get("action")
        trigger = widgets.get(action[1]) if action and action[0] != "wait" else None
        if trigger is None or step.get("markers") == []:
            continue
        if _cancelled(trigger):
            compared.extend(_cancelled_counts(release, case, step, trigger, previous))
            continue
        for element in trigger["redraws"]:
            if element["label"] in counts:
                seen = counts[element["label"]]
                compared.append((step["step"], f"{element['label']} after_stop={element['after_stop']}", str(seen)))
                assert seen >= 1 or element["after_stop"] or element["conditional"], (release, case["case"], step["step"], element, seen)
    return compared


@pytest.mark.skipif(not RESULTS, reason="no oracle results committed")
@pytest.mark.parametrize("results", RESULTS, ids=lambda p: p.stem)
def test_drawn_elements_match_the_runtime(results):
    """What `st.stop()` leaves out, as the oracle counted it (cases stop_in_fragment,
    stop_always_in_fragment, and every other case that counts texts)."""
    data = json.loads(results.read_text(encoding="utf-8"))
    release = data["release"]
    compared = examined = 0
    for case in data["cases"].values():
        case_file = ORACLE / "cases" / case["app"]
        if not case_file.exists() or not any(step.get("counts") for step in case["steps"]):
            continue
        if case["case"] in KNOWN_GAPS:
            continue
        if case["steps"][0].get("exceptions"):
            continue
        document = _document(case_file, release)
        stops = _cuts_drawing(case_file, document)
        examined += 1
        compared += len(_drawn_counts(release, case, document, stops))
    # a release recorded with only some of the cases (see tests/oracle/timing.md) has fewer
    # counting cases; each of them still yields at least one comparison
    assert examined and compared >= min(10, examined), f"only {compared} counts compared for {release}"


def _disagrees(release: str, case: dict) -> bool:
    case_file = ORACLE / "cases" / case["app"]
    document = _document(case_file, release)
    try:
        _compare(release, case, document, _marker_names(case_file))
        if any(step.get("counts") for step in case["steps"]) and not case["steps"][0].get("exceptions"):
            _drawn_counts(release, case, document, _cuts_drawing(case_file, document))
    except AssertionError:
        return True
    return False


@pytest.mark.skipif(not RESULTS, reason="no oracle results committed")
@pytest.mark.parametrize("name", sorted(KNOWN_GAPS))
def test_known_gaps_still_disagree(name):
    """A case in KNOWN_GAPS still disagrees with the runtime on some recorded release."""
    recorded = [(json.loads(p.read_text(encoding="utf-8"))["cases"].get(name), p.stem) for p in RESULTS]
    recorded = [(case, release) for case, release in recorded if case is not None]
    assert recorded, f"{name} is not recorded"
    assert any(_disagrees(release, case) for case, release in recorded), (
        f"{name} now agrees with the runtime on every release: remove it from KNOWN_GAPS ({KNOWN_GAPS[name]})")
