"""The static half: fraglint's verdict on each case app matches what the runtime showed.

Contract: ``fraglint check --streamlit-version <release> --output-format json <case.py>``
prints a JSON list of objects with path, line, column, code, name, severity, message.
Each case declares, per release range, the set of rule names it expects (oracle_cases.py).
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

import oracle_harness as harness
from conftest import fraglint_command
from oracle_cases import CASES, Case

pytestmark = pytest.mark.oracle


def _releases() -> list[str]:
    # static checks are cheap: FRAGLINT_ORACLE_FRAGLINT_RELEASES overrides, default = selected
    value = os.environ.get("FRAGLINT_ORACLE_FRAGLINT_RELEASES")
    return harness.selected_releases(value) if value else harness.selected_releases()


def run_fraglint(release: str, case: Case) -> list[dict]:
    cmd, why = fraglint_command()
    if cmd is None:
        pytest.skip(why)
    path = harness.CASES_DIR / case.app
    env = dict(os.environ, PYTHONPATH=str(harness.REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(cmd + ["check", "--streamlit-version", release, "--output-format", "json",
                                 str(path)], capture_output=True, text=True, timeout=120,
                          cwd=harness.REPO, env=env)
    if "No module named 'fraglint" in proc.stderr or "No module named fraglint" in proc.stderr:
        pytest.skip("fraglint is not importable: " + proc.stderr.strip().splitlines()[-1])
    try:
        data = json.loads(proc.stdout or "null")
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, list):
        pytest.fail(f"fraglint exited {proc.returncode} without a JSON list\nstdout: "
                    f"{proc.stdout[:2000]}\nstderr: {proc.stderr[-2000:]}")
    return data


@pytest.mark.parametrize("release", _releases())
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fraglint_verdict_matches_runtime(release, case):
    found = run_fraglint(release, case)
    names = {d.get("name") for d in found}
    expected = case.fraglint_rules(release)
    assert names == expected, (
        f"{case.app} @ {release}: fraglint reported {sorted(names)}, oracle expects "
        f"{sorted(expected)}\n" + "\n".join(
            f"  {d.get('line')}:{d.get('column')} {d.get('name')} {d.get('message')}" for d in found))
