"""Files that crash or stall libcst's parser cost that file a diagnostic, never the run (issue 9).

Everything goes through the real command line (`python -m fraglint` in a subprocess with a
timeout) or the real language server: a crash must not take pytest down with it. The
expected diagnostic of each file is what the running CPython says about it: its syntax
error (FRG001, with its message and line) where it rejects the file, FRG003
`analysis-limit` where it gives up on the depth or fraglint's guard refuses it, FRG004
`parser-unsupported` where CPython accepts a file libcst cannot parse.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
import pytest_lsp
from helpers import diagnostics_matching, run_cli, start_lsp_session
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

PYPROJECT = '[project]\nname = "isolation"\nversion = "0"\n'
GOOD = (
    "import streamlit as st\n\nbox = st.container()\n\n\n@st.fragment\ndef poll():\n"
    '    box.write("tick")\n\n\npoll()\n'
)  # FRG104 at line 8 on 1.45
GOOD_FINDING = ("FRG104", "good.py", 8)
N = 30_000

# Each crashed (SIGSEGV: libcst's native parser overflows its stack), stalled for minutes
# (libcst's time grows faster than the square of the depth) or was misreported before.
DEEP = {
    "unary": "x = (\n" + "-\n" * N + "1)\n",  # the file: killed the whole check
    "not": "x = (\n" + "not\n" * N + "y)\n",
    "invert": "x = (\n" + "~\n" * N + "1)\n",
    "lambda": "f = (\n" + "lambda:\n" * N + "1)\n",
    "attribute": "x = (a\n" + ".b\n" * N + ")\n",
    "subscript": "x = (a\n" + "[0]\n" * N + ")\n",
    "call_chain": "x = (f\n" + "()\n" * N + ")\n",
    "sum": "x = (\n" + "1 +\n" * 100_000 + "1)\n",  # 100,000 terms over short lines: ran past 300 s
    "power": "x = (\n" + "2 **\n" * N + "2)\n",
    "ternary": "x = (\n" + "a if b else\n" * N + "c)\n",
    "string_plus": "x = (\n" + '"ab" +\n' * N + '"ab")\n',
    "and": "x = (\n" + "a and\n" * N + "a)\n",  # one flat `ast.BoolOp`, a 30,000-deep chain in libcst
    "dotted_import": "import " + ".".join(["a"] * N) + "\n",
    "elif": "if a:\n    pass\n" + "elif a:\n    pass\n" * N,
    "comprehension": "x = [a\n" + "for a in b\n" * N + "]\n",  # was FRG001, but CPython accepts it
    "string_concat": "x = (\n" + '"ab"\n' * N + ")\n",  # likewise
    "nested_comprehension": "x = " + "[a for a in " * 3000 + "b" + "]" * 3000 + "\n",
    "fstring": "x = " + 'f"{' * 3000 + "1" + '}"' * 3000 + "\n",  # SIGSEGV at 2,000 levels
    "parens": "x = " + "(" * 3000 + "1" + ")" * 3000 + "\n",
    "blocks": "".join(" " * i + "if x:\n" for i in range(3000)) + " " * 3000 + "pass\n",
    "loops": "".join(" " * i + "for x in y:\n" for i in range(50)) + " " * 50 + "pass\n",
}
# Flat shapes libcst handles in linear time (to 64,000 and more): they must be analysed, not refused.
FLAT = {
    "comparisons": "import streamlit as st\n\nx = (\n" + "a <\n" * 5000 + "a)\n",
    "decorators": "import streamlit as st\n\n" + "@d\n" * 5000 + "def f():\n    pass\n",
    "comprehension_ifs": "import streamlit as st\n\nx = [a for a in b\n" + "if a\n" * 5000 + "]\n",
}
FLAT_FINDING = "\n\nbox = st.container()\n\n\n@st.fragment\ndef poll():\n    box.write('tick')\n\n\npoll()\n"


def cpython_verdict(text: str) -> tuple[str, str, int] | None:
    """(code, message, line) of what the running CPython makes of `text`; None if it compiles."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(text, "<test>", "exec", dont_inherit=True)
        except SyntaxError as error:
            return "FRG001", error.msg, error.lineno
        except (RecursionError, MemoryError):
            return "FRG003", "", 1
    return None


