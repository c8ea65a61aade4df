"""Issue 14 walked again as a new user on a fresh clone: what that audit found, through the real
CLI (`python -m fraglint` in a subprocess; on a pseudo-terminal where the terminal matters).
"""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import REPO, read_until_closed, run_cli, run_with_terminal_stderr

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_terminal(*args: str, columns: int = 80, cwd: Path | None = None) -> str:
    """What `fraglint ARGS` prints with its standard output on a terminal `columns` wide."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": str(columns), "LINES": "50", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    controller, terminal = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "fraglint", *args], cwd=cwd, env=env, stdout=terminal, stderr=subprocess.PIPE
    ) as process:
        os.close(terminal)
        seen = read_until_closed(controller)
        process.wait(timeout=120)
    return ANSI.sub("", seen.decode("utf-8", "replace")).replace("\r\n", "\n")


def words(text: str) -> str:
    return " ".join(text.split())


# -- fraglint rule at 80 columns -----------------------------------------------------------------


def test_rule_all_on_an_80_column_terminal_keeps_every_summary_readable():
    from fraglint.rules import ALL_RULES

    shown = on_terminal("rule", "--all", columns=80)
    assert max(len(line.rstrip()) for line in shown.splitlines()) <= 80
    flowing = words(shown)
    for rule in ALL_RULES:
        assert rule.name in shown.split()  # whole, for pasting into configuration
        assert words(rule.summary()) in flowing, rule.code  # not a ribbon of one-letter cells


def test_rule_code_examples_fit_an_80_column_terminal_unwrapped():
    from fraglint.rules import ALL_RULES, find_rule

    for rule in ALL_RULES:  # rich pads a code block by one column each side
        code = _code_lines(rule.documentation())
        assert all(len(line) <= 78 for line in code), [line for line in code if len(line) > 78]
    shown = on_terminal("rule", "outside-container-write", columns=80)
    lines = [line.strip() for line in shown.splitlines()]
    documented = _code_lines(find_rule("FRG104").documentation())
    for line in documented:
        if line.strip():
            assert line.strip() in lines, line


def _code_lines(markdown: str) -> list[str]:
    inside, found = False, []
    for line in markdown.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside:
            found.append(line)
    return found


# -- a notebook named on the command line ----------------------------------------------------------

NOTEBOOK = '{"cells": [{"cell_type": "code", "source": ["import streamlit as st\\n"]}], "nbformat": 4}\n'


def test_a_notebook_alone_is_never_all_checks_passed_even_quiet(tmp_path):
    (tmp_path / "analysis.ipynb").write_text(NOTEBOOK)
    result = run_cli("check", "analysis.ipynb", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "All checks passed" not in result.stdout
    assert "1 notebook not checked" in result.stdout
    assert "analysis.ipynb: notebooks are not checked" in result.stderr
    quiet = run_cli("check", "-q", "analysis.ipynb", cwd=tmp_path)
    assert "analysis.ipynb: notebooks are not checked" in quiet.stderr  # a file named is never skipped in silence


def test_a_notebook_next_to_findings_is_counted_in_the_summary(tmp_path):
    (tmp_path / "analysis.ipynb").write_text(NOTEBOOK)
    (tmp_path / "app.py").write_text("import streamlit as st\n\n\n@st.fragment\ndef unused():\n    st.write(1)\n")
    result = run_cli("check", "app.py", "analysis.ipynb", cwd=tmp_path)
    assert result.returncode == 1
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("Found 1 problem") and "1 notebook not checked" in last


# -- --diff on standard input --------------------------------------------------------------------

PIPED = """\
import streamlit as st


@st.experimental_fragment
def poll():
    st.sidebar.write("polling")


poll()
"""


def test_diff_on_standard_input_is_what_fix_would_print_as_for_the_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.fraglint]\nstreamlit-version = "1.45"\n')
    (tmp_path / "app.py").write_text(PIPED)
    piped = run_cli("check", "--diff", "-", "--stdin-filename", "app.py", cwd=tmp_path, input=PIPED)
    on_disk = run_cli("check", "--diff", "app.py", cwd=tmp_path)
    assert piped.returncode == on_disk.returncode == 1, piped.stderr
    assert piped.stdout == on_disk.stdout and piped.stdout.startswith("--- a/app.py\n+++ b/app.py\n")
    assert "Would fix 2 problems." in piped.stderr and piped.stderr == on_disk.stderr
    fixed = run_cli("check", "--fix", "-", "--stdin-filename", "app.py", cwd=tmp_path, input=PIPED).stdout
    removed = [line[1:] for line in piped.stdout.splitlines()[2:] if line.startswith("-")]
    added = [line[1:] for line in piped.stdout.splitlines()[2:] if line.startswith("+")]
    assert all(line in PIPED.splitlines() for line in removed) and all(line in fixed.splitlines() for line in added)
    assert "with st.sidebar:" in added and "@st.fragment" in added
    assert (tmp_path / "app.py").read_text() == PIPED  # nothing written
    clean = run_cli("check", "--diff", "-", "--stdin-filename", "app.py", cwd=tmp_path, input="import streamlit as st\n")
    assert clean.returncode == 0 and clean.stdout == ""


# -- fraglint scopes says what `fraglint check` says about its inputs ---------------------------------


def test_scopes_warns_about_an_unknown_release_and_a_notebook_as_check_does(tmp_path):
    (tmp_path / "app.py").write_text('import streamlit as st\n\nst.button("Go")\n')
    (tmp_path / "analysis.ipynb").write_text(NOTEBOOK)
    result = run_cli("scopes", "--streamlit-version", "9.9", "app.py", "analysis.ipynb", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "9.9.0, newer than fraglint knows: checked as" in result.stderr
    assert "analysis.ipynb: notebooks are not read" in result.stderr
    assert result.stdout.startswith("app.py (entry, Streamlit 1.67.0)")
    assert "analysis.ipynb" not in result.stdout


# -- the summary's fix hint names the flags that fix what it counts ---------------------------------

UNSAFE_APP = """\
import streamlit as st

