"""The interpreter's answer, checked against what real Streamlit releases re-executed.

The oracle (tests/oracle) recorded, for every release in its matrix, the markers each app printed
after each click and each `run_every` tick (tests/oracle/results/<release>.json). For every such
step this test asks `fraglint scopes` (in process, on the same case file, for the same release)
which scope the widget or timer reruns, and compares:

* a widget the interpreter says reruns the app must have re-run the whole script;
* a widget it says reruns fragment F must have re-run F, and not the whole script;
* a tick must re-run only fragments the interpreter lists as timers.

Steps where the runtime raised, and widgets with callbacks (a keyed `st.rerun` in a callback
replaces the rerun), are left out; the count of compared steps is asserted so the test cannot
silently compare nothing.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from fraglint.config import Settings
from fraglint.engine import build_project
from fraglint.model import versions
from fraglint.report import RenderOptions
from fraglint.report.scopes import scopes_document

ORACLE = Path(__file__).resolve().parent / "oracle"
RESULTS = sorted((ORACLE / "results").glob("*.json"))


def _document(case_file: Path, release: str) -> dict:
    settings = Settings(root=str(case_file.parent), streamlit_version=versions.parse_version(release), cache=False)
    project = build_project([str(case_file)], settings, jobs=1)
    return scopes_document(project, [str(case_file)], RenderOptions(cwd=str(case_file.parent)))


def _marker_names(case_file: Path) -> dict[str, str]:
    """`mark("fragment:int")` at the top of `tick_int` -> {"int": "tick_int"} (the test reads the app)."""
    names = {}
    for node in ast.walk(ast.parse(case_file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef):
            for statement in node.body:
                call = getattr(statement, "value", None)
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "mark" and call.args:
                    text = getattr(call.args[0], "value", "")
                    if isinstance(text, str) and text.startswith("fragment:"):
                        names[text.split(":")[1]] = node.name
    return names


def _compare(release: str, case: dict, document: dict, marker_names: dict[str, str]) -> list[tuple[str, str, str]]:
    """(step, predicted, observed) for every comparable step of one case."""
    if not case["steps"] or case["steps"][0].get("exceptions"):
        return []
    widgets = {t["label"]: t for t in document["triggers"] if t["kind"] in ("widget", "form") and t["label"]}
    callbacks = {t["label"] for t in document["triggers"] if t["kind"] == "callback"}
    timers = {t["scope"]["name"] for t in document["triggers"] if t["kind"] == "timer"}
    compared = []
    for step in case["steps"][1:]:
        action = step.get("action")
        if not action or step.get("exceptions"):
            break  # after an exception the app state no longer follows the script
        markers = step.get("markers") or []
        ran = {m.split(":", 1)[1].split(":")[0] for m in markers if m.startswith("fragment:")}
        ran = {marker_names.get(name, name) for name in ran}
        if action[0] == "wait":
            if ran:
                compared.append((step["step"], f"timers {sorted(timers)}", f"ran {sorted(ran)}"))
                assert ran <= timers, (release, case["case"], step["step"], ran, timers)
            continue
        label = action[1]
        trigger = widgets.get(label)
        if trigger is None or label in callbacks or not markers:
            continue
        scope = trigger["scope"]
        observed = "app" if "full-run" in markers else f"fragments {sorted(ran)}"
        if scope["kind"] == "app":
            compared.append((step["step"], "app", observed))
            assert "full-run" in markers, (release, case["case"], step["step"], markers)
        else:
            name = scope["name"].rsplit(".", 1)[-1]
            compared.append((step["step"], f"fragment {name}", observed))
            assert name in ran, (release, case["case"], step["step"], name, markers)
            if "full-run" in markers:
                # only an `st.rerun()` the fragment itself calls may turn its rerun into a full one
                escalates = any(t["kind"] == "rerun" and t["scope"]["kind"] == "app" for t in document["triggers"])
                own = [
                    i for i, m in enumerate(markers)
                    if m.startswith("fragment:") and marker_names.get(m.split(":")[1], m.split(":")[1]) == name
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
        if not case_file.exists():
            continue
        compared += len(_compare(release, case, _document(case_file, release), _marker_names(case_file)))
    assert compared >= 10, f"only {compared} steps compared for {release}"
