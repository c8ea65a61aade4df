"""A long-lived check session: what an editor asks of the engine, with caches kept between asks.

`fraglint check` builds a project once and exits; an editor asks again on every keystroke.
`Workspace` keeps what makes the next ask cheap (the sources of files on disk and of open
buffers, the last project per root, settings per file) and answers in the engine's terms:
diagnostics for `check`, Markdown for `hover`. The language server is a protocol front-end
over it; every method runs on the server's one worker thread.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from fraglint import engine
from fraglint.config import Settings
from fraglint.declaration_findings import DeclarationFindings
from fraglint.diagnostics import Diagnostic, Span
from fraglint.index.editor_sources import EditorSources
from fraglint.index.summary import CallSite, FunctionSummary, ModuleSummary
from fraglint.report import narrate
from fraglint.settings import SettingsCache

log = logging.getLogger("fraglint.workspace")

_FREEZE_EVERY = 100  # checks between two collections of the frozen objects too (see `_collected_after`)


class Workspace:
    """Checks, hovers and their caches; every method runs on the one worker thread."""

    def __init__(self) -> None:
        self.sources = EditorSources()
        self._last: dict[str, engine.Project] = {}  # by project root: the last check's project
        self._interpreted: tuple = (None, None, None)  # (model, entry path, interpretation) of the last hover
        self.settings = _Settings(self.sources)
        self.problems: list[str] = []  # configuration problems to show, drained by the server
        self.declarations = DeclarationFindings()  # FRG126 in requirements / pyproject, drained by the server
        self._checks = 0

    def check(self, path: str, text: str, others: dict[str, str] | None = None) -> list[Diagnostic]:
        """Diagnostics of `path` from `text`; `others` are the other open buffers, unsaved text included."""
        settings, problem = self.settings.for_path(path)
        if problem:
            self.problems.append(problem)
        self.sources.use_project(settings)
        buffers = {**(others or {}), path: text}
        previous = self._last.get(settings.root)
        with _collected_after(self._checks % _FREEZE_EVERY == 0):
            result = engine.run_check([path], settings, buffers=buffers, jobs=1, sources=self.sources, previous=previous)
            if result.project is not None:
                self._last[settings.root] = result.project
        self.declarations.record(path, result.floors)
        self._checks += 1
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
            for other in self.sources.project_files(settings)[:_HOVER_PROJECT_LIMIT]:
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
        described = narrate.describe_from_interpreter(interpretation, path, call, lines_of) if interpretation else None
        return described or narrate.describe_rerun(model, (path, function.qualname), call, lines_of)


@contextmanager
def _collected_after(everything: bool) -> Iterator[None]:
    """Run a check without the cyclic GC, then collect what it left and freeze the survivors.

    The caches and the last project hold hundreds of thousands of long-lived objects; a check
    allocates enough to start several collections, and each full one re-scanned every object
    kept since the last freeze: 30 ms an edit on a 200-file project, 135 ms on a 1,000-file
    one, growing with the project. Instead, one collection after the check scans only what
    the check made (older survivors are frozen) and the survivors are frozen too. A replaced
    project is freed by reference counting (the model holds no cycle), so little that was
    frozen becomes garbage; `everything` (the first check and every `_FREEZE_EVERY`-th) also
    collects the frozen objects, in case some did.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
        if everything:
            gc.unfreeze()
        gc.collect()
        gc.freeze()


class _Settings(SettingsCache):
    """Settings per folder; what clears them (the editor saved a configuration file, or says
    files changed on disk) clears the kept list of the project's files too."""

    def __init__(self, sources: EditorSources) -> None:
        super().__init__()
        self._sources = sources

    def clear(self) -> None:
        super().clear()
        self._sources.forget_files()


def _interpret(model, settings: Settings, path: str):
    """The rerun-model interpreter's run of the buffer as an entry script, or None."""
    try:
        from fraglint.model.interpreter import interpret
    except ImportError:  # pragma: no cover - an engine without the interpreter
        return None
    try:
        interpretation = interpret(model.index, model, settings.target_version, [path])
    except Exception:
        log.exception("interpreter failed")
        return None
    return interpretation if interpretation.entries else None


def _call_at(summary: ModuleSummary, spans: Mapping[int, tuple[Span, ...]], line: int, column: int) -> tuple[FunctionSummary, CallSite] | None:
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
