"""Where a check reads its files from: unsaved buffers first, then the disk.

The engine asks a `Sources` for every module summary it indexes and, for the files that
report something, their `FileFacts` (spans and suppressions). The CLI makes one per check,
backed by the on-disk summary cache; the language server keeps a subclass alive for its
whole session so that files which did not change are neither re-read nor re-parsed.

A file on disk is read once: its bytes find its summary in the cache (entries are keyed by
a hash of them), and on a miss the same bytes are parsed, so what is stored is always the
summary of exactly what was hashed.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

from fraglint.config import Settings
from fraglint.index.cache import SummaryCache
from fraglint.index.facts import FileFacts, read_facts
from fraglint.index.loader import InputProblem, decode_source, parser_crashed, prepare_parsing, read_source, summarize_file
from fraglint.index.span_cache import SpanCache
from fraglint.index.summary import ModuleSummary
from fraglint.phases import QUIET, Phases

if TYPE_CHECKING:
    from fraglint.files import SettingsIn

Summary = ModuleSummary | InputProblem
Buffers = dict[str, str]  # absolute path -> unsaved text

# Forking workers costs tens of milliseconds: below these many files one process is faster.
PARALLEL_SUMMARIES = 24
PARALLEL_FACTS = 8

T = TypeVar("T")
R = TypeVar("R")


def parallel_map(
    function: Callable[[T], R],
    items: list[T],
    jobs: int | None,
    threshold: int,
    on_crash: Callable[[T, str], R],
    on_done: Callable[[int], None] | None = None,
) -> list[R]:
    """`map` over worker processes when there is enough work for them to pay off.

    A worker that dies (libcst's parser can crash its process) breaks the pool: the items of
    every chunk left without a result are then run again one at a time, each in its own
    child, and an item whose child dies too gets `on_crash(item, why)`. `on_done(n)` is told
    as each chunk of `n` items is done (a progress display's hook).
    """
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(items) < threshold:
        return _map_chunk(function, items, on_done)
    size = max(1, len(items) // (workers * 4))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    results = _map_chunks_in_pool(function, chunks, min(workers, len(items)), on_done)
    for index, chunk in enumerate(chunks):
        if results[index] is None:
            results[index] = [_run_alone(function, item, on_crash) for item in chunk]
    return [result for chunk_results in results for result in chunk_results or ()]


def _map_chunks_in_pool(
    function: Callable[[T], R], chunks: list[list[T]], workers: int, on_done: Callable[[int], None] | None
) -> list[list[R] | None]:
    """Each chunk's results, or None for a chunk left without them when a worker died."""
    import multiprocessing  # with the pool's modules: a warm check parses nothing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from fraglint.index import isolation

    context = multiprocessing.get_context("fork") if isolation.AVAILABLE else None
    results: list[list[R] | None] = [None] * len(chunks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_map_chunk, function, chunk) for chunk in chunks]
        for index, future in enumerate(futures):
            try:
                results[index] = future.result()
            except BrokenProcessPool:
                continue
            if on_done is not None:
                on_done(len(chunks[index]))
    return results


def _map_chunk(function: Callable[[T], R], chunk: list[T], on_done: Callable[[int], None] | None = None) -> list[R]:
    results = []
    for item in chunk:
        results.append(function(item))
        if on_done is not None:
            on_done(1)
    return results


def _run_alone(function: Callable[[T], R], item: T, on_crash: Callable[[T, str], R]) -> R:
    from fraglint.index import isolation  # the fork machinery: a warm check parses nothing

    if not isolation.AVAILABLE:
        return function(item)
    result = isolation.run_forked(function, item)
    return on_crash(item, result.reason) if isinstance(result, isolation.Failure) else result


def _summarize_bytes(item: tuple[str, bytes]) -> tuple[str, bytes, Summary]:
    path, data = item
    text = decode_source(path, data)
    return path, data, text if isinstance(text, InputProblem) else summarize_file(path, text)


def _facts_one(path: str) -> tuple[str, FileFacts | None]:
    return path, read_facts(path)


def _summary_crashed(path: str, why: str) -> tuple[str, Summary]:
    return path, parser_crashed(path, why)


def _bytes_crashed(item: tuple[str, bytes], why: str) -> tuple[str, bytes | None, Summary]:
    return item[0], None, _summary_crashed(item[0], why)[1]


def _facts_crashed(path: str, why: str) -> tuple[str, FileFacts | None]:
    return path, None


class Sources:
    """Summaries and facts of files, from buffers, the summary cache, or a fresh parse."""

    def __init__(self, disk_cache: SummaryCache | None = None, freeze_loaded: bool = False) -> None:
        self.disk_cache = disk_cache
        self.span_cache = SpanCache(disk_cache) if disk_cache is not None else None
        self.phases: Phases = QUIET  # a check that shows progress or timings sets its own
        self.freeze_loaded = freeze_loaded

    @classmethod
    def for_root(cls, root: str, cache: bool = True, cache_dir: str | None = None) -> Sources:
        """The sources of one check (the CLI's): what they load lives until the check ends."""
        return cls(SummaryCache(root, cache, cache_dir), freeze_loaded=True)

    # -- what the engine calls ------------------------------------------------------------

    def summary(self, path: str, buffers: Buffers) -> Summary:
        return self.summaries([path], buffers, jobs=1)[path]

    def summaries(self, paths: list[str], buffers: Buffers, jobs: int | None) -> dict[str, Summary]:
        """Summaries of many files; those neither kept nor in the disk cache are parsed in parallel."""
        found: dict[str, Summary] = {}
        unknown = []
        for path in paths:
            if path in buffers:
                found[path] = self.buffer_summary(path, buffers[path])
                continue
            kept = self.stored_summary(path)
            if kept is None:
                unknown.append(path)
            else:
                found[path] = kept
        for path, result in self.disk_summaries(unknown, jobs).items():
            found[path] = result
            self.store_summary(path, result)
        return {path: found[path] for path in paths}  # the same order, warm or cold

    def disk_summaries(self, paths: list[str], jobs: int | None) -> dict[str, Summary]:
        """Read each file once; its bytes find it in the disk cache, or are parsed and stored.

        The garbage collector is off meanwhile: decoding cached summaries and parsing create
        hundreds of thousands of objects and no garbage cycles, and collections triggered by
        that growth would scan them all again and again (a fifth of the parse's time).
        For one check (`freeze_loaded`), the summaries then leave the collector's view for
        good (`gc.freeze`): they live until the process ends, and every full collection of
        the model's work, and the one at exit, would scan them again (a fifth of a warm check).
        A long session (the language server) replaces summaries, so it keeps them collectable.
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._disk_summaries(paths, jobs)
        finally:
            if self.freeze_loaded:
                gc.freeze()
            if collecting:
                gc.enable()

    def _disk_summaries(self, paths: list[str], jobs: int | None) -> dict[str, Summary]:
        found: dict[str, Summary] = {}
        missing = []
        for path in paths:
            data = read_source(path)
            if isinstance(data, InputProblem):
                found[path] = data
                continue
            stored = self.disk_cache.get(path, data) if self.disk_cache is not None else None
            if stored is None:
                missing.append((path, data))
            else:
                found[path] = stored
        self.phases.count("cached", len(paths) - len(missing))
        self.phases.count("parsed", len(missing))
        self.phases.advance(len(paths) - len(missing))
        if missing:
            prepare_parsing()
        for path, source, result in parallel_map(_summarize_bytes, missing, jobs, PARALLEL_SUMMARIES, _bytes_crashed, self.phases.advance):
            found[path] = result
            if self.disk_cache is not None and source is not None:  # a crash is not stored: it may not recur
                self.disk_cache.put(path, source, result)
        return found

    def facts(self, path: str, buffers: Buffers, summary: ModuleSummary | None = None) -> FileFacts | None:
        """The file's facts; with its `summary`, spans are placed statement by statement on demand."""
        return read_facts(path, buffers.get(path), summary, self.span_cache)

    def flush_spans(self) -> None:
        """Store the spans placed so far (else they are stored when the process ends)."""
        if self.span_cache is not None:
            self.span_cache.flush()

    def facts_of(
        self, paths: list[str], buffers: Buffers, jobs: int | None, summaries: Mapping[str, Summary] | None = None
    ) -> dict[str, FileFacts | None]:
        """Facts of many files; files whose statements the summary does not place are parsed in parallel."""
        found: dict[str, FileFacts | None] = {}
        whole = []
        for path in paths:
            summary = (summaries or {}).get(path)
            placed = isinstance(summary, ModuleSummary) and bool(summary.statement_lines)
            if path in buffers or placed:
                found[path] = self.facts(path, buffers, summary if isinstance(summary, ModuleSummary) else None)
            else:
                whole.append(path)
        found.update(parallel_map(_facts_one, whole, jobs, PARALLEL_FACTS, _facts_crashed))
        return {path: found[path] for path in paths}

    # -- what a subclass may keep elsewhere -----------------------------------------------

    def project_files(self, settings: Settings, settings_in: SettingsIn | None = None) -> list[str]:
        """Every Python file under the settings' root (the language server keeps the list)."""
        from fraglint.files import python_files_under

        return python_files_under(settings.root, settings, settings_in)

    def buffer_summary(self, path: str, text: str) -> Summary:
        return summarize_file(path, text)

    def stored_summary(self, path: str) -> Summary | None:
        """A summary kept in memory (the language server's); the disk cache comes after."""
        return None

    def store_summary(self, path: str, result: Summary) -> None:
        """Keep a summary read from disk in memory; the disk cache has already stored it."""
