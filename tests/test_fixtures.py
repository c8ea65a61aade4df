"""The fixture apps under fixtures/, checked by the real command line against fixtures/expected.toml.

Each folder is a small Streamlit project. For every release listed for it, `fraglint check
--output-format json --streamlit-version V .` runs inside the folder, and the exact set of
(rule name, path, line) it reports must equal the expected one: nothing missing, nothing extra.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

import pytest
from helpers import REPO
from inprocess import run_main

FIXTURES = REPO / "fixtures"
EXPECTED = tomllib.loads((FIXTURES / "expected.toml").read_text(encoding="utf-8"))
CONFIG = "config"  # no --streamlit-version: the folder's [tool.fraglint] decides
# Each case runs `fraglint check` through click's test runner by default (about 50 ms a case);
# FRAGLINT_FIXTURES_SUBPROCESS=1 runs every case as `python -m fraglint` in a new process instead.
# test_whole_fixtures_directory always uses a real subprocess.
SUBPROCESS = os.environ.get("FRAGLINT_FIXTURES_SUBPROCESS") == "1"


def _cases():
    for folder, table in EXPECTED.items():
        xfails = table.get("xfail", {})
        for version, expected in table.items():
            if version in ("about", "xfail"):
                continue
            marks = []
            if version in xfails:
                marks.append(pytest.mark.xfail(strict=True, reason=xfails[version]))
            yield pytest.param(folder, version, expected, id=f"{folder}@{version}", marks=marks)


CASES = list(_cases())


def _run_subprocess(folder: str, args: list[str]) -> tuple[int, str, str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run(
        [sys.executable, "-m", "fraglint", *args], cwd=FIXTURES / folder, capture_output=True, text=True, env=env, timeout=120
    )
    return done.returncode, done.stdout, done.stderr


def _run_in_process(folder: str, args: list[str]) -> tuple[int, str, str]:
    """The same command through click's runner: the real `main`, without a new interpreter per case."""
    done = run_main(*args, cwd=FIXTURES / folder)
    return done.returncode, done.stdout, done.stderr


def check_fixture(folder: str, version: str) -> tuple[int, str, str]:
    args = ["check", "--output-format", "json", "--jobs", "1"]
    if version != CONFIG:
        args += ["--streamlit-version", version]
    args.append(".")
    run = _run_subprocess if SUBPROCESS else _run_in_process
    return run(folder, args)


@pytest.mark.parametrize("folder, version, expected", CASES)
def test_fixture(folder, version, expected):
    code, stdout, stderr = check_fixture(folder, version)
    assert "Traceback" not in stderr, stderr
    diagnostics = json.loads(stdout)
    actual = sorted((d["name"], d["path"].replace(os.sep, "/"), d["line"]) for d in diagnostics)
    wanted = sorted((name, path, line) for name, path, line in expected)
    missing = [d for d in wanted if d not in actual]
    extra = [d for d in actual if d not in wanted]
    assert not missing and not extra, f"missing: {missing}\nextra: {extra}\nall: {actual}"
    assert code == (1 if wanted else 0), stderr


def test_every_folder_has_expectations_and_is_documented():
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    assert folders == set(EXPECTED), "fixtures/expected.toml and the fixture folders disagree"
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for folder in folders:
        assert f"`{folder}/`" in readme, f"{folder} is not listed in fixtures/README.md"
        assert (FIXTURES / folder / "app.py").is_file(), f"{folder} has no app.py entry"
        assert EXPECTED[folder].get("about"), f"{folder} has no `about` in expected.toml"


def test_expected_lines_exist():
    """Guards the data file against typos: every expected line is a real, non-blank source line."""
    for folder, table in EXPECTED.items():
        for version, expected in table.items():
            if version in ("about", "xfail"):
                continue
            for _name, path, line in expected:
                source = (FIXTURES / folder / path).read_text(encoding="utf-8").splitlines()
                assert 1 <= line <= len(source) and source[line - 1].strip(), (folder, version, path, line)


def test_whole_fixtures_directory():
    """`fraglint check fixtures/` in a real process, as a user would run it: no traceback, and every
    folder reports at 1.45.0 what it reports when checked alone (31 projects side by side must not
    leak into each other: 31 `app.py`, several `components` packages)."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    result = subprocess.run(
        [sys.executable, "-m", "fraglint", "check", "--output-format", "json", "--streamlit-version", "1.45.0", "fixtures/"],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=300,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    found = {(d["name"], d["path"].replace(os.sep, "/").removeprefix("fixtures/"), d["line"]) for d in json.loads(result.stdout)}
    assert not [d for d in found if d[0] in ("syntax-error", "unreadable-file", "analysis-limit")]
    checked = {folder for folder, table in EXPECTED.items() if "1.45.0" in table and not table.get("xfail")}
    wanted = {(name, f"{folder}/{path}", line) for folder in checked for name, path, line in EXPECTED[folder]["1.45.0"]}
    found_there = {d for d in found if d[1].split("/")[0] in checked}
    assert found_there == wanted, f"missing: {sorted(wanted - found_there)}\nextra: {sorted(found_there - wanted)}"
