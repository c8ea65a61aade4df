"""The language server: `fraglint lsp` speaks LSP over stdio, over the engine `fraglint check` uses.

What an editor gets:

* diagnostics on open, change (debounced) and save, computed by `run_check` from the unsaved
  buffer plus the project on disk, with settings and the target release read from the
  workspace's `pyproject.toml`; the call chain of a finding becomes its related information;
  a change re-checks the other open files too, once typing pauses;
* quick fixes: a rule's own fix (`st.experimental_fragment` -> `st.fragment`), and a
  `# noqa: CODE` suppression for any diagnostic; `source.fixAll.fraglint` applies every fix;
* hover on a fragment call or a widget call, saying what reruns when it fires.

Per change the work is one incremental check of one file. Summaries and spans of unchanged
files on disk stay in memory by (path, mtime, size); a buffer is parsed and walked one
top-level statement at a time, each cached by its text (`EditorSources`, `ChunkedParser`);
the previous check's name resolutions, call targets and call-graph edges are reused wherever
the modules they read did not change (`engine.build_project(previous=...)`). Checks run one
at a time on a worker thread, so the server keeps answering while one runs, and a check whose
buffer has changed since it was scheduled is dropped before it starts. The per-text caches
keep the open buffers' pieces plus a budget of older ones (`lsp_cache`). No request, buffer or
engine failure ends the server: a failure is logged to the client and the server goes on;
the wire under it (framing, JSON-RPC errors) is `lsp_io`.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import inspect
import itertools
import logging
import os
import re
import sys
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import quote

from lsprotocol import types as lsp
from pygls import uris
from pygls.lsp.server import LanguageServer

from fraglint import __version__
from fraglint import engine, fixes, lsp_io
from fraglint.config import ConfigError, Settings, find_project_root
from fraglint.diagnostics import Diagnostic, Edit, Fix, Severity, Span
from fraglint.index.cache import SummaryCache
from fraglint.index.facts import FileFacts, facts_from_visitor, read_facts, suppressions_in
from fraglint.index.loader import InputProblem, admits_whole, compute_positions, parse_admitted, summarize_file, summarize_source
from fraglint.index.sources import Sources
from fraglint.index.summary import CALL, ITEM, CallSite, FunctionSummary, ModuleSummary
from fraglint.index.visitor import ModulePart, SummaryVisitor, join_parts
from fraglint.lsp_cache import BoundedCache

log = logging.getLogger("fraglint.lsp")

# Debouncing, on both edges. A change that comes on its own (the previous change to that
# document is older than this) is checked at once: keystrokes come 100 ms or more apart, and
# every millisecond of waiting would be added to the change-to-diagnostics latency. A change
# that follows another within this time is part of a burst (a paste, a multi-cursor edit,
# format-on-type, fast typing): its check waits this long after the last change of the
# burst, so the burst is checked once. Changes that arrive while a check runs coalesce
# anyway: a queued check whose buffer has changed since is dropped.
DEBOUNCE_SECONDS = 0.02
# After a change, the other open documents are checked again once this much time has passed
# without another change, so that they never hold up the checks of the one being typed in.
OTHERS_DELAY_SECONDS = 0.5
SOURCE = "fraglint"
FIX_ALL = "source.fixAll.fraglint"  # the code action kind that applies every fix of a document
_FREEZE_EVERY = 100  # checks between two `gc.freeze()`s


# -- caches ---------------------------------------------------------------------------------


@dataclass
class _BufferAnalysis:
    text: str
    summary: ModuleSummary | InputProblem
    facts: FileFacts | None  # None when the text does not parse


@dataclass
class _DiskEntry:
    stamp: tuple[int, int]
    summary: ModuleSummary | InputProblem | None = None
    facts: FileFacts | None = None
    has_facts: bool = False


class EditorSources(Sources):
    """The engine's `Sources`, kept in memory for the server's life.

    Files on disk are keyed by (path, mtime, size), falling back to the on-disk summary cache
    of the project being checked; open buffers are keyed by their text, and one chunked
    parse of a buffer serves both its summary and its spans.
    """

    def __init__(self, capacity: int = 4096) -> None:
        super().__init__(None)
        self.capacity = capacity
        self._disk: OrderedDict[str, _DiskEntry] = OrderedDict()
        self._buffers: dict[str, _BufferAnalysis] = {}
        self._disk_caches: dict[tuple[str, bool, str | None], SummaryCache] = {}
        self.chunks = ChunkedParser()

    def use_project(self, settings: Settings) -> None:
        """Fall back to this project's on-disk summary cache for files not in memory yet."""
        key = (settings.root, settings.cache, settings.cache_dir)
        if key not in self._disk_caches:
            self._disk_caches[key] = SummaryCache(*key)
        self.disk_cache = self._disk_caches[key]

    # -- the engine's Sources interface -----------------------------------------------------

    def buffer_summary(self, path: str, text: str) -> ModuleSummary | InputProblem:
        return self.buffer(path, text).summary

    def stored_summary(self, path: str) -> ModuleSummary | InputProblem | None:
        entry = self._disk_entry(path)
        if entry is None:
            return None
        if entry.summary is None:
            entry.summary = super().stored_summary(path)
        return entry.summary

    def store_summary(self, path: str, result: ModuleSummary | InputProblem) -> None:
        entry = self._disk_entry(path)
        if entry is not None:
            entry.summary = result
        super().store_summary(path, result)

    def facts(self, path: str, buffers: dict[str, str]) -> FileFacts | None:
        text = buffers.get(path)
        if text is not None:
            analysis = self.buffer(path, text)
            return analysis.facts if analysis.facts is not None else read_facts(path, text)
        entry = self._disk_entry(path)
        if entry is None:
            return read_facts(path)
        if not entry.has_facts:
            entry.facts, entry.has_facts = read_facts(path), True
        return entry.facts

    def facts_of(self, paths: list[str], buffers: dict[str, str], jobs: int | None) -> dict[str, FileFacts | None]:
        return {path: self.facts(path, buffers) for path in paths}

    # -- internals ------------------------------------------------------------------------

    def _disk_entry(self, path: str) -> _DiskEntry | None:
        try:
            status = os.stat(path)
        except OSError:
            self._disk.pop(path, None)
            return None
        stamp = (status.st_mtime_ns, status.st_size)
        entry = self._disk.get(path)
        if entry is None or entry.stamp != stamp:
            entry = _DiskEntry(stamp)
            self._disk[path] = entry
            while len(self._disk) > self.capacity:
                self._disk.popitem(last=False)
        else:
            self._disk.move_to_end(path)
        return entry

    def buffer(self, path: str, text: str) -> _BufferAnalysis:
        """One parse of an editor buffer serves both its summary and its spans."""
        cached = self._buffers.get(path)
        if cached is not None and cached.text == text:
            return cached
        self._buffers[path] = analysis = self._analyse(path, text)
        return analysis

    def _analyse(self, path: str, text: str) -> _BufferAnalysis:
        surrogate = _SURROGATE.search(text)
        if surrogate is not None:
            return _BufferAnalysis(text, _surrogate_problem(path, text, surrogate.start()), FileFacts(text, {}, {}))
        chunked = self.chunks.summarize(path, text) if "\x00" not in text else None
        if chunked is not None:
            return _BufferAnalysis(text, *chunked)
        if "\x00" in text:
            return _BufferAnalysis(text, summarize_file(path, text), None)
        result = summarize_source(path, text, with_positions=True)
        if isinstance(result, InputProblem):
            return _BufferAnalysis(text, result, None)
        summary, visitor = result
        return _BufferAnalysis(text, summary, facts_from_visitor(text, visitor))

    def forget_buffer(self, path: str) -> None:
        self._buffers.pop(path, None)
        self.chunks.forget(path)

    def spans(self, path: str, buffers: dict[str, str]) -> Mapping[int, tuple[Span, ...]]:
        facts = self.facts(path, buffers)
        return facts.spans if facts is not None else {}


