"""How fraglint's cost grows with the project: `run.py` at several sizes, one table.

For each size (files; lines at 75 per file, as the default 200-file corpus), a seed-0
project is generated and `run.py` times the rows named by `--tools` in one process per
run: CPU seconds (user + sys of the process tree), CPU per 1,000 lines (flat when the cost
is linear in the project) and peak memory (largest resident set of one process). `--big-file N`
adds a row for one N-line `app.py` alone. `fraglint scopes` is timed up to 1,000 files:
its JSON lists, for every widget, everything its rerun redraws (130 MB at 1,000 files).

    python benchmarks/scaling.py                                   # 200, 1,000, 5,000, 10,000 files
    python benchmarks/scaling.py --sizes 200,1000 --repeat 2 --json results/scaling.json
    python benchmarks/scaling.py --sizes 200 --big-file 50000 --tools "fraglint check"
    python benchmarks/scaling.py --baseline /tmp/old              # before/after in the same rounds
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # the sibling script

DEFAULT_TOOLS = "fraglint check,fraglint scopes,libcst parse (floor),ruff check --select ALL"
LINES_PER_FILE = 75


def measure(files: int, lines: int, tools: str, repeat: int, big_file: int | None, baseline: Path | None) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "figures.json"
        argv = ["--files", str(files), "--lines", str(lines), "--tools", tools, "--repeat", str(repeat),
                "--no-breakdown", "--json", str(out)]
        if big_file:
            argv += ["--big-file", str(big_file)]
        if baseline:
            argv += ["--baseline", str(baseline)]
        run.main(argv)
        return json.loads(out.read_text())


def rows(figures: dict) -> list[tuple[str, int, int, float | None, float | None]]:
    """(tool, files, lines, median CPU s, max peak MB) for each trusted row."""
    corpus = figures["corpus"]
    found = []
    for result in figures["results"]:
        cpu = result["median_cpu_s"] if not result["problem"] else None
        peak = max(result["peak_mb"]) if result["peak_mb"] else None
        found.append((result["tool"], corpus["files"], corpus["lines"], cpu, peak))
    return found


def table(all_rows: list[tuple[str, int, int, float | None, float | None]]) -> str:
    lines = ["| row | files | lines | CPU s | CPU ms / 1,000 lines | peak MB |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for tool, files, n_lines, cpu, peak in sorted(all_rows, key=lambda r: (r[0], r[1], r[2])):
        per = f"{1000 * cpu / n_lines * 1000:.0f}" if cpu is not None and n_lines else "n/a"
        lines.append(
            f"| {tool} | {files:,} | {n_lines:,} | {'n/a' if cpu is None else f'{cpu:.2f}'} | {per} | "
            f"{'n/a' if peak is None else f'{peak:.0f}'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="200,1000,5000,10000", help="comma-separated file counts")
    ap.add_argument("--tools", default=DEFAULT_TOOLS, help="run.py rows to time (substrings of their names)")
    ap.add_argument("--repeat", type=int, default=1, help="timed rounds per row and size")
    ap.add_argument("--big-file", type=int, metavar="N", help="also time one N-line app.py alone")
    ap.add_argument("--baseline", type=Path, metavar="CHECKOUT", help="also time this checkout's fraglint")
    ap.add_argument("--json", type=Path, help="write every size's figures here")
    ap.add_argument("--scopes-up-to", type=int, default=1000, metavar="FILES",
                    help="leave `fraglint scopes` out above this size (its JSON grows faster than the project)")
    args = ap.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    collected, all_rows = [], []
    for files in (int(size) for size in args.sizes.split(",") if size):
        tools = args.tools
        if files > args.scopes_up_to:
            tools = ",".join(t for t in tools.split(",") if "scopes" not in t)
        figures = measure(files, files * LINES_PER_FILE, tools, args.repeat, None, args.baseline)
        collected.append(figures)
        all_rows += rows(figures)
    if args.big_file:
        figures = measure(1, args.big_file, args.tools, args.repeat, args.big_file, args.baseline)
        collected.append(figures)
        all_rows += [(f"{tool} [one {n_lines:,}-line file]", files, n_lines, cpu, peak)
                     for tool, files, n_lines, cpu, peak in rows(figures)]
    end = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nload average {load:.1f} at the start, {end:.1f} at the end; median of {args.repeat} round(s)\n")
    print(table(all_rows))
    if args.json:
        args.json.write_text(json.dumps({"load_start": load, "load_end": end, "sizes": collected}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
