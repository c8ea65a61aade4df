"""The structural fixes, through the real CLI: `with st.sidebar:` around a fragment's one call
(fragment-sidebar-call) and `st.container()` -> `st.empty()` (outside-container-write, unsafe).

Each fix offered is applied by `--fix` (or `--unsafe-fixes`) to a file on disk; the result must
parse, equal the original with exactly the fix's edits spliced in (every other byte the same),
change only the lines the fix is about, and no longer have the finding. The shapes a fix does
not understand, or where it could change what the app does, get no fix at all.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from helpers import check_files, run_cli

from fraglint.source_text import offset_of

VERSION = ("--streamlit-version", "1.45")  # before 1.59: st.sidebar in a fragment raises, outside writes pile up


def _sidebar_app(block: str, indent: str, call: str) -> str:
    """The app the `with st.sidebar:` fix rewrites, before (the block in the fragment) and after
    (the block around its call): one template, so the two differ only where the fix writes."""
    return f'''\
import streamlit as st

regions = ["EU", "US"]


@st.fragment
def filters():
    """Pick a region."""
    # the filters
{block}{indent}region = st.selectbox("Region", regions)
{indent}text = """
multi
  line"""
{indent}if region:
{indent}    st.write(text)  # shown
{indent}# the end of the block


st.title("App")
# the call
{call}
st.write("after")
'''


SIDEBAR_WITH = _sidebar_app("    with st.sidebar:\n", " " * 8, "filters()")
SIDEBAR_WITH_FIXED = _sidebar_app("", " " * 4, "with st.sidebar:\n    filters()")


SIDEBAR_CALLS = """\
import streamlit as stl

@stl.fragment
def pick():
    region = stl.sidebar.selectbox("Region", ["EU", "US"])
    stl.session_state.region = region
    stl.sidebar.write(region)

if True:
    chosen = pick()
"""
SIDEBAR_CALLS_FIXED = """\
import streamlit as stl

@stl.fragment
def pick():
    region = stl.selectbox("Region", ["EU", "US"])
    stl.session_state.region = region
    stl.write(region)

if True:
    with stl.sidebar:
        chosen = pick()
"""

CONTAINER = """\
import time

import streamlit as st

st.title("Live")
status = st.container()  # the status line


@st.fragment(run_every="5s")
def poll():
    if time.time() > 0:
        status.write(f"Last update: {time.time()}")


poll()
"""
CONTAINER_FIXED = CONTAINER.replace("status = st.container()", "status = st.empty()")

SIDEBAR_AROUND_ALREADY = """\
import streamlit as st

@st.fragment
def f():
    with st.sidebar:
        st.write(1)

with st.sidebar:
    st.title("x")
    f()
