"""Time fraglint next to fixit, ruff and libcst's own parser on one generated Streamlit project.

Every tool runs as a fresh subprocess (interpreter start-up included), on the same files, in
the same session, round-robin for `--repeat` rounds after one untimed verification round.
The verification round checks that each tool really looked at every file (fixit's summary
line, ruff's `--show-files`, the libcst scripts' own count) and that nothing failed, so a
fast number can't come from a tool that silently skipped the project.

Reference points below fraglint:
    libcst parse             parse_module() on every file: the floor for a libcst analyzer
    parse + positions        MetadataWrapper(module).resolve(PositionProvider), as written in
                             libcst's docs (the wrapper deep-copies the tree first)
    parse + positions, no copy   the same with unsafe_skip_copy=True, which is what fixit does
    libcst parse, N procs    the floor again, split over all CPUs with multiprocessing (fork)
    python + import libcst   start-up alone

Then (unless --no-breakdown) one in-process pass that splits libcst's cost into phases
(read, parse, traversal, metadata providers) next to the stdlib `ast` parser.

    python benchmarks/run.py                                # 200 files, 15,000 lines, 5 rounds
    python benchmarks/run.py --files 10 --lines 500 --repeat 1   # smoke run, a few seconds
    python benchmarks/run.py --dir path/to/app --json out.json   # an existing project
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (benchmarks/ is not a package)

# Each libcst reference is a tiny script run as `python -c SCRIPT PROJECT_DIR`; it prints the
# number of files it handled so the verification round can check it saw all of them.
LIBCST_PARSE = """
import sys, pathlib, libcst
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.py"))
for path in files:
    libcst.parse_module(path.read_bytes())
print(len(files))
"""
LIBCST_POSITIONS = """
import sys, pathlib, libcst
from libcst.metadata import MetadataWrapper, PositionProvider
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.py"))
for path in files:
    MetadataWrapper(libcst.parse_module(path.read_bytes())).resolve(PositionProvider)
