"""fraglint as pre-commit runs it: only the changed files, inside the whole project.

pre-commit passes the changed files and nothing else. fraglint must still find the project
root, read the target Streamlit release from `pyproject.toml`, follow imports into modules
that did not change, and report only on the files it was given.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import REPO, run_cli, write_project

# The changed file's fragment writes into a container that an unchanged module created at
# module level: each fragment rerun piles up another element, before Streamlit 1.59. The
# project pins 1.45.0, so the hook must read pyproject.toml (with the newest release there is
# nothing to say) and must read components/layout.py to know where `log_area` comes from.
PROJECT = {
    "pyproject.toml": """
        [project]
        name = "sales-dashboard"
        version = "0.1.0"
        dependencies = ["streamlit==1.45.0", "pandas"]
    """,
    "components/__init__.py": "",
    "components/layout.py": """
        import streamlit as st

        log_area = st.container()
    """,
    "components/panels.py": """
        import streamlit as st

        def side_menu():
            st.sidebar.write("menu")
    """,
    "pages/other.py": """
        import streamlit as st

        @st.fragment
        def unrelated():
            with st.sidebar:
                st.write("not a changed file")

        x = unrelated()  # problems in a file pre-commit did not pass: not reported
    """,
}
BROKEN_APP = """
    import streamlit as st
    from components.layout import log_area
    from components.panels import side_menu

    @st.fragment
    def dashboard():
        st.slider("Window", 1, 30)
        log_area.write("refreshed")
        side_menu()

    dashboard()
"""
FIXED_APP = """
    import streamlit as st
    from components.layout import log_area
    from components.panels import side_menu

    @st.fragment
    def dashboard():
        st.slider("Window", 1, 30)
        st.write("refreshed")
        side_menu()

    dashboard()
"""
# The helper above writes to `st.sidebar`, and runs inside the fragment `dashboard` of the
# unchanged app.py: an error before Streamlit 1.59. Fixed, it writes where it is called.
FIXED_PANELS = """
    import streamlit as st

    def side_menu():
        st.write("menu")
