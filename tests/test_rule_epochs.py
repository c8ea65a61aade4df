"""A rule runs once for every release epoch on which what it read of its release answers the same.

Rules read their release only through `CheckContext`'s recording methods (`holds`, `before`,
`release_text`, `exception`, `asks`, `interpretation`); `check_releases` runs each rule on the
newest epoch first and reuses that run on an older epoch where every recorded read agrees. So a
rule that reads no fact runs once for `streamlit>=1.37`, one whose verdict turns at 1.58 twice,
one that names its release in a message on every epoch, and on every fixture the findings are
exactly those a run on each epoch finds.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import REPO, write_project

from fraglint import release_check
from fraglint.config import Settings, load_settings
from fraglint.engine import build_project
from fraglint.model import releases
from fraglint.model.fragments import Site
from fraglint.model.target import ReleaseSet, admitted
from fraglint.rules import BY_NAME
from fraglint.rules.base import CheckContext, Finding, Rule

PLAIN = """import streamlit as st

@st.fragment
def panel():
    st.button("again")

panel()
"""

PARALLEL = """import streamlit as st

@st.fragment(parallel=True)
def panel():
    st.write("x")

panel()
"""


def _context(root: Path, source: str, target: str = ">=1.37") -> tuple[CheckContext, Settings]:
    write_project(root, {"app.py": source})
    settings = Settings(root=str(root), cache=False)
    settings.set_target(ReleaseSet(admitted(target), target), "test")
    project = build_project([str(root)], settings, jobs=1)
    return CheckContext(project.index, project.model, settings.target_version), settings


def _count_runs(monkeypatch, rule: type[Rule]) -> list[int]:
    """A list that grows by one each time `rule.check` starts."""
    runs: list[int] = []
    real_check = rule.check

    def counted(self, ctx):
        runs.append(1)
        return real_check(self, ctx)

    monkeypatch.setattr(rule, "check", counted)
    return runs


def test_a_rule_reading_no_fact_runs_once_for_eight_epochs(tmp_path, monkeypatch):
    ctx, settings = _context(tmp_path, PLAIN)
    assert len(releases.epochs(settings.release_set())) == 8
    runs = _count_runs(monkeypatch, BY_NAME["uncalled-fragment"])
    release_check.check_releases(ctx, settings)
    assert len(runs) == 1


def test_a_real_rule_runs_once_where_its_reads_agree(tmp_path, monkeypatch):
    """`fragment-api-unavailable` asks whether `parallel=` exists only where a fragment passes it;
    then the four epochs from 1.58 share one run, and each older one (whose message names its
    release) runs on its own."""
    rule = BY_NAME["fragment-api-unavailable"]
    ctx, settings = _context(tmp_path, PLAIN)
    runs = _count_runs(monkeypatch, rule)
    release_check.check_releases(ctx, settings)
    assert len(runs) == 1
    ctx, settings = _context(tmp_path, PARALLEL)
    runs.clear()
    _, floor = release_check.check_releases(ctx, settings)
    assert len(runs) == 1 + 4
    assert floor is not None and str(floor.floor) == "1.58.0"  # the finding holds before 1.58 only


class _Fake(Rule):
    """A rule made up for these tests: it reports the first site of app.py, saying what it read."""

    code = "FRG999"
    name = "fake"
    runs = 0

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        type(self).runs += 1
        yield Finding(Site(next(iter(ctx.index.summaries)), 1), self.message(ctx))

    def message(self, ctx: CheckContext) -> str:
        return "reads nothing"


class _ReadsParallel(_Fake):
    def message(self, ctx: CheckContext) -> str:
        return f"parallel: {ctx.holds('fragment-parallel-exists')}"


class _NamesRelease(_Fake):
    def message(self, ctx: CheckContext) -> str:
        return f"on {ctx.release_text()}"


def _epoch_findings(rule: type[_Fake], ctx: CheckContext, settings: Settings) -> list[str]:
    rule.runs = 0
    runs = release_check._run_epochs([rule], ctx, releases.epochs(settings.release_set()))
    return [finding.message for _, found in runs for _, finding in found]


def test_a_finding_that_changes_between_epochs_still_differs(tmp_path):
    """Reuse must not carry a verdict across the release where what the rule read turns."""
    ctx, settings = _context(tmp_path, PLAIN)
    assert _epoch_findings(_ReadsParallel, ctx, settings) == ["parallel: False"] * 4 + ["parallel: True"] * 4
    assert _ReadsParallel.runs == 2
    assert _epoch_findings(_Fake, ctx, settings) == ["reads nothing"] * 8
    assert _Fake.runs == 1
    named = _epoch_findings(_NamesRelease, ctx, settings)
    assert len(set(named)) == 8 and _NamesRelease.runs == 8


def _fixture_folders() -> list[Path]:
    return sorted(path.parent for path in (REPO / "fixtures").glob("*/pyproject.toml"))


@pytest.mark.parametrize("folder", _fixture_folders(), ids=lambda path: path.name)
def test_reused_runs_find_what_each_epoch_would(folder):
    """Over `>=1.33` (every epoch of every fact), each epoch's findings, reused or not, are
    those a fresh run of every rule on that epoch finds, in the same order."""
    settings = dataclasses.replace(load_settings(str(folder)), cache=False)
    settings.set_target(ReleaseSet(admitted(">=1.33"), ">=1.33"), "test")
    project = build_project([str(folder)], settings, jobs=1)
    ctx = CheckContext(project.index, project.model, settings.target_version)
    rules = list(release_check.ALL_RULES)
    epochs = releases.epochs(settings.release_set())
    shared = release_check._run_epochs(rules, ctx, epochs)
    for epoch, found in shared:
        fresh = release_check._run(rules, dataclasses.replace(ctx, version=epoch.representative), {rule: [] for rule in rules})
        assert found == fresh, (folder.name, epoch.representative)


RECORDERS = {"CheckContext", "Reads", "Rule", "_before", "_text"}  # base.py: where the release is read, and recorded
READS_RELEASE = {"starts_no_scope", "own_reruns", "runs_on", "api_exists", "interpret", "exception"}


@pytest.mark.parametrize("path", sorted((REPO / "fraglint" / "rules").glob("*.py")), ids=lambda path: path.name)
def test_rules_read_their_release_only_through_the_recorder(path):
    """No rule reads `ctx.version` (or any `.version`), calls `versions.holds`/`exception`, calls a
    model function that takes a release other than through `ctx.asks`, or asks an interpretation
    its rerun plans (which read its own release): a read past the recorder would be shared
    across epochs where it differs."""
    tree = ast.parse(path.read_text())
    tree.body = [node for node in tree.body if getattr(node, "name", None) not in RECORDERS]
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("version", "rerun_plan", "switches_page", "at"), f"{where} reads `.{node.attr}`"
            owner = node.value
            assert not (isinstance(owner, ast.Name) and owner.id == "versions" and node.attr in ("holds", "exception")), where
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in READS_RELEASE, f"{where} calls {node.func.id} past `ctx.asks`"
        if isinstance(node, ast.arg):
            assert node.arg not in ("version", "release"), f"{where}: a `{node.arg}` parameter"


KEYS_IN_TWO = {
    "app.py": """import streamlit as st
