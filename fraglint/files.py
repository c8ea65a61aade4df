"""Which files a check covers: the paths given, minus excludes and what .gitignore ignores.

Explicitly named files are always checked (as in ruff); directories are walked with the
exclude patterns and, by default, every `.gitignore` on the way applied with git's own
matching rules (pathspec's `gitwildmatch`).

The project may be a stranger's (a pull request in CI), so only what it owns is read: a
file that resolves outside the project root (a symlink to `/proc/self/environ`), a FIFO or
a device named `x.py`, and a directory that cannot be listed are not checked but reported
(`unreadable-file`), and the other files are still checked. An explicitly named file is
read wherever it is, unless it lies in the project and resolves outside it.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Protocol

from fraglint.config import Settings, gitignore_spec
from fraglint.index.loader import InputProblem
from fraglint.safe_read import GITIGNORE_LIMIT, OUTSIDE_PROJECT, Unreadable, inside, kind_problem, leaves_root, read_file

SettingsIn = Callable[[str], Settings]  # the settings that hold in a folder


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    empty_dirs: list[str] = field(default_factory=list)
    problems: dict[str, InputProblem] = field(default_factory=dict)  # found, but not read


class _Matcher(Protocol):
    def match_file(self, file: str) -> bool: ...


# A pattern that is a name (`.venv`, `node_modules`), which git matches against every part of a
# path, or `*` (everything, as in the cache folder's own .gitignore).
_NAME = re.compile(r"[\w+-][\w.+-]*|\.+[\w+-][\w.+-]*|\*")


class _Names:
    """Patterns that are all names or `*`, such as the default excludes, matched as git matches
    them (a file or folder of that name at any depth, and all under it) without pathspec, whose
    import (with typing_extensions and asyncio) costs a one-file check about 0.03 s."""

    def __init__(self, names: list[str]) -> None:
        self.names = frozenset(names) - {"*"}
        self.everything = "*" in names

    def match_file(self, file: str) -> bool:
        file = file[1:] if file.startswith("/") else file[2:] if file.startswith("./") else file  # as pathspec
        parts = file.split("/")
        if parts[0] == "":  # `//x`: git's patterns match no name right after a leading slash
            parts = parts[2:]
        return bool(file) if self.everything else not self.names.isdisjoint(parts)


def _names(patterns: list[str]) -> _Names | None:
    """The patterns as `_Names` when they are all names (blank lines and comments aside)."""
    kept = [pattern for pattern in patterns if pattern and not pattern.startswith("#")]
    return _Names(kept) if all(_NAME.fullmatch(pattern) for pattern in kept) else None


def _spec(patterns: list[str]) -> _Matcher:
    """Patterns validated with the settings (see `config.validate_patterns`)."""
    return _names(patterns) or gitignore_spec(patterns)


def _gitignore_spec(lines: list[str]) -> _Matcher:
    """A .gitignore's patterns; like git, a pattern it cannot use (`!`, `[z-a]`) is skipped."""
    simple = _names(lines)
    if simple is not None:
        return simple
    try:
        return gitignore_spec(lines)
    except ValueError:
        return gitignore_spec(line for line in lines if _usable(line))


def _usable(pattern: str) -> bool:
    try:
        gitignore_spec([pattern])
    except ValueError:
        return False
    return True


def _unreadable(path: str, reason: str) -> InputProblem:
    return InputProblem(path, "unreadable-file", reason)


class _GitIgnores:
    """The .gitignore files from the project root down to a directory, applied in order."""

    def __init__(self, root: str, problems: dict[str, InputProblem]) -> None:
        self.root = root
        self.problems = problems
        self._specs: dict[str, _Matcher | None] = {}

    def spec_for(self, directory: str) -> _Matcher | None:
        if directory not in self._specs:
            path = os.path.join(directory, ".gitignore")
            spec = None
            if os.path.lexists(path):
                data = read_file(path, GITIGNORE_LIMIT, self.root if inside(path, self.root) else None)
                if isinstance(data, Unreadable):
                    self.problems[path] = _unreadable(path, f"{data.reason}; its patterns were not applied")
                else:
                    spec = _gitignore_spec(data.decode("utf-8", "replace").splitlines())
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


def discover(
    paths: list[str], settings: Settings, unsaved: Collection[str] = (), settings_in: SettingsIn | None = None
) -> Discovery:
    """The Python files `paths` name, directories walked, excludes and .gitignore applied.

    `unsaved`: absolute paths of editor buffers, which count as files though the disk may
    not have them yet. `settings_in(folder)`: the settings that hold in a folder
    (`fraglint.settings.folder_settings`), whose `exclude` decides for the paths in it; a
    sub-project's own applies to its folder, relative to it, as ruff's closest configuration.
    Without it, `settings` hold everywhere.
    """
    walker = _Walker(settings, settings_in)
    for given in paths:
        path = os.path.abspath(given)
        if settings.force_exclude and not os.path.isdir(path) and walker.excluded(path, False):
            continue  # as ruff's --force-exclude: a path named explicitly (by pre-commit) is excluded as well
        if path in unsaved and not os.path.isdir(path):
            walker.add(path)
        elif not os.path.exists(path):
            walker.result.missing.append(given)
        elif not os.path.isdir(path):
            walker.add_named(path)
        elif walker.inside_root(path) and leaves_root(path, settings.root):
            walker.refuse(path, OUTSIDE_PROJECT)
        else:
            walker.walk(path, given)
    return walker.result


