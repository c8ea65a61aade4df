"""Installing fraglint: the language server as an extra, one version, the release files.

The wheel itself is built, checked and run from a clean virtual environment by
`tests/packaging/check_wheel.sh` (called by .ci/run); these tests cover what can be shown in
this interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys

import tomllib
from helpers import REPO

import fraglint


def test_lsp_without_the_extra_says_how_to_install_it_and_exits_2():
    # As if pygls were not installed: importing it raises ModuleNotFoundError.
    code = "import sys; sys.modules['pygls'] = None; from fraglint.cli import main; main(['lsp'])"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "fraglint[lsp]" in result.stderr and "pygls" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_cli_needs_no_language_server_library():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    dependencies = " ".join(pyproject["project"]["dependencies"])
    assert "pygls" not in dependencies and "lsprotocol" not in dependencies
    assert any("pygls" in d for d in pyproject["project"]["optional-dependencies"]["lsp"])
    assert "fraglint[lsp]" in pyproject["project"]["optional-dependencies"]["dev"]  # the tests need it


def test_version_has_one_home_and_the_changelog_names_it():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "fraglint/__init__.py"
    assert f"## {fraglint.__version__}" in (REPO / "CHANGELOG.md").read_text()
    assert "MIT License" in (REPO / "LICENSE").read_text()


def test_ci_runs_the_wheel_check_and_the_readme_shows_the_same_command():
    ci = (REPO / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert "bash tests/packaging/check_wheel.sh" in ci
    assert ci in (REPO / "README.md").read_text()
