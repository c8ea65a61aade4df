"""Settings resolution: a project's `pyproject.toml` plus the command line, per folder, and a cache of it per file.

`fraglint check`, `fraglint scopes` and the language server resolve settings the same way; this
module is that one way, under the CLI and the server both (the server used to import it from
the CLI, which imported the server: a cycle).

As ruff resolves the closest configuration per file, a file's settings come from the nearest
folder above it, up to the project root, that has a `[tool.fraglint]` table or a Streamlit
declaration (`model.target`); the command line overrides them all (`--config` names one
configuration for every file). `files_by_settings` groups a check's files by what they resolve
to, so the engine runs the rules once per group.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from fraglint.config import (
    ConfigError,
    Settings,
    find_project_root,
    load_settings,
    parse_target,
    validate_patterns,
    validate_selectors,
)
from fraglint.model import versions


@dataclass(frozen=True)
class Request:
    """What the command line asked for, kept to resolve a sub-folder's settings the same way."""

    config: str | None
    streamlit_version: str | None
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    extend_exclude: tuple[str, ...]
    respect_gitignore: bool | None


def resolve_settings(
    paths: list[str],
    config: str | None,
    streamlit_version: str | None,
    select: list[str],
    ignore: list[str],
    extend_exclude: list[str] | None = None,
    respect_gitignore: bool | None = None,
) -> Settings:
    request = Request(config, streamlit_version, tuple(select), tuple(ignore), tuple(extend_exclude or ()), respect_gitignore)
    return _resolve(paths[0] if paths else ".", request, None)


def _resolve(start: str, request: Request, below: Settings | None) -> Settings:
    """Settings for `start`; `below`: the settings of the project root, when `start` is a folder under it."""
    if below is None:
        settings = load_settings(start, request.config)
    else:
        settings = load_settings(start, _nearest_config(start, below.root) or below.config_file)
        settings.root, settings.cache_dir = below.root, below.cache_dir
    settings.request = request if request.config is None else None
    start_directory = os.path.abspath(start)
    settings.resolved_for = start_directory if os.path.isdir(start_directory) else os.path.dirname(start_directory)
    _resolve_target(settings, start, request.streamlit_version)
    _apply_request(settings, request)
    return settings


def _nearest_config(directory: str, root: str) -> str | None:
    """The nearest pyproject.toml with a `[tool.fraglint]` table, from `directory` up to (not into) `root`."""
    from fraglint.config import has_fraglint_table

    while directory != root and directory.startswith(root + os.sep):
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate) and has_fraglint_table(candidate, root):
            return candidate
        directory = os.path.dirname(directory)
    return None


def _resolve_target(settings: Settings, start: str, streamlit_version: str | None) -> None:
    if streamlit_version:
        try:
            releases, warning = parse_target(streamlit_version, "--streamlit-version")
        except ValueError as error:
            raise ConfigError(f"--streamlit-version: {error}") from None
        settings.version_warnings += [warning] if warning else []
        settings.set_target(releases, "--streamlit-version")
        return
    from fraglint.model.target import detect_target_version

    detected = detect_target_version(start, settings.root)
    if detected is not None and not _configured_nearer(settings, detected.source):
        settings.version_warnings += detected.warnings
        settings.set_target(detected.release_set(), detected.describe())
    elif settings.streamlit_version is None and settings.releases is None:
        settings.version_source = f"default (newest known release, {versions.NEWEST_KNOWN})"


def _configured_nearer(settings: Settings, declaration: str) -> bool:
    """Does `[tool.fraglint] streamlit-version` sit in the declaration's folder or below it?"""
    configured = settings.releases.path if settings.releases is not None else None
    if settings.version_source.endswith("streamlit-version") and configured is None:
        configured = settings.config_file
    if configured is None:
        return False
    here, there = os.path.dirname(os.path.abspath(configured)), os.path.dirname(os.path.abspath(declaration))
    return here == there or here.startswith(there + os.sep)


def _apply_request(settings: Settings, request: Request) -> None:
    select, ignore, extend_exclude = list(request.select), list(request.ignore), list(request.extend_exclude)
    respect_gitignore = request.respect_gitignore
    if select:
        validate_selectors(select, "--select")
        settings.select = select
    if ignore:
        validate_selectors(ignore, "--ignore")
        settings.ignore = settings.ignore + ignore
    if extend_exclude:
        validate_patterns(extend_exclude, "--extend-exclude")
        settings.extend_exclude += extend_exclude
    if respect_gitignore is not None:
        settings.respect_gitignore = respect_gitignore


def files_by_settings(files: list[str], settings: Settings) -> list[tuple[Settings, list[str]]]:
    """`files` grouped by the settings of the nearest folder that configures or declares anything.

    Settings made without a request (tests, `--config`) hold for every file: one group.
    Folders are resolved once each, and a folder with nothing of its own shares its parent's.
    """
    if not isinstance(settings.request, Request):
        return [(settings, list(files))]
    settings_in = folder_settings(settings)
    groups: dict[int, tuple[Settings, list[str]]] = {}
    for path in files:
        resolved = settings_in(os.path.dirname(os.path.abspath(path)))
        groups.setdefault(id(resolved), (resolved, []))[1].append(path)
    return list(groups.values())


def folder_settings(settings: Settings) -> Callable[[str], Settings]:
    """`settings_in(folder)`: the settings that hold in a folder, resolved once per folder.

    What `files_by_settings` groups by, and what discovery excludes by (a sub-project's own
    `exclude`, as ruff applies the closest configuration while it walks).
    """
    request = settings.request
    if not isinstance(request, Request):
        return lambda directory: settings
    by_directory: dict[str, Settings] = {settings.resolved_for: settings} if settings.resolved_for else {}
    return lambda directory: _for_directory(directory, settings, request, by_directory)


def _for_directory(directory: str, base: Settings, request: Request, memo: dict[str, Settings]) -> Settings:
    if directory in memo:
        return memo[directory]
    root = base.root
    if directory == root:  # resolved from below the root (`fraglint check app/ other.py`): the root's own
        own = _resolve(root, request, base)
        resolved = base if _same(own, base) else own
    elif not directory.startswith(root + os.sep):
        resolved = base
    else:
        parent = _for_directory(os.path.dirname(directory), base, request, memo)
        resolved = parent
        if _declares_anything(directory):
            own = _resolve(directory, request, base)
            resolved = parent if _same(own, parent) else own
    memo[directory] = resolved
    return resolved


def _declares_anything(directory: str) -> bool:
    """A `[tool.fraglint]` table or a file that may name Streamlit (read properly later)."""
    from fraglint.model.declarations import ENVIRONMENT_FILES, LOCK_FILES

    try:
        names = set(os.listdir(directory))
    except OSError:
        return False
    if names & set(LOCK_FILES + ENVIRONMENT_FILES + ("pyproject.toml",)):
        return True
    return any(name.startswith("requirements") and name.endswith(".txt") for name in names)


def _same(one: Settings, other: Settings) -> bool:
    """Do two settings check files the same way (the fields that change what is reported)?"""
    fields = ("release_set", "select", "ignore", "per_file_ignores", "config_file")
    values = [(getattr(s, name)() if name == "release_set" else getattr(s, name)) for s in (one, other) for name in fields]
    return values[: len(fields)] == values[len(fields) :]


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
