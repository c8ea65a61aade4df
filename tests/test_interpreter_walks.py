"""One walk of the rerun interpreter serves every release that agrees on the facts it read.

The walk is given no release, only `WalkFacts`, which records each fact asked: the release
epochs of a check (`CheckContext.interpretation`) reuse a walk wherever those facts agree. So a
project that asks nothing is walked once for `streamlit>=1.37`, one whose callbacks call
`st.rerun()` twice (the rerun moves from 1.63), and every release's interpretation equals the
one its own walk would give.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from helpers import REPO, write_project

from fraglint.config import Settings, load_settings
from fraglint.engine import build_project
from fraglint.model import interpreter, releases
from fraglint.model.interpreter import interpret
from fraglint.model.interpreter_facts import FACTS, WalkFacts
from fraglint.model.target import ReleaseSet, admitted
from fraglint.model.versions import parse_version
from fraglint.rules.base import CheckContext

PLAIN = """import streamlit as st

@st.fragment
def panel():
    st.button("again")
    if st.checkbox("more"):
        st.write("more")

st.title("app")
panel()
"""

STOP_IN_FRAGMENT = """import streamlit as st

@st.fragment
def panel():
    if st.button("quit"):
        st.stop()
    st.write("after")

panel()
st.write("end")
"""

CALLBACK_RERUN = """import streamlit as st

def again():
    st.rerun()

@st.fragment
def panel():
    st.button("go", on_click=again)

panel()
"""

NESTED = """import streamlit as st

@st.fragment
def inner():
    st.button("inner")

@st.fragment
def outer():
    inner()
    st.write("after inner")

outer()
"""


def _walks(monkeypatch, root: Path, source: str, target: str) -> int:
    """How many walks the check's release epochs make (counted at `Interpreter.run`)."""
    write_project(root, {"app.py": source})
    settings = Settings(root=str(root), cache=False)
    settings.set_target(ReleaseSet(admitted(target), target), "test")
    project = build_project([str(root)], settings, jobs=1)
    runs = []
    real_run = interpreter.Interpreter.run
    monkeypatch.setattr(interpreter.Interpreter, "run", lambda self, paths: runs.append(1) or real_run(self, paths))
    ctx = CheckContext(project.index, project.model, settings.target_version)
    epochs = releases.epochs(settings.release_set())
    assert len(epochs) > 3, "the target really has several epochs"
    for epoch in epochs:
        dataclasses.replace(ctx, version=epoch.representative).interpretation()
    return len(runs)


def test_a_project_that_asks_no_fact_is_walked_once(tmp_path, monkeypatch):
    assert _walks(monkeypatch, tmp_path, PLAIN, ">=1.37") == 1


def test_a_stop_in_a_fragment_is_walked_once_where_stops_behave_alike(tmp_path, monkeypatch):
    """`st.stop()` ends the run on every release: the walk reads that fact, the same everywhere."""
    assert _walks(monkeypatch, tmp_path, STOP_IN_FRAGMENT, ">=1.37") == 1


def test_a_callback_rerun_is_walked_before_and_from_1_63(tmp_path, monkeypatch):
    assert _walks(monkeypatch, tmp_path, CALLBACK_RERUN, ">=1.37") == 2


def test_a_nested_fragment_is_walked_before_and_from_1_37(tmp_path, monkeypatch):
    assert _walks(monkeypatch, tmp_path, NESTED, ">=1.33") == 2


CASES = REPO / "tests" / "oracle" / "cases"


def _fixture_folders() -> list[Path]:
    return sorted(path.parent for path in (REPO / "fixtures").glob("*/pyproject.toml"))


def _assert_shared_walks_match(folder: Path) -> None:
    """On every known release, the interpretation `CheckContext` hands out (maybe another
    release's walk) has the scopes, drawings and triggers of that release's own walk."""
    settings = dataclasses.replace(load_settings(str(folder)), cache=False)
    project = build_project([str(folder)], settings, jobs=1)
    ctx = CheckContext(project.index, project.model, settings.target_version)
    for version in (parse_version(f"1.{minor}") for minor in range(33, 68)):
        shared = dataclasses.replace(ctx, version=version).interpretation()
        own = interpret(project.index, project.model, version, project.files)
        assert shared.version == version
        assert (shared.scopes, shared.drawn, shared.triggers, shared.nested_dialogs) == (
            own.scopes, own.drawn, own.triggers, own.nested_dialogs
        ), (folder.name, version)


@pytest.mark.parametrize("folder", _fixture_folders(), ids=lambda path: path.name)
def test_a_shared_walk_is_what_each_release_would_walk(folder):
    _assert_shared_walks_match(folder)


@pytest.mark.parametrize("case", sorted(CASES.glob("[a-z]*.py")), ids=lambda path: path.stem)
def test_a_shared_walk_is_what_each_release_would_walk_on_the_oracle_cases(case, tmp_path):
    """The oracle's case apps exercise each release fact the walk reads (stops, callbacks, dialogs,
    nested and async fragments, page switches)."""
    write_project(tmp_path, {case.name: case.read_text(), "_oracle_mark.py": (CASES / "_oracle_mark.py").read_text()})
    _assert_shared_walks_match(tmp_path)


def test_walk_facts_record_what_is_read_and_refuse_unlisted_facts():
    facts = WalkFacts(parse_version("1.45"))
    assert facts.holds("nested-dialog-raises") and not facts.holds("callback-rerun-reruns-app")
    assert facts.read == {"nested-dialog-raises": True, "callback-rerun-reruns-app": False}
    assert facts.agrees(parse_version("1.62")) and not facts.agrees(parse_version("1.63"))
    with pytest.raises(KeyError):
        facts.holds("outside-container-write-raises")


WALK_MODULES = ["interpreter.py", "callback_reruns.py", "callback_stops.py", "switch_pages.py", "orphaned_timers.py"]


@pytest.mark.parametrize("name", WALK_MODULES)
def test_the_walk_cannot_read_a_fact_past_its_tracker(name):
    """The walk's modules take no release and call no `versions.holds`: every fact they read
    goes through `WalkFacts.holds` (a fact read otherwise would silently be shared across releases).
    Only `Walk.at` and `interpret`, which stamp a finished walk with its release, take one."""
    tree = ast.parse((REPO / "fraglint" / "model" / name).read_text())
    stamps = {"Walk", "interpret"}
    tree.body = [node for node in tree.body if getattr(node, "name", None) not in stamps]
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            assert node.arg != "version", f"{name}: a `version` parameter ({node.lineno})"
        if isinstance(node, ast.Attribute) and node.attr in ("holds", "version"):
            owner = node.value
            assert not (isinstance(owner, ast.Name) and owner.id == "versions"), f"{name}:{node.lineno} versions.holds"
            assert node.attr != "version", f"{name}:{node.lineno} reads a `.version`"
        if isinstance(node, ast.ImportFrom) and node.module == "fraglint.model.versions":
            assert "holds" not in {alias.name for alias in node.names}, f"{name}: imports holds"
        if isinstance(node, ast.Name):
            assert node.id != "starts_no_scope", f"{name}:{node.lineno} starts_no_scope takes a release"
    assert set(FACTS) >= {"stop-ends-current-run", "nested-dialog-raises"}