def write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    for name, content in files.items():
        (root / name).write_text(content, encoding="utf-8")
    return root


def check(root: Path, *extra: str, env: dict | None = None) -> list[dict]:
    result = run_cli(
        "check", "--no-cache", "--output-format", "json", "--streamlit-version", "1.45.0", *extra, ".", cwd=root, env=env
    )
    assert result.returncode in (0, 1), f"exit {result.returncode}: {result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)


def of(found: list[dict], path: str) -> list[tuple[str, int]]:
    return [(d["code"], d["line"]) for d in found if d["path"] == path]


# -- deep shapes: one run over all of them, in one process (the path no pool protects) -------


@pytest.fixture(scope="module")
def deep_run(tmp_path_factory) -> list[dict]:
    files = {f"{name}.py": text for name, text in DEEP.items()}
    files.update({f"{name}.py": text + FLAT_FINDING for name, text in FLAT.items()})
    files["good.py"] = GOOD
    return check(write(tmp_path_factory.mktemp("deep"), files), "--jobs", "1")


def test_the_normal_file_is_still_checked(deep_run):
    assert GOOD_FINDING in {(d["code"], d["path"], d["line"]) for d in deep_run}


@pytest.mark.parametrize("shape", list(DEEP))
def test_deep_shape_costs_that_file_one_diagnostic(deep_run, shape):
    [found] = [d for d in deep_run if d["path"] == f"{shape}.py"]
    verdict = cpython_verdict(DEEP[shape])
    if verdict is None:  # CPython compiles it: fraglint's guard refuses it, or libcst cannot parse it
        expected = "FRG004" if shape in ("comprehension", "string_concat") else "FRG003"
        assert found["code"] == expected, found
    elif verdict[0] == "FRG001":
        assert (found["code"], found["message"], found["line"]) == verdict
    else:
        assert found["code"] == "FRG003" and "nested too deeply" in found["message"], found
    assert found["severity"] == ("warning" if found["code"] == "FRG004" else "error")


@pytest.mark.parametrize("shape", list(FLAT))
def test_long_flat_shapes_are_analysed(deep_run, shape):
    """Thousands of comparisons, decorators or comprehension conditions are linear for libcst."""
    assert of(deep_run, f"{shape}.py") == [("FRG104", FLAT[shape].count("\n") + 8)]


def test_depth_limit_names_the_limit(tmp_path):
    found = check(write(tmp_path, {"deep.py": "x = " + "-" * 1500 + "1\n", "good.py": GOOD}))
    [refused] = [d for d in found if d["path"] == "deep.py"]
    assert refused["code"] == "FRG003" and "1502 levels deep" in refused["message"] and "up to 1000" in refused["message"]


def test_deep_but_admitted_file_is_parsed_in_a_child_and_analysed(tmp_path):
    """A 500-deep conditional chain: superlinear for libcst, so it is parsed in a child first."""
    deep = GOOD + "\n\nx = (\n" + "    a if b else\n" * 500 + "    c)\n"
    found = check(write(tmp_path, {"app.py": deep}))
    assert of(found, "app.py") == [("FRG104", 8)]


@pytest.mark.skipif(os.environ.get("FRAGLINT_SLOW_TESTS") != "1", reason="waits out the 10 s CPU deadline; set FRAGLINT_SLOW_TESTS=1")
def test_a_parse_past_the_deadline_costs_that_file_only(tmp_path):
    """950 levels (admitted) of lists of 100 numbers: libcst needs about half a minute."""
    slow = "x = " + " + ".join(["[" + "1, " * 100 + "]"] * 950) + "\n"
    found = check(write(tmp_path, {"slow.py": slow, "good.py": GOOD}))
    [refused] = [d for d in found if d["path"] == "slow.py"]
    assert refused["code"] == "FRG003" and "parsing takes more than" in refused["message"]  # CPU, or wall on a loaded machine
    assert of(found, "good.py") == [("FRG104", 8)]


