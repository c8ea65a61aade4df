"""The language server's incremental checks say exactly what a fresh check says.

Between two checks the server keeps its sources (summaries by file, buffers parsed and walked
chunk by chunk) and lends the previous check's resolutions to the next one
(`ProjectIndex.reuse`, `FragmentModel.reuse`). Each test here edits files the way a user
does (buffers and files on disk, entry scripts and helper modules, edits that add and remove
fragments, imports, calls and syntax errors) and compares the incremental answer with a
check that starts from nothing.
"""

from __future__ import annotations

import gc
import re
import shutil
import subprocess
import sys
import textwrap
import weakref
from pathlib import Path

import pytest
from helpers import REPO, write_project

from fraglint import engine
from fraglint.index.incremental import ChunkedParser
from fraglint.index.loader import summarize_source
from fraglint.index.visitor import STATEMENT_STRIDE
from fraglint.workspace import Workspace as Analyser

FIXTURES = sorted(p for p in (REPO / "fixtures").iterdir() if p.is_dir())


def _edits(text: str) -> list[str]:
    """Successive versions of a file: each a small edit of the one before, then the original."""
    lines = text.splitlines(keepends=True)
    first_def = next((i for i, line in enumerate(lines) if re.match(r"\s*def \w+\(.*\):\s*$", line)), None)
    versions = [text + "\n# a comment typed at the end\n"]
    if first_def is not None:
        indent = re.match(r"\s*", lines[first_def]).group(0) + "    "
        added = lines[: first_def + 1] + [f'{indent}st.write("typed")\n'] + lines[first_def + 1 :]
        versions.append("".join(added))
        renamed = re.sub(r"def (\w+)\(", r"def \1_renamed(", "".join(lines), count=1)
        versions.append(renamed)
    versions.append("".join(line for line in lines if not line.lstrip().startswith("@")))  # decorators gone
    versions.append("import streamlit as st\nfrag = st.fragment\n" + text.replace("@st.fragment", "@frag"))
    versions.append(text.replace("(", "((", 1) if "(" in text else text + "(")  # a syntax error
    versions.append(text)
    return versions


def _fresh(path: str, text: str, others: dict[str, str], settings) -> list:
    result = engine.run_check([path], settings, buffers={**others, path: text}, jobs=1)
    return [d for d in result.diagnostics if d.path == path]


def _assert_same_as_fresh(analyser: Analyser, path: str, text: str, others: dict[str, str] | None = None) -> None:
    settings, _ = analyser.settings.for_path(path)
    incremental = analyser.check(path, text, others)
    assert incremental == _fresh(path, text, others or {}, settings), f"{path} after an edit:\n{text}"


def _python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if ".fraglint_cache" not in p.parts)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_buffer_edits_match_a_fresh_check(tmp_path, fixture):
    root = tmp_path / fixture.name
    shutil.copytree(fixture, root)
    analyser = Analyser()
    for file in _python_files(root)[:4]:
        path = str(file)
        for version in _edits(file.read_text(encoding="utf-8")):
            _assert_same_as_fresh(analyser, path, version)


PINNED = "[project]\nname = 'demo'\ndependencies = ['streamlit==1.36.0']\n"

