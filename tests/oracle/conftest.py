"""pytest wiring for the oracle (tests/oracle).

* Registers the ``oracle`` marker.
* Tests that need the live runtime (fixture ``oracle_observations``) run real Streamlit
  releases; the fraglint comparison (fixture ``fraglint_verdicts``) runs the CLI ~100 times.
  Both are skipped in a plain ``pytest`` run and run when the oracle is asked for:
  ``pytest -m oracle tests/oracle`` or ``FRAGLINT_ORACLE_RELEASES=...`` set, or
  ``FRAGLINT_ORACLE=1``. Releases: ``FRAGLINT_ORACLE_RELEASES`` (comma list, ``all``; default
  the CI set 1.36.0,1.58.0,1.67.0).
* Missing browser/playwright: skip locally, fail under ``CI`` (a green CI must not hide a
  missing install step; run ``bash tests/oracle/setup.sh`` first).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import oracle_harness as harness


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "oracle: runs real Streamlit releases in a browser (slow; tests/oracle/README.md)")


def _oracle_requested(config) -> bool:
    if os.environ.get("FRAGLINT_ORACLE") == "1" or os.environ.get("FRAGLINT_ORACLE_RELEASES"):
        return True
    markexpr = config.getoption("-m", default="") or ""
    return "oracle" in markexpr and "not oracle" not in markexpr


def pytest_collection_modifyitems(config, items):
    if _oracle_requested(config):
        return
    skip = pytest.mark.skip(reason="oracle runs only with `-m oracle` or FRAGLINT_ORACLE_RELEASES set "
                                   "(see tests/oracle/README.md)")
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "oracle_observations" in names or "fraglint_verdicts" in names:
            item.add_marker(skip)


def _missing_tools() -> str | None:
    if not Path(harness.CHROMIUM).exists():
        return f"{harness.CHROMIUM} not found (run tests/oracle/setup.sh)"
    for mod in ("playwright", "uv"):
        if importlib.util.find_spec(mod) is None:
            return f"python package {mod} not installed (run tests/oracle/setup.sh)"
    return None


@pytest.fixture(scope="session")
def oracle_observations():
    """{release: {case: observation}} for the selected releases, all cases; run once."""
    problem = _missing_tools()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    import run_oracle
    from oracle_cases import CASES

    releases = harness.selected_releases()
    results = run_oracle.run_matrix(releases, [c.name for c in CASES],
                                    jobs=int(os.environ.get("FRAGLINT_ORACLE_JOBS", "3")),
                                    log=lambda m: print(m, file=sys.stderr))
    out_dir = harness.CACHE_DIR / "pytest-results"
    out_dir.mkdir(parents=True, exist_ok=True)
    for r, cases in results.items():
        (out_dir / f"{r}.json").write_text(json.dumps({"release": r, "cases": cases}, indent=1))
    return results


def fraglint_command() -> tuple[list[str] | None, str]:
    """How to run the fraglint CLI (argv prefix), or (None, why not)."""
    exe = shutil.which("fraglint")
    if exe:
        return [exe], ""
    if not (harness.REPO / "fraglint" / "cli.py").exists() and \
            not (harness.REPO / "fraglint" / "cli").is_dir():
        return None, "fraglint CLI not written yet (no fraglint on PATH, no fraglint/cli.py)"
    return [sys.executable, "-m", "fraglint"], ""
