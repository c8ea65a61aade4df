"""A check of one file asks the model only about the code that can reach it (issue 13).

`fraglint check components/panel.py` (pre-commit) used to ask project-wide questions whose
answers about the file come from a few modules only: the call-graph edges of every function
(who calls a fragment, which code a full run reaches), every fragment's writes, and the
interpreter walked every script that imported anything under `components/` (a package's
`__init__.py` reached all its modules). These tests pin both sides: nothing is asked of a
module that cannot reach the file, and a far module that changes a finding on it still does.
"""

from __future__ import annotations

import os

from helpers import finding_rows, write_project

from fraglint.config import Settings
from fraglint.engine import build_project, run_check
from fraglint.model import versions
from fraglint.model.call_graph import NarrowedGraph
from fraglint.rules.base import CheckContext

FILES = {
    "pyproject.toml": '[project]\nname = "demo"\ndependencies = ["streamlit>=1.40"]\n',
    "components/__init__.py": "",
    # The reported file: a fragment no module of its own calls, and a helper with a
    # fragment-scoped rerun that only far modules call.
    "components/panel.py": """
        import streamlit as st

        box = st.container()

        @st.fragment
        def live():
            box.write("tick")

        @st.fragment
        def alone():
            st.write("never called")

        def refresh():
            st.rerun(scope="fragment")
    """,
    # Far modules that change the findings on panel.py: one calls `live` (so it is called),
    # one reaches `refresh` from module level through the package object (so a full run runs
    # the fragment-scoped rerun), without importing `components.panel` itself.
    "pages/far.py": """
        import streamlit as st
        from components.panel import live

        live()
    """,
    "pages/via_package.py": """
        import streamlit as st
        import components

        st.title("Refresh")
        components.panel.refresh()
    """,
    # Unrelated code: a sibling module of the same package, and the page that uses it.
    "components/other_panel.py": """
        import streamlit as st

        @st.fragment
        def other():
            st.button("Go", on_click=lambda: st.rerun())
            helper()

        def helper():
            st.write("x")
    """,
    "pages/other.py": """
        import streamlit as st
        from components.other_panel import other

        other()
        other()
    """,
}

PANEL = "components/panel.py"
UNRELATED = {"components/other_panel.py", "pages/other.py"}


def _check(root, name: str):
    settings = Settings(root=str(root), streamlit_version=versions.parse_version("1.40.0"))
    return run_check([str(root / name)], settings, jobs=1).project


def test_a_one_file_check_asks_no_edge_of_an_unrelated_module(tmp_path):
    write_project(tmp_path, FILES)
    project = _check(tmp_path, PANEL)
    asked = {os.path.relpath(key.path, tmp_path) for key in project.model.graph._out}
    assert asked, "the check asks the edges of the code that reaches the file"
    assert asked.isdisjoint(UNRELATED), asked
    assert "pages/via_package.py" in asked  # it reaches the file through the package object


def test_importing_from_a_package_does_not_reach_its_other_modules(tmp_path):
    write_project(tmp_path, FILES)
    settings = Settings(root=str(tmp_path), streamlit_version=versions.parse_version("1.40.0"))
    project = run_check([str(tmp_path / PANEL)], settings, jobs=1).project
    entries = project.model.entries
    scripts = {os.path.relpath(path, tmp_path) for path in entries.reaching([str(tmp_path / PANEL)])}
    assert scripts == {"pages/far.py", "pages/via_package.py"}  # not pages/other.py, which runs `components/__init__.py`
    reaching = {os.path.relpath(path, tmp_path) for path in entries.modules_reaching([str(tmp_path / PANEL)])}
    assert reaching.isdisjoint(UNRELATED)
    ctx = CheckContext(project.index, project.model, settings.target_version, {str(tmp_path / PANEL)},
                       whole_project=project.whole_project)
    assert not ctx.may_reach_reported(str(tmp_path / "components/other_panel.py"))


def test_far_modules_still_decide_the_findings_on_the_file(tmp_path):
    write_project(tmp_path, FILES)
    whole = finding_rows(tmp_path, ".")
    on_panel = [finding for finding in whole if finding[0] == PANEL]
    names = {(name, line) for _, name, line, _ in on_panel}
    assert ("uncalled-fragment", 10) in names  # `alone`: called nowhere
    assert not any(name == "uncalled-fragment" and line == 6 for name, line in names)  # `live`: pages/far.py calls it
    assert ("outside-container-write", 7) in names  # `live` draws into the module's container
    assert ("rerun-scope-outside-fragment", 14) in names  # a full run of pages/via_package.py runs it
    for name in (PANEL, "pages/far.py", "pages/via_package.py", "components/other_panel.py", "pages/other.py"):
        assert finding_rows(tmp_path, name) == [finding for finding in whole if finding[0] == name], name


FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _fixture_projects() -> list[str]:
    return sorted(
        os.path.join(FIXTURES, name) for name in os.listdir(FIXTURES) if os.path.isdir(os.path.join(FIXTURES, name))
    )


def _of(path: str, found: dict) -> dict:
    return {key: value for key, value in found.items() if key.path == path}


def test_the_narrowed_graph_answers_as_the_whole_one_about_each_fixture_file():
    """For every module X of every fixture folder: full-run reach (with its chains), fragment
    reach and the fragments called, asked of the modules that may reach X alone, are the whole
    project's answers about X's functions. So are the calls of X's fragments."""
    checked = 0
    for root in _fixture_projects():
        root = os.path.realpath(root)
        settings = Settings(root=root, streamlit_version=versions.parse_version("1.40.0"))
        project = build_project([root], settings, jobs=1)
        model = project.model
        whole = model.graph
        for path in list(project.index.summaries):
            graph = NarrowedGraph(whole, model.entries.modules_reaching([path]))
            assert _of(path, graph.app_reach) == _of(path, whole.app_reach), path
            assert _of(path, graph.fragment_reach) == _of(path, whole.fragment_reach), path
            fragments = {key for key in model.scopes if key.path == path}
            assert graph.called_fragments & fragments == whole.called_fragments & fragments, path
            modules = model.entries.modules_reaching([path])
            for key in fragments:
                assert whole.calls_by_fragment(modules).get(key) == whole.calls_by_fragment().get(key), (path, key)
            checked += 1
    assert checked > 80