# (files, the file edited, its successive versions, the file checked): edits in one module
# that change what a call in another, unchanged module means.
SCENARIOS = {
    "helper-becomes-a-streamlit-call": (
        {
            "app.py": "import streamlit as st\nfrom widgets import show\n\n@st.fragment\ndef live():\n    show('x')\n\nlive()\n",
            "widgets.py": "import streamlit as st\n\ndef show(text):\n    st.write(text)\n",
        },
        "widgets.py",
        ["import streamlit as st\n\nshow = st.sidebar.write\n", "import streamlit as st\n\ndef show(text):\n    st.write(text)\n"],
        "app.py",
    ),
    "fragment-made-by-a-third-module": (
        {
            "app.py": "import streamlit as st\nfrom views import render\nimport wrapping\n\n@st.fragment\ndef outer():\n    render()\n\nouter()\n",
            "views.py": "import streamlit as st\n\ndef render():\n    st.button('go')\n",
            "wrapping.py": "import streamlit as st\nfrom views import render\n",
        },
        "wrapping.py",
        [
            "import streamlit as st\nfrom views import render\n\nlive = st.fragment(render)\n",
            "import streamlit as st\nfrom views import render\n\nlive = st.fragment(run_every=2)(render)\n",
            "import streamlit as st\nfrom views import render\n",
        ],
        "app.py",
    ),
    "decorator-alias-redefined": (
        {
            "app.py": "import streamlit as st\nfrom deco import frag\n\n@frag\ndef live():\n    st.sidebar.write(1)\n\nlive()\n",
            "deco.py": "import streamlit as st\n\nfrag = st.fragment\n",
        },
        "deco.py",
        ["def frag(function):\n    return function\n", "import streamlit as st\n\nfrag = st.experimental_fragment\n"],
        "app.py",
    ),
    "container-returned-by-a-helper": (
        {
            "app.py": "import streamlit as st\nfrom layout import area\n\nbox = area()\n\n@st.fragment\ndef live():\n    box.write(1)\n\nlive()\n",
            "layout.py": "import streamlit as st\n\ndef area():\n    return st.container()\n",
        },
        "layout.py",
        ["import streamlit as st\n\ndef area():\n    return st.empty()\n", "import streamlit as st\n\ndef area():\n    return st.sidebar\n"],
        "app.py",
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_edits_that_change_another_module_match_a_fresh_check(tmp_path, name):
    files, edited, versions, checked = SCENARIOS[name]
    write_project(tmp_path, {"pyproject.toml": PINNED, **files})
    analyser = Analyser()
    checked_path, checked_text = str(tmp_path / checked), files[checked]
    _assert_same_as_fresh(analyser, checked_path, checked_text)
    answers = set()
    for version in versions:
        # unsaved in the editor, then saved
        _assert_same_as_fresh(analyser, checked_path, checked_text, others={str(tmp_path / edited): version})
        (tmp_path / edited).write_text(version, encoding="utf-8")
        _assert_same_as_fresh(analyser, checked_path, checked_text)
        answers.add(tuple(d.code for d in analyser.check(checked_path, checked_text)))
    assert len(answers) > 1, "the edits should change what the unchanged module reports"


def test_resolutions_are_reused_between_checks(tmp_path):
    """Not vacuous: an edit of one file re-resolves that file, not the project."""
    write_project(tmp_path, {
        "pyproject.toml": "[project]\nname = 'demo'\ndependencies = ['streamlit==1.45.0']\n",
        "app.py": """
            import streamlit as st
            from panels import panel

            @st.fragment
            def live():
                panel(st.sidebar)

            live()
        """,
        "panels.py": """
            def panel(where):
                where.write("hi")
        """,
    })
    analyser = Analyser()
    app, panels = str(tmp_path / "app.py"), str(tmp_path / "panels.py")
    text = (tmp_path / "panels.py").read_text()
    first = analyser.check(panels, text)
    assert [d.code for d in first] == ["FRG105"]  # the helper draws into st.sidebar from a fragment
    assert analyser._last[str(tmp_path)].index.reused is None  # nothing to reuse yet
    second = analyser.check(panels, "# typed\n" + text)
    assert [(d.code, d.span.line) for d in second] == [("FRG105", 3)]
    project = analyser._last[str(tmp_path)]
    assert project.index.reused == {panels}  # only the edited buffer changed
    assert project.model._module_reads.get(app), "the unchanged module's call targets were taken over"


def test_edits_on_disk_and_in_helpers_match_a_fresh_check(tmp_path):
    """A generated multi-module project: helpers edited on disk and as unsaved buffers."""
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), str(tmp_path), "--files", "24", "--lines", "1500", "--seed", "3"],
        check=True, capture_output=True,
    )
    analyser = Analyser()
    app = str(tmp_path / "app.py")
    app_text = (tmp_path / "app.py").read_text(encoding="utf-8")
    _assert_same_as_fresh(analyser, app, app_text)
    helpers = [p for p in _python_files(tmp_path) if p.name != "app.py" and "@st.fragment" in p.read_text(encoding="utf-8")][:3]
    assert helpers
    for helper in helpers:
        original = helper.read_text(encoding="utf-8")
        for version in _edits(original)[:-1]:
            # the helper as an open, unsaved buffer next to app.py
            _assert_same_as_fresh(analyser, app, app_text, others={str(helper): version})
            # the helper saved to disk
            helper.write_text(version, encoding="utf-8")
            _assert_same_as_fresh(analyser, app, app_text)
            _assert_same_as_fresh(analyser, str(helper), version)
        helper.write_text(original, encoding="utf-8")
        _assert_same_as_fresh(analyser, app, app_text)
    # a new module appears, then goes away
    (tmp_path / "extra.py").write_text("import streamlit as st\n\n@st.fragment\ndef extra():\n    st.sidebar.write(1)\n\nextra()\n")
    _assert_same_as_fresh(analyser, app, app_text + "\nimport extra\n")
    (tmp_path / "extra.py").unlink()
    _assert_same_as_fresh(analyser, app, app_text)


