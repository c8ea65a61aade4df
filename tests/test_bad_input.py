"""Bad input through the real command line: never a traceback, always a clear message and exit code.

Every check runs `python -m fraglint` in a subprocess (a crash of the parser must not take pytest
down with it). Files that must not disturb each other share one project and one run; the
pathological ones (deep nesting) get a project each, next to a good file that must still be checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import run_cli, write_raw_project

PYPROJECT = '[project]\nname = "bad-input"\nversion = "0"\n'
GOOD = (
    "import streamlit as st\n\nbox = st.container()\n\n\n@st.fragment\ndef poll():\n"
    '    box.write("tick")\n\n\npoll()\n'
)  # FRG104 at line 8 on 1.45
GOOD_FINDING = ("outside-container-write", "good.py", 8)
INPUT_NAMES = ("syntax-error", "unreadable-file", "analysis-limit")


class Run:
    def __init__(self, result):
        self.returncode = result.returncode
        self.stdout = result.stdout
        self.stderr = result.stderr
        self.diagnostics = json.loads(result.stdout) if result.stdout.strip().startswith("[") else None

    def by_path(self, path: str) -> list[dict]:
        return [d for d in self.diagnostics or [] if d["path"] == path]

    def triples(self) -> set[tuple[str, str, int]]:
        return {(d["name"], d["path"], d["line"]) for d in self.diagnostics or []}


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    return write_raw_project(root, files, PYPROJECT)


def check(root: Path, *paths: str, extra: tuple[str, ...] = ()) -> Run:
    result = run_cli(
        "check", "--output-format", "json", "--streamlit-version", "1.45.0", *extra, *(paths or (".",)),
        cwd=root,
    )
    return Run(result)


def assert_sane(run: Run, codes=(0, 1, 2)) -> None:
    """No traceback, no crash (a negative code is a signal), a defined exit code, parseable output."""
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode in codes, (run.returncode, run.stderr[-2000:])
    assert run.diagnostics is not None, run.stdout[:500]


# -- many kinds of bad file in one project, checked together ----------------------------------

CRLF_TABS = (
    b"import streamlit as st\r\nbox = st.container()\r\n\r\n@st.fragment\r\ndef f():\r\n"
    b'\tif True:\r\n\t\tbox.write("x")\r\n\r\nf()\r\n'
)
MIXED = {
    "good.py": GOOD,
    "syntax.py": "import streamlit as st\n\nst.title('Broken')\ndef render(:\n    pass\n",
    "invalid_utf8.py": b'import streamlit as st\n\n\nst.write("caf\xe9")\n',
    "invalid_utf8_first_line.py": b'x = "caf\xe9"\n',
    "latin1.py": (
        b"# -*- coding: latin-1 -*-\nimport streamlit as st\n\nbox = st.container()\n\n\n@st.fragment\ndef f():\n"
        b'    st.caption("caf\xe9"); box.write("x")\n\n\nf()\n'
    ),
    "nul.py": b"import streamlit as st\nx = 1\x00\nst.write(x)\n",
    "empty.py": b"",
    "only_comments.py": "# nothing here yet\n",
    "binary.py": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)),
    "binary_no_nul.py": bytes(range(0x80, 0x100)) * 4,
    "crlf_tabs.py": CRLF_TABS,
    "bom.py": b"\xef\xbb\xbfimport streamlit as st\nst.write('bom')\n",
    "bad_cookie.py": b"# -*- coding: klingon -*-\nx = 1\n",
    "formfeed.py": b"import streamlit as st\n\x0c\nst.write(1)\n",
    "long_line.py": "x = " + repr("a" * 1_000_000) + "\n",
    "tabs_mixed.py": "if True:\n\tx = 1\n        y = 2\n",
    # Syntax newer than the Python running fraglint (3.12 `type`, PEP 695 generics) must still parse.
    "modern.py": (
        "import streamlit as st\n\ntype Rows = list[dict[str, int]]\n\n\ndef first[T](items: list[T]) -> T:\n"
        "    return items[0]\n\n\nbox = st.container()\n\n\n@st.fragment\ndef live():\n"
        '    match st.session_state.get("mode"):\n        case "a" | "b" as mode:\n            box.write(f"{mode=}")\n'
        "        case _:\n            pass\n    if (n := len(\"x\")) > 0:\n        box.write(n)\n"
        "    try:\n        pass\n    except* ValueError:\n        pass\n\n\nlive()\n\n\n@st.fragment\nasync def feed():\n"
        "    async with st.session_state.lock:\n        pass\n\n\nfeed()\n"
    ),
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Run:
    root = write(tmp_path_factory.mktemp("mixed"), MIXED)
    run = check(root)
    assert_sane(run, codes=(1,))
    return run


def test_good_file_still_checked(mixed):
    assert GOOD_FINDING in mixed.triples()


def test_syntax_error_is_a_diagnostic(mixed):
    [d] = mixed.by_path("syntax.py")
    assert (d["name"], d["code"], d["severity"]) == ("syntax-error", "FRG001", "error")
    assert d["message"]


def test_syntax_error_line_in_mixed_project(mixed):
    [d] = mixed.by_path("syntax.py")
    assert (d["line"], d["column"]) == (4, 12)  # where Python points: `def render(:`


def test_invalid_utf8_names_the_byte_and_its_place(mixed):
    [d] = mixed.by_path("invalid_utf8.py")
    assert d["name"] == "syntax-error"
    assert (d["line"], d["column"]) == (4, 14)
    assert "utf-8" in d["message"].lower() and "0xe9" in d["message"]


def test_invalid_utf8_on_the_first_line(mixed):
    [d] = mixed.by_path("invalid_utf8_first_line.py")
    assert d["name"] == "syntax-error"
    assert (d["line"], d["column"]) == (1, 9)
    assert "utf-8" in d["message"].lower()


def test_latin1_with_coding_cookie_is_fine(mixed):
    [d] = mixed.by_path("latin1.py")
    assert d["name"] == "outside-container-write"
    # columns count characters of the decoded line: `    st.caption("café"); ` is 24 of them
    assert (d["line"], d["column"], d["end_column"]) == (9, 25, 39)


def test_null_byte(mixed):
    [d] = mixed.by_path("nul.py")
    assert d["name"] == "syntax-error" and "null byte" in d["message"]
    assert (d["line"], d["column"]) == (2, 6)


@pytest.mark.parametrize("name", ["empty.py", "only_comments.py", "bom.py", "formfeed.py", "long_line.py"])
def test_harmless_files_report_nothing(mixed, name):
    assert mixed.by_path(name) == []


@pytest.mark.parametrize("name", ["binary.py", "binary_no_nul.py", "bad_cookie.py"])
def test_binary_and_undecodable_files(mixed, name):
    [d] = mixed.by_path(name)
    assert d["name"] == "syntax-error"
    assert d["line"] >= 1 and d["column"] >= 1 and d["message"]


def test_modern_syntax_parses(mixed):
    assert {(d["name"], d["line"]) for d in mixed.by_path("modern.py")} == {
        ("outside-container-write", 17), ("outside-container-write", 21),
        ("async-fragment", 31),  # `@st.fragment` on an `async def`: Streamlit never awaits it
    }


def test_mixed_tabs_and_spaces(mixed):
    [d] = mixed.by_path("tabs_mixed.py")
    assert d["name"] == "syntax-error"


def test_bad_cookie_names_the_encoding(mixed):
    [d] = mixed.by_path("bad_cookie.py")
    assert "klingon" in d["message"]


def test_crlf_and_tabs(mixed):
    [d] = mixed.by_path("crlf_tabs.py")
    assert d["name"] == "outside-container-write"
    assert (d["line"], d["column"], d["end_line"], d["end_column"]) == (7, 3, 7, 17)


def test_every_file_counted(mixed):
    assert mixed.stderr == ""
    assert {d["path"] for d in mixed.diagnostics} == {
        "good.py", "syntax.py", "invalid_utf8.py", "invalid_utf8_first_line.py", "latin1.py", "nul.py",
        "binary.py", "binary_no_nul.py", "crlf_tabs.py", "bad_cookie.py", "modern.py", "tabs_mixed.py",
    }


def test_full_format_underline_with_tabs(tmp_path):
    root = write(tmp_path, {"crlf_tabs.py": CRLF_TABS})
    result = run_cli("check", "--no-color", "--streamlit-version", "1.45.0", ".", cwd=root)
    lines = result.stdout.splitlines()
    [at] = [i for i, line in enumerate(lines) if line.rstrip().endswith('box.write("x")') and "|" in line]
    source, underline = lines[at].split("|", 1)[1], lines[at + 1].split("|", 1)[1]
    assert "\r" not in lines[at]
    assert underline.index("^") == source.index("box.write")
    assert underline.strip() == "^" * len('box.write("x")')


def test_full_format_shows_latin1_text(tmp_path):
    root = write(tmp_path, {"latin1.py": MIXED["latin1.py"]})
    result = run_cli("check", "--no-color", "--streamlit-version", "1.45.0", ".", cwd=root)
    assert 'st.caption("café"); box.write("x")' in result.stdout


# -- syntax errors: the line Python itself reports ------------------------------------------

SYNTAX_CASES = {
    "missing_block": "import streamlit as st\n\nif True:\npass\n",
    "double_equals": "import streamlit as st\n\nx = = 1\n\nst.write(1)\n",
    "bad_def": "import streamlit as st\n\ndef f(:\n    pass\n\nst.write(1)\n",
    "missing_colon": "import streamlit as st\n\nfor x in range(3)\n    st.write(x)\n",
    "unclosed_call": 'import streamlit as st\n\nst.write("a"\n\n\nst.write("b")\n',
    "unmatched_paren": "import streamlit as st\n\nz = )\n",
    "bad_dedent": "def f():\n    x = 1\n  y = 2\n",
    "too_deep_indent": "".join("    " * i + f"if x{i}:\n" for i in range(110)) + "    " * 110 + "pass\n",
}
def _python_line(source: str) -> int:
    try:
        compile(source, "case.py", "exec")
    except SyntaxError as error:
        return error.lineno
    raise AssertionError("the case must be a syntax error")


@pytest.fixture(scope="module")
def syntax_run(tmp_path_factory) -> Run:
    root = write(tmp_path_factory.mktemp("syntax"), {f"{name}.py": text for name, text in SYNTAX_CASES.items()})
    run = check(root)
    assert_sane(run, codes=(1,))
    return run


@pytest.mark.parametrize("case", list(SYNTAX_CASES))
def test_syntax_error_at_pythons_line(syntax_run, case):
    found = syntax_run.by_path(f"{case}.py")
    assert [d["name"] for d in found] == ["syntax-error"]
    assert found[0]["line"] == _python_line(SYNTAX_CASES[case])


def test_syntax_error_column_in_an_unsaved_buffer(tmp_path):
    """The column comes from the buffer, not from the line of the same number on disk
    (CPython re-reads that line when given the real file name)."""
    from fraglint.config import Settings
    from fraglint.engine import run_check

    path = tmp_path / "app.py"
    path.write_text("x = 1\nimport streamlit as st\n", encoding="utf-8")
    buffer = "x = 1\ndef render_revenue_health((df, key):\n    pass\n"
    result = run_check([str(path)], Settings(root=str(tmp_path)), buffers={str(path): buffer}, jobs=1)
    [error] = result.diagnostics
    assert (error.name, error.span.line, error.span.column) == ("syntax-error", 2, _python_column(buffer))


def _python_column(text: str) -> int:
    try:
        compile(text, "<buffer>", "exec")
    except SyntaxError as error:
        return error.offset
    raise AssertionError("expected a syntax error")


# -- paths ----------------------------------------------------------------------------------


def test_missing_path_is_exit_2_and_the_rest_is_checked(tmp_path):
    root = write(tmp_path, {"good.py": GOOD})
    run = check(root, "good.py", "missing_dir", "gone.py")
    assert_sane(run, codes=(2,))
    assert "fraglint: error: missing_dir: no such file or directory" in run.stderr
    assert "fraglint: error: gone.py: no such file or directory" in run.stderr
    assert run.triples() == {GOOD_FINDING}


def test_directory_without_python_files(tmp_path):
    root = write(tmp_path, {"docs/readme.md": "# docs\n", "docs/notes.txt": "x\n"})
    run = check(root, "docs")
    assert_sane(run, codes=(0,))
    assert run.diagnostics == []
    assert "warning: no Python files found under docs" in run.stderr
    concise = run_cli("check", "--output-format", "concise", "docs", cwd=root)
    assert concise.returncode == 0 and "0 files checked" in concise.stdout


def test_broken_symlink_is_unreadable(tmp_path):
    root = write(tmp_path, {"good.py": GOOD})
    os.symlink(root / "nowhere.py", root / "dangling.py")
    run = check(root)
    assert_sane(run, codes=(1,))
    [d] = run.by_path("dangling.py")
    assert (d["name"], d["code"]) == ("unreadable-file", "FRG002")
    assert GOOD_FINDING in run.triples()


def test_unreadable_file(tmp_path):
    root = write(tmp_path, {"good.py": GOOD, "secret.py": GOOD})
    secret = root / "secret.py"
    secret.chmod(0)
    try:
        if os.access(secret, os.R_OK):
            pytest.skip("running as root (or with CAP_DAC_OVERRIDE): chmod 000 does not stop reads")
        run = check(root)
        assert_sane(run, codes=(1,))
        [d] = run.by_path("secret.py")
        assert d["name"] == "unreadable-file" and "permission denied" in d["message"]
        assert GOOD_FINDING in run.triples()
    finally:
        secret.chmod(0o644)


# -- size and depth -------------------------------------------------------------------------


def _big_file(lines: int, finding: bool) -> str:
    out = ["import streamlit as st", "", "box = st.container()", ""]
    index = 0
    while len(out) < lines - 10:
        out += [
            "@st.fragment", f"def panel_{index}():", f"    st.write('panel {index}')",
            f"    values_{index} = [n * 2 for n in range({index % 7})]", f"    st.metric('m{index}', len(values_{index}))",
            "", f"panel_{index}()", "",
        ]
        index += 1
    out += ["@st.fragment", "def last():", "    box.write('piles up')" if finding else "    st.write('fine')", "", "last()"]
    return "\n".join(out) + "\n"


def test_50000_line_file(tmp_path):
    """Checks fine, no traceback. Every line is a fragment's code, nothing is reported."""
    text = _big_file(50_000, finding=False)
    assert text.count("\n") >= 49_990
    root = write(tmp_path, {"big.py": text, "good.py": GOOD})
    started = time.perf_counter()
    run = check(root)
    elapsed = time.perf_counter() - started
    assert_sane(run, codes=(1,))
    assert run.triples() == {GOOD_FINDING}
    sys.stderr.write(f"\n50,000-line file, no finding: {elapsed:.1f} s\n")  # reported, not asserted: no timing asserts


