"""Renderers: each turns one list of diagnostics into one output format.

No renderer looks at anything but `CheckResult`; adding a format never touches the analysis.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import TextIO

from fraglint.result import CheckResult

Renderer = Callable[[CheckResult, TextIO, "RenderOptions"], None]


class RenderOptions:
    """How to render: colour, paths relative to `cwd`, `quiet` (no closing summary line) and
    `unsafe_fixes` (whether unsafe fixes count as applicable in that line)."""

    def __init__(self, color: bool = False, cwd: str | None = None, quiet: bool = False, unsafe_fixes: bool = False) -> None:
        self.color = color
        self.quiet = quiet
        self.unsafe_fixes = unsafe_fixes
        try:
            self.cwd = cwd or os.getcwd()
        except OSError:  # the working directory was removed under us: print absolute paths
            self.cwd = os.sep
        self._displayed: dict[str, str] = {}  # `fraglint scopes` asks for the same paths ~100,000 times

    def display_path(self, path: str) -> str:
        """Relative to the working directory when inside it (as ruff prints), else absolute."""
        shown = self._displayed.get(path)
        if shown is None:
            shown = self._displayed[path] = self._relative(path)
        return shown

    def _relative(self, path: str) -> str:
        try:
            relative = os.path.relpath(path, self.cwd)
        except ValueError:
            return path
        return path if relative.startswith("..") else relative


class SourceLines:
    """The lines of the files a check read, decoded as Python decodes them (for code frames).

    Only files the check itself read are opened: a path it refused (a FIFO, a symlink out of
    the project) is never read just to draw a frame. Text is returned as is; renderers make
    it printable. A text the check was given instead of the file (standard input, an editor's
    buffer) is the one shown: the file on disk may differ, or not exist.
    """

    def __init__(self, result: CheckResult) -> None:
        self.readable = set(result.project.files) if result.project is not None else None
        if self.readable is not None:  # and the declarations a diagnostic names (streamlit-floor-too-low)
            self.readable |= {d.path for d in result.diagnostics if not d.path.endswith(".py")}
        self._cache: dict[str, list[str]] = {}
        for path, text in (result.project.buffers if result.project is not None else {}).items():
            self._cache[path] = text.splitlines()

    def __call__(self, path: str) -> list[str]:
        if path not in self._cache:
            self._cache[path] = self._read(path) if self.readable is None or path in self.readable else []
        return self._cache[path]

    @staticmethod
    def _read(path: str) -> list[str]:
        from fraglint.index.loader import load_text, read_source

        text = load_text(path)
        if not isinstance(text, str):
            data = read_source(path)
            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else ""
        return text.splitlines()


# Output format -> the module of fraglint.report that renders it.
FORMATS = {
    "full": "full", "concise": "concise", "json": "json_format",
    "github": "github", "sarif": "sarif", "gitlab": "gitlab", "junit": "junit",
}


def renderer(name: str) -> Renderer | None:
    """The renderer of one format, importing only its module: `full` pulls in rich, the
    others do not, and a one-file check in pre-commit pays for every import it makes."""
    module = FORMATS.get(name)
    if module is None:
        return None
    return importlib.import_module(f"fraglint.report.{module}").render


def renderers() -> dict[str, Renderer]:
    found = {name: renderer(name) for name in FORMATS}
    return {name: render for name, render in found.items() if render is not None}