box = st.container()


@st.experimental_fragment
def live():
    box.write("x")


live()
"""


def test_the_summary_under_unsafe_fixes_names_the_command_that_fixes_its_count(tmp_path):
    (tmp_path / "app.py").write_text(UNSAFE_APP)
    shown = run_cli("check", "--unsafe-fixes", "--streamlit-version", "1.45", "app.py", cwd=tmp_path)
    assert "2 with a fix (`fraglint check --fix --unsafe-fixes`)." in shown.stdout, shown.stdout
    safe_only = run_cli("check", "--streamlit-version", "1.45", "app.py", cwd=tmp_path)
    assert "1 with a fix (`fraglint check --fix`). 1 more with an unsafe fix (`--unsafe-fixes`)." in safe_only.stdout
    run_cli("check", "--fix", "--unsafe-fixes", "--streamlit-version", "1.45", "app.py", cwd=tmp_path)
    assert (tmp_path / "app.py").read_text() == UNSAFE_APP.replace("st.container()", "st.empty()").replace(
        "experimental_fragment", "fragment"
    )


# -- every fix applies exactly the bytes it says: JSON edits, --diff and --fix agree -------------------

FIX_PROJECT = {
    "pyproject.toml": '[tool.fraglint]\nstreamlit-version = "1.45"\n',
    "legacy.py": 'import streamlit as st\n\n\n@st.experimental_dialog("Edit")\ndef edit():\n    st.write("é")\n',
    "side.py": (
        "import streamlit as st\r\n\r\n\r\n@st.fragment\r\ndef side_panel():\r\n"
        '    st.sidebar.write("a")  # note\r\n    st.sidebar.button("b")\r\n\r\n\r\nside_panel()\r\n'
    ),
    "poll.py": (
        "import streamlit as st\n\nstatus_box = st.container()\n\n\n@st.fragment\ndef poll():\n"
        '    status_box.write("tick")\n\n\npoll()\nx = 1  # noqa: FRG110, E501\n'
    ),
}


def test_json_edits_diff_and_fix_write_the_same_bytes_safe_and_unsafe(tmp_path):
    for name, text in FIX_PROJECT.items():
        (tmp_path / "src" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "src" / name).write_bytes(text.encode("utf-8"))
    found = json.loads(run_cli("check", "--no-cache", "--output-format", "json", ".", cwd=tmp_path / "src").stdout)
    kinds = {d["code"]: d["fix"]["applicability"] for d in found if d["fix"]}
    assert kinds == {"FRG108": "safe", "FRG105": "safe", "FRG104": "unsafe", "FRG125": "safe"}, kinds
    for unsafe in (False, True):
        flags = ["--unsafe-fixes"] if unsafe else []
        copies = {way: tmp_path / f"{way}-{unsafe}" for way in ("json", "diff", "fix")}
        for copy in copies.values():
            shutil.copytree(tmp_path / "src", copy)
        _apply_json_edits(copies["json"], found, unsafe)
        diff = subprocess.run(  # bytes: the diff keeps a CRLF file's line endings
            [sys.executable, "-m", "fraglint", "check", "--no-cache", "--diff", *flags, "."],
            cwd=copies["diff"], capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300,
        )
        assert diff.returncode == 1, diff.stderr
        subprocess.run(["git", "apply", "-p1", "-"], cwd=copies["diff"], input=diff.stdout, check=True)
        run_cli("check", "--no-cache", "--fix", *flags, ".", cwd=copies["fix"])
        for name in FIX_PROJECT:
            fixed = (copies["fix"] / name).read_bytes()
            assert (copies["json"] / name).read_bytes() == fixed == (copies["diff"] / name).read_bytes(), (name, unsafe)
        assert (b"st.empty()" in (copies["fix"] / "poll.py").read_bytes()) is unsafe
        assert b"\r\nwith st.sidebar:\r\n    side_panel()\r\n" in (copies["fix"] / "side.py").read_bytes()


def _apply_json_edits(root: Path, found: list[dict], unsafe: bool) -> None:
    """What the JSON output says each fix does, spliced into the files (1-based lines, columns in
    characters, end exclusive), the last edit first; a fix two findings share (one rewrite fixes
    both) once."""
    edits: dict[str, list[dict]] = {}
    seen: set[str] = set()
    for diagnostic in found:
        fix = diagnostic["fix"]
        key = json.dumps([diagnostic["path"], fix])
        if fix and (unsafe or fix["applicability"] == "safe") and key not in seen:
            seen.add(key)
            edits.setdefault(diagnostic["path"], []).extend(fix["edits"])
    for path, group in edits.items():
        text = (root / path).read_bytes().decode("utf-8")
        starts = [0]
        for line in text.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))
        spans = [(starts[e["line"] - 1] + e["column"] - 1, starts[e["end_line"] - 1] + e["end_column"] - 1, e) for e in group]
        for start, end, edit in sorted(spans, key=lambda span: span[0], reverse=True):
            text = text[:start] + edit["content"] + text[end:]
        (root / path).write_bytes(text.encode("utf-8"))


# -- fraglint scopes on a long project: progress on a terminal's stderr, never on stdout -----------


def test_scopes_shows_progress_on_a_terminal_and_keeps_stdout_clean(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "big"\n')
    (tmp_path / "app.py").write_text('import streamlit as st\n\nimport pkg.m0\n\nst.button("Go")\n')
    (tmp_path / "pkg").mkdir()
    for i in range(210):
        (tmp_path / "pkg" / f"m{i}.py").write_text(f"import streamlit as st\n\nVALUE = {i}\n")
    shown, seen = run_with_terminal_stderr("scopes", "--cache-dir", str(tmp_path / "cache"), ".", cwd=tmp_path)
    assert b"reading and parsing" in seen, seen[-500:]
    piped = run_cli("scopes", "--no-color", "--cache-dir", str(tmp_path / "cache2"), ".", cwd=tmp_path)
    assert "reading and parsing" not in piped.stderr
    assert shown == piped.stdout and shown.startswith("app.py (entry")


def test_verbose_says_where_the_target_came_from_in_one_phrase(tmp_path):
    (tmp_path / "app.py").write_text("import streamlit as st\n")
    result = run_cli("check", "-v", "--no-cache", "app.py", cwd=tmp_path)
    line = next(line for line in result.stderr.splitlines() if "target Streamlit" in line)
    assert line.startswith("fraglint: target Streamlit 1.67.0, chosen from: default (newest known release")
    assert "((" not in line and "))" not in line


def test_exit_zero_holds_for_diff_and_standard_input_too(tmp_path):
    (tmp_path / "app.py").write_text(PIPED)
    for args, piped in ((["--diff", "app.py"], None), (["--diff", "-", "--stdin-filename", "app.py"], PIPED),
                        (["--fix", "-", "--stdin-filename", "app.py"], UNSAFE_APP)):
        found = run_cli("check", "--streamlit-version", "1.45", *args, cwd=tmp_path, input=piped)
        zero = run_cli("check", "--streamlit-version", "1.45", "--exit-zero", *args, cwd=tmp_path, input=piped)
        assert (found.returncode, zero.returncode) == (1, 0), (args, found.stderr, zero.stderr)
        assert zero.stdout == found.stdout and zero.stdout
    missing = run_cli("check", "--exit-zero", "--diff", "nope.py", cwd=tmp_path)
    assert missing.returncode == 2  # an error stays an error


def test_diff_and_add_noqa_say_a_path_is_missing_and_exit_2(tmp_path):
    (tmp_path / "app.py").write_text(PIPED)
    for flag in ("--diff", "--add-noqa"):
        result = run_cli("check", "--streamlit-version", "1.45", flag, "app.py", "nope.py", cwd=tmp_path)
        assert result.returncode == 2, (flag, result.stderr)
        assert "nope.py: no such file or directory" in result.stderr
    assert "# noqa: FRG108" in (tmp_path / "app.py").read_text()  # the file that exists was still done


def test_code_frames_of_standard_input_show_the_text_piped_not_the_disk(tmp_path):
    (tmp_path / "app.py").write_text("import streamlit as st\n\nst.title('on disk')\n")
    shown = run_cli("check", "-", "--stdin-filename", "app.py", cwd=tmp_path, input=UNSAFE_APP)
    assert "6 | @st.experimental_fragment\n" in shown.stdout, shown.stdout
    assert "on disk" not in shown.stdout
    unsaved = run_cli("check", "-", "--stdin-filename", "new_page.py", cwd=tmp_path, input=UNSAFE_APP)
    assert "new_page.py:6:2: FRG108" in unsaved.stdout and "6 | @st.experimental_fragment\n" in unsaved.stdout