# An editor buffer can hold what no file can: a lone surrogate (JSON allows "\ud800") has no
# UTF-8 form, so libcst, the tokenizer and the disk all refuse the text.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate_problem(path: str, text: str, offset: int) -> InputProblem:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    code = f"U+{ord(text[offset]):04X}"
    return InputProblem(path, "syntax-error", f"the text holds a lone surrogate ({code}), which is not Unicode text and has no UTF-8 form", line, column)


# What is kept of chunks the open buffers no longer hold (an undo, a burst of edits to one
# function), in characters: about 12 MB of parsed trees (lsp_cache). And of the texts known
# not to parse alone (strings only).
_STALE_CHARS = 64 * 1024
_INCOMPLETE_CHARS = 1024 * 1024


class ChunkedParser:
    """Re-parse and re-walk only the top-level statements an edit touched.

    A buffer is cut into its top-level statements (a line scan, checked by the parse of each
    piece); each chunk is parsed by libcst and its positions computed once, cached by the
    chunk's text. Each chunk's statements are walked into a `ModulePart`, cached by the
    chunk's text and where its numbering starts (sites are numbered per top-level statement,
    so that is the same before and after an edit elsewhere), and the parts are joined into
    the module's summary; each chunk's positions are shifted to where the chunk sits now. An
    edit inside one function re-parses and re-walks that function only. A text that does
    not parse returns None: the caller parses it whole, for the syntax error.
    """

    def __init__(self, stale_chars: int = _STALE_CHARS) -> None:
        # Budgets in characters of chunk text (see lsp_cache): the open buffers' current
        # chunks are kept whatever their size, older versions up to `stale_chars`.
        self.stale_chars = stale_chars
        self._parsed: BoundedCache[str, tuple[object, dict]] = BoundedCache(stale_chars)
        self._walked: BoundedCache[tuple[str, int, int], tuple[ModulePart, dict]] = BoundedCache(stale_chars)
        self._incomplete: BoundedCache[str, bool] = BoundedCache(_INCOMPLETE_CHARS)  # pieces known to end mid-statement
        self._sizes: dict[str, int] = {}  # path -> length of its buffer's current text
        self._in_use: dict[str, set] = {}  # path -> the cache keys its current text uses
        self._pinned: set = set()  # the keys of the other buffers' current texts: never evicted

    def summarize(self, path: str, text: str) -> tuple[ModuleSummary, FileFacts] | None:
        self._budget_for(path, len(text))
        pieces = split_top_level(text)
        if pieces is None or len(pieces) < 2:
            return None
        parsed = self._parse_all(pieces)
        if parsed is None or len(parsed) < 2 or not admits_whole(text):
            return None
        parts, site_nodes, used = [], {}, set[object]()
        statement, next_site = 0, 1
        for _, chunk, (module, _) in parsed:
            walked = self._walk(chunk, module, statement, next_site)
            if walked is None:
                return None
            used.update((chunk, (chunk, statement, next_site)))
            part, nodes = walked
            parts.append(part)
            site_nodes.update(nodes)
            statement += len(module.body)
            next_site = part.next_site
        self._in_use[path] = used
        summary = join_parts(path, parts)
        return summary, _facts_from_sites(text, site_nodes, [(first, positions) for first, _, (_, positions) in parsed])

    def _budget_for(self, path: str, size: int) -> None:
        """Budget for every open buffer's current text plus `stale_chars`; pin the others' chunks."""
        self._sizes[path] = size
        self._in_use.pop(path, None)  # its previous text's chunks may go now
        self._pinned = set().union(*self._in_use.values())
        self._parsed.budget = self._walked.budget = sum(self._sizes.values()) + self.stale_chars

    def forget(self, path: str) -> None:
        """The buffer was closed: its chunks are stale now."""
        self._sizes.pop(path, None)
        self._in_use.pop(path, None)
        self._pinned = set().union(*self._in_use.values())
        self._parsed.budget = self._walked.budget = sum(self._sizes.values()) + self.stale_chars
        self._parsed.trim(self._pinned)
        self._walked.trim(self._pinned)

    def _walk(self, chunk: str, module, statement: int, next_site: int) -> tuple[ModulePart, dict] | None:
        key = (chunk, statement, next_site)
        found = self._walked.get(key)
        if found is not None:
            return found
        visitor = SummaryVisitor("", {}, next_site)  # positions non-None: record each site's nodes
        try:
            visitor.walk_top_level(module.body, statement)
        except RecursionError:
            return None
        found = (visitor.part(), visitor.site_nodes)
        self._walked.put(key, found, len(chunk), self._pinned)
        return found

    def _parse_all(self, pieces: list[tuple[int, str]]) -> list[tuple[int, str, tuple[object, dict]]] | None:
        """Parse each piece; one that does not parse alone ends mid-statement: join it to the next."""
        parsed = []
        index = 0
        while index < len(pieces):
            first, chunk = pieces[index]
            for joined in itertools.count():
                result = None if chunk in self._incomplete else self._try_parse(chunk)
                if result is not None:
                    break
                index += 1
                if index == len(pieces) or joined == _MAX_JOINED:
                    return None  # the text does not parse (or would be re-parsed too often): parse it whole
                chunk += pieces[index][1]
            parsed.append((first, chunk, result))
            index += 1
        return parsed

    def _try_parse(self, chunk: str) -> tuple[object, dict] | None:
        try:
            return self._parse(chunk)
        except Exception:  # noqa: BLE001 - a syntax error, or nesting too deep for the recursion limit
            self._incomplete.put(chunk, True, len(chunk))
            return None

    def _parse(self, chunk: str) -> tuple[object, dict]:
        found = self._parsed.get(chunk)
        if found is not None:
            return found
        module = parse_admitted(chunk)  # None: not parsed here; the whole buffer's parse says why
        if module is None:
            raise ValueError("not admitted")
        found = (module, dict(compute_positions(module)))
        self._parsed.put(chunk, found, len(chunk), self._pinned)
        return found


