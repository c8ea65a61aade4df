"""The command line as a user meets it: exit codes, selection, suppression, output formats, fixes.

Each test runs `fraglint` on a small project written to a temp dir: most through click's runner
(`inprocess.run_main`, the real `main` without a new interpreter), the exit-code and `rule`
tests as `python -m fraglint` in a subprocess (`helpers.run_cli`).
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from helpers import REPO, run_cli
from inprocess import run_main

# Three findings at Streamlit 1.45: FRG104 (line 9), FRG105 (line 10), FRG110 (line 14).
APP = """\
import streamlit as st

status = st.container()
left, right = st.columns(2)


@st.fragment
def poll():
    status.write("tick")
    st.sidebar.write("polling")


@st.fragment
def spare():
    st.write("never called")


poll()
"""
CLEAN = """\
import streamlit as st


@st.fragment
def poll():
    st.write("tick")


poll()
"""
PYPROJECT = '[project]\nname = "demo"\nversion = "0"\n'


def make(root: Path, files: dict[str, str]) -> Path:
    files = {"pyproject.toml": PYPROJECT, **files}
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def found(result) -> list[tuple[str, str, int]]:
    """(code, path, line) from json output."""
    assert "Traceback" not in result.stderr, result.stderr
    return sorted((d["code"], d["path"], d["line"]) for d in json.loads(result.stdout))


def check_json(root: Path, *args: str):
    return run_main("check", "--output-format", "json", "--streamlit-version", "1.45.0", *args, ".", cwd=root)


# -- exit codes ------------------------------------------------------------------------------


def test_exit_0_when_clean(tmp_path):
    make(tmp_path, {"app.py": CLEAN})
    result = run_cli("check", "--streamlit-version", "1.45.0", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "All checks passed" in result.stdout
    assert "1.45.0" in result.stdout


def test_exit_1_with_findings_and_exit_zero(tmp_path):
    make(tmp_path, {"app.py": APP})
    result = check_json(tmp_path)
    assert result.returncode == 1
    assert found(result) == [("FRG104", "app.py", 9), ("FRG105", "app.py", 10), ("FRG110", "app.py", 14)]
    zero = check_json(tmp_path, "--exit-zero")
    assert zero.returncode == 0
    assert found(zero) == found(result)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--streamlit-version", "banana"], "not a Streamlit release"),
        (["--streamlit-version", "1.45.0", "--select", "FRG999"], "unknown rule selector"),
        (["--streamlit-version", "1.45.0", "--select", "no-such-rule"], "unknown rule selector"),
        (["--streamlit-version", "1.45.0", "--ignore", "outside-container-wirte"], "unknown rule selector"),
        (["--streamlit-version", "1.45.0", "--output-format", "xml"], "xml"),
    ],
    ids=["bad-version", "unknown-code", "unknown-name", "misspelt-ignore", "bad-format"],
)
def test_exit_2_on_usage_errors(tmp_path, args, message):
    make(tmp_path, {"app.py": APP})
    result = run_main("check", *args, ".", cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "table, message",
    [
        ('[tool.fraglint]\nstreamlit-versoin = "1.45"\n', "unknown key(s) streamlit-versoin"),
        ('[tool.fraglint]\nselect = "FRG104"\n', "select must be a list of strings"),
        ('[tool.fraglint]\nignore = ["FRG999"]\n', "unknown rule selector"),
        ('[tool.fraglint]\nstreamlit-version = "latest"\n', "not a Streamlit release"),
        ('[tool.fraglint\nselect = ["FRG104"]\n', "invalid TOML"),
        ('[tool.fraglint]\nrespect-gitignore = "no"\n', "respect-gitignore must be true or false"),
        ('[tool.fraglint.per-file-ignores]\n"pages/*" = "FRG104"\n', "per-file-ignores"),
    ],
    ids=["unknown-key", "select-not-list", "unknown-rule", "bad-version", "invalid-toml", "bool", "per-file-type"],
)
def test_exit_2_on_config_errors(tmp_path, table, message):
    make(tmp_path, {"app.py": APP, "pyproject.toml": PYPROJECT + table})
    result = run_main("check", ".", cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "pyproject.toml" in result.stderr  # the file is named
    assert "Traceback" not in result.stderr


def test_exit_2_in_a_real_process(tmp_path):
    make(tmp_path, {"app.py": APP})
    result = run_cli("check", "--streamlit-version", "one.two", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("fraglint: error: --streamlit-version: not a Streamlit release")
    assert "Traceback" not in result.stderr


def test_exit_zero_does_not_hide_a_config_error(tmp_path):
    make(tmp_path, {"app.py": APP, "pyproject.toml": PYPROJECT + "[tool.fraglint]\nbogus = 1\n"})
    assert run_main("check", "--exit-zero", ".", cwd=tmp_path).returncode == 2


def test_missing_path_exit_2_but_other_paths_checked(tmp_path):
    make(tmp_path, {"app.py": APP})
    result = run_cli(
        "check", "--output-format", "json", "--streamlit-version", "1.45.0", "app.py", "nope.py", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "nope.py: no such file or directory" in result.stderr
    assert found(result) == [("FRG104", "app.py", 9), ("FRG105", "app.py", 10), ("FRG110", "app.py", 14)]


def test_version_may_be_given_as_major_minor(tmp_path):
    make(tmp_path, {"app.py": APP})
    result = run_main("check", "--output-format", "concise", "--streamlit-version", "1.45", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "target Streamlit 1.45.0" in result.stdout


def test_default_target_is_the_newest_known_release(tmp_path):
    from fraglint.model.versions import NEWEST_KNOWN

    make(tmp_path, {"app.py": APP})
    result = run_main("check", "--output-format", "concise", ".", cwd=tmp_path)
    # 1.59+ allows the sidebar and outside writes: only the uncalled fragment remains.
    assert f"target Streamlit {NEWEST_KNOWN}" in result.stdout
    assert re.findall(r"FRG\d+", result.stdout) == ["FRG110"]
    shown = run_main("check", "--show-settings", ".", cwd=tmp_path)
    assert shown.returncode == 0
    assert f"target streamlit version: {NEWEST_KNOWN}" in shown.stdout


# -- selection --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, codes",
    [
        (["--select", "FRG104"], ["FRG104"]),
        (["--select", "fragment-sidebar-call"], ["FRG105"]),
        (["--select", "FRG10"], ["FRG104", "FRG105"]),  # a prefix
        (["--select", "FRG104,uncalled-fragment"], ["FRG104", "FRG110"]),
        (["--ignore", "FRG104"], ["FRG105", "FRG110"]),
        (["--ignore", "uncalled-fragment", "--ignore", "fragment-sidebar-call"], ["FRG104"]),
        (["--ignore", "FRG1"], []),
        (["--select", "ALL", "--ignore", "FRG11"], ["FRG104", "FRG105"]),
    ],
    ids=["code", "name", "prefix", "comma-list", "ignore-code", "ignore-names", "ignore-prefix", "all-minus-prefix"],
)
def test_select_and_ignore(tmp_path, args, codes):
    make(tmp_path, {"app.py": APP})
    result = check_json(tmp_path, *args)
    assert [code for code, _, _ in found(result)] == codes
    assert result.returncode == (1 if codes else 0)


def test_config_select_ignore_and_per_file_ignores(tmp_path):
    config = textwrap.dedent(
        """\
        [tool.fraglint]
        streamlit-version = "1.45.0"
        ignore = ["uncalled-fragment"]

        [tool.fraglint.per-file-ignores]
        "pages/*.py" = ["FRG104", "fragment-sidebar-call"]
        """
    )
    make(tmp_path, {"pyproject.toml": PYPROJECT + config, "app.py": APP, "pages/jobs.py": APP})
    result = run_main("check", "--output-format", "json", ".", cwd=tmp_path)
    assert found(result) == [("FRG104", "app.py", 9), ("FRG105", "app.py", 10)]
    # the command line adds to the configured ignores
    result = run_main("check", "--output-format", "json", "--ignore", "FRG105", ".", cwd=tmp_path)
    assert found(result) == [("FRG104", "app.py", 9)]


# -- which files ------------------------------------------------------------------------------


def test_exclude_and_extend_exclude(tmp_path):
    files = {"app.py": APP, "vendor/lib.py": APP, "legacy/old.py": APP, "build/gen.py": APP}
    make(tmp_path, files)
    paths = lambda result: sorted({path for _, path, _ in found(result)})  # noqa: E731
    # build/ is in the default exclude list
    assert paths(check_json(tmp_path)) == ["app.py", "legacy/old.py", "vendor/lib.py"]
    assert paths(check_json(tmp_path, "--extend-exclude", "vendor/,legacy")) == ["app.py"]
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + '[tool.fraglint]\nextend-exclude = ["legacy/"]\n')
    assert paths(check_json(tmp_path)) == ["app.py", "vendor/lib.py"]
    # `exclude` replaces the defaults: build/ is checked again
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + '[tool.fraglint]\nexclude = ["vendor"]\n')
    assert paths(check_json(tmp_path)) == ["app.py", "build/gen.py", "legacy/old.py"]


def test_gitignored_files_are_skipped_unless_asked(tmp_path):
    make(tmp_path, {"app.py": APP, "scratch.py": APP, "generated/out.py": APP, ".gitignore": "scratch.py\ngenerated/\n"})
    (tmp_path / ".git").mkdir()
    paths = lambda result: sorted({path for _, path, _ in found(result)})  # noqa: E731
    assert paths(check_json(tmp_path)) == ["app.py"]
    assert paths(check_json(tmp_path, "--no-respect-gitignore")) == ["app.py", "generated/out.py", "scratch.py"]
    # a file named on the command line is always checked, as in ruff
    named = run_main("check", "--output-format", "json", "--streamlit-version", "1.45.0", "scratch.py", cwd=tmp_path)
    assert sorted({path for _, path, _ in found(named)}) == ["scratch.py"]
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + "[tool.fraglint]\nrespect-gitignore = false\n")
    assert paths(check_json(tmp_path)) == ["app.py", "generated/out.py", "scratch.py"]


# -- suppression ------------------------------------------------------------------------------


def _app_with(line9: str, line10: str = '    st.sidebar.write("polling")') -> str:
    lines = APP.splitlines()
    lines[8], lines[9] = line9, line10
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "line9, line10, codes",
    [
        ('    status.write("tick")  # noqa: FRG104', None, ["FRG105", "FRG110"]),
        ('    status.write("tick")  # noqa', '    st.sidebar.write("polling")  # noqa', ["FRG110"]),
        ('    status.write("tick")  # noqa: FRG105, FRG104', None, ["FRG105", "FRG110", "FRG125"]),  # FRG105 unused here
        ('    status.write("tick")  # fraglint: ignore[outside-container-write]', None, ["FRG105", "FRG110"]),
        ('    status.write("tick")  # fraglint: ignore', None, ["FRG105", "FRG110"]),
        ('    status.write("tick")  #noqa:FRG104', None, ["FRG105", "FRG110"]),
        ('    status.write("tick")  # NOQA: frg104 -- the log is meant to grow', None, ["FRG105", "FRG110"]),
        ('    status.write("tick")  # fraglint: ignore[fragment-sidebar-call, outside-container-write]', None, ["FRG105", "FRG110", "FRG125"]),
        ('    status.write("tick")  # type: ignore  # noqa: FRG104', None, ["FRG105", "FRG110"]),
        # the wrong code or name, or a comment on another line, suppresses nothing (and is FRG125 unused-suppression)
        ('    status.write("tick")  # noqa: FRG105', None, ["FRG104", "FRG105", "FRG110", "FRG125"]),
        ('    status.write("tick")  # fraglint: ignore[fragment-sidebar-call]', None, ["FRG104", "FRG105", "FRG110", "FRG125"]),
        ('    status.write("tick")', '    st.sidebar.write("polling")  # noqa: FRG104', ["FRG104", "FRG105", "FRG110", "FRG125"]),
    ],
    ids=["noqa-code", "bare-noqa", "noqa-list", "ignore-name", "bare-ignore", "no-space", "case-and-reason",
         "ignore-list", "after-another-comment", "wrong-code", "wrong-name", "other-line"],
)
def test_suppression_comments(tmp_path, line9, line10, codes):
    make(tmp_path, {"app.py": _app_with(line9, line10 or '    st.sidebar.write("polling")')})
    assert [code for code, _, _ in found(check_json(tmp_path))] == codes


def test_suppression_inside_a_string_is_not_a_comment(tmp_path):
    make(tmp_path, {"app.py": _app_with('    status.write("tick  # noqa: FRG104")')})
    assert [code for code, _, _ in found(check_json(tmp_path))] == ["FRG104", "FRG105", "FRG110"]


# -- output formats ---------------------------------------------------------------------------


def test_concise_format(tmp_path):
    make(tmp_path, {"app.py": APP})
    result = run_cli("check", "--output-format", "concise", "--streamlit-version", "1.45.0", ".", cwd=tmp_path)
    lines = result.stdout.splitlines()
    pattern = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>FRG\d{3}) \[(?P<name>[a-z-]+)\] (?P<message>.+)$")
    matches = [pattern.match(line) for line in lines[:-1]]
    assert all(matches), lines
    assert [(m["path"], m["line"], m["col"], m["code"], m["name"]) for m in matches] == [
        ("app.py", "9", "5", "FRG104", "outside-container-write"),
        ("app.py", "10", "5", "FRG105", "fragment-sidebar-call"),
        ("app.py", "14", "5", "FRG110", "uncalled-fragment"),
    ]
    assert lines[-1].startswith("Found 3 problems")


def test_json_format_fields(tmp_path):
    make(tmp_path, {"app.py": APP})
    diagnostics = json.loads(check_json(tmp_path).stdout)
    assert isinstance(diagnostics, list) and len(diagnostics) == 3
    keys = {"path", "line", "column", "end_line", "end_column", "code", "name", "severity", "message", "related", "fix"}
    source = APP.splitlines()
    for d in diagnostics:
        assert set(d) == keys
        assert d["path"] == "app.py"
        assert d["severity"] in ("error", "warning")
        assert isinstance(d["related"], list)
        # `status` is written by `poll` alone, once a run: an unsafe fix makes it an st.empty()
        assert d["fix"] is None if d["code"] != "FRG104" else d["fix"]["applicability"] == "unsafe"
        for location in d["related"]:
            assert {"path", "line", "column", "end_line", "end_column", "message"} <= set(location)
            assert location["line"] >= 1 and location["column"] >= 1
    write = diagnostics[0]
    assert (write["code"], write["name"], write["severity"]) == ("FRG104", "outside-container-write", "warning")
    # 1-based line and column, end exclusive: the span is exactly the call `status.write("tick")`
    assert (write["line"], write["column"], write["end_line"]) == (9, 5, 9)
    assert source[8][write["column"] - 1 : write["end_column"] - 1] == 'status.write("tick")'
    created = [r for r in write["related"] if "created" in r["message"]]
    assert created and (created[0]["line"], created[0]["column"]) == (3, 10)
    assert source[2][created[0]["column"] - 1 : created[0]["end_column"] - 1] == "st.container()"
    assert diagnostics[1]["severity"] == "error"  # the sidebar raises


def test_json_fix_object(tmp_path):
    shutil.copytree(REPO / "fixtures" / "experimental_fragment", tmp_path / "app")
    diagnostics = json.loads(check_json(tmp_path / "app").stdout)
    assert diagnostics and all(d["code"] == "FRG108" for d in diagnostics)
    fix = diagnostics[0]["fix"]
    assert set(fix) >= {"message", "applicability", "edits"}
    edit = fix["edits"][0]
    assert set(edit) == {"line", "column", "end_line", "end_column", "content"}
    assert edit["content"] == "fragment"
    line = (tmp_path / "app" / "app.py").read_text().splitlines()[edit["line"] - 1]
    assert line[edit["column"] - 1 : edit["end_column"] - 1] == "experimental_fragment"


def test_full_format_code_frame_and_related(tmp_path):
    make(tmp_path, {
        "app.py": "import streamlit as st\n\nfrom helpers import show\n\nbox = st.container()\n\n\n@st.fragment\ndef poll():\n    show(box)\n\n\npoll()\n",
        "helpers.py": "def show(target):\n    target.write('x')\n",
    })
    result = run_cli("check", "--no-color", "--streamlit-version", "1.45.0", ".", cwd=tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert "helpers.py:2:5: FRG104 [outside-container-write]" in out
    assert "2 |     target.write('x')" in out
    underline = [line for line in out.splitlines() if set(line.split("|", 1)[-1].strip()) == {"^"}]
    assert underline and underline[0].split("|", 1)[1] == "     " + "^" * len("target.write('x')")
    assert "= app.py:5:7: container created here" in out  # where the container was made
    assert "= app.py:10:5: called here: show()" in out  # the call chain
    assert "\x1b[" not in out  # --no-color
    assert out.rstrip().splitlines()[-1].startswith("Found 1 problem")


# -- fixes ------------------------------------------------------------------------------------


def test_fix_rewrites_experimental_fragment(tmp_path):
    project = tmp_path / "app"
    shutil.copytree(REPO / "fixtures" / "experimental_fragment", project)
    before = (project / "app.py").read_text()
    result = run_cli("check", "--fix", "--output-format", "concise", "--streamlit-version", "1.45.0", ".", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fixed 4 problems" in result.stderr
    after = (project / "app.py").read_text()
    assert "experimental_fragment" not in after.split('"""', 2)[2]  # the docstring keeps its words
    docstring, code = before.split('"""', 2)[1:]
    assert after == f'"""{docstring}"""' + code.replace("experimental_fragment", "fragment")
    assert "@st.fragment(run_every=10)" in after and "from streamlit import fragment" in after
    again = run_main("check", "--output-format", "json", "--streamlit-version", "1.45.0", ".", cwd=project)
    assert again.returncode == 0 and json.loads(again.stdout) == []


