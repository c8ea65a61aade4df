"""Which files a check covers: the paths given, minus excludes and what .gitignore ignores.

Explicitly named files are always checked (as in ruff); directories are walked with the
exclude patterns and, by default, every `.gitignore` on the way applied with git's own
matching rules (pathspec's `gitwildmatch`).
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field

import pathspec

from fraglint.config import Settings


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    empty_dirs: list[str] = field(default_factory=list)


def _spec(patterns: list[str]) -> pathspec.PathSpec:
    return pathspec.GitIgnoreSpec.from_lines(patterns)


class _GitIgnores:
    """The .gitignore files from the project root down to a directory, applied in order."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._specs: dict[str, pathspec.PathSpec | None] = {}

    def spec_for(self, directory: str) -> pathspec.PathSpec | None:
        if directory not in self._specs:
            path = os.path.join(directory, ".gitignore")
            spec = None
            if os.path.isfile(path):
                try:
                    with open(path, encoding="utf-8", errors="replace") as handle:
                        spec = _spec(handle.read().splitlines())
                except OSError:
                    spec = None
            self._specs[directory] = spec
        return self._specs[directory]

    def ignored(self, path: str, is_dir: bool) -> bool:
        directory = os.path.dirname(path)
        chain = []
        while True:
            chain.append(directory)
            if directory == self.root or os.path.dirname(directory) == directory or not directory.startswith(self.root):
                break
            directory = os.path.dirname(directory)
        for base in chain:
            spec = self.spec_for(base)
            if spec is None:
                continue
            relative = os.path.relpath(path, base).replace(os.sep, "/")
            if is_dir:
                relative += "/"
            if spec.match_file(relative):
                return True
        return False


def discover(paths: list[str], settings: Settings, unsaved: Collection[str] = ()) -> Discovery:
    """The Python files `paths` name, directories walked, excludes and .gitignore applied.

    `unsaved`: absolute paths of editor buffers, which count as files though the disk may
    not have them yet.
    """
    result = Discovery()
    exclude = _spec(settings.exclude + settings.extend_exclude)
    gitignores = _GitIgnores(settings.root) if settings.respect_gitignore else None
    seen: set[str] = set()

    def excluded(path: str, is_dir: bool) -> bool:
        name = os.path.basename(path)
        relative = os.path.relpath(path, settings.root).replace(os.sep, "/")
        suffix = "/" if is_dir else ""
        if exclude.match_file(name + suffix) or (not relative.startswith("..") and exclude.match_file(relative + suffix)):
            return True
        return gitignores is not None and gitignores.ignored(path, is_dir)

    for given in paths:
        path = os.path.abspath(given)
        if path in unsaved and not os.path.isdir(path):
            if path not in seen:
                seen.add(path)
                result.files.append(path)
            continue
        if not os.path.exists(path):
            result.missing.append(given)
            continue
        if os.path.isfile(path):
            if path not in seen:
                seen.add(path)
                result.files.append(path)
            continue
        found_here = 0
        for directory, subdirs, filenames in os.walk(path):
            subdirs[:] = sorted(d for d in subdirs if not excluded(os.path.join(directory, d), True))
            for filename in sorted(filenames):
                if not filename.endswith(".py"):
                    continue
                file_path = os.path.join(directory, filename)
                if excluded(file_path, False) or file_path in seen:
                    continue
                seen.add(file_path)
                result.files.append(file_path)
                found_here += 1
        if not found_here:
            result.empty_dirs.append(given)
    return result


def python_files_under(root: str, settings: Settings) -> list[str]:
    """Every Python file of the project (for whole-project facts when only some files are checked)."""
    return discover([root], settings).files