# Pieces joined to one that does not parse before the buffer is parsed whole instead: each
# join re-parses the growing chunk, quadratic in a statement with many lines in column 0.
_MAX_JOINED = 64
_CONTINUES = re.compile(r"(else|elif|except|finally)\b")


def split_top_level(text: str) -> list[tuple[int, str]] | None:
    """(first line, text) of pieces that each start at a top-level statement, by a line scan.

    A piece starts at a line that begins in column 0 with code, except the clauses that
    continue a compound statement (`else`, `elif`, `except`, `finally`), closing brackets and
    the `def`/`class` under a decorator. A line in column 0 inside a string or a bracket may
    still start a piece by mistake; then the piece before it ends mid-statement, does not
    parse, and `ChunkedParser` joins the two.
    """
    lines = text.splitlines(keepends=True)
    if not lines:
        return None
    starts = [1]
    decorated = lines[0].startswith("@")
    for number, line in enumerate(lines[1:], 2):
        head = line[:1]
        if not head or head in " \t\r\n\f#)]}" or _CONTINUES.match(line):
            continue
        if decorated:
            decorated = head == "@"
            continue
        starts.append(number)
        decorated = head == "@"
    bounds = starts + [len(lines) + 1]
    return [(bounds[i], "".join(lines[bounds[i] - 1 : bounds[i + 1] - 1])) for i in range(len(starts))]


