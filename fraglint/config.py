"""Settings: `[tool.fraglint]` in pyproject.toml, overridden by the command line.

Keys (kebab-case, as in ruff): `streamlit-version` (one release or a specifier such as
`>=1.45,<1.60`), `select`, `ignore`, `per-file-ignores`, `exclude`, `extend-exclude`,
`respect-gitignore`, `force-exclude`, `cache-dir`, `entry` (glob patterns of entry scripts
fraglint cannot find itself, see `model.entries`), and `extend` (another pyproject.toml whose
`[tool.fraglint]` this one inherits and overrides, as ruff's `extend`; a cycle is an error). A bad key or value is a
`ConfigError`, which the CLI turns into exit code 2 with the file and key named. So is a
pyproject.toml that cannot be read as TOML at all (too large, not UTF-8, nested too deeply, a
FIFO, a symlink out of the project): it is read through `fraglint.safe_read`, like every file of
the project. FRAGLINT_CACHE_DIR overrides `cache-dir`, and `--cache-dir` both.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from packaging.version import Version

from fraglint.model import versions
from fraglint.model.target import ReleaseSet, admitted, is_specifier, known_release
from fraglint.rules import ALL_RULES, BY_CODE, BY_NAME, INPUT_DIAGNOSTICS, did_you_mean
from fraglint.safe_read import CONFIG_LIMIT, Unreadable, read_text

if TYPE_CHECKING:
    import pathspec

DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pants.d", ".pytype",
    ".ruff_cache", ".svn", ".tox", ".venv", "__pypackages__", "_build", "buck-out", "build",
    "dist", "node_modules", "site-packages", "venv", "__pycache__", ".pytest_cache",
)
KNOWN_KEYS = {
    "streamlit-version", "select", "ignore", "per-file-ignores", "exclude", "extend-exclude",
    "respect-gitignore", "cache-dir", "extend", "force-exclude", "entry",
}
CACHE_DIR_ENV = "FRAGLINT_CACHE_DIR"


class ConfigError(Exception):
    """A configuration problem the user must fix; the CLI exits with code 2."""


@dataclass
class Settings:
    root: str
    config_file: str | None = None
    streamlit_version: Version | None = None
    version_source: str = "default"
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    extend_exclude: list[str] = field(default_factory=list)
    respect_gitignore: bool = True
    force_exclude: bool = False  # exclude applies to files named explicitly too (pre-commit names them)
    cache: bool = True
    cache_dir: str | None = None  # absolute; None: .fraglint_cache in the root
    releases: ReleaseSet | None = None  # a specifier or a declared range; None: `streamlit_version` alone
    version_warnings: list[str] = field(default_factory=list)  # what was done with an unknown release
    # How these settings were asked for, to resolve a sub-folder's own configuration the same way
    # (`fraglint.settings`); None: these settings hold for every file (tests, `--config`).
    request: object | None = field(default=None, repr=False, compare=False)
    resolved_for: str | None = field(default=None, repr=False, compare=False)  # the folder resolved from
    entry: list[str] = field(default_factory=list)  # glob patterns of more entry scripts (see model.entries)

    @property
    def config_folder(self) -> str:
        """The folder the configuration's patterns (`exclude`, `per-file-ignores`) are relative to:
        its pyproject.toml's (a sub-project's own, as ruff), else the project root."""
        return os.path.dirname(self.config_file) if self.config_file else self.root

    @property
    def target_version(self) -> Version:
        """One release: the one named, else the newest of the set (what `fraglint scopes` narrates)."""
        if self.streamlit_version is not None:
            return self.streamlit_version
        return self.releases.newest if self.releases is not None else versions.NEWEST_KNOWN

    def release_set(self) -> ReleaseSet:
        """The releases a check evaluates rules for."""
        if self.releases is not None and self.streamlit_version is None:
            return self.releases
        return ReleaseSet((self.target_version,), str(self.target_version))

    def set_target(self, releases: ReleaseSet, source: str) -> None:
        """Target `releases` (one release or several), chosen from `source`."""
        self.releases = None if releases.single else releases
        self.streamlit_version = releases.releases[0] if releases.single else None
        self.version_source = source

    def enabled_codes(self) -> set[str]:
        """The codes enabled by select/ignore (input diagnostics are always on unless ignored)."""
        all_codes = [rule.code for rule in ALL_RULES] + [kind.code for kind in INPUT_DIAGNOSTICS.values()]
        selected = {code for code in all_codes if any(_matches(code, s) for s in self.select)}
        selected |= {kind.code for kind in INPUT_DIAGNOSTICS.values()}
        return {code for code in selected if not any(_matches(code, s) for s in self.ignore)}


def code_for(selector: str) -> str | None:
    if selector.upper() in BY_CODE:
        return selector.upper()
    if selector.lower() in BY_NAME:
        return BY_NAME[selector.lower()].code
    for name, kind in INPUT_DIAGNOSTICS.items():
        if selector.lower() == name or selector.upper() == kind.code:
            return kind.code
    return None


def _matches(code: str, selector: str) -> bool:
    selector = selector.strip()
    if selector.upper() == "ALL":
        return True
    resolved = code_for(selector)
    if resolved is not None:
        return resolved == code
    return code.startswith(selector.upper())  # a prefix such as FRG1


def validate_selectors(selectors: list[str], where: str) -> None:
    all_codes = [rule.code for rule in ALL_RULES] + [kind.code for kind in INPUT_DIAGNOSTICS.values()]
    for selector in selectors:
        if selector.upper() == "ALL" or code_for(selector) is not None:
            continue
        if any(code.startswith(selector.upper()) for code in all_codes) and selector[:3].upper() == "FRG":
            continue
        raise ConfigError(f"{where}: unknown rule selector {selector!r}{did_you_mean(selector)} (see `fraglint rule --all`)")


def gitignore_spec(patterns: Iterable[str]) -> pathspec.PathSpec:
    """Patterns matched with git's rules; ValueError for a pattern git cannot use."""
    import pathspec  # with typing_extensions and asyncio: only when a pattern is compiled

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # `re` on patterns such as `[[`
        try:
            return pathspec.GitIgnoreSpec.from_lines(list(patterns))
        except re.error as error:  # e.g. `[z-a]`
            raise ValueError(str(error)) from None