class _Walker:
    """One discovery: what was found so far, and the rules for what counts."""

    def __init__(self, settings: Settings, settings_in: SettingsIn | None = None) -> None:
        self.root = settings.root
        self.result = Discovery()
        self.settings_in = settings_in or (lambda directory: settings)
        self._excludes: dict[int, tuple[Settings, str, _Matcher]] = {}
        self.gitignores = _GitIgnores(settings.root, self.result.problems) if settings.respect_gitignore else None
        self.seen: set[str] = set()

    def inside_root(self, path: str) -> bool:
        return inside(path, self.root)

    def add(self, path: str) -> None:
        if path not in self.seen:
            self.seen.add(path)
            self.result.files.append(path)

    def refuse(self, path: str, reason: str) -> None:
        self.seen.add(path)
        self.result.problems[path] = _unreadable(path, reason)

    def add_named(self, path: str) -> None:
        """A file named on the command line: read wherever it is, unless it escapes the project."""
        escapes = self.inside_root(path) and leaves_root(path, self.root)
        reason = OUTSIDE_PROJECT if escapes else _file_problem(path, None)
        if reason is None:
            self.add(path)
        elif path not in self.seen:
            self.refuse(path, reason)

    def excluded(self, path: str, is_dir: bool) -> bool:
        """By the `exclude` of the folder holding `path` (so a folder is judged by its parent's
        configuration, and what is in it by its own, as ruff), or by a .gitignore."""
        base, exclude = self._exclude_in(os.path.dirname(path))
        name = os.path.basename(path)
        relative = os.path.relpath(path, base).replace(os.sep, "/")
        suffix = "/" if is_dir else ""
        if exclude.match_file(name + suffix) or (not relative.startswith("..") and exclude.match_file(relative + suffix)):
            return True
        return self.gitignores is not None and self.gitignores.ignored(path, is_dir)

    def _exclude_in(self, directory: str) -> tuple[str, _Matcher]:
        """(the folder the patterns are relative to, the patterns) that hold in `directory`."""
        settings = self.settings_in(directory)
        if id(settings) not in self._excludes:  # the settings are kept with it, so the id stays theirs
            self._excludes[id(settings)] = (settings, settings.config_folder, _spec(settings.exclude + settings.extend_exclude))
        _, base, exclude = self._excludes[id(settings)]
        return base, exclude

    def walk(self, top: str, given: str) -> None:
        """Every Python file under `top`; files that resolve outside the tree are refused."""
        boundary = self.root if self.inside_root(top) else top
        errors: list[OSError] = []
        found_here = 0
        for directory, subdirs, filenames in os.walk(top, onerror=errors.append):
            subdirs[:] = sorted(d for d in subdirs if not self.excluded(os.path.join(directory, d), True))
            for filename in sorted(filenames):
                found_here += self._take(os.path.join(directory, filename), boundary)
        for error in errors:
            listed = error.filename if isinstance(error.filename, str) else top
            why = "permission denied" if isinstance(error, PermissionError) else (error.strerror or str(error))
            self.refuse(listed, f"directory cannot be read ({why}); its files were not checked")
        if not found_here and not errors:
            self.result.empty_dirs.append(given)

    def _take(self, path: str, boundary: str) -> int:
        """A file met in a walk: 1 if it is a Python file the check covers (added or refused), else 0."""
        if not path.endswith(".py") or path in self.seen or self.excluded(path, False):
            return 0
        reason = _file_problem(path, boundary)
        if reason is None:
            self.add(path)
        else:
            self.refuse(path, reason)
        return 1


def _file_problem(path: str, boundary: str | None) -> str | None:
    """Why the file at `path` is not read (None: a regular file within `boundary`).

    Only the file itself may be a symlink: `os.walk` does not enter linked directories.
    One `lstat` for a plain file; a symlink is resolved and its target checked.
    """
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            if boundary is not None and leaves_root(path, boundary):
                return OUTSIDE_PROJECT
            mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file (a broken symbolic link)" if os.path.islink(path) else "no such file"
    except OSError as error:
        return "permission denied" if isinstance(error, PermissionError) else f"cannot be read: {error.strerror or error}"
    return kind_problem(mode)


def python_files_under(root: str, settings: Settings, settings_in: SettingsIn | None = None) -> list[str]:
    """Every Python file of the project (for whole-project facts when only some files are checked)."""
    return discover([root], settings, settings_in=settings_in).files
