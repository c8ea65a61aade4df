"""Run the real CLI over batches of files and say, per file, what went wrong.

A batch of files goes through one `python -m fraglint check --output-format json` process (a
process per file would spend the sweep starting interpreters). When the batch's process
crashes, prints a traceback or outlives its timeout, the batch is cut in eight and each piece
run again, down to the single file to blame, which gets its own timeout. Whether each file is
valid Python is asked of the running interpreter's `compile()` in another process
(`fuzz_compile.py`), so that neither fraglint nor `compile()` can take the harness down.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COMPILE_CHILD = Path(__file__).resolve().parent / "fuzz_compile.py"


class Kind(str, Enum):
    """What happened to one file. Every kind but OK is a failure."""

    OK = "ok"
    TRACEBACK = "traceback"  # stderr shows a Python traceback
    CRASH = "crash"  # killed by a signal, an exit code outside 0/1/2, or no JSON on stdout
    HANG = "hang"  # the file alone outlived its timeout
    FALSE_SYNTAX_ERROR = "false-syntax-error"  # FRG001 where compile() succeeds
    MISSED_SYNTAX_ERROR = "missed-syntax-error"  # compile() fails, no FRG001


_STOPPING = threading.Event()  # set when the sweep is interrupted: start no more processes
_LIVE: set[int] = set()  # process groups running now, killed on interruption
WALL_FACTOR = 4  # a timeout is CPU seconds, but no process may take more than this times it in wall time
SPLIT = 8  # pieces a failing batch is cut into: a hang costs one timeout per level, so few levels
FAILURES = tuple(kind for kind in Kind if kind is not Kind.OK)
_PROCESS_FAILURES = (Kind.TRACEBACK, Kind.CRASH, Kind.HANG)


@dataclass(frozen=True)
class Limits:
    """Timeouts (CPU seconds of the process group) and memory cap for one CLI process."""

    file_timeout: float = 30.0
    per_file: float = 0.25
    memory_mb: int = 4096
    cli_jobs: int = 1

    def timeout(self, files: int) -> float:
        return self.file_timeout + self.per_file * files


@dataclass
class Verdict:
    """The running interpreter's word on one file."""

    compiles: bool
    error: str = ""


@dataclass
class Outcome:
    path: str
    kind: Kind
    detail: str = ""
    codes: dict[str, int] = field(default_factory=dict)
    compiles: bool | None = None
    together: list[str] = field(default_factory=list)  # set when it fails only with these files

    def to_json(self) -> dict:
        record = {"path": self.path, "kind": self.kind.value}
        for name in ("detail", "codes", "together"):
            if getattr(self, name):
                record[name] = getattr(self, name)
        if self.compiles is not None:
            record["compiles"] = self.compiles
        return record

    @classmethod
    def from_json(cls, record: dict) -> Outcome:
        return cls(
            record["path"], Kind(record["kind"]), record.get("detail", ""), record.get("codes", {}),
            record.get("compiles"), record.get("together", []),
        )


@dataclass
class _Run:
    kind: Kind
    detail: str = ""
    diagnostics: list[dict] = field(default_factory=list)