def validate_patterns(patterns: Iterable[str], where: str) -> None:
    for pattern in patterns:
        try:
            gitignore_spec([pattern])
        except ValueError:
            raise ConfigError(f"{where}: invalid glob pattern {pattern!r}") from None


def find_project_root(start: str) -> tuple[str, str | None]:
    """(root, pyproject path): the nearest directory upwards with a pyproject.toml or .git."""
    directory = os.path.abspath(start)
    if not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    current = directory
    while True:
        candidate = os.path.join(current, "pyproject.toml")
        if os.path.isfile(candidate):
            return current, candidate
        if os.path.exists(os.path.join(current, ".git")):
            return current, None
        parent = os.path.dirname(current)
        if parent == current:
            return directory, None
        current = parent


def load_settings(start: str, config_path: str | None = None) -> Settings:
    settings = _load_pyproject(start, config_path)
    if os.environ.get(CACHE_DIR_ENV):
        settings.cache_dir = os.path.abspath(os.path.expanduser(os.environ[CACHE_DIR_ENV]))
    return settings


def _load_pyproject(start: str, config_path: str | None) -> Settings:
    if config_path is not None:
        root = os.path.dirname(os.path.abspath(config_path))
        pyproject: str | None = os.path.abspath(config_path)
    else:
        root, pyproject = find_project_root(start)
    settings = Settings(root=root)
    if pyproject is None:
        return settings
    # A pyproject.toml found in the project must be the project's own; one named by --config is read where it is.
    data = _read_toml(pyproject, None if config_path is not None else root)
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{pyproject}: `tool` must be a table (PEP 518), not a {type(tool).__name__}")
    table = tool.get("fraglint")
    if table is None:
        return settings
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.fraglint] must be a table")
    settings.config_file = pyproject
    for path, each in _extended_tables(pyproject, table, [pyproject]):
        apply_table(settings, each, f"{path} [tool.fraglint]")
    return settings


def _extended_tables(path: str, table: dict, chain: list[str]) -> list[tuple[str, dict]]:
    """`[tool.fraglint]` tables to apply in order: what `extend` names (recursively), then `table`.

    As ruff's `extend`, the path is relative to the file that names it and may leave the
    project (a sub-project extends its parent's configuration); the file is still read through
    `safe_read`. A file reached twice along the chain is a cycle: a ConfigError naming it.
    """
    own = {key: value for key, value in table.items() if key != "extend"}
    if "extend" not in table:
        return [(path, own)]
    target = table["extend"]
    if not isinstance(target, str) or not target.strip():
        raise ConfigError(f"{path} [tool.fraglint]: extend must be the path of a pyproject.toml (a string)")
    extended = os.path.abspath(os.path.join(os.path.dirname(path), os.path.expanduser(target)))
    if any(os.path.realpath(extended) == os.path.realpath(seen) for seen in chain):
        cycle = " -> ".join(chain + [extended])
        raise ConfigError(f"{path} [tool.fraglint]: extend makes a cycle: {cycle}")
    if not os.path.isfile(extended):
        raise ConfigError(f"{path} [tool.fraglint]: extend names {target!r}, which is not a file")
    inherited = _read_toml(extended, None).get("tool", {})
    inherited = inherited.get("fraglint", {}) if isinstance(inherited, dict) else {}
    if not isinstance(inherited, dict):
        raise ConfigError(f"{extended}: [tool.fraglint] must be a table")
    return _extended_tables(extended, inherited, chain + [extended]) + [(path, own)]


