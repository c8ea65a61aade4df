"""A check of part of a project walks only the entry scripts whose run may reach it (issue 13).

`fraglint check app.py` (pre-commit) and the editor's check of one buffer report on one file;
the rerun-model interpreter used to walk every entry script of the project for them. It now
walks the scripts that import the file (transitively, packages' submodules included) or name it
as a page, and the findings on the file are the same as the whole project's check gives.
"""

from __future__ import annotations

import os

from helpers import finding_rows, write_project

from fraglint.config import Settings
from fraglint.engine import build_project
from fraglint.model import versions
from fraglint.rules.base import CheckContext

# Two runs: `app.py` (a navigation script whose page `pages/b.py` runs inside it) and
# `pages/a.py` (a page script of its own, reaching `shared/widgets.py` through the package).
FILES = {
    "pyproject.toml": '[project]\nname = "demo"\ndependencies = ["streamlit>=1.40"]\n',
    "app.py": """
        import streamlit as st

        st.navigation([st.Page("pages/b.py")]).run()
    """,
    "pages/b.py": """
        import streamlit as st

        @st.fragment
        def left():
            st.text_input("Search", key="search")

        @st.fragment
        def right():
            st.text_input("Search", key="search")

        left()
        right()
    """,
    "shared/__init__.py": "",
    "shared/widgets.py": """
        import streamlit as st

        def search():
            st.text_input("Find", key="find")
    """,
    "pages/a.py": """
        import streamlit as st
        import shared

        @st.fragment
        def one():
            shared.widgets.search()

        @st.fragment
        def two():
            shared.widgets.search()

        one()
        two()
    """,
    "pages/c.py": """
        import streamlit as st
        import tools

        st.title("Alone")
        tools.deep.draw()
    """,
    "tools/deep.py": """
        import streamlit as st

        def draw():
            st.write("deep")
    """,
}


def _walked_for(root, name: str) -> list[str]:
    settings = Settings(root=str(root), streamlit_version=versions.parse_version("1.40.0"))
    project = build_project([str(root / name)], settings, jobs=1)
    ctx = CheckContext(project.index, project.model, settings.target_version, {str(root / name)},
                       whole_project=project.whole_project)
    return sorted(os.path.relpath(path, root) for path in ctx.interpretation().entries)


def test_one_file_walks_only_the_runs_that_reach_it(tmp_path):
    write_project(tmp_path, FILES)
    assert _walked_for(tmp_path, "pages/c.py") == ["pages/c.py"]
    # reached from a folder without `__init__.py` (and a script of its own: nothing imports it)
    assert _walked_for(tmp_path, "tools/deep.py") == ["pages/c.py", "tools/deep.py"]
    assert _walked_for(tmp_path, "shared/widgets.py") == ["pages/a.py"]  # `shared.widgets` without importing it
    assert _walked_for(tmp_path, "pages/b.py") == ["app.py"]  # named by `st.Page("pages/b.py")`


def test_one_file_check_finds_what_the_whole_check_finds_there(tmp_path):
    write_project(tmp_path, FILES)
    whole = finding_rows(tmp_path, ".")
    assert {(path, name) for path, name, _, _ in whole} >= {
        ("pages/b.py", "widget-key-in-two-fragments"), ("shared/widgets.py", "widget-key-in-two-fragments"),
    }
    for name in ("pages/b.py", "shared/widgets.py", "pages/a.py", "app.py", "tools/deep.py"):
        assert finding_rows(tmp_path, name) == [finding for finding in whole if finding[0] == name], name