@pytest.mark.skipif(os.environ.get("FRAGLINT_SLOW_TESTS") != "1", reason="about 25 s of CPU; set FRAGLINT_SLOW_TESTS=1")
def test_50000_line_file_with_a_finding_at_the_end(tmp_path):
    """A finding in the big file forces the second, position-resolving pass over it."""
    root = write(tmp_path, {"big.py": _big_file(50_000, finding=True)})
    run = check(root)
    assert_sane(run, codes=(1,))
    lines = (root / "big.py").read_text().splitlines()
    expected_line = lines.index("    box.write('piles up')") + 1
    assert run.triples() == {("outside-container-write", "big.py", expected_line)}


DEEP_CASES = {
    # Python itself refuses these ("too many nested parentheses" beyond 200 levels).
    "parens_5000": "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
    "lists_5000": "x = " + "[" * 5000 + "]" * 5000 + "\n",
    "calls_500": "import streamlit as st\nx = " + "f(" * 500 + "1" + ")" * 500 + "\n",
    # Python: "too many levels of indentation" beyond 100.
    "ifs_500": "import streamlit as st\n" + "".join("    " * i + f"if x{i}:\n" for i in range(500)) + "    " * 500 + "pass\n",
    "defs_500": "import streamlit as st\n" + "".join("    " * i + f"def f{i}():\n" for i in range(500)) + "    " * 500 + "st.write(1)\n",
    # Python: RecursionError while compiling.
    "plus_3000": "x = " + " + ".join(["1"] * 3000) + "\n",
}
DEEP_BUGS: dict[str, str] = {}  # fixed: 5,000 nested brackets crashed libcst's parser (SIGSEGV); 500 calls passed silently


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(name, marks=[pytest.mark.xfail(strict=True, reason=DEEP_BUGS[name])]) if name in DEEP_BUGS else name
        for name in DEEP_CASES
    ],
)
def test_deep_nesting(tmp_path, case):
    root = write(tmp_path, {"bad.py": DEEP_CASES[case], "good.py": GOOD})
    run = check(root)
    assert run.returncode >= 0, f"killed by signal {-run.returncode}"
    assert run.returncode not in (134, 139), f"crashed with exit code {run.returncode}: {run.stderr[-500:]}"
    assert_sane(run, codes=(1,))
    [d] = run.by_path("bad.py")
    assert d["name"] in ("syntax-error", "analysis-limit"), d
    assert d["message"]
    assert GOOD_FINDING in run.triples()


