"""Sweep fraglint's CLI over a large installed tree and over generated programs (see README.md).

    python tests/fuzz/sweep.py setup                  # .sweep-cache/venv with tree-packages.txt
    python tests/fuzz/sweep.py tree --jobs 2          # that venv's site-packages + the stdlib
    python tests/fuzz/sweep.py fuzz --jobs 2          # mutated fixtures + hypothesmith programs
    python tests/fuzz/sweep.py corpus                 # the reduced run's saved hypothesmith programs

Both sweeps are resumable (a JSON-lines state under .sweep-cache/; `--fresh` starts over) and
write a JSON summary and a markdown table under tests/fuzz/results/. The exit code is 1 when
any file failed (traceback, crash, hang, false or missed syntax error).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_report import failures, markdown, summarize
from fuzz_runner import REPO, Limits, Outcome, sweep

HERE = Path(__file__).resolve().parent
CACHE = REPO / ".sweep-cache"
VENV = CACHE / "venv"
RESULTS = HERE / "results"


def stdlib_root() -> str:
    return sysconfig.get_paths()["stdlib"]


def venv_site_packages(venv: Path = VENV) -> str | None:
    found = sorted(venv.glob("lib/python*/site-packages"))
    return str(found[0]) if found else None


def python_files(root: str) -> list[str]:
    """Every `.py` under `root` (or `root` itself), sorted; the stdlib's own site-packages left out."""
    if os.path.isfile(root):
        return [os.path.abspath(root)]
    skip = {"__pycache__"} | ({"site-packages"} if os.path.abspath(root) == os.path.abspath(stdlib_root()) else set())
    found = []
    for directory, subdirs, filenames in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in skip)
        found.extend(
            os.path.join(directory, name) for name in sorted(filenames)
            if name.endswith(".py") and "\n" not in name and os.path.isfile(os.path.join(directory, name))
        )
    return found


def displayer(roots: list[str]):
    """Shows a path as `<root label>/<path under it>`: `stdlib/...`, `site-packages/...`."""
    labelled = [(os.path.abspath(root), "stdlib" if root == stdlib_root() else os.path.basename(os.path.abspath(root))) for root in roots]

    def display(path: str) -> str:
        for root, label in labelled:
            if path == root:
                return os.path.basename(root)
            if path.startswith(root + os.sep):
                return f"{label}/{os.path.relpath(path, root)}"
        return path

    return display


def _progress(start: float):
    def report(outcomes: list[Outcome], done: int, total: int) -> None:
        bad = [f"{o.kind.value}: {o.path}" for o in outcomes if o.kind.value != "ok"]
        rate = done / max(time.monotonic() - start, 1e-9)
        print(f"[{done}/{total}] {rate:.1f} files/s", *bad, sep="\n  ", file=sys.stderr, flush=True)

    return report


def _fraglint_commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False)
    return result.stdout.strip() or "unknown"


def run_and_report(label: str, files: list[str], args, display, extra: dict | None = None) -> int:
    """Sweep `files`, write the JSON summary and the markdown table, return the exit code."""
    state = Path(args.state or CACHE / f"state-{label}.jsonl")
    state.parent.mkdir(parents=True, exist_ok=True)
    if args.fresh and state.exists():
        state.unlink()
    limits = Limits(file_timeout=args.file_timeout, cli_jobs=args.cli_jobs)
    start = time.monotonic()
    outcomes = sweep(files, limits, args.jobs, args.batch_size, state, _progress(start), args.retry_failures, args.report_only)
    meta = {
        "files_wanted": len(files), "file_timeout_cpu_s": args.file_timeout, "batch_size": args.batch_size,
        "python": sys.version.split()[0], "fraglint_commit": _fraglint_commit(),
        "elapsed_s_this_run": round(time.monotonic() - start), "jobs": args.jobs, **(extra or {}),
    }
    summary = summarize(label, outcomes, meta, display)
    json_path = Path(args.json or RESULTS / f"{label}.json")
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    table = markdown([summary])
    Path(args.markdown or json_path.with_suffix(".md")).write_text(table, encoding="utf-8")
    print(table)
    return 1 if failures(summary) else 0


def command_setup(args) -> int:
    """A venv of popular packages, wheels only, for `tree` to walk."""
    subprocess.run([sys.executable, "-m", "venv", str(args.venv)], check=True)
    pip = [str(args.venv / "bin" / "python"), "-m", "pip", "install", "--only-binary", ":all:"]
    return subprocess.run([*pip, "-r", str(HERE / "tree-packages.txt")], check=False).returncode