def test_fix_is_not_offered_before_st_fragment_exists(tmp_path):
    project = tmp_path / "app"
    shutil.copytree(REPO / "fixtures" / "experimental_fragment", project)
    before = (project / "app.py").read_text()
    result = run_main("check", "--fix", "--streamlit-version", "1.36.0", ".", cwd=project)
    assert result.returncode == 0
    assert (project / "app.py").read_text() == before


def test_fix_keeps_crlf_line_endings(tmp_path):
    text = "import streamlit as st\r\n\r\n@st.experimental_fragment\r\ndef live():\r\n    st.write('x')\r\n\r\nlive()\r\n"
    make(tmp_path, {})
    (tmp_path / "app.py").write_bytes(text.encode())
    result = run_main("check", "--fix", "--streamlit-version", "1.45.0", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "app.py").read_bytes() == text.replace("experimental_fragment", "fragment").encode()


# -- fraglint rule ----------------------------------------------------------------------------


def test_rule_by_name_and_code():
    by_name = run_cli("rule", "outside-container-write")
    by_code = run_main("rule", "FRG104")
    assert by_name.returncode == by_code.returncode == 0
    assert by_name.stdout == by_code.stdout
    for heading in ("outside-container-write (FRG104)", "What it does", "Why is this bad?", "Example", "Use instead", "Versions"):
        assert heading in by_name.stdout
    assert "1.59" in by_name.stdout


