"""The engine's `Sources` for an editor session: open buffers and files on disk, kept in memory.

A language server checks on every keystroke; re-reading and re-parsing the files that did not
change would cost each check the whole project. `EditorSources` keeps summaries and facts of
files on disk by (path, mtime, size), and parses an open buffer through `ChunkedParser`, so
one parse serves both the buffer's summary and its spans.

A new summary equal to the last one handed out for its path (a comment typed, a file saved
unchanged) is replaced by that one: the engine tells a changed module by the identity of its
summary, so an edit that changes nothing a rule reads reuses every answer of the last check.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fraglint.config import Settings
from fraglint.diagnostics import Span
from fraglint.index.cache import SummaryCache
from fraglint.index.facts import FileFacts, facts_from_visitor, read_facts
from fraglint.index.incremental import ChunkedParser
from fraglint.index.loader import InputProblem, summarize_file, summarize_source
from fraglint.index.sources import Sources
from fraglint.index.summary import ModuleSummary

if TYPE_CHECKING:
    from fraglint.files import SettingsIn


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

    Files on disk are keyed by (path, mtime, size); a file not in memory yet is read through
    `Sources.disk_summaries`, so the on-disk summary cache of the project being checked
    answers it when it can; open buffers are keyed by their text, and one chunked
    parse of a buffer serves both its summary and its spans.
    """

    def __init__(self, capacity: int = 12000) -> None:
        super().__init__(None)
        # Files on disk kept: more than a whole-project check reads (engine._CONTEXT_LIMIT),
        # or every check would evict and re-read the files it read first.
        self.capacity = capacity
        self._last_summary: dict[str, ModuleSummary] = {}  # path -> the summary last handed out
        self._disk: OrderedDict[str, _DiskEntry] = OrderedDict()
        self._buffers: dict[str, _BufferAnalysis] = {}
        self._disk_caches: dict[tuple[str, bool, str | None], SummaryCache] = {}
        self.chunks = ChunkedParser()
        # root -> (settings, the folders' stamp, the folders, the project's files): discovery walks
        # and matches every file against the ignore rules; a file that appears or goes changes
        # its folder's mtime, so the list is kept while no folder holding one changed.
        self._discovered: dict[str, tuple[Settings, tuple, list[str], list[str]]] = {}

    def use_project(self, settings: Settings) -> None:
        """Fall back to this project's on-disk summary cache for files not in memory yet."""
        key = (settings.root, settings.cache, settings.cache_dir)
        if key not in self._disk_caches:
            self._disk_caches[key] = SummaryCache(*key)
        self.disk_cache = self._disk_caches[key]

    # -- the engine's Sources interface -----------------------------------------------------

    def project_files(self, settings: Settings, settings_in: SettingsIn | None = None) -> list[str]:
        """The project's files, the same list object while no folder that holds one changes."""
        kept = self._discovered.get(settings.root)
        if kept is not None and kept[0] == settings and _stamp(kept[2]) == kept[1]:
            return kept[3]
        files = super().project_files(settings, settings_in)
        folders = _folders(settings.root, files)
        self._discovered[settings.root] = (settings, _stamp(folders), folders, files)
        return files

    def forget_files(self) -> None:
        """Files may have appeared or gone where no stamp shows it (the editor said so): walk again."""
        self._discovered.clear()

    def buffer_summary(self, path: str, text: str) -> ModuleSummary | InputProblem:
        return self.buffer(path, text).summary

    def stored_summary(self, path: str) -> ModuleSummary | InputProblem | None:
        entry = self._disk_entry(path)
        if entry is None:
            return None
        return entry.summary

    def store_summary(self, path: str, result: ModuleSummary | InputProblem) -> None:
        entry = self._disk_entry(path)
        if entry is not None:
            entry.summary = self._same_as_last(path, result)

    def disk_summaries(self, paths: list[str], jobs: int | None) -> dict[str, ModuleSummary | InputProblem]:
        found = super().disk_summaries(paths, jobs)
        return {path: self._same_as_last(path, result) for path, result in found.items()}

    def _same_as_last(self, path: str, result: ModuleSummary | InputProblem) -> ModuleSummary | InputProblem:
        """The summary last handed out for `path` when `result` equals it, else `result` (kept)."""
        if not isinstance(result, ModuleSummary):
            self._last_summary.pop(path, None)
            return result
        last = self._last_summary.get(path)
        if last is result or (last is not None and _same(last, result)):
            return last
        self._last_summary[path] = result
        return result

    def facts(self, path: str, buffers: dict[str, str], summary: ModuleSummary | None = None) -> FileFacts | None:
        text = buffers.get(path)
        if text is not None:
            analysis = self.buffer(path, text)
            return analysis.facts if analysis.facts is not None else read_facts(path, text)
        entry = self._disk_entry(path)
        if entry is None:
            return read_facts(path, None, summary)
        if not entry.has_facts:
            kept = entry.summary if isinstance(entry.summary, ModuleSummary) else summary
            entry.facts, entry.has_facts = read_facts(path, None, kept), True
        return entry.facts

    def facts_of(
        self, paths: list[str], buffers: dict[str, str], jobs: int | None, summaries: Mapping | None = None
    ) -> dict[str, FileFacts | None]:
        return {path: self.facts(path, buffers, (summaries or {}).get(path)) for path in paths}

    # -- internals ------------------------------------------------------------------------

    def _disk_entry(self, path: str) -> _DiskEntry | None:
        try:
            status = os.stat(path)
        except OSError:
            self._disk.pop(path, None)
            if path not in self._buffers:
                self._last_summary.pop(path, None)
            return None
        stamp = (status.st_mtime_ns, status.st_size)
        entry = self._disk.get(path)
        if entry is None or entry.stamp != stamp:
            entry = _DiskEntry(stamp)
            self._disk[path] = entry
            while len(self._disk) > self.capacity:
                gone, _ = self._disk.popitem(last=False)
                if gone not in self._buffers:
                    self._last_summary.pop(gone, None)
        else:
            self._disk.move_to_end(path)
        return entry

    def buffer(self, path: str, text: str) -> _BufferAnalysis:
        """One parse of an editor buffer serves both its summary and its spans."""
        cached = self._buffers.get(path)
        if cached is not None and cached.text == text:
            return cached
        analysis = self._analyse(path, text)
        analysis.summary = self._same_as_last(path, analysis.summary)
        self._buffers[path] = analysis
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