"""


def test_changed_file_sees_project_and_reports_only_itself(tmp_path):
    write_project(tmp_path, {**PROJECT, "app.py": BROKEN_APP})
    result = run_cli("check", "--output-format", "concise", "app.py", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("app.py")]
    assert [line.split(": ")[1].split(" ")[0] for line in lines] == ["FRG104"], result.stdout
    assert "app.py:8:" in lines[0]
    assert "pages/other.py" not in result.stdout and "target Streamlit 1.45.0" in result.stdout
    write_project(tmp_path, {"app.py": FIXED_APP})
    assert run_cli("check", "app.py", cwd=tmp_path).returncode == 0


def test_whole_project_finds_the_same_problem(tmp_path):
    write_project(tmp_path, {**PROJECT, "app.py": BROKEN_APP})
    result = run_cli("check", "--output-format", "concise", cwd=tmp_path)
    assert "app.py:8:" in result.stdout and "pages/other.py" in result.stdout
    assert "components/panels.py:4:5: FRG105" in result.stdout


def test_changed_file_sees_a_fragment_defined_elsewhere(tmp_path):
    write_project(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["streamlit==1.45.0"]\n',
            "charts.py": "import streamlit as st\n\n@st.fragment\ndef chart():\n    return st.selectbox('City', ['Oslo'])\n",
            "app.py": "import streamlit as st\nfrom charts import chart\n\nshown = chart()\n",
        },
    )
    result = run_cli("check", "--output-format", "concise", "app.py", cwd=tmp_path)
    assert "app.py:4:9: FRG103" in result.stdout


def test_changed_helper_sees_the_fragment_that_calls_it(tmp_path):
    write_project(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["streamlit==1.45.0"]\n',
            "app.py": "import streamlit as st\nfrom panels import side\n\n@st.fragment\ndef live():\n    side()\n\nlive()\n",
            "panels.py": "import streamlit as st\n\ndef side():\n    st.sidebar.write('menu')\n",
        },
    )
    result = run_cli("check", "--output-format", "concise", "panels.py", cwd=tmp_path)
    assert "panels.py:4:5: FRG105" in result.stdout


def _git(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def _snapshot(repo: Path, into: Path, env: dict) -> Path:
    """This checkout as it is on disk (tracked and new files, minus ignored ones), committed.

    `pre-commit try-repo` clones HEAD plus changes to tracked files only; a snapshot makes
    the test run the code in front of it, committed or not, and is HEAD itself in CI.
    """
    listed = _git(repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = repo / name
        if source.is_file():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git(into, "init", "-q", env=env)
    _git(into, "add", "-A", env=env)
    _git(into, "commit", "-q", "-m", "snapshot", env=env)
    return into


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_try_repo_fails_then_passes(tmp_path):
    """The real `pre-commit try-repo` against this checkout, given only the changed helper module."""
    if not (REPO / ".git").exists():
        pytest.skip(f"{REPO} is not a git checkout; pre-commit try-repo clones one")
    project = tmp_path / "project"
    write_project(project, {**PROJECT, "app.py": BROKEN_APP})
    _git(project, "init", "-q")
    _git(project, "add", ".")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
        "NO_COLOR": "1",
    }
    env.pop("GITHUB_ACTIONS", None)

    checkout = _snapshot(REPO, tmp_path / "fraglint-checkout", env)

    def try_repo() -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "pre_commit", "try-repo", str(checkout), "fraglint", "--verbose", "--files", "components/panels.py"]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)

    failing = try_repo()
    output = failing.stdout + failing.stderr
    assert failing.returncode == 1, output
    assert "fraglint" in output and "Failed" in output
    # Only the changed helper is reported, from what the unchanged app.py and pyproject.toml say.
    assert "components/panels.py:4:5: FRG105 [fragment-sidebar-call]" in output
    assert "inside fragment `dashboard`" in output and "1.59" in output
    assert "app.py:8" not in output and "pages/other.py" not in output

    (project / "components" / "panels.py").write_text(textwrap.dedent(FIXED_PANELS).lstrip("\n"), encoding="utf-8")
    _git(project, "add", ".")
    passing = try_repo()
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout


def test_action_yml_runs_fraglint_with_github_annotations(tmp_path):
    """The composite action's check step, run as the runner would run it (bash, inputs as env)."""
    import yaml

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"paths", "args", "version"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    install = next(step for step in steps if step.get("name") == "Install fraglint")
    assert "${{ github.action_path }}" in install["env"]["ACTION_PATH"]
    check = next(step for step in steps if step.get("name") == "fraglint check")
    assert check["shell"] == "bash" and "action/check.sh" in check["run"]
    assert "--output-format github" in (REPO / "action" / "check.sh").read_text(encoding="utf-8")

    write_project(tmp_path, {**PROJECT, "app.py": BROKEN_APP})
    # The action's venv, standing in for the one action/install.sh builds (tests/test_action.py builds it).
    venv = tmp_path / "venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "fraglint").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m fraglint "$@"\n')
    (venv / "fraglint").chmod(0o755)
    (venv / "python").symlink_to(sys.executable)
    runner_temp = tmp_path / "runner-temp"
    env = {
        **os.environ, "INPUT_PATHS": "app.py components", "INPUT_ARGS": "--select FRG104", "RUNNER_TEMP": str(runner_temp),
        "FRAGLINT_VENV": str(venv.parent), "ACTION_PATH": str(REPO),
    }
    result = subprocess.run(["bash", str(REPO / "action" / "check.sh")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("::warning file=app.py,line=8,"), result.stdout
    assert "title=FRG104 outside-container-write::" in result.stdout
    # The summary cache goes outside the checkout: nothing committed is ever read as one.
    assert list((runner_temp / "fraglint-cache").glob("*/*.json"))
    assert not (tmp_path / ".fraglint_cache").exists()
