"""What a new user of fraglint meets next to ruff (issue 14): feedback while and after it runs,
reviewing fixes, adopting it with suppressions, and inputs that are not plain files.

Through the real `main` (click's runner) and, where the terminal or the process matters, a real
`python -m fraglint` subprocess.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers import REPO, run_cli, run_with_terminal_stderr
from inprocess import run_main

from fraglint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity, Span

# At Streamlit 1.45: FRG108 (line 6, with a safe fix), FRG104 (line 8), FRG105 (line 9), FRG110 (line 13).
APP = """\
import streamlit as st

status = st.container()


@st.experimental_fragment
def poll():
    status.write("tick")
    st.sidebar.write("polling")  # noqa: E501


@st.fragment
def spare():
    st.write("never called")


poll()
"""
PYPROJECT = '[project]\nname = "demo"\nversion = "0"\n\n[tool.fraglint]\nstreamlit-version = "1.45"\n'


def make(root: Path, files: dict[str, str]) -> Path:
    for name, text in {"pyproject.toml": PYPROJECT, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return root


def codes(result) -> list[tuple[str, int]]:
    assert "Traceback" not in result.stderr, result.stderr
    return sorted((d["code"], d["line"]) for d in json.loads(result.stdout))


# -- feedback ----------------------------------------------------------------------------------


def test_a_missing_path_is_an_error_and_never_all_checks_passed(tmp_path):
    make(tmp_path, {"app.py": "import streamlit as st\n"})
    result = run_cli("check", "app.py", "nothere.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "nothere.py: no such file or directory" in result.stderr
    assert "All checks passed" not in result.stdout
    assert "1 path not found" in result.stdout


def test_statistics_counts_findings_per_rule_with_the_fix_mark(tmp_path):
    make(tmp_path, {"app.py": APP, "other.py": "import streamlit as st\n\n@st.experimental_fragment\ndef f():\n    pass\n\nf()\n"})
    result = run_main("check", "--statistics", ".", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "2\tFRG108\t[*] experimental-fragment"
    assert "1\tFRG104\t[ ] outside-container-write" in lines
    assert "status.write" not in result.stdout  # counts instead of the findings
    as_json = json.loads(run_main("check", "--statistics", "--output-format", "json", ".", cwd=tmp_path).stdout)
    assert {"code": "FRG108", "name": "experimental-fragment", "count": 2, "fixable": True} in as_json


def test_output_file_holds_the_report_and_stdout_stays_empty(tmp_path):
    make(tmp_path, {"app.py": APP})
    result = run_main("check", "--output-format", "json", "--output-file", "report.json", ".", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert {d["code"] for d in json.loads((tmp_path / "report.json").read_text())} == {"FRG104", "FRG105", "FRG108", "FRG110"}


def test_quiet_prints_the_findings_and_nothing_else(tmp_path):
    make(tmp_path, {"app.py": APP, "empty/readme.txt": "x"})
    loud = run_main("check", "--output-format", "concise", ".", "empty", cwd=tmp_path)
    quiet = run_main("check", "-q", "--output-format", "concise", ".", "empty", cwd=tmp_path)
    assert "Found 4 problems" in loud.stdout and "no Python files found under empty" in loud.stderr
    assert quiet.returncode == 1
    assert quiet.stdout.splitlines() == loud.stdout.splitlines()[:-1]
    assert quiet.stderr == ""


def test_verbose_prints_phase_times_and_what_the_cache_saved(tmp_path):
    make(tmp_path, {"app.py": APP, "helpers.py": "import streamlit as st\n"})
    cold = run_cli("check", "-v", "-q", ".", cwd=tmp_path)
    warm = run_cli("check", "-v", "-q", ".", cwd=tmp_path)
    for phase in ("finding files", "reading and parsing", "running the rules", "placing the findings", "rendering"):
        assert f"fraglint: {phase}: " in cold.stderr
    assert "target Streamlit 1.45.0" in cold.stderr
    assert "summaries: 0 from the cache, 2 parsed" in cold.stderr
    assert "summaries: 2 from the cache, 0 parsed" in warm.stderr


def test_force_color_colours_a_pipe_and_no_color_wins(tmp_path):
    make(tmp_path, {"app.py": APP})
    forced = run_main("check", ".", cwd=tmp_path, env={"NO_COLOR": None, "FORCE_COLOR": "1"})
    both = run_main("check", ".", cwd=tmp_path, env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    plain = run_main("check", ".", cwd=tmp_path, env={"NO_COLOR": None, "FORCE_COLOR": None})
    assert "\x1b[" in forced.stdout
    assert "\x1b[" not in both.stdout and "\x1b[" not in plain.stdout


def test_unknown_rule_names_get_a_did_you_mean(tmp_path):
    make(tmp_path, {"app.py": APP})
    cli = run_main("check", "--ignore", "outside-container-writes", ".", cwd=tmp_path)
    assert cli.returncode == 2 and "did you mean 'outside-container-write'?" in cli.stderr
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + 'select = ["uncaled-fragment"]\n')
    config = run_main("check", ".", cwd=tmp_path)
    assert config.returncode == 2 and "did you mean 'uncalled-fragment'?" in config.stderr
    rule = run_main("rule", "fragment-sidebar")
    assert rule.returncode == 2 and "did you mean 'fragment-sidebar-call'?" in rule.stderr
    assert "did you mean" not in run_main("rule", "zzzzzz").stderr


def test_rule_all_piped_is_one_plain_line_per_rule_with_whole_names():
    from fraglint.rules import ALL_RULES

    result = run_cli("rule", "--all", env={"COLUMNS": "80"})
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(ALL_RULES) + 4  # and the four input diagnostics
    for rule in ALL_RULES:
        line = next(line for line in lines if line.startswith(rule.code + " "))
        assert line.split()[1] == rule.name
    assert "─" not in result.stdout and "\x1b[" not in result.stdout


def test_rule_piped_prints_its_markdown_without_wrapping_code():
    from fraglint.rules import find_rule

    documentation = find_rule("rerun-only-outside-write").documentation()
    result = run_cli("rule", "FRG118", env={"COLUMNS": "60"})
    assert result.returncode == 0
    assert result.stdout == documentation.rstrip("\n") + "\n"
    assert max(len(line) for line in result.stdout.splitlines()) > 60  # long lines stay whole


def test_progress_shows_on_a_terminal_for_long_work_and_never_in_a_pipe(tmp_path):
    files = {f"pkg/m{i}.py": f"import streamlit as st\n\nst.write({i})\n" for i in range(210)}
    make(tmp_path, {"app.py": APP, **files})
    shown, seen = run_with_terminal_stderr("check", "--no-cache", "-j", "1", ".", cwd=tmp_path)
    assert b"reading and parsing" in seen, seen[-500:]
    piped = run_cli("check", "--no-cache", "-j", "1", ".", cwd=tmp_path)
    assert "reading and parsing" not in piped.stderr and "\r" not in piped.stderr
    assert shown == piped.stdout  # the bar never reaches standard output


# -- reviewing fixes, adopting with suppressions -------------------------------------------------


def test_diff_shows_what_fix_would_change_and_changes_nothing(tmp_path):
    make(tmp_path, {"app.py": APP})
    before = (tmp_path / "app.py").read_bytes()
    result = run_cli("check", "--diff", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "--- a/app.py\n+++ b/app.py\n" in result.stdout
    assert "-@st.experimental_fragment\n+@st.fragment\n" in result.stdout
    assert "Would fix 1 problem." in result.stderr
    assert (tmp_path / "app.py").read_bytes() == before
    run_main("check", "--fix", ".", cwd=tmp_path)
    again = run_main("check", "--diff", ".", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == ""


def test_show_fixes_lists_what_was_fixed_by_file_and_rule(tmp_path):
    make(tmp_path, {"app.py": APP})
    preview = run_main("check", "--show-fixes", ".", cwd=tmp_path)
    assert "Would fix 1 problem:\n- app.py:\n    1 × FRG108 (experimental-fragment)\n" in preview.stderr
    fixed = run_main("check", "--fix", "--show-fixes", ".", cwd=tmp_path)
    assert "Fixed 1 problem:\n- app.py:\n    1 × FRG108 (experimental-fragment)\n" in fixed.stderr
    assert "@st.fragment\ndef poll" in (tmp_path / "app.py").read_text()


def test_fixes_carry_their_applicability_and_only_safe_ones_apply_by_default(tmp_path):
    from fraglint.cli.fixing import applicable
    from fraglint.report import RenderOptions
    from fraglint.report.summary import summary_line
    from fraglint.result import CheckResult

    make(tmp_path, {"app.py": APP})
    result = run_main("check", "--output-format", "json", ".", cwd=tmp_path)
    found = {d["code"]: d["fix"]["applicability"] for d in json.loads(result.stdout) if d["fix"]}
    assert found == {"FRG108": "safe", "FRG104": "unsafe"}  # `status` -> st.empty() is unsafe

    def diagnostic(line: int, applicability: Applicability) -> Diagnostic:
        fix = Fix("change", (Edit(Span(line, 1, line, 2), "y"),), applicability)
        return Diagnostic("a.py", Span(line, 1, line, 2), "FRG104", "outside-container-write", Severity.WARNING, "m", fix=fix)

    safe, unsafe = diagnostic(1, Applicability.SAFE), diagnostic(2, Applicability.UNSAFE)
    assert applicable([safe, unsafe], unsafe=False) == [safe]
    assert applicable([safe, unsafe], unsafe=True) == [safe, unsafe]
    checked = CheckResult([safe, unsafe], files_checked=1)
    assert "1 with a fix (`fraglint check --fix`). 1 more with an unsafe fix (`--unsafe-fixes`)." in summary_line(checked)
    assert "2 with a fix" in summary_line(checked, RenderOptions(unsafe_fixes=True))


def test_add_noqa_suppresses_every_finding_keeping_bytes_and_other_tools_codes(tmp_path):
    crlf = APP.replace("\n", "\r\n")
    make(tmp_path, {"app.py": crlf})
    result = run_cli("check", "--add-noqa", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Added 4 suppression comments." in result.stderr
    after = (tmp_path / "app.py").read_bytes().decode("utf-8")
    expected = (
        crlf.replace("@st.experimental_fragment\r\n", "@st.experimental_fragment  # noqa: FRG108\r\n")
        .replace('status.write("tick")\r\n', 'status.write("tick")  # noqa: FRG104\r\n')
        .replace("# noqa: E501\r\n", "# noqa: E501, FRG105\r\n")
        .replace("def spare():\r\n", "def spare():  # noqa: FRG110\r\n")
    )
    assert after == expected
    assert run_main("check", ".", cwd=tmp_path).returncode == 0


def test_add_noqa_leaves_a_line_that_ends_inside_a_string_and_says_so(tmp_path):
    app = APP.replace('status.write("tick")', 'status.write("""tick\n    tock""")')
    make(tmp_path, {"app.py": app})
    result = run_main("check", "--add-noqa", ".", cwd=tmp_path)
    assert "app.py:8: the line ends inside a string; add the suppression by hand" in result.stderr
    text = (tmp_path / "app.py").read_text()
    assert 'status.write("""tick\n    tock""")\n' in text  # the string is untouched
    remaining = run_main("check", "--output-format", "json", ".", cwd=tmp_path)
    assert codes(remaining) == [("FRG104", 8)]


# -- inputs ------------------------------------------------------------------------------------


def test_stdin_is_checked_as_the_named_file_of_the_project(tmp_path):
    make(tmp_path, {"app.py": "import streamlit as st\n"})
    result = run_cli("check", "--output-format", "json", "-", "--stdin-filename", "app.py", cwd=tmp_path, input=APP)
    assert result.returncode == 1
    assert {d["path"] for d in json.loads(result.stdout)} == {"app.py"}
    assert codes(result) == [("FRG104", 8), ("FRG105", 9), ("FRG108", 6), ("FRG110", 13)]  # 1.45, from the project's config
    fixed = run_cli("check", "--fix", "-", "--stdin-filename", "app.py", cwd=tmp_path, input=APP)
    assert fixed.stdout == APP.replace("@st.experimental_fragment", "@st.fragment")
    assert fixed.returncode == 1 and "FRG104" in fixed.stderr
    assert (tmp_path / "app.py").read_text() == "import streamlit as st\n"  # the disk is not touched


def test_stdin_usage_errors_are_explained(tmp_path):
    make(tmp_path, {"app.py": APP})
    assert "pass `-` as the path" in run_main("check", "--stdin-filename", "x.py", ".", cwd=tmp_path).stderr
    assert "standard input" in run_main("check", "--add-noqa", "-", cwd=tmp_path).stderr


def test_force_exclude_applies_exclude_to_files_named_explicitly(tmp_path):
    make(tmp_path, {"app.py": APP, "legacy/old.py": APP})
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + 'extend-exclude = ["legacy"]\n')
    named = run_main("check", "--output-format", "json", "legacy/old.py", "app.py", cwd=tmp_path)
    assert {d["path"] for d in json.loads(named.stdout)} == {"legacy/old.py", "app.py"}
    forced = run_main("check", "--output-format", "json", "--force-exclude", "legacy/old.py", "app.py", cwd=tmp_path)
    assert {d["path"] for d in json.loads(forced.stdout)} == {"app.py"}
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + 'extend-exclude = ["legacy"]\nforce-exclude = true\n')
    configured = run_main("check", "--output-format", "json", "legacy/old.py", cwd=tmp_path)
    assert json.loads(configured.stdout) == [] and configured.returncode == 0


def test_the_pre_commit_hook_uses_force_exclude():
    assert "entry: fraglint check --force-exclude" in (REPO / ".pre-commit-hooks.yaml").read_text()


def test_a_notebook_named_is_skipped_with_a_reason_not_passed_silently(tmp_path):
    make(tmp_path, {"app.py": "import streamlit as st\n", "analysis.ipynb": '{"cells": [], "nbformat": 4}\n'})
    result = run_main("check", "analysis.ipynb", cwd=tmp_path)
    assert "analysis.ipynb: notebooks are not checked" in result.stderr
    assert "0 files checked" in result.stdout


# -- FRG125 unused-suppression -------------------------------------------------------------------

STALE = """\
import streamlit as st