def test_long_flat_expression_is_refused_quickly(tmp_path):
    """20,000 terms: libcst's parser is worse than quadratic here (minutes); CPython's own parser
    refuses the depth, so the file is refused before libcst sees it (it used to wait out a deadline)."""
    root = write(tmp_path, {"bad.py": "x = " + " + ".join(["1"] * 20_000) + "\n", "good.py": GOOD})
    env = {**os.environ, "NO_COLOR": "1"}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "fraglint", "check", "--output-format", "json", "--streamlit-version", "1.45.0", "."],
            cwd=root, capture_output=True, text=True, env=env, timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("no answer within 60 s")
    run = Run(result)
    assert_sane(run, codes=(1,))
    [d] = run.by_path("bad.py")
    assert d["name"] == "analysis-limit"
    assert GOOD_FINDING in run.triples()


def test_brackets_in_a_string_with_newer_syntax(tmp_path):
    source = (
        'import streamlit as st\n\nOPEN = "' + "(" * 300 + '"\n\n\ndef first[T](items: list[T]) -> T:\n'
        "    return items[0]\n\n\nst.write(first([OPEN]))\n"
    )
    root = write(tmp_path, {"app.py": source, "good.py": GOOD})
    run = check(root)
    assert_sane(run, codes=(1,))
    assert run.triples() == {GOOD_FINDING}