def _facts_from_sites(text: str, site_nodes: dict, chunks: list[tuple[int, dict]]) -> FileFacts:
    """Facts of a buffer parsed in chunks; spans are resolved when asked for."""
    return FileFacts(text, ChunkSpans(site_nodes, chunks), suppressions_in(text))


class ChunkSpans(Mapping):
    """Site -> spans, computed on first use: a check needs the spans of a few reported sites.

    A node's span is its position in its chunk, shifted by the chunk's first line. Sites
    are asked for mostly in walk order, so the search for a node's chunk starts where the
    last one was found.
    """

    def __init__(self, site_nodes: dict, chunks: list[tuple[int, dict]]) -> None:
        self._nodes = site_nodes
        self._chunks = chunks
        self._done: dict[int, tuple[Span, ...]] = {}
        self._hint = 0

    def __getitem__(self, site: int) -> tuple[Span, ...]:
        found = self._done.get(site)
        if found is None:
            found = self._done[site] = tuple(filter(None, map(self._span, self._nodes[site])))
        return found

    def __iter__(self):
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    def _span(self, node) -> Span | None:
        count = len(self._chunks)
        for step in range(count):
            index = (self._hint + step) % count
            first, positions = self._chunks[index]
            position = positions.get(node)
            if position is not None:
                self._hint = index
                shift = first - 1
                return Span(position.start.line + shift, position.start.column + 1, position.end.line + shift, position.end.column + 1)
        return None


# -- settings -------------------------------------------------------------------------------


class SettingsCache:
    """Settings for a file, from its project's `pyproject.toml`, re-read when that file changes."""

    def __init__(self) -> None:
        self._by_directory: dict[str, tuple[tuple, Settings]] = {}

    def for_path(self, path: str) -> tuple[Settings, str | None]:
        """(settings, a configuration problem to show or None)."""
        directory = os.path.dirname(path)
        root, pyproject = find_project_root(directory)
        stamp = (root, pyproject, _mtime(pyproject))
        cached = self._by_directory.get(directory)
        if cached is not None and cached[0] == stamp:
            return cached[1], None
        from fraglint.cli import resolve_settings

        problem = None
        try:
            settings = resolve_settings([path], None, None, [], [])
        except ConfigError as error:
            settings, problem = Settings(root=root), f"fraglint: {error} (using default settings)"
        self._by_directory[directory] = (stamp, settings)
        return settings, problem

    def clear(self) -> None:
        self._by_directory.clear()


def _mtime(path: str | None) -> int | None:
    try:
        return os.stat(path).st_mtime_ns if path else None
    except OSError:
        return None


# -- the analysis behind each feature ------------------------------------------------------


class Analyser:
    """Checks, hovers and their caches; every method runs on the one worker thread."""

    def __init__(self) -> None:
        self.sources = EditorSources()
        self._last: dict[str, engine.Project] = {}  # by project root: the last check's project
        self._interpreted: tuple = (None, None, None)  # (model, entry path, interpretation) of the last hover
        self.settings = SettingsCache()
        self.problems: list[str] = []  # configuration problems to show, drained by the server
        self._checks = 0

    def check(self, path: str, text: str, others: dict[str, str] | None = None) -> list[Diagnostic]:
        """Diagnostics of `path` from `text`; `others` are the other open buffers, unsaved text included."""
        settings, problem = self.settings.for_path(path)
        if problem:
            self.problems.append(problem)
        self.sources.use_project(settings)
        buffers = {**(others or {}), path: text}
        previous = self._last.get(settings.root)
        result = engine.run_check([path], settings, buffers=buffers, jobs=1, sources=self.sources, previous=previous)
        if result.project is not None:
            self._last[settings.root] = result.project
        self._checks += 1
        if self._checks == 1 or self._checks % _FREEZE_EVERY == 0:
            # The caches hold hundreds of thousands of long-lived objects (summaries, parsed
            # chunks) that the cyclic GC would otherwise re-scan during every check: after the
            # first check and now and then, collect once and move the survivors out of its way.
            # This takes about a quarter off a warm check on a 200-file project.
            gc.collect()
            gc.freeze()
        return [d for d in result.diagnostics if d.path == path]

    def _model_for(self, path: str, text: str, settings: Settings):
        """A fragment model over the buffer and the project around it (all of it, so that a
        helper's callers are known too): the last check's, when it saw this very text."""
        previous = self._last.get(settings.root)
        if previous is not None and previous.buffers.get(path) == text:
            project = previous
        else:
            project = engine.build_project([path], settings, buffers={path: text}, jobs=1, sources=self.sources, previous=previous)
        if not project.whole_project:
            from fraglint.files import python_files_under

            for other in python_files_under(settings.root, settings)[:_HOVER_PROJECT_LIMIT]:
                project.index.module(other)
        return project.model

    def hover(self, path: str, text: str, line: int, column: int) -> str | None:
        """What reruns when the call at (line, column) (1-based) fires, as Markdown."""
        settings, _ = self.settings.for_path(path)
        buffers = {path: text}
        self.sources.use_project(settings)
        summary = self.sources.buffer_summary(path, text)
        if not isinstance(summary, ModuleSummary):
            return None
        found = _call_at(summary, self.sources.spans(path, buffers), line, column)
        if found is None:
            return None
        function, call = found
        model = self._model_for(path, text, settings)

        def lines_of(key) -> tuple[str, int, int] | None:
            target = model.index.function(key)
            if target is None:
                return None
            file_spans = self.sources.spans(key[0], buffers if key[0] == path else {})
            first = file_spans.get(target.site, ())
            last = file_spans.get(target.end_site, ()) if target.end_site else ()
            if not first:
                return None
            end = max((s.end_line for s in last), default=first[0].end_line)
            return os.path.relpath(key[0], settings.root), first[0].line, end

        if self._interpreted[:2] != (model, path):
            self._interpreted = (model, path, _interpret(model, settings, path))
        interpretation = self._interpreted[2]
        described = describe_from_interpreter(interpretation, path, call, lines_of) if interpretation else None
        return described or describe_rerun(model, (path, function.qualname), call, lines_of)


