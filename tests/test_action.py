"""The GitHub Action's scripts, run as the runner would run them (no GitHub here, so its
environment is set by hand: RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, ACTION_PATH).

The install step builds fraglint from this checkout into a fresh virtual environment (the real
pip, from the package index), so this test is slow (about half a minute) and needs the network:
it skips offline outside CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
APP = 'import streamlit as st\n\n@st.fragment\ndef panel():\n    st.sidebar.button("go")\n\npanel()\n'


def _bash(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(REPO / "action" / script)], env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_action_steps_use_the_scripts_and_never_the_system_python():
    action = yaml.safe_load((REPO / "action.yml").read_text())
    steps = action["runs"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    assert "pip install" not in runs and "action/install.sh" in runs and "action/check.sh" in runs
    setup = next(step for step in steps if "setup-python" in step.get("uses", ""))
    assert setup["with"]["update-environment"] is False  # the job's own Python stays as it was
    assert any("actions/cache" in step.get("uses", "") for step in steps)
    assert action["outputs"]["sarif-file"]["value"] == "${{ steps.check.outputs.sarif-file }}"


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    temp = tmp_path_factory.mktemp("runner")
    env = dict(os.environ, FRAGLINT_VENV=str(temp / "fraglint-venv"), FRAGLINT_PYTHON=sys.executable, ACTION_PATH=str(REPO), FRAGLINT_VERSION="")
    env.pop("PYTHONPATH", None)
    done = _bash("install.sh", env, temp)
    if done.returncode != 0 and not os.environ.get("CI") and "Could not" in done.stderr:
        pytest.skip(f"cannot install from the package index here: {done.stderr[-300:]}")
    assert done.returncode == 0, done.stderr[-3000:]
    again = _bash("install.sh", env, temp)
    assert again.returncode == 0 and "reusing" in again.stdout  # a restored cache is reused
    return temp / "fraglint-venv"


def test_action_check_annotates_writes_sarif_and_a_summary(venv: Path, tmp_path: Path):
    project = tmp_path / "repo"
    (project / "src").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["streamlit==1.45.0"]\n')
    (project / "src" / "app.py").write_text(APP)
    outputs, summary = tmp_path / "output", tmp_path / "summary.md"
    env = dict(
        os.environ,
        FRAGLINT_VENV=str(venv),
        RUNNER_TEMP=str(tmp_path),
        GITHUB_OUTPUT=str(outputs),
        GITHUB_STEP_SUMMARY=str(summary),
        INPUT_PATHS="src",
        INPUT_ARGS="--output-format concise",  # a user's format cannot redirect the SARIF file
        INPUT_CACHE_DIR="",
        INPUT_SARIF_FILE="",
        INPUT_SUMMARY="true",
    )
    env.pop("PYTHONPATH", None)
    done = _bash("check.sh", env, project)
    assert done.returncode == 1, done.stderr  # an error-level finding fails the job
    assert "::error file=src/app.py,line=5" in done.stdout
    sarif = tmp_path / "fraglint.sarif"
    assert outputs.read_text() == f"sarif-file={sarif}\n"
    log = json.loads(sarif.read_text())
    assert [result["ruleId"] for result in log["runs"][0]["results"]] == ["FRG105"]
    text = summary.read_text()
    assert "| FRG105 | `fragment-sidebar-call` | error | 1 |" in text and "1.45.0" in text
    assert (tmp_path / "fraglint-cache").is_dir()  # the cache lives in the runner's temp, not the checkout
    assert not (project / ".fraglint_cache").exists()


def test_summary_never_shows_text_from_the_code_under_review(tmp_path: Path):
    log = {
        "runs": [
            {
                "tool": {"driver": {"rules": [{"id": "FRG105", "name": "fragment-sidebar-call"}]}},
                "properties": {"targetStreamlitVersion": "1.45.0`](https://evil)"},
                "results": [{"ruleId": "FRG105", "ruleIndex": 0, "level": "error", "message": {"text": "[x](https://evil)"}}],
            }
        ]
    }
    path = tmp_path / "log.sarif"
    path.write_text(json.dumps(log))
    done = subprocess.run([sys.executable, str(REPO / "action" / "summary.py"), str(path)], capture_output=True, text=True, check=True)
    assert "evil" not in done.stdout and "(not shown)" in done.stdout and "| FRG105 |" in done.stdout


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_action_scripts_pass_shellcheck():
    done = subprocess.run(["shellcheck", *(str(p) for p in (REPO / "action").glob("*.sh"))], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
