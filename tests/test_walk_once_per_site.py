"""What a call site is, the walk works out once, however many contexts walk it.

A helper called from many fragments is walked once per fragment (each draws its own
elements), but its call sites mean the same in every one of them: the widget's callback, its
label and key, the container its `with` enters. The walk used to resolve the callback again
at every draw. Likewise an import is searched for once per directory, and a call's target
resolved once per check.
"""

from __future__ import annotations

import os
from pathlib import Path

from helpers import write_project

from fraglint.config import Settings
from fraglint.engine import build_project
from fraglint.index.project import ProjectIndex
from fraglint.model.interpreter import Interpreter
from fraglint.model.interpreter_facts import WalkFacts


def shared_helper(n: int) -> dict[str, str]:
    """n fragments, each calling one helper that draws a button with a callback under a `with`."""
    fragments = []
    for i in range(n):
        fragments += ["@st.fragment", f"def f{i}():", "    helper()", f"f{i}()"]
    helper = [
        "def on_go():", "    pass", "def helper():", "    with st.sidebar:",
        "        st.button('go', key='go', on_click=on_go)",
    ]
    return {"app.py": "\n".join(["import streamlit as st", *helper, *fragments]) + "\n"}


def _walk_counting(root: Path, files: dict[str, str]) -> tuple[Interpreter, list[tuple]]:
    """The walk, and every name chain it asked the index to resolve."""
    write_project(root, files)
    project = build_project([str(root)], Settings(root=str(root), cache=False), jobs=1)
    asked: list[tuple] = []
    resolve = project.index.resolve

    def counting(path, scope, ref, site=None):
        asked.append(ref)
        return resolve(path, scope, ref, site)

    project.index.resolve = counting  # type: ignore[method-assign]
    interpreter = Interpreter(project.index, project.model, WalkFacts(project.settings.target_version))
    interpreter.run(project.files)
    return interpreter, asked


def test_a_callback_is_resolved_once_per_walk_not_once_per_draw(tmp_path):
    interpreter, asked = _walk_counting(tmp_path, shared_helper(8))
    buttons = [drawn for drawn in interpreter.drawn if drawn.api == "button"]
    assert len(buttons) == 8  # one per fragment
    assert {drawn.callback for drawn in buttons} == {(str(tmp_path / "app.py"), "on_go")}
    assert {drawn.container for drawn in buttons} == {"sidebar"}
    assert asked.count(("on_go",)) == 1


def test_each_call_site_is_taken_apart_once_per_walk(tmp_path):
    interpreter, _ = _walk_counting(tmp_path, shared_helper(8))
    # sites: 8 fragment calls, `helper()` in each fragment, and the helper's `st.button`
    assert interpreter.sites == 8 + 8 + 1
    assert interpreter.steps == 8 + 8 + 8  # the button is walked in each fragment


def nested_packages(depth: int) -> dict[str, str]:
    """A module at each level of a/b/c/..., each importing a library and a project module."""
    files = {"helpers.py": "def f():\n    pass\n"}
    directory = ""
    for level in range(depth):
        directory += f"d{level}/"
        files[f"{directory}m.py"] = "import pandas\nimport helpers\n"
    return files


def test_an_import_is_searched_for_once_per_directory(tmp_path):
    """Each directory's search goes on from its parent's answer: the root is probed once for
    `pandas`, not once for every directory below it."""
    files = nested_packages(6)
    write_project(tmp_path, files)
    project = build_project([str(tmp_path)], Settings(root=str(tmp_path), cache=False), jobs=1)
    index = ProjectIndex(dict(project.index.summaries), str(tmp_path))
    probed: list[str] = []
    probe = index._probe

    def counting(base, parts):
        probed.append(os.path.join(base, *parts))
        return probe(base, parts)

    index._probe = counting  # type: ignore[method-assign]
    modules = sorted(str(tmp_path / name) for name in files if name != "helpers.py")
    assert [index.find_module("helpers", path) for path in modules] == [str(tmp_path / "helpers.py")] * 6
    assert [index.find_module("pandas", path) for path in modules] == [None] * 6
    assert sorted(probed) == sorted(set(probed))  # each directory probed once per import
    assert probed.count(str(tmp_path / "pandas")) == 1
    assert probed.count(str(tmp_path / "helpers")) == 1


def test_each_call_site_is_resolved_once_per_check(tmp_path):
    """However many analyses ask what a call calls (the call graph, the walk, the containers'
    writes, the rules), it is resolved once."""
    write_project(tmp_path, shared_helper(8))
    project = build_project([str(tmp_path)], Settings(root=str(tmp_path), cache=False), jobs=1)
    interpreter = Interpreter(project.index, project.model, WalkFacts(project.settings.target_version))
    interpreter.run(project.files)
    calls = project.model.calls
    sites = {(path, call.site) for path, function in project.index.functions() for call in function.calls}
    asked = sum(len(targets) for targets in calls._targets.values())
    assert calls.resolutions == asked <= len(sites)
    assert asked >= 17  # the walk asked about every site it met


def _plain_helpers(n: int) -> dict[str, str]:
    """n helpers each drawing the same caption, calling an unknown function and `print`, from one fragment."""
    lines = ["import streamlit as st", "from elsewhere import unknown"]
    for i in range(n):
        lines += [f"def h{i}():", "    st.caption('same')", "    unknown()", "    print('x')"]
    lines += ["@st.fragment", "def frag():", *[f"    h{i}()" for i in range(n)], "frag()", "frag()"]
    return {"app.py": "\n".join(lines) + "\n"}


def test_equal_drawings_and_outcomes_are_one_record_and_idle_calls_none(tmp_path):
    """The walk's tables keep one record per distinct value (s8 walk memory): the five
    `st.caption('same')` sites share one drawing, every function walked ends in the same outcome
    (no stop, nothing lost) held once, and a call the walk does nothing with (`print`, an
    unresolved import) holds no record at all."""
    interpreter, _ = _walk_counting(tmp_path, _plain_helpers(5))
    steps = interpreter._steps[str(tmp_path / "app.py")]
    captions = [step for step in steps.values() if step is not None and step.draws is not None]
    assert len(captions) == 5
    assert len({id(step.draws) for step in captions}) == 1
    assert sum(step is None for step in steps.values()) == 10  # `unknown()` and `print('x')` in each helper
    assert interpreter.sites == len(steps)  # each still taken apart once
    assert len(interpreter._walked) > 5
    assert len({id(outcome) for outcome in interpreter._walked.values()}) == 1
    drawn = [d for d in interpreter.drawn if d.api == "caption"]
    assert len(drawn) == 10  # two fragment instances
    assert all(d.drawing is captions[0].draws for d in drawn) and {d.label for d in drawn} == {"same"}
    assert not hasattr(interpreter.drawn[0], "__dict__")  # slotted: no per-element dict