def _interpret(model, settings: Settings, path: str):
    """The rerun-model interpreter's run of the buffer as an entry script, or None."""
    try:
        from fraglint.model.interpreter import interpret
    except ImportError:  # pragma: no cover - an engine without the interpreter
        return None
    try:
        interpretation = interpret(model.index, model, settings.target_version, [path])
    except Exception:  # noqa: BLE001 - the model-based answer below still holds
        log.exception("interpreter failed")
        return None
    return interpretation if interpretation.entries else None


def describe_from_interpreter(interpretation, path: str, call: CallSite, lines_of) -> str | None:
    """The hover text from the interpreter: the triggers at this call and what each reruns.

    Used when the buffer is an entry script; a helper module (imported elsewhere) falls back
    to `describe_rerun`.
    """
    from fraglint.model.fragments import Site

    site = Site(path, call.site)

    def where(key) -> str:
        found = lines_of(key)
        return f" ({found[0]}, lines {found[1]}-{found[2]})" if found else ""

    def effect(plan) -> str:
        parts = [f"{len(plan.redrawn)} element{'s' if len(plan.redrawn) != 1 else ''} redrawn"]
        if plan.scope.kind == "fragment":
            parts.append(f"{len(plan.frozen)} elsewhere {'stay' if len(plan.frozen) != 1 else 'stays'} as drawn")
        if plan.piled:
            parts.append(f"{len(plan.piled)} {'pile' if len(plan.piled) != 1 else 'piles'} up in a container outside the fragment")
        return "; ".join(parts)

    started = [scope for scope in interpretation.scopes.values() if scope.kind == "fragment" and scope.call == site]
    lines: list[str] = []
    for scope in started:
        fired_by = [t for t in interpretation.triggers if t.scope == scope.id and t.kind in ("widget", "form", "timer")]
        kinds = sorted({"its `run_every` timer" if t.kind == "timer" else "a widget inside it" for t in fired_by})
        lines.append(
            f"**Starts fragment `{scope.name}`**{where(scope.function)}\n\n"
            f"Reruns only `{scope.name}` when {' or '.join(kinds) or 'it is rerun'} fires; "
            "the rest of the page keeps what it drew. A full rerun of the app runs this call again."
        )
    for trigger in interpretation.triggers:
        if trigger.site != site or trigger.kind not in ("widget", "form", "callback", "rerun"):
            continue
        plan = interpretation.rerun_plan(trigger)
        label = f" `{trigger.label}`" if trigger.label else ""
        if plan.scope.kind == "fragment":
            what = f"reruns fragment `{plan.scope.name}`{where(plan.scope.function)}, not the whole app"
        else:
            what = "reruns the whole app"
        verb = {"widget": "Interacting", "form": "Submitting", "callback": "Its callback", "rerun": "This call"}[trigger.kind]
        lines.append(f"**`st.{trigger.widget or 'rerun'}`{label}**: {verb} {what} ({effect(plan)}).")
    return "\n\n".join(dict.fromkeys(lines)) or None


def _call_at(summary: ModuleSummary, spans: dict[int, tuple[Span, ...]], line: int, column: int) -> tuple[FunctionSummary, CallSite] | None:
    """The innermost call whose span holds the position."""
    best = None
    for function in summary.functions.values():
        for call in function.calls:
            found = spans.get(call.site)
            if not found:
                continue
            span = found[0]
            if (span.line, span.column) <= (line, column) and (line, column) < (span.end_line, span.end_column):
                size = (span.end_line - span.line, span.end_column - span.column if span.line == span.end_line else 0)
                if best is None or size < best[0]:
                    best = (size, function, call)
    return (best[1], best[2]) if best else None


_HOVER_PROJECT_LIMIT = 2000


