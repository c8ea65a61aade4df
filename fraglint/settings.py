"""Settings resolution: a project's `pyproject.toml` plus the command line, and a cache of it per file.

`fraglint check`, `fraglint scopes` and the language server resolve settings the same way; this
module is that one way, under the CLI and the server both (the server used to import it from
the CLI, which imported the server: a cycle).
"""

from __future__ import annotations

import os

from fraglint.config import ConfigError, Settings, find_project_root, load_settings, validate_patterns, validate_selectors
from fraglint.model import versions


def resolve_settings(
    paths: list[str],
    config: str | None,
    streamlit_version: str | None,
    select: list[str],
    ignore: list[str],
    extend_exclude: list[str] | None = None,
    respect_gitignore: bool | None = None,
) -> Settings:
    settings = load_settings(paths[0] if paths else ".", config)
    if streamlit_version:
        try:
            settings.streamlit_version = versions.parse_version(streamlit_version)
        except ValueError as error:
            raise ConfigError(f"--streamlit-version: {error}") from None
        settings.version_source = "--streamlit-version"
    elif settings.streamlit_version is None:
        from fraglint.model.target import detect_target_version

        detected = detect_target_version(paths[0] if paths else ".", settings.root)
        if detected is not None:
            settings.streamlit_version, settings.version_source = detected.version, detected.describe()
            settings.version_warnings = detected.warnings  # type: ignore[attr-defined]
        else:
            settings.version_source = f"default (newest known release, {versions.NEWEST_KNOWN})"
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
    return settings


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
