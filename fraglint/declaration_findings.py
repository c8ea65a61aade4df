"""`streamlit-floor-too-low` in the editor: published to the file that declares the releases.

FRG126 sits on a line of `requirements.txt` or `pyproject.toml`, never in the Python buffer an
editor has the server check, so the language server publishes it to the declaration's own URI
(clients list diagnostics of files that are not open, as they do a compiler's). Each check of
an open Python file reports the floor of its own uses; the diagnostic shown at a declaration
joins those of every open file (its message counts their uses together), and it is cleared
when no open file reports it any more (the floor was raised, the uses went, the files closed).
"""

from __future__ import annotations

import dataclasses
import threading

from fraglint.diagnostics import Diagnostic
from fraglint.release_check import Floor
from fraglint.rules.base import Finding


class DeclarationFindings:
    """What the open files' checks found in other files, and what is to be published there.

    `record` runs on the server's worker thread, `forget` and `drain` on its event loop: a
    lock keeps the two apart.
    """

    def __init__(self) -> None:
        self._by_file: dict[str, list[tuple[Diagnostic, Floor]]] = {}  # checked file -> its floors elsewhere
        self._shown: dict[str, list[Diagnostic]] = {}  # declaration -> what was last published there
        self._pending: dict[str, list[Diagnostic]] = {}  # declaration -> to publish ([]: clear it)
        self._lock = threading.Lock()

    def record(self, path: str, floors: list[tuple[Diagnostic, Floor]]) -> None:
        """The floors a check of `path` reported in other files (its own are the buffer's)."""
        found = [(diagnostic, floor) for diagnostic, floor in floors if diagnostic.path != path]
        with self._lock:
            touched = {d.path for d, _ in self._by_file.get(path, [])} | {d.path for d, _ in found}
            if found:
                self._by_file[path] = found
            else:
                self._by_file.pop(path, None)
            self._update(touched)

    def forget(self, path: str) -> None:
        """`path` was closed: its uses no longer count. Were it a declaration, its diagnostics
        (which the close just cleared in the client) are published again."""
        with self._lock:
            touched = {d.path for d, _ in self._by_file.pop(path, [])}
            self._update(touched)
            if self._shown.get(path):
                self._pending[path] = self._shown[path]

    def drain(self) -> dict[str, list[Diagnostic]]:
        """The declarations whose diagnostics changed since the last drain, with what they are now."""
        with self._lock:
            pending, self._pending = self._pending, {}
        return pending

    def _update(self, declarations: set[str]) -> None:
        for declaration in declarations:
            joined = self._joined(declaration)
            if joined != self._shown.get(declaration, []):
                self._pending[declaration] = joined
            if joined:
                self._shown[declaration] = joined
            else:
                self._shown.pop(declaration, None)

    def _joined(self, declaration: str) -> list[Diagnostic]:
        """One diagnostic per declaring line, over the uses of every open file."""
        by_line: dict[int, list[tuple[Diagnostic, Floor]]] = {}
        for found in self._by_file.values():
            for diagnostic, floor in found:
                if diagnostic.path == declaration:
                    by_line.setdefault(diagnostic.span.line, []).append((diagnostic, floor))
        return [_join(by_line[line]) for line in sorted(by_line)]


def _join(found: list[tuple[Diagnostic, Floor]]) -> Diagnostic:
    """The diagnostic of one declaring line, its message counting every file's uses once."""
    diagnostic, first = found[0]
    uses: dict[str, dict[tuple, Finding]] = {}
    for _, floor in found:
        for lacking, findings in floor.lacking.items():
            for finding in findings:
                uses.setdefault(lacking, {})[(finding.site, finding.part)] = finding
    lacking_uses = {lacking: sorted(by_site.values(), key=lambda f: (f.site.path, f.site.site)) for lacking, by_site in uses.items()}
    without = tuple(sorted({release for _, floor in found for release in floor.without}))
    joined = Floor(first.release_set, lacking_uses, max(floor.floor for _, floor in found), without)
    return dataclasses.replace(diagnostic, message=joined.message(), releases=joined.range())