def test_rule_all_lists_every_rule():
    from fraglint.rules import ALL_RULES

    result = run_main("rule", "--all", "--output-format", "json")
    assert result.returncode == 0
    listed = json.loads(result.stdout)
    assert [(r["code"], r["name"]) for r in listed] == [(r.code, r.name) for r in ALL_RULES]
    assert all(r["versions"] and r["severity"] in ("error", "warning") for r in listed)
    table = run_cli("rule", "--all", env={"COLUMNS": "250"})
    assert table.returncode == 0
    for r in ALL_RULES:
        assert r.code in table.stdout and r.name in table.stdout


def test_unknown_rule_is_a_usage_error():
    result = run_main("rule", "FRG999")
    assert result.returncode == 2
    assert "unknown rule" in result.stderr


def test_color_only_when_asked(tmp_path):
    make(tmp_path, {"app.py": APP})
    plain = run_main("check", "--streamlit-version", "1.45.0", ".", cwd=tmp_path)
    assert "\x1b[" not in plain.stdout  # not a terminal
    colored = run_main("check", "--color", "--streamlit-version", "1.45.0", ".", cwd=tmp_path)
    assert "\x1b[" in colored.stdout
    assert colored.returncode == plain.returncode == 1


def test_version_and_help():
    from fraglint import __version__

    version = run_main("--version")
    assert version.returncode == 0 and __version__ in version.stdout
    helped = run_main("check", "--help")
    assert helped.returncode == 0
    for option in ("--streamlit-version", "--output-format", "--select", "--ignore", "--exit-zero", "--fix"):
        assert option in helped.stdout


