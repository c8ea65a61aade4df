"""How long an editor waits: the time from `didChange` to the `publishDiagnostics` it causes.

Generates a project with `benchmarks/generate.py` (default: 200 files, 15,000 lines, with
`app.py` made 2,000 lines long), starts `fraglint lsp` as a subprocess, speaks LSP to it with
pygls's client, opens `app.py`, and then makes `--edits` small incremental edits of each
kind, each after the previous one's diagnostics arrived and a 0.3 s pause (typing):

* comment:   a comment typed at the end of a line;
* statement: a new line with a call inside a function body;
* top-level: a new top-level call between two definitions (every later statement moves,
             the slow case for the incremental walk).

It prints the cold first check, then median, p90, min and max of the warm ones per kind,
wall-clock, with the load average so a busy machine shows in the figures.

    python benchmarks/lsp_latency.py                 # 200 files; target (issue 13): median <= 60 ms
    python benchmarks/lsp_latency.py --kind comment --edits 50 --json
    python benchmarks/lsp_latency.py --in-process    # also the check alone, without LSP
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
TARGET_MS = 60.0  # issue 13: median <= 60 ms at every project size


def generate(out: Path, files: int, lines: int, big_file: int, seed: int) -> None:
    command = [
        sys.executable, str(HERE / "generate.py"), str(out),
        "--files", str(files), "--lines", str(lines), "--seed", str(seed),
    ]
    if big_file:
        command += ["--big-file", str(big_file)]
    subprocess.run(command, check=True, capture_output=True)


class Probe:
    """An LSP client that records when each version's diagnostics arrive."""

    def __init__(self) -> None:
        self.client = LanguageClient("fraglint-lsp-latency", "1")
        self.arrived: dict[int | None, tuple[float, int]] = {}
        self.event = asyncio.Event()
        self.server = None  # the server process
        self.stderr = b""  # the last 8 KiB the server wrote to stderr
        self.tasks: list[asyncio.Task] = []

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            self.arrived[params.version] = (time.perf_counter(), len(params.diagnostics))
            self.event.set()

    async def start(self) -> None:
        await self.client.start_io(sys.executable, "-m", "fraglint", "lsp")
        self.server = getattr(self.client, "_server", None)  # pygls's asyncio.subprocess.Process
        if self.server is not None and self.server.stderr is not None:
            self.tasks.append(asyncio.create_task(self._drain(self.server.stderr)))

    async def _drain(self, stream: asyncio.StreamReader) -> None:
        """pygls's client pipes the server's stderr and never reads it: once the server has
        logged 64 KiB it blocks on its next line and publishes nothing more. Read it all."""
        while chunk := await stream.read(4096):
            self.stderr = (self.stderr + chunk)[-8192:]

    def server_rss_mb(self) -> float | None:
        """The server's resident memory (Linux), to see what its caches keep."""
        try:
            with open(f"/proc/{self.server.pid}/status") as status:
                return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))
        except (AttributeError, OSError, StopIteration):
            return None

    def server_cpu_ms(self) -> float | None:
        """CPU time the server has used so far (Linux: every thread's schedstat, in ns), so a loaded
        machine's wait for a core does not count."""
        try:
            total = 0
            for task in os.listdir(f"/proc/{self.server.pid}/task"):
                with open(f"/proc/{self.server.pid}/task/{task}/schedstat") as stat:
                    total += int(stat.read().split()[0])
            return total / 1e6
        except (AttributeError, OSError, ValueError):
            return None

    async def wait_for(self, version: int, timeout: float) -> tuple[float, int]:
        deadline = time.perf_counter() + timeout
        while version not in self.arrived:
            self.event.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                state = "running" if self.server is None or self.server.returncode is None else f"exited {self.server.returncode}"
                tail = self.stderr.decode(errors="replace")[-2000:]
                raise TimeoutError(
                    f"no diagnostics for version {version} within {timeout} s (server {state}); its stderr ends:\n{tail}"
                )
            try:
                await asyncio.wait_for(self.event.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return self.arrived[version]


def edit_line(lines: list[str], number: int) -> int:
    """A line to edit: one that holds code, spread over the file, deterministic."""
    candidates = [
        i for i, line in enumerate(lines)
        if line.strip() and not line.rstrip().endswith(("\\", ",", "(", "[", "{")) and '"""' not in line and "'''" not in line
    ]
    return candidates[(number * 97) % len(candidates)]


EDIT_KINDS = ("comment", "statement", "top-level")


def make_edit(lines: list[str], number: int, kind: str) -> tuple[int, int, str]:
    """Edit `lines` in place as a user would; returns (line, column, inserted text) for LSP.

    comment:   a comment typed at the end of a line (the statement's sites stay the same)
    statement: a new line with a call inside a function body (that function gains sites)
    top-level: a new top-level call between two definitions (every later statement moves)
    """
    if kind == "comment":
        index = edit_line(lines, number)
        column = len(lines[index].rstrip("\r\n"))
        insert = f"  # edit {number}"
        lines[index] = lines[index].rstrip("\r\n") + insert + "\n"
        return index, column, insert
    if kind == "statement":
        candidates = [
            i for i, line in enumerate(lines)
            if line.startswith("    ") and line.strip() and not line.rstrip().endswith(("\\", ",", "(", "[", "{", ":"))
            and '"""' not in line
            and (
                i + 1 == len(lines)
                or len(lines[i + 1]) - len(lines[i + 1].lstrip()) <= len(line) - len(line.lstrip())
                or not lines[i + 1].strip()
            )
        ]
        index = candidates[(number * 97) % len(candidates)]
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
        insert = f"{indent}st.write(\"typed {number}\")\n"
        lines.insert(index + 1, insert)
        return index + 1, 0, insert
    candidates = [i for i, line in enumerate(lines) if line.startswith(("def ", "@")) and i and not lines[i - 1].startswith("@")]
    index = candidates[(number * 37) % len(candidates)]
    insert = f"st.caption(\"typed {number}\")\n"
    lines.insert(index, insert)
    return index, 0, insert


async def measure(project: Path, edits: int, timeout: float, kind: str = "comment") -> dict:
    app = project / "app.py"
    text = app.read_text(encoding="utf-8")
    uri = app.as_uri()
    probe = Probe()
    await probe.start()
    try:
        await probe.client.initialize_async(
            lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=project.as_uri(), process_id=os.getpid())
        )
        probe.client.initialized(lsp.InitializedParams())
        started = time.perf_counter()
        probe.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text))
        )
        arrived, count = await probe.wait_for(1, timeout)
        cold = arrived - started
        rss_after_open = probe.server_rss_mb()
        lines = text.splitlines(keepends=True)
        samples, cpu = [], []
        for number in range(edits):
            version = number + 2
            index, column, insert = make_edit(lines, number, kind)
            change = lsp.TextDocumentContentChangePartial(
                range=lsp.Range(start=lsp.Position(line=index, character=column), end=lsp.Position(line=index, character=column)),
                text=insert,
            )
            sent, sent_cpu = time.perf_counter(), probe.server_cpu_ms()
            probe.client.text_document_did_change(
                lsp.DidChangeTextDocumentParams(
                    text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]
                )
            )
            arrived, count = await probe.wait_for(version, timeout)
            samples.append((arrived - sent) * 1000)
            done_cpu = probe.server_cpu_ms()
            if sent_cpu is not None and done_cpu is not None:
                cpu.append(done_cpu - sent_cpu)
            await asyncio.sleep(0.3)  # a pause between edits, as between bursts of typing
        rss_at_end = probe.server_rss_mb()
        await probe.client.shutdown_async(None)
        probe.client.exit(None)
    finally:
        await probe.client.stop()
        for task in probe.tasks:
            task.cancel()
    ordered = sorted(samples)
    return {
        "cold_first_diagnostics_ms": round(cold * 1000, 1),
        "edits": len(samples),
        "median_ms": round(statistics.median(samples), 1),
        "p90_ms": round(ordered[max(0, round(0.9 * len(ordered)) - 1)], 1),
        "min_ms": round(ordered[0], 1),
        "max_ms": round(ordered[-1], 1),
        "diagnostics_in_app": count,
        "app_lines": len(lines),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "target_median_ms": TARGET_MS,
        "edit_kind": kind,
        "server_cpu_median_ms": round(statistics.median(cpu), 1) if cpu else None,
        "server_cpu_p90_ms": round(sorted(cpu)[max(0, round(0.9 * len(cpu)) - 1)], 1) if cpu else None,
        "server_rss_mb": [round(x, 1) if x is not None else None for x in (rss_after_open, rss_at_end)],
    }


