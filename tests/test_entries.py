"""What runs as an app (issue 12): entry scripts, test modules, libraries nobody runs, and the
false positives that judging every file as app code caused, through the real command line.

Each project is written to a temp dir with a pyproject.toml (so the whole project is the
check's context, as in a real repository) and checked with `python -m fraglint check`.
"""

from __future__ import annotations

import json

import pytest
from helpers import REPO, run_cli, write_project

from fraglint.model.entries import CodeScope, is_test_module
from fraglint.rules import ALL_RULES

PICK = """
import streamlit as st


@st.fragment
def pick():
    return st.selectbox("City", ["Oslo", "Lima"])
"""


def check(root, *args: str) -> list[tuple[str, str, int]]:
    done = run_cli("check", "--output-format", "json", *args, ".", cwd=root)
    assert done.returncode in (0, 1), done.stderr
    return sorted((d["name"], d["path"], d["line"]) for d in json.loads(done.stdout))


def messages(root, *args: str) -> list[str]:
    done = run_cli("check", "--output-format", "json", *args, ".", cwd=root)
    return [d["message"] for d in json.loads(done.stdout)]


def project(tmp_path, files: dict[str, str], pyproject: str = "") -> str:
    write_project(tmp_path, {"pyproject.toml": pyproject or '[project]\nname = "demo"\n', **files})
    return str(tmp_path)


# -- test code ----------------------------------------------------------------------------


def test_fragments_in_pytest_modules_are_not_app_code(tmp_path):
    test_body = """
    import streamlit as st

    from app import pick


    def test_pick():
        @st.fragment
        def choose():
            return st.radio("x", [1, 2])

        value = choose()
        assert value == 1
        assert pick() == "Oslo"
        city = pick()
    """
    root = project(tmp_path, {
        "app.py": PICK + "\ncity = pick()\nst.write(city)\n",
        "tests/test_app.py": test_body,
        "test_root.py": test_body,
        "pkg/checks_test.py": test_body,
        "conftest.py": test_body,
    })
    assert check(root) == [("fragment-return-value", "app.py", 8)]


@pytest.mark.parametrize("path, is_test", [
    ("tests/helpers.py", True), ("test/x.py", True), ("src/test_x.py", True), ("x_test.py", True),
    ("conftest.py", True), ("app.py", False), ("contest.py", False), ("testing/app.py", False),
])
def test_pytest_conventions_name_the_test_modules(path, is_test):
    assert is_test_module(f"/r/{path}", "/r") is is_test


# -- fragment-return-value ------------------------------------------------------------------


def test_a_fragment_nothing_reruns_alone_returns_fresh_values(tmp_path):
    root = project(tmp_path, {"app.py": """
    import streamlit as st


    @st.fragment
    def build_chart(data):
        fig = {"data": data}
        st.json(fig)
        return fig


    fig = build_chart([1, 2])
    st.write(fig)
    """})
    assert check(root) == []


@pytest.mark.parametrize("body, cause", [
    ('return st.selectbox("City", ["Oslo"])', "a widget inside it"),
    ('st.write("x")\n    if st.session_state.get("again"):\n        st.rerun(scope="fragment")\n    return 1',
     '`st.rerun(scope="fragment")` inside it'),
])
def test_the_message_says_what_reruns_the_fragment_alone(tmp_path, body, cause):
    root = project(tmp_path, {"app.py": f"import streamlit as st\n\n\n@st.fragment\ndef part():\n    {body}\n\n\nvalue = part()\n"})
    found = messages(root)
    assert len(found) == 1 and f"discards it on the fragment's reruns ({cause} reruns it alone)" in found[0], found


def test_a_run_every_fragment_is_rerun_by_its_timer(tmp_path):
    root = project(tmp_path, {"app.py": """
    import streamlit as st


    @st.fragment(run_every="5s")
    def clock():
        st.write("tick")
        return 1


    value = clock()
    """})
    found = messages(root)
    assert len(found) == 1 and "its `run_every` timer reruns it alone" in found[0], found


TRANSPARENT = """
import functools

import streamlit as st


def partial(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        @st.fragment
        def _section():
            st.toggle("Live", key=func.__name__)
            return func(*args, **kwargs)

        return _section()

    return wrapper


@partial
def filters():
    {body}


{call}
"""


def test_the_transparent_decorator_idiom_uses_no_value(tmp_path):
    code = TRANSPARENT.format(body='st.multiselect("Products", ["A"], key="products")', call="filters()")
    assert check(project(tmp_path, {"app.py": code})) == []


def test_a_transparent_decorator_whose_value_is_read_is_reported(tmp_path):
    code = TRANSPARENT.format(body='return st.multiselect("Products", ["A"])', call="chosen = filters()")
    assert check(project(tmp_path, {"app.py": code})) == [("fragment-return-value", "app.py", 14)]


# -- uncalled-fragment ----------------------------------------------------------------------


def test_a_fragment_its_decorator_factory_returns_is_passed_on(tmp_path):
    root = project(tmp_path, {"app.py": """
    import streamlit as st


    def live(render):
        @st.fragment
        def panel():
            st.button("Refresh")
            render()

        return panel


    @live
    def revenue():
        st.line_chart([1, 2])


    @st.fragment
    def forgotten():
        st.write("never drawn")


    revenue()
    """})
    assert check(root) == [("uncalled-fragment", "app.py", 19)]


# -- fragment-api-unavailable ---------------------------------------------------------------