def command_tree(args) -> int:
    roots = list(args.paths)
    if not roots:
        site = venv_site_packages(args.venv)
        if site is None:
            print(f"no venv at {args.venv}: run `python tests/fuzz/sweep.py setup` first", file=sys.stderr)
            return 2
        roots = [site] if args.no_stdlib else [site, stdlib_root()]
    files = sorted({path for root in roots for path in python_files(root)})
    print(f"sweeping {len(files)} files under {', '.join(roots)}", file=sys.stderr)
    shown = [os.path.relpath(root, REPO) if root.startswith(str(REPO)) else root for root in roots]
    return run_and_report(args.label, files, args, displayer(roots), {"roots": shown})


def command_fuzz(args) -> int:
    from fuzz_programs import save_failures, write_programs

    folder = CACHE / "programs"
    programs = write_programs(folder, args.mutations, args.hypothesmith, args.seed, node_share=0.05)
    print(f"generated {len(programs)} programs under {folder}", file=sys.stderr)
    files = sorted(str(path) for path in programs)  # hyp-* (quick) before mut-* (where the hangs are)
    code = run_and_report(args.label, files, args, displayer([str(folder)]), {
        "mutations": args.mutations, "hypothesmith": args.hypothesmith, "seed": args.seed,
    })
    save_failures(Path(args.json or RESULTS / f"{args.label}.json"), folder, Path(args.failures))
    return code


def command_corpus(args) -> int:
    """The hypothesmith programs the reduced run (test_sweep_reduced.py) reads."""
    from fuzz_programs import CORPUS, save_corpus

    save_corpus(args.count, args.seed)
    print(f"wrote {args.count} programs to {CORPUS}", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser("setup", help="make the venv the tree sweep walks")
    tree = commands.add_parser("tree", help="sweep every .py of installed trees")
    tree.add_argument("paths", nargs="*", help="trees or files (default: the setup venv's site-packages and the stdlib)")
    tree.add_argument("--no-stdlib", action="store_true", help="only the venv, not the running Python's stdlib")
    fuzz = commands.add_parser("fuzz", help="sweep generated and mutated programs")
    fuzz.add_argument("--mutations", type=int, default=2000, help="mutated fixture programs")
    fuzz.add_argument("--hypothesmith", type=int, default=1000, help="hypothesmith programs")
    fuzz.add_argument("--seed", type=int, default=0, help="base seed; program i uses seed+i")
    fuzz.add_argument("--failures", default=str(RESULTS / "failures"), help="where failing programs are copied")
    corpus = commands.add_parser("corpus", help="regenerate hypothesmith-corpus.json for the reduced run")
    corpus.add_argument("--count", type=int, default=100)
    corpus.add_argument("--seed", type=int, default=0)
    for command, label in ((setup, None), (tree, "tree"), (fuzz, "fuzz")):
        command.add_argument("--venv", type=Path, default=VENV)
        if label is None:
            continue
        command.add_argument("--label", default=label, help="names the state and result files")
        command.add_argument("--jobs", type=int, default=2, help="CLI processes at once")
        command.add_argument("--cli-jobs", type=int, default=1, help="--jobs passed to each fraglint process")
        command.add_argument("--batch-size", type=int, default=200 if label == "tree" else 100, help="files per fraglint process")
        command.add_argument("--file-timeout", type=float, default=30.0, help="seconds a single file may take (a batch: this + 0.25 s a file)")
        command.add_argument("--state", help="resumable JSON-lines state (default .sweep-cache/state-LABEL.jsonl)")
        command.add_argument("--fresh", action="store_true", help="forget the state and sweep everything again")
        command.add_argument("--retry-failures", action="store_true", help="sweep again the files that failed last time")
        command.add_argument("--report-only", action="store_true", help="run nothing: summarise what the state holds so far")
        command.add_argument("--json", help="summary path (default tests/fuzz/results/LABEL.json)")
        command.add_argument("--markdown", help="table path (default: the JSON path with .md)")
    return parser


def main() -> int:
    args = _parser().parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the sweep's children are killed too
    commands = {"setup": command_setup, "tree": command_tree, "fuzz": command_fuzz, "corpus": command_corpus}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