def _run(command: list[str], timeout: float, limits: Limits, cwd: str, stdin: str | None = None):
    """(returncode or None on timeout, stdout, stderr); the whole process group dies on timeout.

    On timeout the process first gets SIGABRT, so that a `-X faulthandler` child prints where
    it was stuck before it is killed.
    """
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    env.pop("GITHUB_ACTIONS", None)
    if _STOPPING.is_set():
        raise InterruptedError("the sweep is stopping")
    process = subprocess.Popen(
        command, cwd=cwd, env=env, text=True, errors="replace", start_new_session=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    _LIVE.add(process.pid)
    cap = limits.memory_mb * 1024 * 1024
    with contextlib.suppress(ProcessLookupError):  # prlimit, not preexec_fn: the sweep has threads
        resource.prlimit(process.pid, resource.RLIMIT_AS, (cap, cap))
    try:
        return _wait(process, timeout, stdin)
    finally:
        _LIVE.discard(process.pid)


def _wait(process: subprocess.Popen, timeout: float, stdin: str | None):
    """Wait until the process group has used `timeout` seconds of CPU (or four times that of
    wall time): on a loaded machine a slow file is not a hang, and fraglint's own deadlines
    (10 s of CPU for a parse) are CPU time too."""
    started = time.monotonic()
    while True:
        wall = time.monotonic() - started
        try:
            out, err = process.communicate(stdin, timeout=max(1.0, timeout - _group_cpu(process.pid)))
        except subprocess.TimeoutExpired:
            stdin = None  # sent already
            if _group_cpu(process.pid) < timeout and wall < WALL_FACTOR * timeout:
                continue
            return _abort(process)
        return process.returncode, out, err


def _abort(process: subprocess.Popen):
    process.send_signal(signal.SIGABRT)  # faulthandler prints where it was
    try:
        out, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        out, err = "", ""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    more_out, more_err = process.communicate()
    return None, out + more_out, err + more_err


def _group_cpu(group: int) -> float:
    """CPU seconds used by the processes of a process group (and the children they reaped)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group:  # fields after the command: state, ppid, pgrp, ...
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def _stuck_in(stderr: str, frames: int = 4) -> str:
    """The innermost frames of a faulthandler dump, as `file:line function` (fraglint's paths short)."""
    found = []
    for line in stderr.splitlines():
        line = line.strip()
        if line.startswith("File ") and " line " in line:
            found.append(line.replace(f'"{REPO}{os.sep}', '"').replace("File ", "", 1))
        elif found and not line.startswith("File "):
            break
    return " <- ".join(found[:frames])


def _traceback_line(stderr: str) -> str:
    """The exception line that ends the first traceback in `stderr`."""
    lines = stderr[stderr.index("Traceback"):].splitlines()
    for line in lines[1:]:
        if line and not line.startswith((" ", "\t", "Traceback")):
            return line.strip()[:300]
    return lines[-1].strip()[:300] if lines else "Traceback"


def run_cli(files: list[str], limits: Limits, workdir: str) -> _Run:
    """One CLI process over `files`, checked with an empty config in `workdir` (no project around)."""
    command = [
        sys.executable, "-X", "faulthandler", "-m", "fraglint", "check", "--output-format", "json", "--no-cache",
        "--config", os.path.join(workdir, "pyproject.toml"), "--jobs", str(limits.cli_jobs), *files,
    ]
    code, out, err = _run(command, limits.timeout(len(files)), limits, workdir)
    if code is None:
        return _Run(Kind.HANG, f"no answer after {limits.timeout(len(files)):.0f} s of CPU; at {_stuck_in(err)}")
    if code < 0:
        return _Run(Kind.CRASH, f"killed by {signal.Signals(-code).name}; at {_stuck_in(err)}")
    if "Traceback" in err:
        return _Run(Kind.TRACEBACK, _traceback_line(err))
    if code not in (0, 1, 2):
        return _Run(Kind.CRASH, f"exit code {code}: {err.strip()[-200:]}")
    try:
        diagnostics = json.loads(out)
    except ValueError:
        return _Run(Kind.CRASH, f"exit code {code} without JSON output: {err.strip()[-200:]}")
    for diagnostic in diagnostics:
        diagnostic["path"] = os.path.normpath(os.path.join(workdir, diagnostic["path"]))
    return _Run(Kind.OK, diagnostics=diagnostics)


def compile_check(files: list[str], limits: Limits, workdir: str) -> dict[str, Verdict]:
    """compile() each file in a child; a file the child dies or hangs on counts as not compiling."""
    verdicts: dict[str, Verdict] = {}
    remaining = list(files)
    while remaining:
        code, out, err = _run(
            [sys.executable, str(COMPILE_CHILD)], limits.timeout(len(remaining)), limits, workdir,
            stdin="".join(path + "\n" for path in remaining),
        )
        for line in out.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            verdicts[record["path"]] = Verdict(record["ok"], record["error"])
        remaining = [path for path in remaining if path not in verdicts]
        if remaining and code == 0:
            raise RuntimeError(f"compile checker skipped {remaining[0]}: {err[-300:]}")
        if remaining:
            reason = "timed out" if code is None else f"crashed ({code})"
            verdicts[remaining.pop(0)] = Verdict(False, f"compile() {reason}")
    return verdicts


def classify(path: str, diagnostics: list[dict], verdict: Verdict) -> Outcome:
    """Compare fraglint's diagnostics for `path` with the interpreter's verdict.

    Where compile() gives up on nesting (MemoryError, RecursionError), fraglint's FRG003
    analysis-limit says as much and is no missed syntax error.
    """
    codes = Counter(d["code"] for d in diagnostics)
    outcome = Outcome(path, Kind.OK, codes=dict(sorted(codes.items())), compiles=verdict.compiles)
    interpreter_limit = verdict.error.startswith(("MemoryError", "RecursionError")) and codes["FRG003"]
    if codes["FRG001"] and verdict.compiles:
        outcome.kind = Kind.FALSE_SYNTAX_ERROR
        outcome.detail = next(d["message"] for d in diagnostics if d["code"] == "FRG001")[:300]
    elif not verdict.compiles and not (codes["FRG001"] or codes["FRG002"] or interpreter_limit):
        outcome.kind = Kind.MISSED_SYNTAX_ERROR
        outcome.detail = verdict.error
    return outcome


def sweep_batch(files: list[str], limits: Limits, workdir: str) -> list[Outcome]:
    """The outcome of each of `files`, bisecting to the culprit when the batch's process fails."""
    verdicts = compile_check(files, limits, workdir)
    return _bisect(files, verdicts, limits, workdir)


def _bisect(files: list[str], verdicts: dict[str, Verdict], limits: Limits, workdir: str) -> list[Outcome]:
    run = run_cli(files, limits, workdir)
    if run.kind is Kind.OK:
        by_path: dict[str, list[dict]] = {path: [] for path in files}
        for diagnostic in run.diagnostics:
            by_path.setdefault(diagnostic["path"], []).append(diagnostic)
        return [classify(path, by_path[path], verdicts[path]) for path in files]
    if len(files) == 1:
        return [Outcome(files[0], run.kind, run.detail, compiles=verdicts[files[0]].compiles)]
    size = -(-len(files) // SPLIT)
    outcomes = [o for start in range(0, len(files), size) for o in _bisect(files[start:start + size], verdicts, limits, workdir)]
    if not any(o.kind in _PROCESS_FAILURES for o in outcomes):
        if run.kind is Kind.HANG:  # no piece repeats it: the machine's load, said but not counted
            print(f"note: a batch of {len(files)} from {files[0]} timed out, none of its pieces did", file=sys.stderr)
            return outcomes
        # Fails only with all of these files together.
        first = outcomes[0]
        first.kind, first.detail, first.together = run.kind, f"{run.detail} (only with the other files)", list(files)
    return outcomes


def sweep(
    files: list[str], limits: Limits, jobs: int = 2, batch_size: int = 200, state: Path | None = None,
    progress=None, retry_failures: bool = False, report_only: bool = False,
) -> list[Outcome]:
    """Every file's outcome, `jobs` batches at a time; with `state`, resumable.

    `state` is a JSON-lines file of outcomes, appended batch by batch: files it already holds
    are not run again (failed ones are, with `retry_failures`), so an interrupted sweep picks
    up where it stopped. A later line for a path replaces an earlier one. With `report_only`,
    nothing runs: the outcomes are those of the files the state has so far.
    """
    done: dict[str, Outcome] = {}
    if state is not None and state.exists():
        for line in state.read_text(encoding="utf-8").splitlines():
            if line.strip():
                outcome = Outcome.from_json(json.loads(line))
                done[outcome.path] = outcome
    if retry_failures:
        done = {path: outcome for path, outcome in done.items() if outcome.kind is Kind.OK}
    wanted = [os.path.abspath(path) for path in files]
    todo = [] if report_only else [path for path in wanted if path not in done]
    batches = [todo[start:start + batch_size] for start in range(0, len(todo), batch_size)]
    with tempfile.TemporaryDirectory(prefix="fraglint-sweep-") as workdir:
        Path(workdir, "pyproject.toml").write_text("[tool.fraglint]\n", encoding="utf-8")
        pool = ThreadPoolExecutor(max_workers=jobs)
        try:
            futures = [pool.submit(sweep_batch, batch, limits, workdir) for batch in batches]
            for future in as_completed(futures):
                outcomes = future.result()
                for outcome in outcomes:
                    done[outcome.path] = outcome
                if state is not None:
                    with state.open("a", encoding="utf-8") as handle:
                        handle.writelines(json.dumps(o.to_json()) + "\n" for o in outcomes)
                if progress is not None:
                    progress(outcomes, len(done), len(wanted))
        finally:
            _stop(pool)
    return [done[path] for path in wanted if path in done]


def _stop(pool: ThreadPoolExecutor) -> None:
    """Leave no fraglint process behind, even when the sweep is interrupted."""
    _STOPPING.set()
    for group in list(_LIVE):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
    pool.shutdown(wait=True, cancel_futures=True)
    _STOPPING.clear()
