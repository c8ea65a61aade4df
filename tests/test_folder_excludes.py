"""A sub-project's own `exclude` / `extend-exclude`, through the real CLI.

Checked from a parent folder, the files in a sub-project are excluded by the nearest
`[tool.fraglint]` above them, with its patterns relative to the sub-project's folder, as ruff
applies the closest configuration while it walks; the sub-project's folder itself is judged by
its parent's configuration. `--force-exclude` does the same for files named one by one
(pre-commit names them).
"""

from __future__ import annotations

import json

from tests.helpers import run_cli, write_project

APP = """
import streamlit as st

@st.fragment
def panel():
    st.sidebar.write("x")

panel()
"""  # fragment-sidebar-call on 1.45: one finding per file checked

ROOT = '[project]\nname = "mono"\n\n[tool.fraglint]\nstreamlit-version = "1.45"\n'
SUB = '[tool.fraglint]\nstreamlit-version = "1.45"\nexclude = ["legacy"]\nextend-exclude = ["gen/*.py"]\n'
FILES = {
    "pyproject.toml": ROOT,
    "root_app.py": APP,
    "legacy/old.py": APP,  # the sub-project's "legacy" is not the root's
    "gen/out.py": APP,  # nor is its "gen/*.py", relative to the sub-project
    "sub/pyproject.toml": SUB,
    "sub/app.py": APP,
    "sub/legacy/old.py": APP,
    "sub/gen/out.py": APP,
    "sub/gen/deeper/kept.py": APP,  # `gen/*.py` names the files directly in gen/
}


def checked(root, *args: str) -> list[str]:
    result = run_cli("check", "--output-format", "json", "--no-cache", *args, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return sorted(d["path"] for d in json.loads(result.stdout))


def test_a_sub_projects_exclude_holds_in_its_folder_when_checked_from_the_parent(tmp_path):
    write_project(tmp_path, FILES)
    expected = ["gen/out.py", "legacy/old.py", "root_app.py", "sub/app.py", "sub/gen/deeper/kept.py"]
    assert checked(tmp_path, ".") == expected
    assert checked(tmp_path, "sub") == ["sub/app.py", "sub/gen/deeper/kept.py"]
    assert checked(tmp_path / "sub", ".") == ["app.py", "gen/deeper/kept.py"]
    summary = run_cli("check", "--no-cache", ".", cwd=tmp_path).stdout
    assert "in 5 files" in summary


def test_force_exclude_applies_a_sub_projects_exclude_to_files_named_explicitly(tmp_path):
    write_project(tmp_path, FILES)
    named = ["root_app.py", "sub/legacy/old.py", "sub/gen/out.py", "sub/app.py", "legacy/old.py"]
    assert checked(tmp_path, "--force-exclude", *named) == ["legacy/old.py", "root_app.py", "sub/app.py"]
    assert checked(tmp_path, *named) == sorted(named)  # named without --force-exclude: checked, as ruff


def test_the_parents_exclude_still_decides_for_the_sub_projects_folder(tmp_path):
    write_project(tmp_path, {**FILES, "pyproject.toml": ROOT + 'extend-exclude = ["sub"]\n'})
    assert checked(tmp_path, ".") == ["gen/out.py", "legacy/old.py", "root_app.py"]