from boxes import search_box, title

@st.fragment
def orders():
    st.text_input("Search", key="search")

@st.fragment
def customers():
    title()
    search_box()

orders()
customers()
""",
    "boxes.py": """import streamlit as st

def search_box():
    st.text_input("Search", key="search")

def title():
    st.header("Customers")
""",
    "plain.py": """import streamlit as st

def footer():
    st.caption("end")
""",
}


def test_a_file_passing_no_key_is_checked_for_shared_keys_without_a_walk(tmp_path, monkeypatch):
    """`widget-key-in-two-fragments` reports at a `key=` call: a check of files with none asks
    no walk of the interpreter; one of a file with the reused key still reports it."""
    from fraglint.model import interpreter

    write_project(tmp_path, KEYS_IN_TWO)
    settings = Settings(root=str(tmp_path), cache=False)
    project = build_project([str(tmp_path)], settings, jobs=1)
    walks: list[int] = []
    real_run = interpreter.Interpreter.run
    monkeypatch.setattr(interpreter.Interpreter, "run", lambda self, paths: walks.append(1) or real_run(self, paths))
    rule = BY_NAME["widget-key-in-two-fragments"]
    epochs = releases.epochs(settings.release_set())

    def found(name: str) -> list[Finding]:
        path = next(path for path in project.index.summaries if path.endswith(name))
        ctx = CheckContext(project.index, project.model, settings.target_version, {path}, whole_project=True)
        return [finding for _, found in release_check._run_epochs([rule], ctx, epochs) for _, finding in found]

    assert found("plain.py") == [] and walks == []
    assert [finding.site.path.endswith("boxes.py") for finding in found("boxes.py")] == [True]
    assert walks == [1]