def test_fix_respects_ignore_and_noqa(tmp_path):
    source = (
        "import streamlit as st\n\n\n@st.experimental_fragment  # noqa: FRG108\ndef a():\n    st.write(1)\n\n\n"
        "@st.experimental_fragment\ndef b():\n    st.write(2)\n\n\na()\nb()\n"
    )
    make(tmp_path, {"app.py": source})
    ignored = run_main("check", "--fix", "--ignore", "experimental-fragment", "--streamlit-version", "1.45.0", ".", cwd=tmp_path)
    assert ignored.returncode == 0
    assert (tmp_path / "app.py").read_text() == source
    fixed = run_main("check", "--fix", "--streamlit-version", "1.45.0", ".", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout
    after = (tmp_path / "app.py").read_text().splitlines()
    assert after[3] == "@st.experimental_fragment  # noqa: FRG108"  # suppressed: left alone
    assert after[8] == "@st.fragment"


def test_input_diagnostics_survive_select_but_not_ignore(tmp_path):
    make(tmp_path, {"app.py": APP, "broken.py": "def f(:\n"})
    selected = check_json(tmp_path, "--select", "FRG104")
    assert sorted((code, path) for code, path, _ in found(selected)) == [("FRG001", "broken.py"), ("FRG104", "app.py")]
    ignored = check_json(tmp_path, "--ignore", "syntax-error")
    assert "FRG001" not in {code for code, _, _ in found(ignored)}