"""
SIDEBAR_AROUND_ALREADY_FIXED = SIDEBAR_AROUND_ALREADY.replace("    with st.sidebar:\n        st.write(1)", "    st.write(1)")

# name -> (source, fixed source, rule, whether the fix is safe, the lines (1-based) it may change)
FIXED = {
    "sidebar-with-block": (SIDEBAR_WITH, SIDEBAR_WITH_FIXED, "FRG105", True, set(range(10, 18)) | {22}),
    "sidebar-with-block-crlf": (
        SIDEBAR_WITH.replace("\n", "\r\n"), SIDEBAR_WITH_FIXED.replace("\n", "\r\n"), "FRG105", True, set(range(10, 18)) | {22}
    ),
    "sidebar-calls": (SIDEBAR_CALLS, SIDEBAR_CALLS_FIXED, "FRG105", True, {5, 7, 10}),
    "sidebar-calls-computed-argument": (
        SIDEBAR_CALLS.replace('["EU", "US"]', 'sorted(["US", "EU"])'),
        SIDEBAR_CALLS_FIXED.replace('["EU", "US"]', 'sorted(["US", "EU"])'),
        "FRG105", False, {5, 7, 10},
    ),
    "sidebar-already-around-the-call": (SIDEBAR_AROUND_ALREADY, SIDEBAR_AROUND_ALREADY_FIXED, "FRG105", True, {5, 6}),
    "container-to-empty": (CONTAINER, CONTAINER_FIXED, "FRG104", False, {6}),
}


def _findings(root: Path, *args: str) -> list[dict]:
    result = run_cli("check", "--output-format", "json", *VERSION, *args, "app.py", cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def _spliced(text: str, edits: list[dict]) -> str:
    """`text` with the edits (as the JSON output gives them) replaced, last first."""
    for edit in sorted(edits, key=lambda e: (e["line"], e["column"]), reverse=True):
        start, end = offset_of(text, edit["line"], edit["column"]), offset_of(text, edit["end_line"], edit["end_column"])
        assert start is not None and end is not None
        text = text[:start] + edit["content"] + text[end:]
    return text


@pytest.mark.parametrize("name", list(FIXED))
def test_the_fix_applies_through_the_cli_and_keeps_every_other_byte(tmp_path, name):
    source, fixed, code, safe, lines = FIXED[name]
    app = tmp_path / "app.py"
    app.write_bytes(source.encode())
    [finding, *_] = found = [d for d in _findings(tmp_path) if d["code"] == code]
    fix = finding["fix"]
    assert fix is not None and fix["applicability"] == ("safe" if safe else "unsafe"), found
    assert {edit["line"] for edit in fix["edits"]} | {edit["end_line"] for edit in fix["edits"]} <= lines | {max(lines) + 1}, fix

    # --diff shows the change and exits 1; without --unsafe-fixes an unsafe fix is not shown.
    diff = run_cli("check", *VERSION, "--diff", "app.py", cwd=tmp_path)
    assert (diff.returncode, bool(diff.stdout)) == ((1, True) if safe else (0, False)), diff.stdout + diff.stderr
    unsafe_diff = run_cli("check", *VERSION, "--diff", "--unsafe-fixes", "app.py", cwd=tmp_path)
    assert unsafe_diff.returncode == 1 and "+++ b/app.py" in unsafe_diff.stdout
    assert app.read_bytes() == source.encode(), "--diff changes nothing"

    run_cli("check", *VERSION, "--fix", *(() if safe else ("--unsafe-fixes",)), "app.py", cwd=tmp_path)
    after = app.read_bytes()
    assert after == fixed.encode()
    assert after.decode() == _spliced(source, fix["edits"]), "every byte outside the fix's edits is kept"
    cst.parse_module(after)
    compile(after, "app.py", "exec")
    assert not [d for d in _findings(tmp_path) if d["code"] == code], "the finding is gone"


def test_an_unsafe_fix_is_left_alone_by_a_plain_fix(tmp_path):
    app = tmp_path / "app.py"
    app.write_text(CONTAINER)
    result = run_cli("check", *VERSION, "--fix", "app.py", cwd=tmp_path)
    assert app.read_text() == CONTAINER and "--unsafe-fixes" in result.stdout + result.stderr


def _sidebar(body: str, call: str = "show()", extra: str = "") -> str:
    return f"import streamlit as st\n{extra}\n@st.fragment\ndef show():\n{textwrap.indent(body, '    ')}\n{call}\n"


def _container(body: str, call: str = "tick()", creation: str = "box = st.container()", extra: str = "") -> str:
    return f"import streamlit as st\n{creation}\n{extra}\n@st.fragment\ndef tick():\n{textwrap.indent(body, '    ')}\n{call}\n"


WITH = "with st.sidebar:\n    st.write('x')\n"
# name -> (files, the rule); each project's app.py has findings of the rule, none with a fix
NO_FIX = {
    # fragment-sidebar-call
    "main-area-drawing-too": ({"app.py": _sidebar("st.write('main')\n" + WITH)}, "FRG105"),
    "called-twice": ({"app.py": _sidebar(WITH, "show()\nshow()")}, "FRG105"),
    "called-in-a-loop": ({"app.py": _sidebar(WITH, "for _ in range(2):\n    show()")}, "FRG105"),
    "called-from-a-function": ({"app.py": _sidebar(WITH, "def main():\n    show()\n\nmain()")}, "FRG105"),
    "called-with-a-drawing-argument": (
        {"app.py": _sidebar(WITH.replace("st.write('x')", "st.write(v)"), "show(st.text_input('v'))").replace("def show():", "def show(v):")},
        "FRG105",
    ),
    "called-inside-an-expression": ({"app.py": _sidebar(WITH, "x = [show()]")}, "FRG105"),
    "also-passed-as-a-value": ({"app.py": _sidebar(WITH, "show()\ncallbacks = [show]")}, "FRG105"),
    "imported-by-another-module": (
        {"app.py": _sidebar(WITH), "other.py": "from app import show\n"},
        "FRG105",
    ),
    "with-has-a-target": ({"app.py": _sidebar(WITH.replace("st.sidebar:", "st.sidebar as side:"))}, "FRG105"),
    "with-has-a-comment": ({"app.py": _sidebar(WITH.replace("st.sidebar:", "st.sidebar:  # menu"))}, "FRG105"),
    "sidebar-call-in-a-branch": ({"app.py": _sidebar("if True:\n    st.sidebar.write('x')\n")}, "FRG105"),
    "sidebar-call-and-a-helper": (
        {"app.py": _sidebar("st.sidebar.write('x')\nhelper()\n", extra="def helper():\n    pass\n")},
        "FRG105",
    ),
    "sidebar-in-a-helper": ({"app.py": _sidebar("helper()\n", extra="def helper():\n    st.sidebar.write('x')\n")}, "FRG105"),
    "dialog": (
        {"app.py": "import streamlit as st\n\n@st.dialog('Hi')\ndef show():\n    with st.sidebar:\n        st.write('x')\n\nshow()\n"},
        "FRG105",
    ),
    # outside-container-write
    "container-with-arguments": ({"app.py": _container("box.write(1)\n", creation="box = st.container(border=True)")}, "FRG104"),
    "container-written-outside-too": ({"app.py": _container("box.write(1)\n", extra="box.write('header')\n")}, "FRG104"),
    "container-entered-outside": ({"app.py": _container("box.write(1)\n", extra="with box:\n    st.write('header')\n")}, "FRG104"),
    "container-written-twice": ({"app.py": _container("box.write(1)\nbox.write(2)\n")}, "FRG104"),
    "container-written-in-a-loop": ({"app.py": _container("for i in range(3):\n    box.write(i)\n")}, "FRG104"),
    "container-written-with-two-values": ({"app.py": _container("box.write(1, 2)\n")}, "FRG104"),
    "container-given-a-child": ({"app.py": _container("box.columns(2)\n")}, "FRG104"),
    "container-written-by-a-helper": ({"app.py": _container("draw()\n", extra="def draw():\n    box.write(1)\n")}, "FRG104"),
    "container-fragment-called-twice": ({"app.py": _container("box.write(1)\n", call="tick()\ntick()")}, "FRG104"),
    "container-made-in-a-loop": (
        {"app.py": _container("box.write(1)\n", creation="for _ in range(2):\n    box = st.container()")},
        "FRG104",
    ),
    "container-reassigned": (
        {"app.py": _container("box.write(1)\n", extra="def reset():\n    global box\n    box = st.container()\n")},
        "FRG104",
    ),
    "sidebar-container": ({"app.py": _container("box.write(1)\n", creation="box = st.sidebar.container()")}, "FRG105"),
    "container-imported-by-another-module": (
        {"app.py": _container("box.write(1)\n"), "other.py": "from app import box\n"},
        "FRG104",
    ),
    "container-module-imported-by-another": (
        {"app.py": _container("box.write(1)\n"), "other.py": "def late():\n    import app\n"},
        "FRG104",
    ),
    "container-module-imported-from-its-package": (
        {"app.py": _container("box.write(1)\n"), "other.py": "from somewhere import app\n"},
        "FRG104",
    ),
}


def _fixes(root: Path, files: dict[str, str], code: str) -> list:
    found = [d for d in check_files(root, files, version="1.45.0") if d.code == code]
    assert found, f"the case must have a {code} finding to be a case at all"
    return [d.fix for d in found]


@pytest.mark.parametrize("files, code", [({"app.py": _sidebar(WITH)}, "FRG105"), ({"app.py": _container("box.write(1)\n")}, "FRG104")])
def test_the_plain_cases_the_others_vary_get_a_fix(tmp_path, files, code):
    assert all(fix is not None for fix in _fixes(tmp_path, files, code))


@pytest.mark.parametrize("name", list(NO_FIX))
def test_no_fix_where_the_shape_or_the_uses_are_not_certain(tmp_path, name):
    fixes = _fixes(tmp_path, *NO_FIX[name])
    assert fixes == [None] * len(fixes)


def test_an_offer_refused_on_its_nodes_resolves_no_scopes() -> None:
    """`st.container(border=True)` is not the shape `container-to-empty` rewrites: the nodes at
    the spans say so, before libcst's scope analysis (4 parses' time per file) is run."""
    from fraglint.diagnostics import Span
    from fraglint.index.rewrite_kinds import Rewrite
    from fraglint.index.rewrites import _tree, rewrite

    text = 'import streamlit as st\n\nbox = st.container(border=True)\n\n\n@st.fragment\ndef f():\n    box.write("x")\n'
    creation, write = Span(3, 7, 3, 32), Span(8, 5, 8, 19)
    assert rewrite(Rewrite.CONTAINER_TO_EMPTY, text, [creation, write]) is None
    tree = _tree(text)
    assert tree is not None and "scopes" not in vars(tree) and "parents" not in vars(tree)
    plain = text.replace("border=True", "")
    assert rewrite(Rewrite.CONTAINER_TO_EMPTY, plain, [Span(3, 7, 3, 21), Span(8, 5, 8, 19)]) is not None
    tree = _tree(plain)
    assert tree is not None and "scopes" in vars(tree)