def test_feature_detection_of_st_fragment_cannot_fail(tmp_path):
    root = project(tmp_path, {"app.py": """
    import streamlit as st


    def fragment(func):
        try:
            return st.fragment(func)
        except (ImportError, AttributeError):
            return func


    if hasattr(st, "fragment"):
        partial = st.fragment
    else:
        partial = fragment
    maybe = getattr(st, "fragment", None)


    @fragment
    def prices():
        st.button("Refresh")


    @st.fragment
    def volumes():
        st.bar_chart([1])


    prices()
    volumes()
    """})
    assert check(root, "--streamlit-version", "1.36") == [("fragment-api-unavailable", "app.py", 23)]


def test_a_try_that_catches_something_else_is_no_feature_detection(tmp_path):
    root = project(tmp_path, {"app.py": """
    import streamlit as st

    try:
        live = st.fragment
    except KeyError:
        live = None
    """})
    assert check(root, "--streamlit-version", "1.36") == [("fragment-api-unavailable", "app.py", 4)]


# -- entry scripts ----------------------------------------------------------------------------


def test_a_library_nobody_runs_gets_only_findings_that_hold_anywhere(tmp_path):
    root = project(tmp_path, {
        "kit/__init__.py": "from kit.panels import value\n",
        "kit/panels.py": PICK + """

def value():
    chosen = pick()
    return chosen


@st.fragment
def legend():
    st.sidebar.caption("colours")
""",
    })
    assert check(root, "--streamlit-version", "1.45") == [("fragment-sidebar-call", "kit/panels.py", 16)]


def test_a_module_an_entry_imports_is_app_code(tmp_path):
    root = project(tmp_path, {
        "app.py": "import streamlit as st\nfrom kit.panels import value\n\nst.write(value())\n",
        "kit/__init__.py": "",
        "kit/panels.py": PICK + "\n\ndef value():\n    chosen = pick()\n    return chosen\n",
    })
    assert check(root) == [("fragment-return-value", "kit/panels.py", 10)]


def test_an_app_imported_back_by_its_helper_and_by_tests_is_still_an_entry(tmp_path):
    root = project(tmp_path, {
        "app.py": PICK + "\nfrom components.layout import page\n\npage()\ncity = pick()\n",
        "components/__init__.py": "",
        "components/layout.py": "import streamlit as st\n\n\ndef page():\n    from app import pick\n    pick()\n",
        "tests/test_app.py": "import app\n\n\ndef test_it():\n    assert app\n",
    })
    assert check(root) == [("fragment-return-value", "app.py", 11)]


def test_the_entry_setting_names_scripts_fraglint_cannot_find(tmp_path):
    files = {
        "ops/__init__.py": "",
        "ops/cli.py": "import sys\n\nfrom ops.admin import reindex\n\nif __name__ == '__main__':\n    reindex(sys.argv)\n",
        "ops/admin.py": PICK + "\n\ndef reindex(names):\n    return len(names)\n\n\njob = pick()\n",
    }
    assert check(project(tmp_path / "without", files)) == []
    with_setting = project(tmp_path / "with", files, '[tool.fraglint]\nentry = ["ops/admin.py"]\n')
    assert check(with_setting) == [("fragment-return-value", "ops/admin.py", 13)]


@pytest.mark.parametrize("value, problem", [
    ('"app.py"', "entry must be a list of strings"),
    ('["[z-a]"]', "invalid glob pattern"),
])
def test_a_bad_entry_setting_is_a_configuration_error(tmp_path, value, problem):
    root = project(tmp_path, {"app.py": "import streamlit as st\n"}, f"[tool.fraglint]\nentry = {value}\n")
    done = run_cli("check", ".", cwd=root)
    assert done.returncode == 2 and problem in done.stderr, done.stderr


def test_show_settings_lists_the_entry_scripts_and_why(tmp_path):
    root = project(tmp_path, {
        "home.py": 'import streamlit as st\n\nst.navigation([st.Page("reports.py")]).run()\n',
        "reports.py": "import streamlit as st\n\nst.write('r')\n",
        "pages/1_Jobs.py": "import streamlit as st\n",
        "tools/admin.py": "import streamlit as st\n",
        "tools/__init__.py": "",
        "kit.py": "import streamlit as st\n",
        "app.py": "import streamlit as st\nimport kit\n",
        "tests/test_home.py": "import streamlit as st\n",
    }, '[tool.fraglint]\nentry = ["tools/admin.py"]\n')
    done = run_cli("check", "--show-settings", ".", cwd=root)
    assert done.returncode == 0, done.stderr
    listed = done.stdout.split("entry scripts:")[1].strip().splitlines()
    assert [line.strip() for line in listed] == [
        "app.py (not imported by another module)",
        "home.py (not imported by another module)",
        "pages/1_Jobs.py (a script in `pages/`)",
        "reports.py (an `st.Page` target)",
        "tools/admin.py (the `entry` setting)",
    ]


# -- which rules judge what --------------------------------------------------------------------


def test_every_rule_declares_which_code_it_judges():
    for rule in ALL_RULES:
        assert isinstance(rule.__dict__.get("judges"), CodeScope), rule.name
        assert rule.judges.value in rule.documentation(), rule.name


def test_the_docs_say_which_code_each_rule_judges():
    table = (REPO / "docs" / "entries.md").read_text(encoding="utf-8")
    for rule in ALL_RULES:
        assert f"| `{rule.name}` | {rule.judges.value} |" in table, rule.name