def test_statements_are_numbered_from_their_own_base(tmp_path):
    """An edit in one top-level statement leaves every other statement's sites alone."""
    before = "import streamlit as st\n\ndef a():\n    st.write(1)\n\ndef b():\n    st.write(2)\n"
    after = before.replace("st.write(1)", "st.write(1)\n    st.write(1.5)\n    st.write(1.75)")
    path = str(tmp_path / "app.py")
    first, _ = summarize_source(path, before)
    second, _ = summarize_source(path, after)
    assert [c.site for c in first.functions["b"].calls] == [c.site for c in second.functions["b"].calls]
    assert first.functions["b"].site == 2 * STATEMENT_STRIDE + 1
    assert len(second.functions["a"].calls) == 3


def test_a_statement_with_more_sites_than_the_stride_pushes_the_next_one(tmp_path):
    calls = "".join(f"st.write({i})\n" for i in range(3))
    huge = "x = [" + ", ".join(["f()"] * (STATEMENT_STRIDE // 2 + 10)) + "]\n"  # two sites per call
    text = "import streamlit as st\n" + huge + calls
    path = str(tmp_path / "app.py")
    summary, _ = summarize_source(path, text)
    sites = [c.site for c in summary.module_scope.calls]
    assert sites == sorted(sites) and len(set(sites)) == len(sites)
    chunked = ChunkedParser().summarize(path, text)
    assert chunked is not None and chunked[0] == summary


def test_a_folder_that_is_not_a_project_reuses_only_the_same_closure(tmp_path):
    """Without pyproject.toml or .git a check sees the checked file and what it imports; a
    check of another file must not see more because the previous one loaded it."""
    write_project(tmp_path, {
        "a.py": "import streamlit as st\n\n@st.fragment\ndef panel():\n    st.sidebar.write(1)\n",
        "b.py": "import streamlit as st\nfrom a import panel\n\n@st.fragment\ndef outer():\n    panel()\n\nouter()\n",
    })
    analyser = Analyser()
    a, b = str(tmp_path / "a.py"), str(tmp_path / "b.py")
    for path in (b, a, b, b):
        _assert_same_as_fresh(analyser, path, (tmp_path / path).read_text())
    last = analyser._last[str(tmp_path)]
    assert last.index.reused == set(), "checking b.py again reused everything (nothing changed)"
    analyser.check(a, (tmp_path / "a.py").read_text())
    assert analyser._last[str(tmp_path)].index.reused is None  # a.py's closure is smaller: nothing lent


def test_a_line_separator_in_a_comment_does_not_shift_the_chunks(tmp_path):
    """Python breaks lines at \\n, \\r\\n and \\r only; `str.splitlines` also at \\u2028, \\x0c, ...
    The chunks' first lines must count Python's lines, or every span after such a comment is
    one line off in the editor."""
    from fraglint.index.facts import facts_from_visitor

    text = "import streamlit as st\n# a\u2028b\x0cc\nx = 1\n\n@st.fragment\ndef f():\n    st.button('b')\n\nf()\n"
    path = str(tmp_path / "app.py")
    chunked = ChunkedParser().summarize(path, text)
    summary, visitor = summarize_source(path, text, with_positions=True)
    whole = facts_from_visitor(text, visitor)
    assert chunked is not None and chunked[0] == summary
    assert sorted(s for spans in chunked[1].spans.values() for s in spans) == sorted(s for spans in whole.spans.values() for s in spans)


_NAVIGATION = {
    "pyproject.toml": "[project]\nname = 'demo'\ndependencies = ['streamlit==1.45.0']\n",
    "app.py": """
        import streamlit as st
        from panels import panel

        @st.fragment
        def live():
            st.button("go", key="go")
            panel(st.sidebar)

        live()
        st.navigation([st.Page("pages/one.py")]).run()
    """,
    "panels.py": "def panel(where):\n    where.write('hi')\n",
    "pages/one.py": "import streamlit as st\n\nst.write('one')\n",
    "pages/two.py": "import streamlit as st\n\nst.write('two')\n",
    "helpers.py": "import streamlit as st\n\ndef helper():\n    st.write('x')\n",
}


def _entries_after(analyser: Analyser, path: str, text: str):
    """The entry scripts' model after checking `text` (a fresh check's diagnostics asserted equal)."""
    _assert_same_as_fresh(analyser, path, text)
    return analyser._last[str(Path(path).parent)].model.entries


def _fresh_graphs(path: str, text: str, settings) -> tuple:
    entries = engine.build_project([path], settings, buffers={path: text}, jobs=1).model.entries
    return entries.entries, entries.reaching([path]), entries.app_modules


def test_entry_scripts_are_kept_while_no_import_or_page_changes(tmp_path):
    """A statement typed in a function rebuilds neither the entry scripts nor the import and
    run graphs (the previous objects are kept); an edit that adds an import or names another
    page rebuilds them, and they equal a fresh check's."""
    write_project(tmp_path, _NAVIGATION)
    analyser = Analyser()
    app = str(tmp_path / "app.py")
    text = (tmp_path / "app.py").read_text()
    settings, _ = analyser.settings.for_path(app)
    first = _entries_after(analyser, app, text)
    assert "_run_graph" in first.__dict__ and "entries" in first.__dict__, "the check asks which runs reach app.py"
    typed = text.replace('    panel(st.sidebar)\n', '    panel(st.sidebar)\n    st.write("typed")\n')
    second = _entries_after(analyser, app, typed)
    assert second is not first
    assert second.entries is first.entries and second._run_graph is first._run_graph
    assert second.scripts is first.scripts and second._importers is first._importers
    for edited in (
        typed.replace('    st.write("typed")\n', '    import helpers\n    helpers.helper()\n'),  # a new import
        typed.replace('"pages/one.py"', '"pages/two.py"'),  # another page named
    ):
        third = _entries_after(analyser, app, edited)
        assert third.entries is not first.entries and third._run_graph is not first._run_graph
        assert (third.entries, third.reaching([app]), third.app_modules) == _fresh_graphs(app, edited, settings)


def test_a_replaced_project_is_freed_without_the_cyclic_collector(tmp_path):
    """The server freezes what a check keeps (`gc.freeze`) and collects only what each check
    made: the project an edit replaces, frozen by then, must go by reference counting (a model
    that held a cycle, its guards pointing back at it, stayed in memory for good)."""
    # 1.60: the rules ask for the fragment's full-run guards (outside-first-write-in-rerun-raises)
    write_project(tmp_path, {**_NAVIGATION, "pyproject.toml": _NAVIGATION["pyproject.toml"].replace("1.45.0", "1.60.0")})
    analyser = Analyser()
    app = str(tmp_path / "app.py")
    text = (tmp_path / "app.py").read_text()
    analyser.check(app, text)
    model = analyser._last[str(tmp_path)].model
    assert model._guards, "a rule asked for a fragment's guards"
    first = weakref.ref(model)
    del model
    collecting = gc.isenabled()
    gc.disable()
    try:
        analyser.check(app, text.replace("panel(st.sidebar)\n", "panel(st.sidebar)\n    st.write('typed')\n"))
        analyser.check(app, text)
    finally:
        if collecting:
            gc.enable()
    assert first() is None


_REFERENCES = {
    "pyproject.toml": PINNED.replace("1.36.0", "1.40.0"),  # `st.experimental_fragment` deprecated
    "app.py": """
        from helpers import st

        @st.experimental_fragment
        def live():
            st.write("hi")

        live()
    """,
    "helpers.py": """
        import streamlit as st

        frag = st.experimental_fragment
    """,
}


def test_literal_references_are_kept_per_module_until_what_they_read_changes(tmp_path):
    """A statement typed in app.py keeps helpers.py's `st.experimental_fragment` references (the
    previous list); an edit of helpers.py, which app.py's decorator resolves through, finds
    app.py's anew, and both equal a fresh check's."""
    write_project(tmp_path, _REFERENCES)
    analyser = Analyser()
    app, helpers = str(tmp_path / "app.py"), str(tmp_path / "helpers.py")
    text = (tmp_path / "app.py").read_text()
    names = frozenset({"experimental_fragment"})

    def references(path: str) -> list:
        return analyser._last[str(tmp_path)].model.discovery._module_references[(names, path)][0]

    _assert_same_as_fresh(analyser, app, text)
    assert [d.code for d in analyser.check(app, text)].count("FRG108") == 1
    kept, first_app = references(helpers), references(app)
    assert kept and first_app, "both modules spell the deprecated API"
    typed = text.replace('    st.write("hi")\n', '    st.write("hi")\n    st.write("typed")\n')
    _assert_same_as_fresh(analyser, app, typed)
    assert references(helpers) is kept, "the unchanged module's references were taken over"
    _assert_same_as_fresh(analyser, app, typed, others={helpers: "import os as st\n"})
    assert references(app) == [], "app.py's decorator no longer resolves to Streamlit"



_PANELS = """
    import streamlit as st

    def run(draw):
        draw()

    @st.fragment
    def draw():
        st.write("panel")

    handler = draw
"""
_VALUES = {
    "pyproject.toml": PINNED,
    "app.py": """
        import streamlit as st
        from panels import run, draw

        run(draw)
        st.write("typed here")
    """,
    "panels.py": _PANELS,
    "widgets.py": """
        import streamlit as st

        @st.fragment
        def draw():
            st.write("widget")
    """,
}


def test_functions_used_as_values_are_kept_per_module_until_what_they_read_changes(tmp_path):
    """A statement typed in app.py keeps panels.py's fragments used as values; when an edit of
    panels.py makes the `draw` app.py passes another module's, app.py's answer is found anew:
    both equal a fresh check's (uncalled-fragment reads them)."""
    write_project(tmp_path, _VALUES)
    analyser = Analyser()
    app, panels, widgets = (str(tmp_path / name) for name in ("app.py", "panels.py", "widgets.py"))
    text = (tmp_path / "app.py").read_text()

    def referenced(path: str) -> frozenset:
        found = analyser._last[str(tmp_path)].model.discovery._module_referenced_functions
        return next(entry[0] for (_, module), entry in found.items() if module == path)

    _assert_same_as_fresh(analyser, app, text)
    kept = referenced(panels)
    assert kept == {(panels, "draw")} and referenced(app) == {(panels, "draw")}
    typed = text.replace('st.write("typed here")', 'st.write("typed here")\nst.write("more")')
    _assert_same_as_fresh(analyser, app, typed)
    assert referenced(panels) is kept, "the unchanged module's answer was taken over"
    moved = _PANELS.replace("    @st.fragment\n    def draw():\n        st.write(\"panel\")\n", "    from widgets import draw\n")
    _assert_same_as_fresh(analyser, app, typed, others={panels: textwrap.dedent(moved)})
    assert referenced(app) == {(widgets, "draw")}, "app.py's `draw` is now widgets.py's"