def describe_rerun(model, key, call: CallSite, lines_of) -> str | None:
    """The hover text for a call: what reruns when it fires. The one place to switch to the interpreter.

    `lines_of(function_key)` gives (relative path, first line, last line) of a function.
    """
    from fraglint.model import streamlit_api as api

    def where(fragment_key) -> str:
        found = lines_of(fragment_key)
        return f" ({found[0]}, lines {found[1]}-{found[2]})" if found else ""

    fragment = model.called_fragment(key, call)
    if fragment is not None:
        timer = " or its `run_every` timer fires" if fragment.kwarg("run_every") is not None else ""
        return (
            f"**Starts fragment `{fragment.name}`**{where(fragment.function)}\n\n"
            f"When a widget inside `{fragment.name}` is used{timer}, Streamlit reruns only "
            f"`{fragment.name}`; the rest of the page keeps what it drew. A full rerun of the app "
            "runs this call again."
        )
    target = model.target(key, call)
    if target.kind != "streamlit":
        return None
    element = target.rest[-1] if target.rest else target.name.rsplit(".", 1)[-1]
    if element in (CALL, ITEM) or not api.is_widget(element):
        return None
    inside = model.fragment_reach.get(key, [])
    outside = key in model.app_reach
    lines = []
    for fragment in inside:
        lines.append(f"Interacting reruns fragment `{fragment.name}`{where(fragment.function)}, not the whole app.")
    if outside or not inside:
        lines.append(
            "Interacting reruns the whole app"
            + (" when this runs outside a fragment." if inside else ": this widget is outside every fragment.")
        )
    return f"**`st.{element}`**\n\n" + "\n\n".join(lines)


# -- LSP conversion -------------------------------------------------------------------------


def _check_failed(error: Exception) -> lsp.Diagnostic:
    message = f"fraglint could not check this file: {error!r} (a fraglint bug; the server's log has the details)"
    start = lsp.Position(line=0, character=0)
    return lsp.Diagnostic(range=lsp.Range(start=start, end=start), message=message, severity=lsp.DiagnosticSeverity.Warning, source=SOURCE)


def _uri_of(path: str) -> str:
    """The file URI of a path, also of one whose name is not UTF-8 (PEP 383 surrogates)."""
    try:
        return uris.from_fs_path(path) or path
    except UnicodeEncodeError:
        return "file://" + quote(os.fsencode(path))


def _checked_path(uri: str, document=None) -> str | None:
    """The file path of a document fraglint checks: a Python file, named in UTF-8 (a URI can
    carry a lone surrogate that no file name can); None for anything else."""
    is_python = uri.endswith(".py") or (document is not None and document.language_id == "python")
    if not uri.startswith("file:") or not is_python or _SURROGATE.search(uri):
        return None
    return uris.to_fs_path(uri)


def _server_range(span: Span) -> lsp.Range:
    return lsp.Range(
        start=lsp.Position(line=max(span.line - 1, 0), character=max(span.column - 1, 0)),
        end=lsp.Position(line=max(span.end_line - 1, 0), character=max(span.end_column - 1, 0)),
    )


