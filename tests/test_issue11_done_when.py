"""Issue 11's first "Done when" in one project, through the real CLI: a monorepo whose root pins
one release and whose sub-app declares `streamlit>=1.28` (in requirements.txt or pyproject.toml)
gets the floor diagnostic at the sub-app's requirement line and a `fragment-sidebar-call` that
names the releases the sub-app admits, while the same code at the root, pinned to 1.67, is clean.
(tests/test_ranges.py shows each half alone.)
"""

from __future__ import annotations

import json

import pytest
from helpers import run_cli, write_project

SIDEBAR_APP = """\
import streamlit as st

@st.fragment
def panel():
    st.sidebar.write("x")

panel()
"""

SUB_DECLARATIONS = {
    "requirements.txt": ("app/requirements.txt", 2, "pandas\nstreamlit>=1.28\n"),
    "pyproject.toml": (
        "app/pyproject.toml", 5, '[project]\nname = "dash"\ndependencies = [\n    "pandas",\n    "streamlit>=1.28",\n]\n',
    ),
}


@pytest.mark.parametrize("declared_in", sorted(SUB_DECLARATIONS))
def test_a_monorepo_sub_app_with_a_low_floor_gets_the_floor_diagnostic_and_ranged_findings(tmp_path, declared_in):
    path, line, text = SUB_DECLARATIONS[declared_in]
    write_project(tmp_path, {
        "requirements.txt": "streamlit==1.67.0\n",
        "root_app.py": SIDEBAR_APP,
        path: text,
        "app/streamlit_app.py": SIDEBAR_APP,
    })
    result = run_cli("check", "--output-format", "json", "--no-cache", ".", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    found = json.loads(result.stdout)
    assert [(d["path"], d["line"], d["name"]) for d in found] == [
        (path, line, "streamlit-floor-too-low"),
        ("app/streamlit_app.py", 5, "fragment-sidebar-call"),
    ]
    floor, sidebar = found
    assert floor["message"] == (
        "`streamlit>=1.28` admits releases without `st.fragment` (used at 1 site); raise the floor to >=1.37"
    )
    assert sidebar["message"].endswith("(raises on 1.37-1.58 of the releases `streamlit>=1.28` admits)")
    assert sidebar["releases"]["holds_on"] == "1.37-1.58"
    summary = run_cli("check", "--no-cache", ".", cwd=tmp_path).stdout
    assert "target Streamlit 1.67.0 for 1 file; streamlit>=1.28 (1.28.0 to 1.67.0" in summary