# -- what CPython accepts or rejects ----------------------------------------------------------

TABS_UNDER_SPACES = "import streamlit as st\n\nif st.checkbox('a'):\n if st.checkbox('b'):\n\t\tst.write('tabs')\n"
TABS_LIBCST_PARSES = (
    "import streamlit as st\n\nbox = st.container()\n\n\n@st.fragment\ndef poll():\n    if True:\n"
    "    \tbox.write('tick')\n\n\npoll()\n"
)  # a tab after four spaces, under a block indented with spaces: FRG104 at line 9
COMPILE_ERRORS = {
    "return_outside": "import streamlit as st\n\nst.write(1)\nreturn 2\n",
    "nonlocal_module": "import streamlit as st\n\nnonlocal x\n",
    "await_outside": "import streamlit as st\n\nawait st.write(1)\n",
    "yield_outside": "import streamlit as st\n\nyield 1\n",
    "break_outside": "import streamlit as st\n\nif True:\n    break\n",
    "continue_outside": "import streamlit as st\n\ncontinue\n",
    "duplicate_argument": "import streamlit as st\n\ndef f(a, a):\n    pass\n",
    "star_import_in_function": "def f():\n    from os import *\n",
    "assign_debug": "import streamlit as st\n\n__debug__ = False\n",
    "nonlocal_and_global": "def f():\n    x = 1\n    def g():\n        global x\n        nonlocal x\n",
    "global_after_use": "x = 1\nprint(x)\nglobal x\n",
    "late_future": "import streamlit as st\nfrom __future__ import annotations\n",
    "static_blocks": "".join(" " * i + "while x:\n" for i in range(21)) + " " * 21 + "pass\n",
}


@pytest.fixture(scope="module")
def verdict_run(tmp_path_factory) -> list[dict]:
    files = {f"{name}.py": text for name, text in COMPILE_ERRORS.items()}
    files.update({"tabs_under_spaces.py": TABS_UNDER_SPACES, "tabs_parsed.py": TABS_LIBCST_PARSES, "good.py": GOOD})
    return check(write(tmp_path_factory.mktemp("verdicts"), files))


@pytest.mark.parametrize("case", list(COMPILE_ERRORS))
def test_compile_stage_error_is_a_syntax_error_with_pythons_message(verdict_run, case):
    code, message, line = cpython_verdict(COMPILE_ERRORS[case])
    [found] = [d for d in verdict_run if d["path"] == f"{case}.py"]
    assert (found["code"], found["name"], found["message"], found["line"]) == (code, "syntax-error", message, line)


def test_tabs_under_spaces_is_not_a_syntax_error(verdict_run):
    assert cpython_verdict(TABS_UNDER_SPACES) is None
    [found] = [d for d in verdict_run if d["path"] == "tabs_under_spaces.py"]
    assert (found["code"], found["name"], found["severity"]) == ("FRG004", "parser-unsupported", "warning")
    assert "libcst cannot parse this file" in found["message"] and "not analysed" in found["message"]


def test_tabs_libcst_parses_are_analysed(verdict_run):
    assert cpython_verdict(TABS_LIBCST_PARSES) is None
    assert of(verdict_run, "tabs_parsed.py") == [("FRG104", 9)]


def test_good_file_beside_the_errors(verdict_run):
    assert of(verdict_run, "good.py") == [("FRG104", 8)]


def test_parser_unsupported_is_documented():
    listed = run_cli("rule", "--all", env={"COLUMNS": "250"})
    [row] = [line for line in listed.stdout.splitlines() if "FRG004" in line]
    assert "parser-unsupported" in row and "warning" in row
    docs = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert "| FRG004 | `parser-unsupported` | warning |" in docs