def _folders(root: str, files: list[str]) -> list[str]:
    """The root and every folder on the way to a file: where a new file changes an mtime."""
    found = {root}
    for path in files:
        folder = os.path.dirname(path)
        while folder not in found and len(folder) > len(root):
            found.add(folder)
            folder = os.path.dirname(folder)
    return sorted(found)


def _stamp(folders: list[str]) -> tuple:
    """The folders' mtimes and their .gitignore files' (which discovery honours)."""
    stamp: list[tuple[int, int] | None] = []
    for folder in folders:
        for path in (folder, os.path.join(folder, ".gitignore")):
            try:
                status = os.stat(path)
                stamp.append((status.st_mtime_ns, status.st_size))
            except OSError:
                stamp.append(None)
    return tuple(stamp)


def _same(last: ModuleSummary, new: ModuleSummary) -> bool:
    """Equal, where the statements start included (they place a file's diagnostics)."""
    return last == new and last.statement_lines == new.statement_lines and last.statement_ends == new.statement_ends


# An editor buffer can hold what no file can: a lone surrogate (JSON allows "\ud800") has no
# UTF-8 form, so libcst, the tokenizer and the disk all refuse the text.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate_problem(path: str, text: str, offset: int) -> InputProblem:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    code = f"U+{ord(text[offset]):04X}"
    message = f"the text holds a lone surrogate ({code}), which is not Unicode text and has no UTF-8 form"
    return InputProblem(path, "syntax-error", message, line, column)
