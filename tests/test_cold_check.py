"""What a cold check spends above libcst's parse (issue 13), asserted as behaviour, not time.

A one-shot check's summaries live until the process ends: they are frozen out of the
garbage collector's view once loaded, while a long session's sources keep theirs collectable.
"""

from __future__ import annotations

import gc

from helpers import REPO

from fraglint.index.sources import Sources
from fraglint.index.summary import ModuleSummary


def _summaries(sources: Sources, root) -> None:
    app = root / "app.py"
    app.write_text("import streamlit as st\n\nst.write('hi')\n")
    result = sources.summaries([str(app)], {}, jobs=1)
    assert isinstance(result[str(app)], ModuleSummary)


def test_one_checks_summaries_are_frozen_once_loaded(tmp_path):
    gc.unfreeze()
    try:
        _summaries(Sources.for_root(str(tmp_path), cache=False), tmp_path)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_sessions_summaries_stay_collectable(tmp_path):
    gc.unfreeze()
    _summaries(Sources(), tmp_path)
    assert gc.get_freeze_count() == 0


def test_the_summary_walk_does_not_descend_into_leaves(monkeypatch):
    """Names, literals and brackets (half the nodes) have no child the walk reads."""
    import libcst as cst

    from fraglint.index.visitor import SummaryVisitor
    from fraglint.index.walk_core import WalkCore

    descended: list[str] = []
    walk_children = WalkCore.walk_children

    def counting(self, node):
        descended.append(type(node).__name__)
        walk_children(self, node)

    monkeypatch.setattr(WalkCore, "walk_children", counting)
    module = cst.parse_module("total = prices[0] + 1.5\nlabel = f'{total}!'\n")
    SummaryVisitor("app.py").walk_top_level(module.body, 0)
    assert descended  # the walk still descends into the statements and expressions
    assert not {"Name", "Integer", "Float", "LeftSquareBracket", "FormattedStringText"} & set(descended)


def test_an_accepted_file_is_parsed_without_validating_each_node(monkeypatch, tmp_path):
    """libcst validates every node it builds; the tree of a file CPython accepts needs none.
    Nodes built afterwards (a fix's rewrite) are validated again."""
    import libcst as cst
    import pytest

    from fraglint.index.loader import summarize_file

    validated: list[str] = []
    validate = cst.Name._validate

    def counting(self):
        validated.append(self.value)
        validate(self)

    monkeypatch.setattr(cst.Name, "_validate", counting)
    app = tmp_path / "app.py"
    app.write_text("import streamlit as st\n\nst.write(total)\n")
    assert isinstance(summarize_file(str(app)), ModuleSummary)
    assert validated == []
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")


def test_positions_build_a_range_only_for_the_nodes_asked_for(monkeypatch):
    """A placed statement asks for a handful of nodes' ranges; libcst's provider builds one
    (and two positions) for every node of the tree."""
    import libcst as cst
    from libcst.metadata import position_provider

    from fraglint.index import positions
    from fraglint.index.loader import compute_positions

    built: list[object] = []

    class Counting(cst.metadata.CodeRange):
        def __init__(self, *args, **kwargs):
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(position_provider, "CodeRange", Counting)
    monkeypatch.setattr(positions, "CodeRange", Counting)
    module = cst.parse_module("import streamlit as st\n\nst.write([1, 2, 3], key='k')\n")
    where = compute_positions(module)[module.body[1].body[0].value]
    assert (where.start.line, where.start.column, where.end.line) == (3, 0, 3)
    assert len(built) == 1


# -- CPython's verdict on a large file, one top-level statement at a time ----------------------

ODD_STATEMENTS = (
    "# header\nfrom __future__ import annotations\n\nimport streamlit as st; import os\n\n@st.fragment(\n"
    "    run_every=2\n)\ndef f():\n    st.write(1)\n\n@(\n  st.cache_data\n)\ndef g(): pass\n\n"
    'SQL = """\nselect 1\nfrom t\n"""\nx = (1,\n2)\ny = 1 + \\\n    2\nif x:\n    f()\nelif y:\n    pass\n'
    "else:\n    pass\ntry:\n    g()\nexcept ValueError:\n    pass\nfinally:\n    pass\n\x0c\nf()  # last"
)


def _verdicts_both_ways(text: str, monkeypatch) -> tuple:
    from fraglint.index import guard

    monkeypatch.setattr(guard, "PIECEWISE_FROM", 10**12)
    whole = guard.admit("app.py", text)
    monkeypatch.setattr(guard, "PIECEWISE_FROM", 0)
    return whole, guard.admit("app.py", text)


