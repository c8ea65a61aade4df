#!/usr/bin/env python3
"""Run the oracle matrix and write tests/oracle/results/<release>.json and docs/oracle-results.md.

    python tests/oracle/run_oracle.py                      # CI set (FRAGLINT_ORACLE_RELEASES or default)
    python tests/oracle/run_oracle.py --releases all       # full matrix
    python tests/oracle/run_oracle.py --releases 1.36.0 --cases widget_outside,outside_writes
    python tests/oracle/run_oracle.py --report-only        # rebuild the markdown from the JSON
"""

from __future__ import annotations

import argparse
import datetime as _dt
import fcntl
import json
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import oracle_harness as harness
from oracle_cases import CASES, by_name

_BROWSER = None


def _worker_init() -> None:
    global _BROWSER
    _BROWSER = harness.Browser()
    import atexit
    atexit.register(lambda: _BROWSER.close())


def _work(task: tuple[str, str]) -> tuple[str, str, dict]:
    global _BROWSER
    release, name = task
    res = harness.run_case(_BROWSER, release, by_name(name))
    if "harness_error" in res:
        # a crashed or wedged browser would fail every later case of this worker: restart it
        # and try the case once more
        try:
            _BROWSER.close()
        except Exception:
            pass
        _BROWSER = harness.Browser()
        res = harness.run_case(_BROWSER, release, by_name(name))
        res["retried"] = True
    return release, name, res


def run_matrix(releases: list[str], names: list[str], jobs: int = 2, log=print,
               on_result=None, skip=None) -> dict[str, dict[str, dict]]:
    """Returns {release: {case: observation}}; creates venvs first. ``on_result(release, name,
    observation)`` is called as each case finishes (so a long run that is stopped keeps what it
    recorded); ``skip(release, name)`` leaves a pair out."""
    for r in releases:
        harness.ensure_venv(r, log=log)
    tasks = [(r, n) for r in releases for n in names if not (skip and skip(r, n))]
    out: dict[str, dict[str, dict]] = {r: {} for r in releases}
    if not tasks:
        return out
    ctx = mp.get_context("fork")
    with ctx.Pool(processes=max(1, jobs), initializer=_worker_init) as pool:
        for release, name, res in pool.imap_unordered(_work, tasks):
            out[release][name] = res
            if on_result:
                on_result(release, name, res)
            flag = " HARNESS-ERROR " + res["harness_error"] if "harness_error" in res else ""
            log(f"[oracle] {release} {name} {res.get('seconds')}s{flag}")
    return out


def load_results(release: str) -> dict:
    p = harness.RESULTS_DIR / f"{release}.json"
    if p.exists():
        return json.loads(p.read_text())
    return {"release": release, "cases": {}}


def recorded(release: str, name: str) -> bool:
    """The pair is in the committed JSON without a harness error (for ``--missing``)."""
    obs = load_results(release).get("cases", {}).get(name)
    return obs is not None and "harness_error" not in obs


_PACKAGES: dict[str, dict[str, str]] = {}