status = st.container()


@st.fragment
def live_panel():
    st.sidebar.caption("refreshing")  # noqa: FRG105
    status.write("tick")  # noqa:E501,FRG104 , W291
    st.metric("load", 3)  # noqa: E501
    st.write("ok")  # noqa
    st.write("kept")  # fraglint: ignore[fragment-sidebar-call]  # keep this note


live_panel()
"""


def test_suppressions_that_go_stale_when_the_pin_moves_are_reported_and_fixed_byte_for_byte(tmp_path):
    make(tmp_path, {"app.py": STALE.replace("\n", "\r\n")})
    assert codes(run_main("check", "--output-format", "json", "--streamlit-version", "1.45", ".", cwd=tmp_path)) == [("FRG125", 12)]
    stale = run_main("check", "--output-format", "json", "--streamlit-version", "1.67", ".", cwd=tmp_path)
    assert codes(stale) == [("FRG125", 8), ("FRG125", 9), ("FRG125", 12)]
    messages = {d["line"]: d["message"] for d in json.loads(stale.stdout)}
    assert messages[8].startswith("unused suppression (FRG105)")
    fixed = run_cli("check", "--fix", "--streamlit-version", "1.67", ".", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    expected = (
        STALE.replace('"refreshing")  # noqa: FRG105\n', '"refreshing")\n')
        .replace("# noqa:E501,FRG104 , W291\n", "# noqa:E501,W291\n")  # the separator after E501 stays
        .replace("# fraglint: ignore[fragment-sidebar-call]  # keep this note\n", "# keep this note\n")
        .replace("\n", "\r\n")
    )
    assert (tmp_path / "app.py").read_bytes() == expected.encode()


def test_unused_suppression_leaves_rules_the_configuration_turns_off_and_itself(tmp_path):
    make(tmp_path, {"app.py": STALE.replace("# noqa: FRG105", "# noqa: FRG105, FRG125")})
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + 'per-file-ignores = { "app.py" = ["FRG104"] }\n')
    result = run_main("check", "--output-format", "json", "--streamlit-version", "1.67", ".", cwd=tmp_path)
    assert codes(result) == [("FRG125", 12)]  # FRG105+FRG125 kept by request, FRG104 is off for app.py
    ignored = run_main("check", "--output-format", "json", "--ignore", "unused-suppression", "--streamlit-version", "1.67", ".", cwd=tmp_path)
    assert codes(ignored) == []


def test_add_noqa_does_not_suppress_an_unused_suppression(tmp_path):
    make(tmp_path, {"app.py": STALE})
    result = run_main("check", "--add-noqa", "--streamlit-version", "1.67", ".", cwd=tmp_path)
    assert "Added 0 suppression comments." in result.stderr
    assert (tmp_path / "app.py").read_text() == STALE