def _kind_wanted(kind: str, only: list[str] | None) -> bool:
    """Is a code action of `kind` asked for? (`only` lists kinds, or their parents: "source")."""
    return not only or any(kind == asked or kind.startswith(asked + ".") for asked in only)


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    def key(p: lsp.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def _text_edits(document, fix_list: list[Fix]) -> list[lsp.TextEdit]:
    """The fixes as LSP edits of the buffer, planned by `fixes.plan_fixes` as `--fix` plans them.

    Offsets become positions on LSP's own lines (broken at \\n, \\r\\n and \\r, as the spans'
    are; pygls's `document.lines` also breaks at form feeds and \\u2028) in the client's
    position units (UTF-16 by default: an emoji counts twice).
    """
    text = document.source
    plan = fixes.plan_fixes(text, fix_list)

    def position(offset: int) -> lsp.Position:
        line, column = fixes.position_of(text, offset)
        before = text[offset - column + 1 : offset]
        return lsp.Position(line=line - 1, character=document.position_codec.client_num_units(before))

    return [lsp.TextEdit(lsp.Range(position(r.start), position(r.end)), r.new) for r in plan.replacements]


_NOQA = re.compile(r"#\s*noqa(?P<colon>:\s*(?P<codes>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*))?", re.IGNORECASE)


def noqa_edit(line_text: str, line: int, code: str) -> tuple[Span, str] | None:
    """The edit that adds `code` to the line's `# noqa` comment (or adds one); None if covered."""
    text = line_text.rstrip("\r\n")
    match = _NOQA.search(text)
    if match is None:
        column = len(text) + 1
        return Span(line, column, line, column), f"  # noqa: {code}"
    if match.group("codes") is None:
        return None  # a bare noqa comment already suppresses everything
    if code in {c.strip().upper() for c in match.group("codes").split(",")}:
        return None
    column = match.end("codes") + 1
    return Span(line, column, line, column), f", {code}"


@dataclass
class Published:
    version: int | None
    items: list[tuple[lsp.Diagnostic, Diagnostic]]


class FraglintLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "fraglint", __version__, protocol_cls=lsp_io.Protocol, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental
        )
        self.analyser = Analyser()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fraglint-check")
        self.generation: dict[str, int] = {}
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.last_change: dict[str, float] = {}  # uri -> loop time of its last scheduled check
        self.published: dict[str, Published] = {}
        self.tasks: set[asyncio.Task] = set()

    def start_io(self, stdin=None, stdout=None) -> None:
        """Serve on stdio through fraglint's framing (`lsp_io`: pygls's read loop cannot resynchronise)."""
        lsp_io.serve_stdio(self, stdin or sys.stdin.buffer, stdout or sys.stdout.buffer)

    # -- scheduling -------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float, leading: bool = True) -> None:
        """Check `uri` after `delay`; with `leading`, at once when no other change came just before."""
        document = self.workspace.text_documents.get(uri)
        if _checked_path(uri, document) is None:
            return  # pyproject.toml, notebooks, unsaved scratch buffers: nothing to check
        generation = self.generation.get(uri, 0) + 1
        self.generation[uri] = generation
        loop = asyncio.get_running_loop()
        now = loop.time()
        last = self.last_change.get(uri)
        if leading:
            self.last_change[uri] = now
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        elif leading and delay and (last is None or now - last >= delay):
            delay = 0  # a change on its own: no burst to wait for (see DEBOUNCE_SECONDS)
        self.timers[uri] = loop.call_later(delay, self._start_check, uri, generation)

    def _start_check(self, uri: str, generation: int) -> None:
        # The loop keeps only a weak reference to a task: hold each until it is done.
        task = asyncio.get_running_loop().create_task(self.check_and_publish(uri, generation))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def check_and_publish(self, uri: str, generation: int) -> None:
        """Check and publish, if the buffer is still the one scheduled; a failure is logged, and
        the next change or save checks the document again."""
        self.timers.pop(uri, None)
        try:
            await self._check_and_publish(uri, generation)
        except Exception as error:  # an engine failure must never end the server
            self.report_failure(f"check of {uri}", error)

    async def _check_and_publish(self, uri: str, generation: int) -> None:
        document = self.workspace.text_documents.get(uri)
        path = _checked_path(uri, document)
        if document is None or path is None:
            return
        text, version = document.source, document.version
        others = {
            other_path: other.source
            for other_uri, other in self.workspace.text_documents.items()
            if other_uri != uri and other_uri.endswith(".py") and (other_path := _checked_path(other_uri, other))
        }
        loop = asyncio.get_running_loop()
        found: list[Diagnostic] | Exception | None
        try:
            found = await loop.run_in_executor(self.executor, self._check_if_current, uri, generation, path, text, others)
        except Exception as error:  # an engine failure is shown, not raised
            self.report_failure(f"check of {path}", error)
            found = error
        for problem in self._drain_problems():
            self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=problem))
        if found is None or self.generation.get(uri) != generation or uri not in self.workspace.text_documents:
            return  # the buffer changed meanwhile: a newer check is on its way
        if isinstance(found, Exception):
            # Said in the editor, where the old findings would otherwise stay as if still true.
            items, shown = [], [_check_failed(found)]
        else:
            items = [(self.to_lsp(d, document), d) for d in found]
            shown = [item for item, _ in items]
        self.published[uri] = Published(version, items)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=shown))

    def report_server_error(self, error: Exception, source) -> None:
        """pygls's hook for a failure it caught (in its own handlers): logged like ours."""
        self.report_failure("a handler", error)

    def report_failure(self, what: str, error: BaseException) -> None:
        """A failure inside the server: to stderr and to the client's log; the server goes on."""
        log.error("%s failed: %r", what, error, exc_info=log.isEnabledFor(logging.DEBUG))
        self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"fraglint: {what} failed: {error!r}"))

    def _check_if_current(self, uri: str, generation: int, path: str, text: str, others: dict[str, str]) -> list[Diagnostic] | None:
        if self.generation.get(uri) != generation:
            return None
        return self.analyser.check(path, text, others)

    def _drain_problems(self) -> list[str]:
        problems, self.analyser.problems = self.analyser.problems, []
        return problems

    # -- conversion -------------------------------------------------------------------------

    def client_range(self, path: str, span: Span, document=None) -> tuple[str, lsp.Range]:
        uri = _uri_of(path)
        if document is None or document.uri != uri:
            document = self.workspace.get_text_document(uri)
        try:
            lines = document.lines
        except (OSError, ValueError):  # gone, or not UTF-8: the columns stay as they are
            lines = []
        return uri, document.position_codec.range_to_client_units(lines, _server_range(span))

    def to_lsp(self, d: Diagnostic, document) -> lsp.Diagnostic:
        _, client = self.client_range(d.path, d.span, document)
        related = []
        for location in d.related:
            uri, other = self.client_range(location.path, location.span, document)
            related.append(lsp.DiagnosticRelatedInformation(location=lsp.Location(uri=uri, range=other), message=location.message or "related"))
        severity = lsp.DiagnosticSeverity.Error if d.severity is Severity.ERROR else lsp.DiagnosticSeverity.Warning
        return lsp.Diagnostic(
            range=client,
            message=f"{d.message} [{d.name}]",
            severity=severity,
            code=d.code,
            source=SOURCE,
            related_information=related or None,
            data={"name": d.name, "fixable": d.fix is not None},
        )

    # -- features ---------------------------------------------------------------------------

    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        published = self.published.get(uri)
        document = self.workspace.text_documents.get(uri)
        if published is None or document is None:
            return []
        wanted = {(c.code, c.range.start.line, c.range.start.character) for c in params.context.diagnostics}
        current = published.version == document.version  # the fixes' spans are of that text
        actions: list[lsp.CodeAction] = []
        suppress: list[lsp.CodeAction] = []
        for item, d in published.items:
            asked = (item.code, item.range.start.line, item.range.start.character) in wanted
            if not current or (not asked and not _overlaps(item.range, params.range)):
                continue
            edits = _text_edits(document, [d.fix]) if d.fix is not None else []
            if edits:
                actions.append(
                    lsp.CodeAction(
                        title=f"{d.fix.message} ({d.code})",
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[item],
                        is_preferred=True,
                        edit=lsp.WorkspaceEdit(changes={uri: edits}),
                    )
                )
            found = noqa_edit(fixes.line_text(document.source, d.span.line), d.span.line, d.code)
            edits = _text_edits(document, [Fix("noqa", (Edit(*found),))]) if found is not None else []
            if edits:
                suppress.append(
                    lsp.CodeAction(
                        title=f"Suppress {d.code} ({d.name}) on this line with `# noqa: {d.code}`",
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[item],
                        edit=lsp.WorkspaceEdit(changes={uri: edits}),
                    )
                )
        only = params.context.only
        found_actions = actions + suppress if _kind_wanted(lsp.CodeActionKind.QuickFix, only) else []
        if _kind_wanted(FIX_ALL, only) and current:
            fix_all = self._fix_all(uri, published, document)
            if fix_all is not None:
                found_actions.append(fix_all)
        return found_actions

    def _fix_all(self, uri: str, published: Published, document) -> lsp.CodeAction | None:
        """Every fix of the document in one edit (`source.fixAll.fraglint`, as ruff offers)."""
        edits = _text_edits(document, [d.fix for _, d in published.items if d.fix is not None])
        if not edits:
            return None
        return lsp.CodeAction(title="fraglint: fix all auto-fixable problems", kind=FIX_ALL, edit=lsp.WorkspaceEdit(changes={uri: edits}))

    async def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        uri = params.text_document.uri
        document = self.workspace.text_documents.get(uri)
        path = uris.to_fs_path(uri) if document is not None else None
        if document is None or path is None:
            return None
        position = document.position_codec.position_from_client_units(document.lines, params.position)
        loop = asyncio.get_running_loop()
        text = await loop.run_in_executor(self.executor, self.analyser.hover, path, document.source, position.line + 1, position.character + 1)
        if text is None:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))