# -- a worker that dies: the pool's other files are still checked -----------------------------

CRASHER = textwrap.dedent(
    """\
    import os
    import signal

    import libcst

    _parse_module = libcst.parse_module


    def parse_module(source, *args, **kwargs):
        if "# crash the parser" in source:
            os.kill(os.getpid(), signal.SIGSEGV)
        return _parse_module(source, *args, **kwargs)


    libcst.parse_module = parse_module
    """
)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes are forked")
def test_a_worker_killed_by_a_file_costs_only_that_file(tmp_path):
    """A `sitecustomize` makes libcst crash (SIGSEGV) on one file, as an unknown parser bug would."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(CRASHER)
    files = {f"page_{i:02d}.py": GOOD for i in range(30)}
    files["crash.py"] = "import streamlit as st\n# crash the parser\nst.write(1)\n"
    root = write(tmp_path / "project", files)
    path = os.pathsep.join([str(hooks), os.environ.get("PYTHONPATH", "")])
    found = check(root, "--jobs", "2", env={"PYTHONPATH": path})
    [crashed] = [d for d in found if d["path"] == "crash.py"]
    assert crashed["code"] == "FRG003" and "crashed" in crashed["message"] and "SIGSEGV" in crashed["message"]
    assert sorted(d["path"] for d in found if d["code"] == "FRG104") == sorted(f"page_{i:02d}.py" for i in range(30))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes are forked")
def test_a_crashed_module_is_never_parsed_again_in_the_checking_process(tmp_path):
    """A check of one page reads the others as context; the rules then ask about the crashed
    module the page imports: it is known not analysable, never parsed again in the parent."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(CRASHER)
    files = {f"page_{i:02d}.py": GOOD for i in range(30)}
    files["crash.py"] = "import streamlit as st\n# crash the parser\nst.write(1)\n"
    files["page_00.py"] = "import crash\n" + GOOD
    root = write(tmp_path / "project", files)
    path = os.pathsep.join([str(hooks), os.environ.get("PYTHONPATH", "")])
    done = run_cli("check", "--no-cache", "--output-format", "json", "--streamlit-version", "1.45.0", "--jobs", "2", "page_00.py", cwd=root, env={"PYTHONPATH": path})
    assert done.returncode == 1, f"exit {done.returncode}: {done.stderr[-2000:]}"
    assert [(d["path"], d["code"]) for d in json.loads(done.stdout)] == [("page_00.py", "FRG104")]


# -- the language server -----------------------------------------------------------------------

@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "fraglint", "lsp"]))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["streamlit==1.45.0"]\n')
    (tmp_path / "app.py").write_text(GOOD)
    await start_lsp_session(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_server_survives_deep_buffers_and_goes_on_checking(client: LanguageClient):
    uri = (client.root / "app.py").as_uri()
    version = 1
    parens = "import streamlit as st\n\nx = " + "(" * 3000 + "1" + ")" * 3000 + "\n"
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=version, text=parens))
    )
    [found] = await diagnostics_matching(client, uri, lambda found: [d.code for d in found] == ["FRG001"])
    assert "too many nested parentheses" in found.message
    # 30,000 lines in column 0: each would start a chunk of its own, and the `and` chain,
    # flat for CPython, crashes libcst.
    deep_and = "import streamlit as st\n\nx = (\n" + "a and\n" * N + "a)\n"
    # Each top-level statement compiles alone; only together is the future import misplaced.
    late_future = GOOD.replace("import streamlit as st\n", "import streamlit as st\nfrom __future__ import annotations\n")
    # Syntax newer than Python 3.11: there, libcst parses it in a child of the server.
    modern = GOOD + "\ntype Rows = list[int]\n"
    for text, code in ((deep_and, "FRG003"), (late_future, "FRG001"), (modern, "FRG104")):
        version += 1
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        await diagnostics_matching(client, uri, lambda found, code=code: [d.code for d in found] == [code])