def measure_in_process(project: Path, edits: int, kind: str = "comment") -> dict:
    """The same edits through the server's `Analyser` directly: the check alone, wall and CPU time."""
    from fraglint.workspace import Workspace as Analyser

    app = project / "app.py"
    text = app.read_text(encoding="utf-8")
    analyser = Analyser()
    analyser.check(str(app), text)
    lines = text.splitlines(keepends=True)
    wall, cpu = [], []
    for number in range(edits):
        make_edit(lines, number, kind)
        started, started_cpu = time.perf_counter(), time.process_time()
        analyser.check(str(app), "".join(lines))
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "check_wall_median_ms": round(statistics.median(wall), 1),
        "check_cpu_median_ms": round(statistics.median(cpu), 1),
        "check_cpu_min_ms": round(min(cpu), 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--project", type=Path, help="use this project (its app.py) instead of generating one")
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--lines", type=int, default=15000)
    ap.add_argument("--big-file", type=int, default=2000, help="lines of app.py (0: as generated)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument(
        "--kind", choices=EDIT_KINDS + ("all",), default="all", help="what each edit does (default: each kind in turn)"
    )
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one publish")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument(
        "--in-process", action="store_true", help="also time the same edits through the server's Analyser, without LSP"
    )
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="fraglint-lsp-latency-") as scratch:
        project = args.project
        if project is None:
            project = Path(scratch) / "project"
            generate(project, args.files, args.lines, args.big_file, args.seed)
        project_files = sum(1 for _ in project.rglob("*.py"))
        results = []
        for kind in EDIT_KINDS if args.kind == "all" else (args.kind,):
            figures = asyncio.run(measure(project.resolve(), args.edits, args.timeout, kind))
            if args.in_process:
                figures.update(measure_in_process(project.resolve(), args.edits, kind))
            results.append(figures)
    if args.json:
        print(json.dumps(results if len(results) > 1 else results[0], indent=2))
        return 0
    print(f"project: {project_files} files, app.py {results[0]['app_lines']} lines; load average {results[-1]['load_average']}")
    print(f"cold: open -> first diagnostics {results[0]['cold_first_diagnostics_ms']} ms")
    for figures in results:
        print(
            f"warm, {figures['edit_kind']} edits: didChange -> publishDiagnostics over {figures['edits']} edits: "
            f"median {figures['median_ms']} ms, p90 {figures['p90_ms']} ms, min {figures['min_ms']} ms, "
            f"max {figures['max_ms']} ms (target: median <= {TARGET_MS:.0f} ms); "
            f"server CPU per edit: median {figures['server_cpu_median_ms']} ms, p90 {figures['server_cpu_p90_ms']} ms; "
            f"server RSS {figures['server_rss_mb'][0]} MB after the open, {figures['server_rss_mb'][1]} MB at the end"
        )
        if args.in_process:
            print(
                f"  in process (Analyser.check alone): wall median {figures['check_wall_median_ms']} ms, "
                f"CPU median {figures['check_cpu_median_ms']} ms, CPU min {figures['check_cpu_min_ms']} ms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
