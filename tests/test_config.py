"""`[tool.fraglint]` in pyproject.toml: where it is found, what each key does, how the command
line overrides it, and how a bad value is reported (exit code 2, the file and key named).

Through `fraglint check` in process (`inprocess.run_main`); `--show-settings` shows the result of
the resolution without checking anything.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from inprocess import run_main

from fraglint.config import ConfigError, load_settings

APP = """\
import streamlit as st

box = st.container()


@st.fragment
def poll():
    box.write("tick")
    st.sidebar.write("polling")


poll()
"""  # 1.45: FRG104 line 8, FRG105 line 9; 1.59+: nothing


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def pyproject(table: str = "") -> str:
    return '[project]\nname = "demo"\nversion = "0"\n\n' + textwrap.dedent(table)


def codes(root: Path, *args: str, path: str = ".") -> list[tuple[str, str, int]]:
    result = run_main("check", "--output-format", "json", *args, path, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return sorted((d["code"], d["path"], d["line"]) for d in json.loads(result.stdout))


def settings_text(root: Path, *args: str, path: str = ".") -> str:
    result = run_main("check", "--show-settings", *args, path, cwd=root)
    assert result.returncode == 0, result.stderr
    return result.stdout


# -- finding the configuration ----------------------------------------------------------------


def test_version_from_config_and_command_line_override(tmp_path):
    write(tmp_path, {"pyproject.toml": pyproject('[tool.fraglint]\nstreamlit-version = "1.45"\n'), "app.py": APP})
    assert codes(tmp_path) == [("FRG104", "app.py", 8), ("FRG105", "app.py", 9)]
    shown = settings_text(tmp_path)
    assert "target streamlit version: 1.45.0" in shown
    assert "pyproject.toml" in shown.split("chosen from:", 1)[1].splitlines()[0]
    assert codes(tmp_path, "--streamlit-version", "1.59.0") == []
    assert "chosen from: --streamlit-version" in settings_text(tmp_path, "--streamlit-version", "1.59.0")


def test_config_found_from_a_subdirectory_and_a_file(tmp_path):
    write(tmp_path, {"pyproject.toml": pyproject('[tool.fraglint]\nstreamlit-version = "1.45.0"\n'), "src/app.py": APP})
    assert codes(tmp_path, path="src") == [("FRG104", "src/app.py", 8), ("FRG105", "src/app.py", 9)]
    assert codes(tmp_path / "src", path="app.py") == [("FRG104", "app.py", 8), ("FRG105", "app.py", 9)]
    assert f"project root: {tmp_path}" in settings_text(tmp_path / "src", path="app.py")


def test_nearest_pyproject_wins(tmp_path):
    write(tmp_path, {
        "pyproject.toml": pyproject('[tool.fraglint]\nstreamlit-version = "1.45.0"\n'),
        "apps/new/pyproject.toml": pyproject('[tool.fraglint]\nstreamlit-version = "1.59.0"\n'),
        "apps/new/app.py": APP,
        "apps/old/app.py": APP,
    })
    assert codes(tmp_path, path="apps/new") == []
    assert codes(tmp_path, path="apps/old") == [("FRG104", "apps/old/app.py", 8), ("FRG105", "apps/old/app.py", 9)]


def test_git_directory_bounds_the_search(tmp_path):
    write(tmp_path, {"pyproject.toml": pyproject('[tool.fraglint]\nstreamlit-version = "1.45.0"\n'), "repo/app.py": APP})
    (tmp_path / "repo" / ".git").mkdir()
    shown = settings_text(tmp_path / "repo")
    assert f"project root: {tmp_path / 'repo'}" in shown
    assert "config file: (none)" in shown


def test_pyproject_without_a_fraglint_table(tmp_path):
    write(tmp_path, {"pyproject.toml": pyproject("[tool.ruff]\nline-length = 100\n"), "app.py": APP})
    shown = settings_text(tmp_path)
    assert "config file: (none)" in shown and "select: ALL" in shown
    assert "respect gitignore: true" in shown


def test_explicit_config_file(tmp_path):
    write(tmp_path, {
        "pyproject.toml": pyproject('[tool.fraglint]\nstreamlit-version = "1.59.0"\n'),
        "ci/strict.toml": '[tool.fraglint]\nstreamlit-version = "1.45.0"\nselect = ["FRG105"]\n',
        "app.py": APP,
    })
    assert codes(tmp_path) == []
    assert codes(tmp_path, "--config", "ci/strict.toml") == [("FRG105", "app.py", 9)]
    missing = run_main("check", "--config", "ci/nope.toml", ".", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.toml" in missing.stderr


# -- what each key does -----------------------------------------------------------------------


def test_select_in_config_and_select_on_the_command_line_replaces_it(tmp_path):
    write(tmp_path, {"pyproject.toml": pyproject('[tool.fraglint]\nstreamlit-version = "1.45.0"\nselect = ["FRG104"]\n'), "app.py": APP})
    assert codes(tmp_path) == [("FRG104", "app.py", 8)]
    assert codes(tmp_path, "--select", "fragment-sidebar-call") == [("FRG105", "app.py", 9)]


def test_ignore_in_config_is_extended_by_the_command_line(tmp_path):
    write(tmp_path, {"pyproject.toml": pyproject('[tool.fraglint]\nstreamlit-version = "1.45.0"\nignore = ["FRG104"]\n'), "app.py": APP})
    assert codes(tmp_path) == [("FRG105", "app.py", 9)]
    assert codes(tmp_path, "--ignore", "FRG105") == []


@pytest.mark.parametrize(
    "pattern, selectors, expected_paths",
    [
        ("pages/*.py", ["FRG104", "FRG105"], {"app.py", "lib/pages/home.py"}),
        ("pages/**", ["outside-container-write", "fragment-sidebar-call"], {"app.py", "lib/pages/home.py"}),
        ("**/home.py", ["FRG1"], {"app.py"}),
        ("app.py", ["ALL"], {"pages/home.py", "lib/pages/home.py"}),
    ],
    ids=["glob", "names-doublestar", "prefix-any-depth", "one-file"],
)
def test_per_file_ignores(tmp_path, pattern, selectors, expected_paths):
    table = f'[tool.fraglint]\nstreamlit-version = "1.45.0"\n\n[tool.fraglint.per-file-ignores]\n"{pattern}" = {json.dumps(selectors)}\n'
    write(tmp_path, {"pyproject.toml": pyproject(table), "app.py": APP, "pages/home.py": APP, "lib/pages/home.py": APP})
    assert {path for _, path, _ in codes(tmp_path)} == expected_paths


def test_per_file_ignores_keeps_other_rules(tmp_path):
    table = '[tool.fraglint]\nstreamlit-version = "1.45.0"\n\n[tool.fraglint.per-file-ignores]\n"pages/*.py" = ["FRG104"]\n'
    write(tmp_path, {"pyproject.toml": pyproject(table), "pages/home.py": APP})
    assert codes(tmp_path) == [("FRG105", "pages/home.py", 9)]


def test_exclude_replaces_the_defaults_and_extend_exclude_adds(tmp_path):
    files = {"app.py": APP, "venv/lib.py": APP, "generated/out.py": APP}
    write(tmp_path, {"pyproject.toml": pyproject('[tool.fraglint]\nstreamlit-version = "1.45.0"\n'), **files})
    assert {p for _, p, _ in codes(tmp_path)} == {"app.py", "generated/out.py"}  # venv is a default exclude
    write(tmp_path, {"pyproject.toml": pyproject('[tool.fraglint]\nstreamlit-version = "1.45.0"\nextend-exclude = ["generated"]\n')})
    assert {p for _, p, _ in codes(tmp_path)} == {"app.py"}
    write(tmp_path, {"pyproject.toml": pyproject('[tool.fraglint]\nstreamlit-version = "1.45.0"\nexclude = ["generated"]\n')})
    assert {p for _, p, _ in codes(tmp_path)} == {"app.py", "venv/lib.py"}


def test_respect_gitignore_false(tmp_path):
    write(tmp_path, {
        "pyproject.toml": pyproject('[tool.fraglint]\nstreamlit-version = "1.45.0"\nrespect-gitignore = false\n'),
        ".gitignore": "scratch/\n",
        "app.py": APP,
        "scratch/try.py": APP,
    })
    assert {p for _, p, _ in codes(tmp_path)} == {"app.py", "scratch/try.py"}
    assert "respect gitignore: false" in settings_text(tmp_path)


def test_nested_gitignore(tmp_path):
    write(tmp_path, {
        "pyproject.toml": pyproject('[tool.fraglint]\nstreamlit-version = "1.45.0"\n'),
        ".gitignore": "*.tmp.py\n",
        "app.py": APP,
        "a.tmp.py": APP,
        "pages/.gitignore": "draft_*.py\n!draft_keep.py\n",
        "pages/draft_one.py": APP,
        "pages/draft_keep.py": APP,
        "pages/b.tmp.py": APP,
    })
    assert {p for _, p, _ in codes(tmp_path)} == {"app.py", "pages/draft_keep.py"}


# -- bad configuration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table, message",
    [
        ("[tool]\nfraglint = 3\n", "[tool.fraglint] must be a table"),
        ('[tool.fraglint]\nselect = ["FRG104", 3]\n', "select must be a list of strings"),
        ('[tool.fraglint]\nexclude = "build"\n', "exclude must be a list of strings"),
        ("[tool.fraglint]\nper-file-ignores = []\n", "per-file-ignores must map"),
        ('[tool.fraglint.per-file-ignores]\n"*.py" = ["nope"]\n', "unknown rule selector 'nope'"),
        ('[tool.fraglint]\nstreamlit-version = "1.x"\n', "streamlit-version"),
        ("[tool.fraglint]\nline-length = 80\nfoo = 1\n", "unknown key(s) foo, line-length"),
        ("[tool.fraglint]\nselect = [\n", "invalid TOML"),
    ],
    ids=["not-a-table", "select-item", "exclude-string", "per-file-list", "per-file-rule", "version", "keys", "toml"],
)
def test_bad_configuration(tmp_path, table, message):
    write(tmp_path, {"pyproject.toml": pyproject(table), "app.py": APP})
    result = run_main("check", ".", cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert str(tmp_path / "pyproject.toml") in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(ConfigError):
        load_settings(str(tmp_path))


def test_unknown_key_lists_the_known_ones(tmp_path):
    write(tmp_path, {"pyproject.toml": pyproject("[tool.fraglint]\ntarget-version = '1.45'\n"), "app.py": APP})
    result = run_main("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    for key in ("streamlit-version", "select", "ignore", "per-file-ignores", "exclude", "extend-exclude", "respect-gitignore"):
        assert key in result.stderr
