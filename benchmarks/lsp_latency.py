"""How long an editor waits: the time from `didChange` to the `publishDiagnostics` it causes.

Generates a project with `benchmarks/generate.py` (default: 200 files, 15,000 lines, with
`app.py` made 2,000 lines long), starts `fraglint lsp` as a subprocess, speaks LSP to it with
pygls's client, opens `app.py`, and then makes `--edits` small incremental edits (a comment
added to a line inside the file, as typing does), each after the previous one's diagnostics
arrived. It prints the cold first check, then median, p90, min and max of the warm ones,
wall-clock, with the load average so a busy machine shows in the figures.

    python benchmarks/lsp_latency.py                 # the issue's setting, target: median <= 150 ms
    python benchmarks/lsp_latency.py --edits 50 --json
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
TARGET_MS = 150.0


def generate(out: Path, files: int, lines: int, big_file: int, seed: int) -> None:
    command = [sys.executable, str(HERE / "generate.py"), str(out), "--files", str(files), "--lines", str(lines), "--seed", str(seed)]
    if big_file:
        command += ["--big-file", str(big_file)]
    subprocess.run(command, check=True, capture_output=True)


class Probe:
    """An LSP client that records when each version's diagnostics arrive."""

    def __init__(self) -> None:
        self.client = LanguageClient("fraglint-lsp-latency", "1")
        self.arrived: dict[int | None, tuple[float, int]] = {}
        self.event = asyncio.Event()

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            self.arrived[params.version] = (time.perf_counter(), len(params.diagnostics))
            self.event.set()

    async def wait_for(self, version: int, timeout: float) -> tuple[float, int]:
        deadline = time.perf_counter() + timeout
        while version not in self.arrived:
            self.event.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no diagnostics for version {version} within {timeout} s")
            try:
                await asyncio.wait_for(self.event.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return self.arrived[version]


def edit_line(lines: list[str], number: int) -> int:
    """A line to edit: one that holds code, spread over the file, deterministic."""
    candidates = [i for i, line in enumerate(lines) if line.strip() and not line.rstrip().endswith(("\\", ",", "(", "[", "{")) and '"""' not in line and "'''" not in line]
    return candidates[(number * 97) % len(candidates)]


async def measure(project: Path, edits: int, timeout: float) -> dict:
    app = project / "app.py"
    text = app.read_text(encoding="utf-8")
    uri = app.as_uri()
    probe = Probe()
    await probe.client.start_io(sys.executable, "-m", "fraglint", "lsp")
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
        lines = text.splitlines(keepends=True)
        samples = []
        for number in range(edits):
            version = number + 2
            index = edit_line(lines, number)
            column = len(lines[index].rstrip("\r\n"))
            insert = f"  # edit {number}"
            lines[index] = lines[index].rstrip("\r\n") + insert + "\n"
            change = lsp.TextDocumentContentChangePartial(
                range=lsp.Range(start=lsp.Position(line=index, character=column), end=lsp.Position(line=index, character=column)),
                text=insert,
            )
            sent = time.perf_counter()
            probe.client.text_document_did_change(
                lsp.DidChangeTextDocumentParams(
                    text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]
                )
            )
            arrived, count = await probe.wait_for(version, timeout)
            samples.append((arrived - sent) * 1000)
            await asyncio.sleep(0.3)  # a pause between edits, as between bursts of typing
        await probe.client.shutdown_async(None)
        probe.client.exit(None)
    finally:
        await probe.client.stop()
    ordered = sorted(samples)
    return {
        "cold_first_diagnostics_ms": round(cold * 1000, 1),
        "edits": len(samples),
        "median_ms": round(statistics.median(samples), 1),
        "p90_ms": round(ordered[max(0, int(round(0.9 * len(ordered))) - 1)], 1),
        "min_ms": round(ordered[0], 1),
        "max_ms": round(ordered[-1], 1),
        "diagnostics_in_app": count,
        "app_lines": len(lines),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "target_median_ms": TARGET_MS,
    }


def measure_in_process(project: Path, edits: int) -> dict:
    """The same edits through the server's `Analyser` directly: the check alone, wall and CPU time."""
    from fraglint.lsp import Analyser

    app = project / "app.py"
    text = app.read_text(encoding="utf-8")
    analyser = Analyser()
    analyser.check(str(app), text)
    lines = text.splitlines(keepends=True)
    wall, cpu = [], []
    for number in range(edits):
        index = edit_line(lines, number)
        lines[index] = lines[index].rstrip("\r\n") + f"  # edit {number}\n"
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
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one publish")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--in-process", action="store_true", help="also time the same edits through the server's Analyser, without LSP")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="fraglint-lsp-latency-") as scratch:
        project = args.project
        if project is None:
            project = Path(scratch) / "project"
            generate(project, args.files, args.lines, args.big_file, args.seed)
        figures = asyncio.run(measure(project.resolve(), args.edits, args.timeout))
        if args.in_process:
            figures.update(measure_in_process(project.resolve(), args.edits))
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"project: {args.files} files, app.py {figures['app_lines']} lines; load average {figures['load_average']}")
        print(f"cold: open -> first diagnostics {figures['cold_first_diagnostics_ms']} ms")
        print(
            f"warm: didChange -> publishDiagnostics over {figures['edits']} edits: median {figures['median_ms']} ms, "
            f"p90 {figures['p90_ms']} ms, min {figures['min_ms']} ms, max {figures['max_ms']} ms "
            f"(target: median <= {TARGET_MS:.0f} ms)"
        )
        if args.in_process:
            print(
                f"in process (Analyser.check alone): wall median {figures['check_wall_median_ms']} ms, "
                f"CPU median {figures['check_cpu_median_ms']} ms, CPU min {figures['check_cpu_min_ms']} ms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
