"""The static half: fraglint's verdict on each case app matches what the runtime showed.

Contract: ``fraglint check --streamlit-version <release> --output-format json <case.py>``
prints a JSON list of objects with path, line, column, code, name, severity, message.
Each case declares, per release range, the set of rule names it expects (oracle_cases.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import oracle_harness as harness
import pytest
from conftest import fraglint_command
from oracle_cases import CASES, Case

pytestmark = pytest.mark.oracle


def _releases() -> list[str]:
    # static checks are cheap: FRAGLINT_ORACLE_FRAGLINT_RELEASES overrides, default = selected
    value = os.environ.get("FRAGLINT_ORACLE_FRAGLINT_RELEASES")
    return harness.selected_releases(value) if value else harness.selected_releases()


def _run_one(cmd: list[str], release: str, case: Case) -> dict:
    """Run fraglint on a copy of the case in an empty folder: from inside the repository it
    would index the whole project (and .oracle-cache holds whole Streamlit installs)."""
    with tempfile.TemporaryDirectory(prefix="oracle-fraglint-") as tmp:
        shutil.copy(harness.CASES_DIR / case.app, Path(tmp) / case.app)
        shutil.copy(harness.CASES_DIR / "_oracle_mark.py", Path(tmp) / "_oracle_mark.py")
        harness.copy_extra_files(case, Path(tmp))
        env = dict(os.environ)
        env["PYTHONPATH"] = str(harness.REPO) + os.pathsep + env.get("PYTHONPATH", "")
        try:
            proc = subprocess.run(cmd + ["check", "--streamlit-version", release,
                                         "--output-format", "json", case.app],
                                  capture_output=True, text=True, timeout=180, cwd=tmp, env=env)
        except subprocess.TimeoutExpired:
            return {"error": "fraglint timed out after 180s"}
    if "No module named 'fraglint" in proc.stderr or "No module named fraglint" in proc.stderr:
        return {"skip": "fraglint is not importable: " + proc.stderr.strip().splitlines()[-1]}
    try:
        data = json.loads(proc.stdout or "null")
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, list):
        return {"error": f"fraglint exited {proc.returncode} without a JSON list\nstdout: "
                         f"{proc.stdout[:2000]}\nstderr: {proc.stderr[-2000:]}"}
    return {"found": data}


@pytest.fixture(scope="session")
def fraglint_verdicts() -> dict:
    """All (release, case) verdicts, computed once, a few subprocesses at a time."""
    cmd, why = fraglint_command()
    if cmd is None:
        return {"skip": why}
    jobs = [(r, c) for r in _releases() for c in CASES]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda rc: _run_one(cmd, *rc), jobs))
    return {(r, c.name): res for (r, c), res in zip(jobs, results, strict=True)}


@pytest.mark.parametrize("release", _releases())
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fraglint_verdict_matches_runtime(fraglint_verdicts, release, case):
    if "skip" in fraglint_verdicts:
        pytest.skip(fraglint_verdicts["skip"])
    res = fraglint_verdicts[(release, case.name)]
    if "skip" in res:
        pytest.skip(res["skip"])
    if "error" in res:
        pytest.fail(res["error"])
    found = res["found"]
    names = {d.get("name") for d in found}
    expected = case.fraglint_rules(release)
    assert names == expected, (
        f"{case.app} @ {release}: fraglint reported {sorted(names)}, oracle expects "
        f"{sorted(expected)}\n" + "\n".join(
            f"  {d.get('line')}:{d.get('column')} {d.get('name')} {d.get('message')}" for d in found))