def test_a_verdict_by_statements_is_the_whole_files(monkeypatch):
    """Large files are judged one top-level statement at a time: the verdict, the statement
    lines and the shape are the whole file's, on every fixture, on odd statement layouts, and
    on every compile-stage error, deep shape and tab layout of the isolation tests."""
    from test_parse_isolation import COMPILE_ERRORS, DEEP, FLAT, TABS_LIBCST_PARSES, TABS_UNDER_SPACES

    texts = [ODD_STATEMENTS, ODD_STATEMENTS.replace("from __future__", "import __future__"), TABS_UNDER_SPACES]
    texts += [TABS_LIBCST_PARSES, "x = 1\ndef f():\n    global x\n", *COMPILE_ERRORS.values(), *FLAT.values()]
    future = "from __future__ import annotations\n\nimport streamlit as st\n\n"
    texts += [future + "def f(x: (y := 1)): pass\n", future + "x: (yield)\n", future + "async def f():\n    x: await g()\n"]
    texts += [future + "def f(x: int) -> None:\n    if (y := x):\n        yield y\n"]
    texts += [DEEP[name] for name in ("unary", "sum", "and", "elif", "blocks", "loops")]
    texts += [path.read_text(encoding="utf-8") for path in sorted((REPO / "fixtures").rglob("*.py"))]
    for text in texts:
        whole, pieces = _verdicts_both_ways(text, monkeypatch)
        assert whole == pieces, text[:200]


def test_a_large_files_verdict_never_holds_its_whole_tree(monkeypatch):
    """`ast`'s tree of a whole 50,000-line file takes 300 MB, compiling its text 200 MB:
    CPython sees a file this large one statement at a time."""
    import ast

    from fraglint.index import guard

    body = "".join(f"@st.fragment\ndef part_{n}():\n    st.write({n})\n\n" for n in range(12_000))
    text = "import streamlit as st\n\n" + body + "part_1()\n"
    assert len(text) >= guard.PIECEWISE_FROM
    seen: list[int] = []
    parse, compile_ = ast.parse, compile

    def parse_counting(source, *args, **kwargs):
        seen.append(len(source))
        return parse(source, *args, **kwargs)

    def compile_counting(source, *args, **kwargs):
        seen.append(len(source) if isinstance(source, str) else 0)
        return compile_(source, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", parse_counting)
    monkeypatch.setattr("builtins.compile", compile_counting)
    admitted = guard.admit("app.py", text)
    assert isinstance(admitted, guard.Admission) and not admitted.contained
    assert admitted.statement_lines == (1, *range(3, 4 * 12_000 + 3, 4), 4 * 12_000 + 3)
    assert max(seen) < 1000


def test_pool_workers_do_not_import_the_parser_again(tmp_path):
    """The parent imports libcst and the summary walk before its worker pool forks (it needs
    them anyway to place what it reports): workers would each import them again, a tenth of
    a second apiece. Import times are printed by every process, the forked workers' too."""
    import re

    from helpers import run_cli

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "pool"\nversion = "0"\n')
    for n in range(30):
        (tmp_path / f"page_{n}.py").write_text(f"import streamlit as st\n\nst.write({n})\n")
    result = run_cli("check", "--no-cache", "--jobs", "2", ".", cwd=tmp_path, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert len(re.findall(r"\|\s+libcst\n", result.stderr)) == 1


def test_plain_string_literals_are_read_without_compiling_them(monkeypatch):
    """libcst's `evaluated_value` compiles each literal (`ast.literal_eval`); a one-line
    literal without a backslash or a `b`/`f` prefix is the text between its quotes. Every
    other literal still goes through libcst, and both readings agree."""
    import libcst as cst
    from libcst._nodes import expression

    from fraglint.index.cst_reading import string_value
    from fraglint.index.visitor import SummaryVisitor

    literals = ["'a'", '"b c"', "''", "u'd'", "R'e'", "r'\\d+'", "'\\n'", "b'x'", "'''t'''", '"""u\nv"""', "rb'w'", "'é'"]
    for literal in literals:
        node = cst.parse_expression(literal)
        assert string_value(node) == node.evaluated_value, literal
    compiled: list[str] = []
    literal_eval = expression.literal_eval
    monkeypatch.setattr(expression, "literal_eval", lambda text: compiled.append(text) or literal_eval(text))
    module = cst.parse_module("import streamlit as st\n\nst.title('Hello')\nst.session_state[\"k\"] = u'v'\nif 'k' in st.session_state:\n    st.write(r'x', key='\\n')\n")
    SummaryVisitor("app.py").walk_top_level(module.body, 0)
    assert compiled == ["'\\n'"]


def test_the_editors_chunked_parse_refuses_what_only_the_whole_file_rejects():
    """Under `from __future__ import annotations` an annotation may not hold `:=`: each
    statement compiles alone, the file does not. The language server's chunked parser then
    leaves the buffer to the whole-file parse, which reports CPython's error."""
    from fraglint.index.incremental import ChunkedParser

    text = "from __future__ import annotations\n\nimport streamlit as st\n\n\ndef f(x: (y := 1)):\n    st.write(x)\n"
    assert ChunkedParser().summarize("app.py", text) is None
    assert ChunkedParser().summarize("app.py", text.replace("(y := 1)", "int")) is not None