def has_fraglint_table(path: str, root: str) -> bool:
    """Does this pyproject.toml have a `[tool.fraglint]` table? (One that cannot be read: no.)"""
    try:
        tool = _read_toml(path, root).get("tool")
    except ConfigError:
        return False
    return isinstance(tool, dict) and "fraglint" in tool


def _read_toml(path: str, root: str | None) -> dict:
    text = read_text(path, CONFIG_LIMIT, root)
    if isinstance(text, Unreadable):
        raise ConfigError(f"{path}: cannot be read: {text.reason}")
    try:
        return tomllib.loads(text)
    except ValueError as error:  # TOMLDecodeError, or an integer of more than 4300 digits
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply to read") from None


def apply_table(settings: Settings, table: dict, where: str) -> None:
    """Apply one `[tool.fraglint]` table; a key or value that is not what it must be is a ConfigError."""
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(KNOWN_KEYS))}")
    if "streamlit-version" in table:
        _apply_version(settings, table["streamlit-version"], where)
    for key, attribute in (
        ("select", "select"), ("ignore", "ignore"), ("exclude", "exclude"), ("extend-exclude", "extend_exclude"), ("entry", "entry"),
    ):
        if key in table:
            setattr(settings, attribute, _string_list(table[key], key, where))
    if "per-file-ignores" in table:
        settings.per_file_ignores = _per_file_ignores(table["per-file-ignores"], where)
    if "cache-dir" in table:
        if not isinstance(table["cache-dir"], str) or not table["cache-dir"].strip():
            raise ConfigError(f"{where}: cache-dir must be a path (a string)")
        # Relative to the project root, as ruff's `cache-dir` is.
        settings.cache_dir = os.path.abspath(os.path.join(settings.root, os.path.expanduser(table["cache-dir"])))
    for key in ("respect-gitignore", "force-exclude"):
        if key in table:
            if not isinstance(table[key], bool):
                raise ConfigError(f"{where}: {key} must be true or false")
            setattr(settings, key.replace("-", "_"), table[key])


def _apply_version(settings: Settings, value: object, where: str) -> None:
    path = where.rsplit(" [tool.fraglint]", 1)[0]
    try:
        releases, warning = parse_target(str(value), f"{where} streamlit-version")
    except ValueError as error:
        raise ConfigError(f"{where}: streamlit-version: {error}") from None
    if warning:
        settings.version_warnings.append(warning)
    settings.set_target(ReleaseSet(releases.releases, releases.written, path, _key_line(path, "streamlit-version")), f"{where} streamlit-version")


def parse_target(text: str, what: str) -> tuple[ReleaseSet, str | None]:
    """`--streamlit-version` or `streamlit-version`: one release or a specifier, and a warning
    saying what was done with a release fraglint does not know. ValueError when it is neither."""
    if is_specifier(text):
        return ReleaseSet(admitted(text), text.strip()), None
    release, warning = known_release(versions.parse_version(text), what)
    return ReleaseSet((release,), str(release)), warning


def _key_line(path: str, key: str) -> int | None:
    """The line of `key = ...` in a TOML file (tomllib gives no positions), for diagnostics there."""
    text = read_text(path, CONFIG_LIMIT, None)
    if isinstance(text, Unreadable):
        return None
    match = re.search(rf"(?m)^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _string_list(value: object, key: str, where: str) -> list[str]:
    """`select`/`ignore` (rule selectors) or `exclude`/`extend-exclude` (glob patterns), validated."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    if key in ("select", "ignore"):
        validate_selectors(value, f"{where} {key}")
    else:
        validate_patterns(value, f"{where} {key}")
    return list(value)


def _per_file_ignores(value: object, where: str) -> dict[str, list[str]]:
    if not isinstance(value, dict) or not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in value.values()):
        raise ConfigError(f"{where}: per-file-ignores must map glob patterns to lists of rules")
    validate_patterns(value, f"{where} per-file-ignores")
    for pattern, selectors in value.items():
        validate_selectors(selectors, f"{where} per-file-ignores {pattern!r}")
    return {str(k): list(v) for k, v in value.items()}