def test_parallel_workers_report_bad_files_like_one_process(tmp_path):
    """30+ files are parsed in worker processes: a bad file there must not break the pool."""
    files = {f"page_{i:02d}.py": GOOD for i in range(30)}
    files.update({"bad_syntax.py": "def f(:\n", "bad_nul.py": b"x = 1\x00\n", "deep.py": DEEP_CASES["parens_5000"]})
    root = write(tmp_path, files)
    parallel = check(root, extra=("--jobs", "2"))
    single = check(root, extra=("--jobs", "1"))
    assert_sane(parallel, codes=(1,))
    assert_sane(single, codes=(1,))
    assert parallel.diagnostics == single.diagnostics
    assert {d["path"] for d in parallel.diagnostics if d["name"] in INPUT_NAMES} == {"bad_syntax.py", "bad_nul.py", "deep.py"}
    assert len(parallel.diagnostics) == 33


def test_one_pathological_file_does_not_stop_a_check_of_another(tmp_path):
    """Checking only good.py must not read (and crash on) a file it was not asked about."""
    root = write(tmp_path, {"bad.py": DEEP_CASES["ifs_500"], "good.py": GOOD})
    run = check(root, "good.py")
    assert_sane(run, codes=(1,))
    assert run.triples() == {GOOD_FINDING}