print(len(files))
"""
LIBCST_POSITIONS_NO_COPY = LIBCST_POSITIONS.replace(
    "MetadataWrapper(libcst.parse_module(path.read_bytes()))",
    "MetadataWrapper(libcst.parse_module(path.read_bytes()), unsafe_skip_copy=True)",
)
LIBCST_PARSE_PARALLEL = """
import sys, os, pathlib, libcst, multiprocessing
def parse(path):
    libcst.parse_module(path.read_bytes())
    return 1
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.py"))
with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
    print(sum(pool.map(parse, files, chunksize=max(1, len(files) // (8 * os.cpu_count())))))
"""
AST_PARSE = """
import sys, ast, pathlib
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.py"))
for path in files:
    ast.parse(path.read_bytes())
print(len(files))
"""
IMPORT_LIBCST = "import libcst, libcst.metadata; print(0)"
# Start-up cost of what a `fraglint check` process may import (best of 3, no files read).
STARTUP_IMPORTS = {
    "python -c pass": "pass",
    "import libcst, libcst.metadata": "import libcst, libcst.metadata",
    "import click, rich.console": "import click, rich.console",
    "import pathspec, packaging.version": "import pathspec, packaging.version",
    "import pygls.lsp.server, lsprotocol.types": "import pygls.lsp.server, lsprotocol.types",
}

# One in-process pass, phase by phase, over files already read into memory.
BREAKDOWN = r"""
import ast, json, sys, time, pathlib, libcst
from libcst.metadata import (MetadataWrapper, PositionProvider, ParentNodeProvider,
                             ScopeProvider, QualifiedNameProvider)
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.py"))
out = {}
def phase(name, fn, items):  # CPU time: less disturbed than wall time on a busy machine
    start = time.process_time()
    result = [fn(x) for x in items]
    out[name] = time.process_time() - start
    return result
sources = phase("read files", lambda p: p.read_bytes(), files)
phase("ast.parse (stdlib)", ast.parse, sources)
phase("ast.parse + ast.walk (stdlib)", lambda s: sum(1 for _ in ast.walk(ast.parse(s))), sources)
import gc
gc.disable()
phase("libcst.parse_module, gc disabled", libcst.parse_module, sources)
gc.enable()
gc.collect()
modules = phase("libcst.parse_module", libcst.parse_module, sources)
phase("CSTVisitor traversal (no-op visitor)", lambda m: m.visit(libcst.CSTVisitor()), modules)
phase("MetadataWrapper() deep copy", MetadataWrapper, modules)
wrappers = [MetadataWrapper(m, unsafe_skip_copy=True) for m in modules]
phase("PositionProvider", lambda w: w.resolve(PositionProvider), wrappers)
wrappers = [MetadataWrapper(m, unsafe_skip_copy=True) for m in modules]
phase("ParentNodeProvider", lambda w: w.resolve(ParentNodeProvider), wrappers)
wrappers = [MetadataWrapper(m, unsafe_skip_copy=True) for m in modules]
phase("ScopeProvider", lambda w: w.resolve(ScopeProvider), wrappers)
wrappers = [MetadataWrapper(m, unsafe_skip_copy=True) for m in modules]
phase("QualifiedNameProvider (+ScopeProvider)", lambda w: w.resolve(QualifiedNameProvider), wrappers)
print(json.dumps({"files": len(files), "phases": out}))
"""


@dataclass
class Tool:
    """One row of the table: a command line and how to check that its run was real."""

    name: str
    argv: list[str] | None  # None: not runnable here (the reason is in `note`)
    kind: str  # "fraglint", "fixit", "ruff", "script" (prints its file count), "python"
    env: dict[str, str] = field(default_factory=dict)
    note: str = ""
    times: list[float] = field(default_factory=list)  # wall seconds per timed round
    cpu: list[float] = field(default_factory=list)  # user+sys seconds of the process tree
    peak_mb: list[float] = field(default_factory=list)  # peak RSS of its largest process, per run
    findings: int | None = None
    version: str = ""
    wrote: set[str] = field(default_factory=set)  # paths fraglint created in the project
    problem: str | None = None  # set when verification failed: the row is then not trusted

    @property
    def runnable(self) -> bool:
        return self.argv is not None and self.problem is None


# -- discovering the tools ------------------------------------------------------------------
def run_quiet(argv: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def fraglint_tools(project: Path, repo: Path = REPO, label: str = "") -> list[Tool]:
    """`fraglint` rows for the checkout at `repo` (`python -m fraglint` with it first on the path).

    Cold always; when fraglint has a `--no-cache` flag, also: warm (the same command without
    the flag, on a summary cache that its verification run filled), cold with one worker
    process, `fraglint scopes --format json` on the warm cache, and a check of one file
    (`app.py`) with the rest of the project warm in the cache, as pre-commit runs it.
    """
    base = [sys.executable, "-m", "fraglint"]
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")]))}
    name = "fraglint check" + label
    try:
        help_run = run_quiet(base + ["check", "--help"], env={**os.environ, **env}, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Tool(name, None, "fraglint", note=f"n/a: {exc}")]
    if help_run.returncode != 0:
        last = (help_run.stderr.strip().splitlines() or ["no output"])[-1]
        return [Tool(name, None, "fraglint", note=f"n/a: `fraglint check --help` failed ({last})")]
    argv = base + ["check", "--exit-zero", "--output-format", "concise"]
    version = run_quiet(base + ["--version"], env={**os.environ, **env}).stdout.strip() or "?"
    cold = Tool(name, argv + [str(project)], "fraglint", env=env, version=version,
                note="cold: fresh XDG_CACHE_HOME per run, anything it writes into the project removed")
    if not re.search(r"(?<![\w-])--no-cache(?![\w-])", help_run.stdout):
        return [cold]
    cold.argv.insert(-1, "--no-cache")
    cold.env = {**env, "FRAGLINT_NO_CACHE": "1"}
    cold.note = "cold: --no-cache, fresh XDG_CACHE_HOME per run"
    one_worker = Tool(f"{name} -j 1", cold.argv[:-1] + ["-j", "1", str(project)], "fraglint", env=cold.env,
                      version=version, note="cold, one process")
    warm = Tool(f"{name} (warm cache)", argv + [str(project)], "fraglint-warm", env=env, version=version,
                note="warm: summary cache filled by its verification run, files unchanged")
    scopes = Tool(f"fraglint scopes --format json{label} (warm)", base + ["scopes", "--format", "json", str(project)],
                  "fraglint-other", env=env, version=version)
    one = Tool(f"fraglint check app.py{label} (project warm)", argv + [str(project / "app.py")], "fraglint-other",
               env=env, version=version, note="one file, as pre-commit passes it; the rest of the project cached")
    return [cold, one_worker, warm, scopes, one]


def tools_for(project: Path, wanted: set[str] | None, baseline: Path | None = None) -> list[Tool]:
    py = sys.executable
    tools = [
        *fraglint_tools(project),
        *(fraglint_tools(project, baseline, " [baseline]") if baseline else []),
        Tool("fixit lint (default rules)", ["fixit", "lint", str(project)], "fixit"),
        Tool("ruff check --select ALL", ["ruff", "check", "--isolated", "--no-cache", "--select", "ALL",
                                         "--exit-zero", str(project)], "ruff"),
        Tool("ruff check (default rules)", ["ruff", "check", "--isolated", "--no-cache", "--exit-zero",
                                            str(project)], "ruff"),
        Tool("libcst parse (floor)", [py, "-c", LIBCST_PARSE, str(project)], "script"),
        Tool("libcst parse + positions", [py, "-c", LIBCST_POSITIONS, str(project)], "script"),
        Tool("libcst parse + positions, no copy", [py, "-c", LIBCST_POSITIONS_NO_COPY, str(project)], "script"),
        Tool(f"libcst parse, {os.cpu_count()} procs", [py, "-c", LIBCST_PARSE_PARALLEL, str(project)], "script"),
        Tool("stdlib ast.parse (reference)", [py, "-c", AST_PARSE, str(project)], "script"),
        Tool("python + import libcst", [py, "-c", IMPORT_LIBCST], "python"),
    ]
    for tool in tools:
        if tool.argv and not shutil.which(tool.argv[0]):
            tool.argv, tool.note = None, f"n/a: {tool.argv[0]} not on PATH"
    if wanted:
        tools = [t for t in tools if any(w in t.name for w in wanted)]
    return tools


# -- running and verifying ----------------------------------------------------------------
def snapshot(project: Path) -> set[Path]:
    return set(project.rglob("*"))


def children_cpu() -> float:
    """User+sys seconds of all waited-for descendants so far (fixit's worker pool included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(argv: list[str], env: dict, cwd: Path) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run `argv`; its CPU seconds (user + sys, waited-for descendants included) and peak RSS
    in MB (the largest single process of its tree), from `wait4` on that one child."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        proc = subprocess.CompletedProcess(argv, child.returncode, out.read().decode("utf-8", "replace"),
                                           err.read().decode("utf-8", "replace"))
    return proc, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def run_once(tool: Tool, project: Path, before: set[Path]) -> tuple[float, float, subprocess.CompletedProcess]:
    env = {**os.environ, **tool.env}
    # Every tool runs as installed, from its compiled bytecode (pip compiles at install); the
    # untimed verification round writes it for a checkout. Some shells set this, and then each
    # run would compile fraglint's modules from source again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    scratch = None
    if tool.kind == "fraglint":  # keep every run cold, whatever fraglint caches and where
        scratch = tempfile.mkdtemp(prefix="fraglint-bench-cache-")
        env["XDG_CACHE_HOME"] = scratch
    start = time.perf_counter()
    proc, cpu, tool_peak = run_measured(tool.argv, env, project)
    elapsed = time.perf_counter() - start
    tool.peak_mb.append(tool_peak)
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    if tool.kind in ("fraglint", "fraglint-other"):  # (the warm row's cache is part of `before`: it stays)
        # removed by the row that wrote it (`scopes` stores spans), so each row's note names its own files
        new = snapshot(project) - before
        for extra in (p for p in new if p.parent not in new):  # remove what it wrote: stay cold
            tool.wrote.add(str(extra.relative_to(project)))
            shutil.rmtree(extra, ignore_errors=True) if extra.is_dir() else extra.unlink(missing_ok=True)
    return elapsed, cpu, proc


def tail(text: str, n: int = 3) -> str:
    return " | ".join(text.strip().splitlines()[-n:])


def verify(tool: Tool, proc: subprocess.CompletedProcess, project: Path, n_files: int) -> None:
    """Set tool.problem if the run failed or did not cover all `n_files` files."""
    if tool.kind == "fixit":
        # fixit prints "N files clean" or "N files checked, M files with errors" on stderr;
        # exit status bit 1 = lint errors (fine), bit 2 = a file raised an exception
        m = re.search(r"(\d+) files? (?:clean|checked)", proc.stderr)
        seen = int(m.group(1)) if m else 0
        tool.findings = sum(1 for line in proc.stdout.splitlines() if "@" in line and ": " in line)
        if proc.returncode & 2 or "EXCEPTION" in proc.stdout + proc.stderr:
            tool.problem = f"fixit raised on some files: {tail(proc.stdout + proc.stderr)}"
        elif seen != n_files:
            tool.problem = f"fixit linted {seen} of {n_files} files (.gitignore or config excluded some)"
    elif tool.kind == "ruff":
        if proc.returncode != 0:
            tool.problem = f"exit {proc.returncode}: {tail(proc.stderr)}"
            return
        listed = run_quiet(tool.argv[:-1] + ["--show-files", tool.argv[-1]], cwd=project).stdout.splitlines()
        seen = sum(1 for line in listed if line.strip().endswith(".py"))
        report = run_quiet(tool.argv[:-1] + ["--output-format", "json", tool.argv[-1]], cwd=project).stdout
        diagnostics = json.loads(report or "[]")
        tool.findings = len(diagnostics)
        syntax = [d for d in diagnostics if d.get("code") in (None, "invalid-syntax", "E999")]
        if seen != n_files:
            tool.problem = f"ruff checks {seen} of {n_files} files"
        elif syntax:
            tool.problem = f"{len(syntax)} syntax errors, first: {syntax[0]['filename']}: {syntax[0]['message']}"
    elif tool.kind == "script":
        if proc.returncode != 0 or proc.stdout.strip() != str(n_files):
            tool.problem = f"exit {proc.returncode}, handled {proc.stdout.strip() or '?'} files: {tail(proc.stderr)}"
    elif tool.kind == "fraglint-other":
        if proc.returncode != 0:
            tool.problem = f"exit {proc.returncode}: {tail(proc.stderr or proc.stdout)}"
    elif tool.kind in ("fraglint", "fraglint-warm"):
        # its summary line ends "... in N files, target Streamlit X" or "(N files checked, ...)"
        m = re.search(r"(?:in|\() ?(\d+) files?\b", proc.stdout + proc.stderr)
        if proc.returncode != 0:
            tool.problem = f"exit {proc.returncode} despite --exit-zero: {tail(proc.stderr or proc.stdout)}"
        elif m and int(m.group(1)) != n_files:
            tool.problem = f"fraglint checked {m.group(1)} of {n_files} files"
        else:
            tool.findings = sum(1 for line in proc.stdout.splitlines() if re.match(r"\S+:\d+:\d+", line))
            if not m:
                tool.note += "; could not read a file count from its output"
    elif proc.returncode != 0:
        tool.problem = f"exit {proc.returncode}: {tail(proc.stderr)}"


def measure(tools: list[Tool], project: Path, n_files: int, repeat: int, log) -> None:
    before = snapshot(project)
    for tool in tools:
        if not tool.argv:
            continue
        log(f"  verifying {tool.name} ...")
        _, _, proc = run_once(tool, project, before)
        verify(tool, proc, project, n_files)
        if tool.problem:
            log(f"    PROBLEM: {tool.problem}")
        if tool.kind == "fraglint-warm":
            before = snapshot(project)  # keep the cache it just wrote
    for round_no in range(repeat):
        log(f"  round {round_no + 1}/{repeat}")
        for tool in tools:
            if tool.runnable:
                elapsed, cpu, _ = run_once(tool, project, before)
                tool.times.append(elapsed)
                tool.cpu.append(cpu)


def breakdown(project: Path) -> dict | None:
    proc = run_quiet([sys.executable, "-c", BREAKDOWN, str(project)])
    if proc.returncode != 0:
        return {"error": tail(proc.stderr)}
    data = json.loads(proc.stdout)
    data["startup"] = {}
    for label, code in STARTUP_IMPORTS.items():
        best = None
        for _ in range(3):
            start = children_cpu()
            ok = run_quiet([sys.executable, "-c", code]).returncode == 0
            elapsed = children_cpu() - start
            best = elapsed if best is None or elapsed < best else best
        data["startup"][label] = best if ok else None
    return data


# -- environment and report ----------------------------------------------------------------
def version_of(argv: list[str]) -> str:
    try:
        return run_quiet(argv, timeout=60).stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "n/a"


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def environment(tools: list[Tool]) -> dict:
    fraglint = next((t for t in tools if t.kind == "fraglint"), None)
    commit = run_quiet(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]).stdout.strip()
    return {
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu_model(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "python_executable": sys.executable,
        "libcst": package_version("libcst"),
        "fixit": version_of(["fixit", "--version"]),
        "ruff": version_of(["ruff", "--version"]),
        "fraglint": fraglint.version if fraglint and fraglint.argv else "n/a",
        "fraglint_repo_commit": commit or "none",
        "loadavg_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def table(tools: list[Tool], lines_of_code: int) -> str:
    """Median wall and CPU time per row, CPU per 1,000 lines, ratios, peak memory; then the
    issue-13 ratios, all from this one run (so under the same load)."""
    def cpu_of(name: str) -> float | None:
        found = next((t for t in tools if t.name == name and t.cpu), None)
        return statistics.median(found.cpu) if found else None

    frag_cpu, parse_cpu = cpu_of("fraglint check"), cpu_of("libcst parse (floor)")
    header = ("tool", "median s", "min s", "CPU s", "CPU ms/1k lines", "CPU x fraglint", "CPU x libcst parse", "peak MB")
    rows = [header + ("findings",)]
    for t in tools:
        if not t.times:
            rows.append((t.name, *["n/a"] * 7, t.problem or t.note or ""))
            continue
        med, cpu = statistics.median(t.times), statistics.median(t.cpu)
        rows.append((t.name, f"{med:.3f}", f"{min(t.times):.3f}", f"{cpu:.3f}", f"{cpu * 1e6 / max(lines_of_code, 1):.1f}",
                     f"{cpu / frag_cpu:.2f}" if frag_cpu else "n/a", f"{cpu / parse_cpu:.2f}" if parse_cpu else "n/a",
                     f"{max(t.peak_mb):.0f}" if t.peak_mb else "n/a", "" if t.findings is None else str(t.findings)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    out = []
    for i, r in enumerate(rows):
        out.append("  ".join([r[0].ljust(widths[0])] + [r[k].rjust(widths[k]) for k in range(1, len(header))] + [r[-1]]).rstrip())
        if i == 0:
            out.append("-" * (sum(widths) + 2 * len(header) + 8))
    out.append("\nRatios of median CPU seconds (issue 13's table):")
    for label in ("", " [baseline]"):
        pairs = [
            ("cold check / libcst bare parse", f"fraglint check{label}", "libcst parse (floor)"),
            ("cold check / fixit", f"fraglint check{label}", "fixit lint (default rules)"),
            ("warm check / ruff --select ALL", f"fraglint check{label} (warm cache)", "ruff check --select ALL"),
            ("scopes --format json / warm check", f"fraglint scopes --format json{label} (warm)", f"fraglint check{label} (warm cache)"),
            ("cold -j 1 / cold default workers", f"fraglint check{label} -j 1", f"fraglint check{label}"),
        ]
        for what, top, bottom in pairs:
            a, b = cpu_of(top), cpu_of(bottom)
            if a is not None and b:
                out.append(f"  {what + label:<48} {a / b:7.2f}")
    return "\n".join(out)


def breakdown_table(data: dict | None) -> str:
    if not data or "phases" not in data:
        return f"in-process breakdown: n/a {data.get('error', '') if data else ''}"
    phases = data["phases"]
    parse = phases.get("libcst.parse_module") or 1
    lines = [f"In-process CPU seconds, one pass over {data['files']} files (no start-up), each phase alone:"]
    for name, secs in phases.items():
        lines.append(f"  {name:<42} {secs:7.3f} s  {secs / parse:5.2f} x parse")
    lines.append("Start-up CPU seconds, python -c IMPORTS, best of 3:")
    for name, secs in data.get("startup", {}).items():
        lines.append(f"  {name:<42} {secs:7.3f} s" if secs is not None else f"  {name:<42}     n/a")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--lines", type=int, default=15000)
    ap.add_argument("--big-file", type=int, metavar="N", help="passed to generate.py: app.py gets N lines")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=5, help="timed rounds per tool (after one verification round)")
    ap.add_argument("--dir", type=Path, help="time this existing project instead of generating one")
    ap.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    ap.add_argument("--tools", help="comma-separated substrings of tool names to run (default: all)")
    ap.add_argument("--no-breakdown", action="store_true", help="skip the in-process libcst phase breakdown")
    ap.add_argument("--json", type=Path, help="also write all figures and the environment as JSON")
    ap.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                    help="also time the fraglint of this checkout (e.g. `git archive` of an older commit), same rounds")
    args = ap.parse_args(argv)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731

    tmp = None
    if args.dir:
        project, corpus = args.dir.resolve(), {"source": str(args.dir)}
    else:
        project = (args.keep or Path(tempfile.mkdtemp(prefix="fraglint-bench-"))).resolve()
        if args.keep is None:
            tmp = project
        lines = max(0, args.lines - args.big_file) if args.big_file and args.files > 1 else args.lines
        corpus = generate.generate(project, args.files, lines, args.seed, args.big_file)
        corpus["mistakes_injected"] = len(corpus.pop("mistakes"))
    try:
        files = sorted(project.rglob("*.py"))
        corpus.update(files=len(files), lines=sum(len(p.read_text().splitlines()) for p in files),
                      bytes=sum(p.stat().st_size for p in files), path=str(project))
        log(f"project: {corpus['files']} files, {corpus['lines']} lines in {project}")
        baseline = args.baseline.resolve() if args.baseline else None
        tools = tools_for(project, set(args.tools.split(",")) if args.tools else None, baseline)
        env = environment(tools)
        measure(tools, project, len(files), args.repeat, log)
        phases = None if args.no_breakdown else breakdown(project)
        env["loadavg_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"{corpus['files']} files, {corpus['lines']} lines; {args.repeat} timed rounds; "
          f"{env['cpu_count']} CPUs, Python {env['python']}, libcst {env['libcst']}, "
          f"{env['fixit']}, {env['ruff']}; load average {env['loadavg_start'][0]:.2f} at start\n")
    print(table(tools, corpus["lines"]))
    for t in tools:
        if t.problem:
            print(f"NOT TRUSTED {t.name}: {t.problem}")
        elif t.note and t.times:
            wrote = f" (it wrote: {', '.join(sorted(t.wrote))})" if t.wrote else ""
            print(f"note {t.name}: {t.note}{wrote}")
    if phases is not None:
        print("\n" + breakdown_table(phases))
    if args.json:
        args.json.write_text(json.dumps({
            "environment": env, "corpus": corpus, "repeat": args.repeat,
            "results": [{"tool": t.name, "argv": [a if len(a) < 200 else "<script>" for a in t.argv or []],
                         "times_s": t.times, "median_s": statistics.median(t.times) if t.times else None,
                         "cpu_s": t.cpu, "median_cpu_s": statistics.median(t.cpu) if t.cpu else None,
                         "peak_mb": t.peak_mb,
                         "min_s": min(t.times) if t.times else None, "findings": t.findings,
                         "note": t.note, "problem": t.problem} for t in tools],
            "libcst_breakdown": phases,
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