def save_results(release: str, cases: dict[str, dict]) -> Path:
    """Merge ``cases`` into results/<release>.json: the cases already recorded for that
    release and not given here are kept. A lock file serialises concurrent runs (two
    ``run_oracle.py`` processes recording different cases of the same release)."""
    harness.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    harness.CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(harness.CACHE_DIR / "results.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _merge_results(release, cases)


def _merge_results(release: str, cases: dict[str, dict]) -> Path:
    data = load_results(release)
    data["release"] = release
    if release not in _PACKAGES:
        _PACKAGES[release] = harness.installed_versions(release)
    data["packages"] = _PACKAGES[release]
    data["browser"] = "Debian chromium (headless) via Playwright"
    data["updated"] = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    merged = dict(data.get("cases", {}))
    merged.update(cases)
    order = [c.name for c in CASES]
    data["cases"] = {k: merged[k] for k in sorted(merged, key=lambda k: (
        order.index(k) if k in order else 999, k))}
    p = harness.RESULTS_DIR / f"{release}.json"
    tmp = p.with_suffix(".json.tmp")  # replaced in one step: a reader never sees half a file
    tmp.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n")
    os.replace(tmp, p)
    return p


# ----------------------------------------------------------------------------- report

def _abbrev_markers(markers: list[str], wait: bool) -> str:
    ms = [m for m in markers if m != "end"]
    if not ms:
        return "-"
    if wait:  # run_every ticks: show counts per marker
        counts: dict[str, int] = {}
        for m in ms:
            counts[m] = counts.get(m, 0) + 1
        return ", ".join(f"{m.replace('fragment:', 'f:')}x{n}" for m, n in counts.items())
    return "+".join(m.replace("fragment:", "f:") for m in ms)


def summarize(obs: dict) -> str:
    if not obs:
        return "n/a"
    if "harness_error" in obs:
        return "HARNESS ERROR"
    parts = []
    for st in obs.get("steps", []):
        wait = st.get("action", [None])[0] == "wait"
        s = f"**{st['step']}**: {_abbrev_markers(st.get('markers', []), wait)}"
        if st.get("exceptions"):
            s += " " + " ".join(f"⚠{e['type'] or 'error'}" for e in st["exceptions"])
        if st.get("counts"):
            s += " " + ",".join(f"{k.replace('pile-', '')}={v}" for k, v in st["counts"].items())
        if st.get("widget_counts"):
            s += " widgets:" + ",".join(f"{v}" for v in st["widget_counts"].values())
        if st.get("sidebar_counts"):
            s += " sb:" + ",".join(f"{k.replace('pile-', '')}={v}"
                                   for k, v in st["sidebar_counts"].items())
        if st.get("problem"):
            s += f" ({st['problem']})"
        parts.append(s)
    return "<br>".join(parts)


def glance(obs: dict) -> str:
    if not obs:
        return "n/a"
    if "harness_error" in obs:
        return "HARNESS ERROR"
    types: list[str] = []
    most = 0
    for st in obs.get("steps", []):
        for e in st.get("exceptions", []):
            t = (e["type"] or "error").replace("Streamlit", "St.")
            if t not in types:
                types.append(t)
        for key in ("counts", "sidebar_counts", "widget_counts"):
            for v in st.get(key, {}).values():
                most = max(most, v)
    cell = ", ".join(types) if types else "-"
    if most > 1:
        cell += f" pile:{most}"
    return cell


def write_report(releases: list[str] | None = None, timing: str = "") -> Path:
    files = sorted(harness.RESULTS_DIR.glob("*.json"),
                   key=lambda p: harness._version_tuple(p.stem))
    data = {p.stem: json.loads(p.read_text()) for p in files}
    rels = [r for r in (releases or list(data)) if r in data]
    lines = [
        "# Oracle results: what real Streamlit releases do with fragments",
        "",
        "Generated by `python tests/oracle/run_oracle.py` from `tests/oracle/results/<release>.json`",
        "(do not edit by hand; see `tests/oracle/README.md`). Each case app under",
        "`tests/oracle/cases/` was served by `streamlit run` on 127.0.0.1 and driven in headless",
        "Chromium; cells list, per step, the markers the app wrote (which parts of the script ran:",
        "`full-run` = the script from the top, `f:<name>` = a fragment body), `⚠Type` for each",
        "exception shown in the page, and counts of elements with a given text (pile-up).",
        "Cases marked *adapted* run with `st.experimental_fragment` in place of `st.fragment`",
        "before 1.37. `end` markers (the script reached its last line) are omitted.",
        "",
    ]
    timing_file = harness.ORACLE_DIR / "timing.md"
    if timing_file.exists():
        lines += [timing_file.read_text().strip(), ""]
    findings = harness.ORACLE_DIR / "findings.md"
    if findings.exists():
        lines += [findings.read_text().strip(), "", "## Observations per release", ""]
    lines += ["### At a glance", "",
              "Exception types shown in the page over all steps (`-` = none), and the largest "
              "count of a piled-up text (`pile:N`, N > 1).", "",
              "| case | " + " | ".join(rels) + " |", "|---|" + "---|" * len(rels)]
    for c in CASES:
        row = [f"`{c.name}`"]
        for r in rels:
            row.append(glance(data[r]["cases"].get(c.name, {})))
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "### Per step", "",
              "| case | " + " | ".join(rels) + " |",
              "|---|" + "---|" * len(rels)]
    for c in CASES:
        row = [f"`{c.name}`"]
        for r in rels:
            row.append(summarize(data[r]["cases"].get(c.name, {})))
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "## Exception messages", ""]
    for c in CASES:
        seen: dict[str, list[str]] = {}
        for r in rels:
            obs = data[r]["cases"].get(c.name, {})
            for st in obs.get("steps", []):
                for e in st.get("exceptions", []):
                    key = f"`{e['type'] or '(no type)'}`: {e['message'][:300]}"
                    seen.setdefault(key, [])
                    if r not in seen[key]:
                        seen[key].append(r)
        if seen:
            lines.append(f"- **{c.name}** ({c.doc})")
            for key, rs in seen.items():
                lines.append(f"  - {', '.join(rs)}: {key}")
    lines += ["", "## Alerts and server-log lines (warnings)", ""]
    for c in CASES:
        seen2: dict[str, list[str]] = {}
        for r in rels:
            obs = data[r]["cases"].get(c.name, {})
            items = [a for st in obs.get("steps", []) for a in st.get("alerts", [])]
            items += [f"(server log) {line}" for line in obs.get("server_log", [])]
            for a in items:
                seen2.setdefault(a[:200], [])
                if r not in seen2[a[:200]]:
                    seen2[a[:200]].append(r)
        if seen2:
            lines.append(f"- **{c.name}**")
            for a, rs in seen2.items():
                lines.append(f"  - {', '.join(rs)}: {a}")
    lines += ["", "## Packages per release venv", ""]
    for r in rels:
        pk = data[r].get("packages", {})
        lines.append(f"- {r}: " + ", ".join(f"{k} {v}" for k, v in pk.items())
                     + f" (updated {data[r].get('updated', '?')})")
    out = harness.REPO / "docs" / "oracle-results.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--releases", default=None,
                    help="comma list, 'all' or 'ci' (default: $FRAGLINT_ORACLE_RELEASES or ci)")
    ap.add_argument("--cases", default="", help="comma list of case names (default: all)")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("FRAGLINT_ORACLE_JOBS", "3")))
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--prepare-only", action="store_true", help="only create the release venvs")
    ap.add_argument("--no-report", action="store_true")
    ap.add_argument("--missing", action="store_true",
                    help="only the (release, case) pairs not yet recorded without a harness error")
    args = ap.parse_args(argv)
    releases = harness.selected_releases(args.releases)
    if args.prepare_only:
        t0 = time.time()
        for r in releases:
            harness.ensure_venv(r)
        print(f"[oracle] venvs ready for {','.join(releases)} in {time.time() - t0:.0f}s")
        return 0
    if args.report_only:
        print(write_report())
        return 0
    names = [n.strip() for n in args.cases.split(",") if n.strip()] or [c.name for c in CASES]
    t0 = time.time()
    results = run_matrix(releases, names, jobs=args.jobs,
                         on_result=lambda r, n, obs: save_results(r, {n: obs}),
                         skip=recorded if args.missing else None)
    took = time.time() - t0
    print(f"[oracle] {len(releases)} releases x {len(names)} cases in {took:.0f}s")
    if not args.no_report:
        print("[oracle] wrote", write_report())
    bad = [(r, n) for r, cs in results.items() for n, o in cs.items() if "harness_error" in o]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
