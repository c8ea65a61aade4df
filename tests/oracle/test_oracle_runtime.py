"""The runtime half: real Streamlit releases do what each case records (oracle_cases.py).

A failure here means a Streamlit release behaves differently from what the oracle recorded:
look at the observation printed in the assertion, then update the case's expectations, the
docs (docs/oracle-results.md via run_oracle.py) and fraglint's version facts together.
"""

from __future__ import annotations

import json

import oracle_harness as harness
import pytest
from oracle_cases import CASES, Case

pytestmark = pytest.mark.oracle


def _marker_count(obs_step: dict, marker: str) -> int:
    if "marker_counts" in obs_step:
        return obs_step["marker_counts"].get(marker, 0)
    return obs_step.get("markers", []).count(marker)


def _all_markers(obs_step: dict) -> set[str]:
    return set(obs_step.get("marker_counts", {})) | set(obs_step.get("markers", []))


def compare(case: Case, release: str, obs: dict) -> list[str]:
    """Differences between what `case` expects under `release` and the observation."""
    problems: list[str] = []
    if "harness_error" in obs:
        return [f"harness error: {obs['harness_error']}"]
    expected = case.expected(release)
    if not expected:
        return [f"no expectations recorded for {release}"]
    steps = {s["step"]: s for s in obs.get("steps", [])}
    for step, exp in expected.items():
        got = steps.get(step)
        if got is None:
            problems.append(f"{step}: step not observed")
            continue
        where = f"{step}"
        if "markers" in exp and got.get("markers") != exp["markers"]:
            problems.append(f"{where}: markers {got.get('markers')} != expected {exp['markers']}")
        if "from_full" in exp:  # markers from the first full-run on (a timer tick may precede it)
            ms = got.get("markers", [])
            tail = ms[ms.index("full-run"):] if "full-run" in ms else None
            if tail != exp["from_full"]:
                problems.append(f"{where}: markers from full-run {tail} != expected {exp['from_full']}")
        for m in exp.get("has", []):
            if _marker_count(got, m) == 0:
                problems.append(f"{where}: marker {m!r} missing from {sorted(_all_markers(got))}")
        for m in exp.get("lacks", []):
            if _marker_count(got, m):
                problems.append(f"{where}: marker {m!r} present, expected absent")
        for m, lo in exp.get("ticks", {}).items():
            n = _marker_count(got, m)
            if n < lo:
                problems.append(f"{where}: {m!r} ran {n} times, expected >= {lo}")
        if "exc" in exp:
            shown = [f"{e['type']}: {e['message']}" for e in got.get("exceptions", [])]
            # races the runtime loses only sometimes (e.g. a timer tick after a full rerun)
            shown = [x for x in shown if not any(o in x for o in exp.get("exc_optional", []))]
            want = exp["exc"]
            if len(shown) != len(want) or any(w not in s for w, s in zip(want, shown, strict=True)):
                problems.append(f"{where}: exceptions {shown} != expected substrings {want}")
        if "alert" in exp and not any(exp["alert"] in a for a in got.get("alerts", [])):
            problems.append(f"{where}: no alert containing {exp['alert']!r} in {got.get('alerts')}")
        if exp.get("no_alerts") and got.get("alerts"):
            problems.append(f"{where}: unexpected alerts {got.get('alerts')}")
        for key in ("counts", "sidebar_counts", "widget_counts"):
            if key in exp and got.get(key) != exp[key]:
                problems.append(f"{where}: {key} {got.get(key)} != expected {exp[key]}")
    return problems


@pytest.mark.parametrize("release", harness.selected_releases())
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_runtime_matches_recorded_expectations(oracle_observations, release, case):
    obs = oracle_observations[release][case.name]
    problems = compare(case, release, obs)
    assert not problems, (f"{case.name} under streamlit {release}:\n  " + "\n  ".join(problems)
                          + "\nobservation: " + json.dumps(obs.get("steps"), indent=1)[:4000])


def _committed() -> list[tuple[str, Case]]:
    out = []
    for p in sorted(harness.RESULTS_DIR.glob("*.json")):
        for c in CASES:
            out.append((p.stem, c))
    return out


@pytest.mark.parametrize("release,case", _committed(), ids=lambda x: getattr(x, "name", x))
def test_committed_results_match_expectations(release, case):
    """Offline: the committed results/<release>.json agree with the expectations (no runtime)."""
    data = json.loads((harness.RESULTS_DIR / f"{release}.json").read_text())
    obs = data["cases"].get(case.name)
    if obs is None:
        pytest.skip(f"{case.name} not recorded for {release}")
    problems = compare(case, release, obs)
    assert not problems, f"{case.name} @ {release}:\n  " + "\n  ".join(problems)
