"""The language server: `fraglint lsp` speaks LSP over stdio, over the engine `fraglint check` uses.

What an editor gets:

* diagnostics on open, change (debounced) and save, computed by `run_check` from the unsaved
  buffer plus the project on disk, with settings and the target release read from the
  workspace's `pyproject.toml`; the call chain of a finding becomes its related information;
  a change re-checks the other open files too, once typing pauses;
* quick fixes: a rule's own fix (`st.experimental_fragment` -> `st.fragment`), and a
  `# noqa: CODE` suppression for any diagnostic; `source.fixAll.fraglint` applies every fix;
* hover on a fragment call or a widget call, saying what reruns when it fires.

The analysis is the engine's: `workspace.Workspace` is the long-lived check session (sources
kept in memory, incremental parsing of buffers, the last project per root, settings per file).
This module is the protocol over it: scheduling, and conversions between our spans and LSP
ranges in the client's position encoding; code actions are built in `lsp_actions` from what
was published. Checks run one at a time on a worker
thread, so the server keeps answering while one runs, and a check whose buffer has changed
since it was scheduled is dropped before it starts. No request, buffer or engine failure ends
the server: a failure is logged to the client and the server goes on; the wire under it
(framing, JSON-RPC errors) is `lsp_io`.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import os
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from lsprotocol import types as lsp
from pygls import uris
from pygls.lsp.server import LanguageServer

from fraglint import __version__, lsp_actions, lsp_io, source_text
from fraglint.diagnostics import Diagnostic, Severity, Span
from fraglint.links import RULES_PAGE, rule_url
from fraglint.lsp_actions import Published
from fraglint.lsp_documents import Document
from fraglint.rules import BY_NAME as RULES
from fraglint.workspace import Workspace

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
    if not uri.startswith("file:") or not is_python or not _is_utf8(uri):
        return None
    return uris.to_fs_path(uri)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class FraglintLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "fraglint", __version__, protocol_cls=lsp_io.Protocol, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental
        )
        self.analyser = Workspace()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fraglint-check")
        self.generation: dict[str, int] = {}
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.last_change: dict[str, float] = {}  # uri -> loop time of its last scheduled check
        self.published: dict[str, Published] = {}
        self.tasks: set[asyncio.Task] = set()
        self.rules_page = RULES_PAGE  # where codeDescription links point; `docsUrl` in initializationOptions
        self.documents: dict[str, Document] = {}  # uri -> open text, on LSP's lines (lsp_documents)

    def start_io(self, stdin=None, stdout=None) -> None:
        """Serve on stdio through fraglint's framing (`lsp_io`: pygls's read loop cannot resynchronise)."""
        lsp_io.serve_stdio(self, stdin or sys.stdin.buffer, stdout or sys.stdout.buffer)

    # -- scheduling -------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float, leading: bool = True) -> None:
        """Check `uri` after `delay`; with `leading`, at once when no other change came just before."""
        document = self.documents.get(uri)
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
        document = self.documents.get(uri)
        path = _checked_path(uri, document)
        if document is None or path is None:
            return
        text, version = document.source, document.version
        others = {
            other_path: other.source
            for other_uri, other in self.documents.items()
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
        self.publish_declarations()
        if found is None or self.generation.get(uri) != generation or uri not in self.documents:
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

    def publish_declarations(self) -> None:
        """FRG126 to the requirements file or pyproject.toml it sits in, open or not (`declaration_findings`)."""
        for path, found in self.analyser.declarations.drain().items():
            shown = [self.to_lsp(d, None) for d in found]
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=_uri_of(path), diagnostics=shown))

    def _drain_problems(self) -> list[str]:
        problems, self.analyser.problems = self.analyser.problems, []
        return problems

    # -- conversion -------------------------------------------------------------------------

    def client_range(self, path: str, span: Span, document=None) -> tuple[str, lsp.Range]:
        uri = _uri_of(path)
        if document is None or document.uri != uri:
            document = self.documents.get(uri) or self.workspace.get_text_document(uri)
        try:
            text = document.source
        except (OSError, ValueError):  # gone, or not UTF-8: the columns stay as they are
            text = None
        codec = document.position_codec

        def position(line: int, column: int) -> lsp.Position:
            # On Python's lines (source_text.line_text), not pygls's `lines`, which also break at \u2028.
            units = column - 1
            if text is not None and line <= len(source_text.line_starts(text)):
                units = codec.client_num_units(source_text.line_text(text, line)[: max(column - 1, 0)])
            return lsp.Position(line=max(line - 1, 0), character=max(units, 0))

        return uri, lsp.Range(start=position(span.line, span.column), end=position(span.end_line, span.end_column))

    def to_lsp(self, d: Diagnostic, document) -> lsp.Diagnostic:
        _, client = self.client_range(d.path, d.span, document)
        related = []
        for location in d.related:
            uri, other = self.client_range(location.path, location.span, document)
            related.append(lsp.DiagnosticRelatedInformation(location=lsp.Location(uri=uri, range=other), message=location.message or "related"))
        severity = lsp.DiagnosticSeverity.Error if d.severity is Severity.ERROR else lsp.DiagnosticSeverity.Warning
        rule = RULES.get(d.name)  # None for input diagnostics (syntax-error, ...), which have no page of their own
        return lsp.Diagnostic(
            range=client,
            message=f"{d.message} [{d.name}]",
            severity=severity,
            code=d.code,
            code_description=lsp.CodeDescription(href=rule_url(d.name, d.code, self.rules_page)) if rule else None,
            source=SOURCE,
            related_information=related or None,
            tags=[lsp.DiagnosticTag.Deprecated] if rule is not None and rule.reports_deprecated_api else None,
            data={"name": d.name, "fixable": d.fix is not None, **({"releases": d.releases.as_dict()} if d.releases else {})},
        )

    # -- document notifications ------------------------------------------------------------

    def initialize_options(self, params: lsp.InitializeParams) -> None:
        self.rules_page = _rules_page(params.initialization_options, self.rules_page)

    def did_open(self, params: lsp.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        self.documents[item.uri] = Document(item.uri, item.text, item.version, item.language_id, self.workspace.position_codec)
        self.schedule(item.uri, 0)

    def did_change(self, params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = self.documents.get(uri)
        if document is not None:
            document.apply(params.content_changes, params.text_document.version)
        self.schedule(uri, DEBOUNCE_SECONDS)
        # The other open files see this buffer's unsaved text too (a helper made a fragment
        # changes its callers' findings); they are checked again once typing pauses.
        for other in list(self.documents):
            if other != uri:
                self.schedule(other, OTHERS_DELAY_SECONDS, leading=False)

    def did_save(self, params: lsp.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if not uri.endswith(".py"):
            self.analyser.settings.clear()  # pyproject.toml or a lock file: re-read settings
        self.schedule(uri, 0)
        # What one file defines can change another's findings (a helper's fragment caller,
        # a container made elsewhere): on save, the other open files are checked again too.
        for other in list(self.documents):
            if other != uri:
                self.schedule(other, DEBOUNCE_SECONDS)

    def did_close(self, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        self.generation[uri] = self.generation.get(uri, 0) + 1
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.published.pop(uri, None)
        self.last_change.pop(uri, None)
        self.documents.pop(uri, None)
        path = uris.to_fs_path(uri)
        if path:
            self.executor.submit(self.analyser.sources.forget_buffer, path)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        if path:
            self.analyser.declarations.forget(path)
            self.publish_declarations()

    def did_change_watched(self, params: lsp.DidChangeWatchedFilesParams) -> None:
        self.analyser.settings.clear()
        for uri in list(self.documents):
            self.schedule(uri, DEBOUNCE_SECONDS)

    # -- features ---------------------------------------------------------------------------

    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        published = self.published.get(uri)
        document = self.documents.get(uri)
        if published is None or document is None or published.version != document.version:
            return []  # the fixes' spans are of the published text
        return lsp_actions.code_actions(uri, document, published, params)

    async def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        uri = params.text_document.uri
        document = self.documents.get(uri)
        path = uris.to_fs_path(uri) if document is not None else None
        if document is None or path is None:
            return None
        line, column = document.line_and_column(params.position)
        loop = asyncio.get_running_loop()
        text = await loop.run_in_executor(self.executor, self.analyser.hover, path, document.source, line, column)
        if text is None:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))


def _guarded(server: FraglintLanguageServer, what: str, handler: Callable, fallback: Callable[[], object] = lambda: None):
    """A feature handler whose failure is logged and answered with `fallback()` (None, or no
    actions), so that one bad request or buffer never costs more than its own answer."""

    @functools.wraps(handler)
    async def guarded(params):
        try:
            result = handler(params)
            return await result if inspect.isawaitable(result) else result
        except Exception as error:  # see the docstring
            server.report_failure(what, error)
            return fallback()

    return guarded


def make_server() -> FraglintLanguageServer:
    server = FraglintLanguageServer()
    # Synchronous and unguarded: pygls runs it inside its own initialize handler, before answering.
    # (A function, not the bound method: pygls marks its handlers with attributes.)
    server.feature(lsp.INITIALIZE)(lambda params: server.initialize_options(params))
    features: list[tuple[str, object, str, Callable, Callable[[], object]]] = [
        # (LSP method, its registration options, name in a failure's log, handler, answer on failure)
        (lsp.TEXT_DOCUMENT_DID_OPEN, None, "didOpen", server.did_open, lambda: None),
        (lsp.TEXT_DOCUMENT_DID_CHANGE, None, "didChange", server.did_change, lambda: None),
        (lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False), "didSave", server.did_save, lambda: None),
        (lsp.TEXT_DOCUMENT_DID_CLOSE, None, "didClose", server.did_close, lambda: None),
        (lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, None, "didChangeWatchedFiles", server.did_change_watched, lambda: None),
        (lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=lsp_actions.KINDS),
         "code action", server.code_actions, list),
        (lsp.TEXT_DOCUMENT_HOVER, None, "hover", server.hover, lambda: None),
    ]
    for method, options, what, handler, fallback in features:
        server.feature(method, options)(_guarded(server, what, handler, fallback))
    return server


def _rules_page(options: object, default: str) -> str:
    """`{"docsUrl": "https://..."}` from the client points rule links at a mirror; anything else keeps the default."""
    url = options.get("docsUrl") if isinstance(options, dict) else None
    return url if isinstance(url, str) and url.startswith(("https://", "http://", "file://")) else default


def serve() -> None:
    """Run the server on stdin/stdout until the client asks it to exit."""
    logging.basicConfig(level=logging.WARNING, format="fraglint-lsp %(levelname)s: %(message)s")
    make_server().start_io()


if __name__ == "__main__":  # pragma: no cover
    serve()