def _guarded(what: str, fallback: Callable[[], object] = lambda: None):
    """A feature handler whose failure is logged and answered with `fallback()` (None, or no
    actions), so that one bad request or buffer never costs more than its own answer."""

    def decorate(handler):
        @functools.wraps(handler)
        async def guarded(ls: FraglintLanguageServer, params):
            try:
                result = handler(ls, params)
                return await result if inspect.isawaitable(result) else result
            except Exception as error:  # see the docstring
                ls.report_failure(what, error)
                return fallback()

        return guarded

    return decorate


def make_server() -> FraglintLanguageServer:
    server = FraglintLanguageServer()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @_guarded("didOpen")
    async def did_open(ls: FraglintLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @_guarded("didChange")
    async def did_change(ls: FraglintLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.schedule(uri, DEBOUNCE_SECONDS)
        # The other open files see this buffer's unsaved text too (a helper made a fragment
        # changes its callers' findings); they are checked again once typing pauses.
        for other in list(ls.workspace.text_documents):
            if other != uri:
                ls.schedule(other, OTHERS_DELAY_SECONDS, leading=False)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    @_guarded("didSave")
    async def did_save(ls: FraglintLanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if not uri.endswith(".py"):
            ls.analyser.settings.clear()  # pyproject.toml or a lock file: re-read settings
        ls.schedule(uri, 0)
        # What one file defines can change another's findings (a helper's fragment caller,
        # a container made elsewhere): on save, the other open files are checked again too.
        for other in list(ls.workspace.text_documents):
            if other != uri:
                ls.schedule(other, DEBOUNCE_SECONDS)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @_guarded("didClose")
    async def did_close(ls: FraglintLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.generation[uri] = ls.generation.get(uri, 0) + 1
        timer = ls.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        ls.published.pop(uri, None)
        ls.last_change.pop(uri, None)
        path = uris.to_fs_path(uri)
        if path:
            ls.executor.submit(ls.analyser.sources.forget_buffer, path)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @_guarded("didChangeWatchedFiles")
    async def did_change_watched(ls: FraglintLanguageServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        ls.analyser.settings.clear()
        for uri in list(ls.workspace.text_documents):
            ls.schedule(uri, DEBOUNCE_SECONDS)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL]))
    @_guarded("code action", list)
    def code_action(ls: FraglintLanguageServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return ls.code_actions(params)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @_guarded("hover")
    async def hover(ls: FraglintLanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
        return await ls.hover(params)

    return server


def serve() -> None:
    """Run the server on stdin/stdout until the client asks it to exit."""
    logging.basicConfig(level=logging.WARNING, format="fraglint-lsp %(levelname)s: %(message)s")
    make_server().start_io()


if __name__ == "__main__":  # pragma: no cover
    serve()
