"""Where a project names Streamlit: the files `model.target` reads, one reader per format.

A reader turns one file into `Declaration`s (a lock entry, or a requirement with its version
constraints) and warnings naming the file and line; `model.target` turns declarations into the
releases a project admits. Formats: `pyproject.toml` (PEP 621 dependencies and optional
dependencies, dependency groups, `tool.uv.dev-dependencies`, Poetry dependencies and groups),
`requirements*.txt` (following `-r` includes), `environment.yml` (conda and its `pip:` list)
and the lock files `uv.lock`, `poetry.lock` and `Pipfile.lock`.

The files are a stranger's in CI, so they are read through `fraglint.safe_read`: a
declaration file or a `-r` include that resolves outside the project, a FIFO, a device, a
file over 10 MiB or one nested too deeply to parse is a warning, never a hang or a crash.
"""

from __future__ import annotations

import glob
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from fraglint.model.conda_grammar import conda_specifiers, environment_items, join_operators
from fraglint.safe_read import CONFIG_LIMIT, Unreadable, leaves_root, read_text

STREAMLIT = "streamlit"
LOCK_FILES = ("uv.lock", "poetry.lock", "Pipfile.lock")
ENVIRONMENT_FILES = ("environment.yml", "environment.yaml")
MAX_DECLARATIONS = 64  # Streamlit declarations read from one directory's files
MAX_CLAUSES = 32  # version clauses in one declaration

# The shape most requirements have, `name` or `name>=1.40,<2`: PEP 508's name, then what
# packaging's SpecifierSet parses. Anything else (extras, markers, URLs, parentheses) goes
# to packaging's Requirement, whose parser (with markers, tags, logging...) costs a one-file
# check about 0.02 s to import.
_CLAUSE = r"[<>=!~][\w<>=!~ \t.*+-]*"
_PLAIN_REQUIREMENT = re.compile(
    rf"[ \t]*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)[ \t]*({_CLAUSE}(?:,[ \t]*{_CLAUSE})*)?", re.ASCII,
)


@dataclass
class Declaration:
    """One place that names Streamlit: a lock entry or a requirement with its constraints."""

    path: str
    line: int | None
    text: str  # as written, for messages
    locked: Version | None = None
    alternatives: list[SpecifierSet] = field(default_factory=list)  # any one may hold (Poetry `||`)




class Findings:
    """Declarations and warnings collected from one directory's files.

    `root`: the tree they may be read from (the project root; a directory outside it, e.g.
    beside a `--config` file elsewhere, is its own tree).
    """

    def __init__(self, root: str) -> None:
        self.root = root
        self.declarations: list[Declaration] = []
        self.warnings: list[str] = []
        self.full = False  # MAX_DECLARATIONS reached

    def warn(self, path: str, line: int | None, message: str) -> None:
        self.warnings.append(f"{where(path, line)}: {message}")

    def declare(self, declaration: Declaration) -> None:
        """Record a declaration; absurd numbers of them (or of their clauses) are refused.

        Resolving costs clauses x known releases, so a hostile file of 10 MiB of
        Streamlit ranges would otherwise take minutes; real projects have a handful.
        """
        clauses = sum(len(alternative) for alternative in declaration.alternatives)
        if clauses > MAX_CLAUSES:
            self.warn(declaration.path, declaration.line, f"more than {MAX_CLAUSES} version clauses; ignoring it")
        elif len(self.declarations) < MAX_DECLARATIONS:
            self.declarations.append(declaration)
        elif not self.full:
            self.full = True
            message = f"more than {MAX_DECLARATIONS} Streamlit declarations; ignoring the rest"
            self.warn(declaration.path, declaration.line, message)



def declaration_files(directory: str) -> list[str]:
    names = ["pyproject.toml"]
    names += sorted(os.path.basename(path) for path in glob.glob(os.path.join(glob.escape(directory), "requirements*.txt")))
    names += list(ENVIRONMENT_FILES)
    return [os.path.join(directory, name) for name in names]



def read_if_file(path: str, findings: Findings) -> None:
    if not os.path.lexists(path):
        return
    text = read_text(path, CONFIG_LIMIT, findings.root)
    if isinstance(text, Unreadable):
        findings.warn(path, None, f"cannot be read: {text.reason}")
        return
    name = os.path.basename(path)
    if name == "pyproject.toml":
        _read_pyproject(path, text, findings)
    elif name in ("uv.lock", "poetry.lock"):
        _read_toml_lock(path, text, findings)
    elif name == "Pipfile.lock":
        _read_pipfile_lock(path, text, findings)
    elif name in ENVIRONMENT_FILES:
        _read_environment(path, text, findings)
    else:
        _read_requirements(path, text, findings, set())



# --- requirement strings (PEP 508 and pip's requirements files) ------------------------


def _requirement(path: str, line: int | None, text: str, findings: Findings) -> None:
    """Record `text` if it is a Streamlit requirement; warn if it is not a requirement at all."""
    parsed = plain_requirement(text)
    if parsed is None:
        from packaging.requirements import InvalidRequirement, Requirement  # see _PLAIN_REQUIREMENT

        try:
            requirement = Requirement(text)
        except InvalidRequirement as error:
            hint = " (an exact version needs `==`)" if re.match(r"[\w.-]+(\[[^\]]*\])?\s*=[^=]", text) else ""
            findings.warn(path, line, f"malformed requirement `{text}`: {_first_line(error)}{hint}")
            return
        parsed = requirement.name, requirement.specifier
    if is_streamlit(parsed[0]):
        findings.declare(Declaration(path, line, text, alternatives=[parsed[1]]))


def plain_requirement(text: str) -> tuple[str, SpecifierSet] | None:
    """The name and specifiers of a requirement of the plain shape, as packaging's Requirement
    reads them; None for any other text (Requirement's to parse, or to refuse)."""
    match = _PLAIN_REQUIREMENT.fullmatch(text)
    if match is None:
        return None
    try:
        return match.group(1), SpecifierSet(match.group(2) or "")
    except InvalidSpecifier:
        return None


def is_streamlit(name: str) -> bool:
    """Whether a distribution name is Streamlit's. PEP 503 lowers the case and turns runs of
    `-_.` into `-`, so a name with any of those never normalizes to `streamlit`."""
    return name.lower() == STREAMLIT


def _read_requirements(path: str, text: str, findings: Findings, seen: set[str]) -> None:
    """A pip requirements file; `-r`/`--requirement` includes are read relative to it, once."""
    real = os.path.realpath(path)
    if real in seen:
        return
    seen.add(real)
    for number, line in _logical_lines(text):
        if line.startswith("-"):
            include = _include_target(line)
            if include is not None:
                _include(path, number, include, findings, seen)
            continue  # -e, -c, --index-url and other options say nothing about the release
        if _is_url_or_path(line):
            continue
        _requirement(path, number, _strip_line_options(line), findings)


def _include(path: str, number: int, target: str, findings: Findings, seen: set[str]) -> None:
    included = os.path.join(os.path.dirname(path), target)
    if leaves_root(included, findings.root):
        findings.warn(path, number, f"included file {target} is outside the project; not read")
        return
    text = read_text(included, CONFIG_LIMIT)
    if isinstance(text, Unreadable):
        findings.warn(path, number, f"cannot read included file {target}: {text.reason}")
        return
    _read_requirements(included, text, findings, seen)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first physical line number, text) with comments removed and `\\` continuations joined."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        line, pending = (pending + line).strip(), ""
        if line:
            yield start, line
    if pending.strip():
        yield start, pending.strip()


def _include_target(line: str) -> str | None:
    match = re.match(r"(?:-r|--requirement)(?:\s*=\s*|\s+|(?=[^\s=-]))(\S+)", line)
    return match.group(1) if match else None


def _is_url_or_path(line: str) -> bool:
    # pip also takes archives, local directories and bare VCS URLs; none names a release.
    return bool(re.match(r"^(\.{0,2}/|[A-Za-z][A-Za-z0-9+.-]*://|[A-Za-z]:\\)", line)) or line.endswith(
        (".whl", ".tar.gz", ".zip")
    )


def _strip_line_options(line: str) -> str:
    """Drop per-requirement options such as `--hash=sha256:...`."""
    return re.split(r"\s+--?[A-Za-z]", line, maxsplit=1)[0].strip()


# --- pyproject.toml ----------------------------------------------------------------------


def _read_pyproject(path: str, text: str, findings: Findings) -> None:
    data = _load_toml(path, text, findings)
    if data is None:
        return
    project = _table(data.get("project"))
    strings = list(_strings(project.get("dependencies")))
    for group in _table(project.get("optional-dependencies")).values():
        strings += _strings(group)
    for group in _table(data.get("dependency-groups")).values():
        strings += _strings(group)  # {include-group = ...} tables name other groups, read anyway
    tool = _table(data.get("tool"))
    strings += _strings(_table(tool.get("uv")).get("dev-dependencies"))
    for requirement in strings:
        _requirement(path, _line_of(text, requirement), requirement, findings)
    _read_poetry(path, text, _table(tool.get("poetry")), findings)


def _read_poetry(path: str, text: str, poetry: dict, findings: Findings) -> None:
    tables = [_table(poetry.get("dependencies")), _table(poetry.get("dev-dependencies"))]
    tables += [_table(_table(group).get("dependencies")) for group in _table(poetry.get("group")).values()]
    line = None
    for table in tables:
        for name, value in table.items():
            if not is_streamlit(name):
                continue
            line = line or _poetry_line(text)
            for constraint in _poetry_constraints(value):
                try:
                    alternatives = _poetry_specifiers(constraint)
                except (InvalidSpecifier, ValueError):
                    findings.warn(path, line, f"malformed Poetry constraint `streamlit = {constraint!r}`")
                    continue
                findings.declare(Declaration(path, line, f"streamlit = {constraint!r}", alternatives=alternatives))


def _poetry_constraints(value: object) -> Iterator[str]:
    """Version strings from `"^1.40"`, `{version = "^1.40", ...}` or a list of such tables."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict) and isinstance(item.get("version"), str):
            yield item["version"]
        elif isinstance(item, dict):
            yield "*"  # a git, path or url dependency: no release named


def _poetry_specifiers(constraint: str) -> list[SpecifierSet]:
    """Poetry's constraint syntax (`^`, `~`, `1.45.*`, bare versions, `||`) as PEP 440 sets."""
    alternatives = []
    for alternative in re.split(r"\|\|?", constraint):
        parts = [part for part in re.split(r"[,\s]+", join_operators(alternative)) if part]
        alternatives.append(SpecifierSet(",".join(_poetry_clause(part) for part in parts if part != "*")))
    return alternatives


def _poetry_clause(part: str) -> str:
    match = re.fullmatch(r"(\^|~=|~|===|==|!=|>=|<=|>|<|=)?(.+)", part)
    assert match is not None  # parts are non-empty, and `(.+)` takes any text
    operator, version = match.group(1) or "", match.group(2)
    if operator == "^":
        return f">={version},<{_bump(version, caret=True)}"
    if operator == "~":
        return f">={version},<{_bump(version, caret=False)}"
    if operator in ("", "="):
        return f"=={version}"
    return f"{operator}{version}"


def _bump(version: str, caret: bool) -> str:
    """Upper bound of `^version` (first non-zero part bumped) or `~version` (minor bumped)."""
    release = list(Version(version).release)
    first_nonzero = next((i for i, part in enumerate(release) if part), len(release) - 1)
    index = first_nonzero if caret else min(1, len(release) - 1)
    return ".".join(str(part) for part in release[:index] + [release[index] + 1])


def _poetry_line(text: str) -> int | None:
    for pattern in (r"(?im)^[ \t]*[\"']?streamlit[\"']?[ \t]*=", r"(?im)^[ \t]*\[.*\.[\"']?streamlit[\"']?\][ \t]*$"):
        match = re.search(pattern, text)
        if match:
            return text.count("\n", 0, match.start()) + 1
    return _line_of(text, STREAMLIT)


# --- lock files ------------------------------------------------------------------------


def _read_toml_lock(path: str, text: str, findings: Findings) -> None:
    """uv.lock and poetry.lock: `[[package]]` tables with a name and a version."""
    data = _load_toml(path, text, findings)
    if data is None:
        return
    packages = data.get("package")
    for package in packages if isinstance(packages, list) else []:
        if not isinstance(package, dict) or not is_streamlit(str(package.get("name", ""))):
            continue
        _locked(path, _lock_line(text, str(package.get("version", ""))), str(package.get("version", "")), findings)


def _read_pipfile_lock(path: str, text: str, findings: Findings) -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        findings.warn(path, error.lineno, f"invalid JSON: {error.msg}")
        return
    except ValueError as error:  # an integer of more than 4300 digits
        findings.warn(path, None, f"invalid JSON: {error}")
        return
    except RecursionError:
        findings.warn(path, None, "invalid JSON: nested too deeply to read")
        return
    for section in ("default", "develop"):
        packages = data.get(section) if isinstance(data, dict) else None
        for name, entry in (packages or {}).items() if isinstance(packages, dict) else []:
            if not is_streamlit(name) or not isinstance(entry, dict):
                continue
            version = str(entry.get("version", "")).lstrip("=")
            _locked(path, _lock_line(text, version, key=r'"streamlit"\s*:'), version, findings)


def _locked(path: str, line: int | None, version: str, findings: Findings) -> None:
    try:
        release = Version(version)
    except InvalidVersion:
        findings.warn(path, line, f"streamlit is locked to an invalid version {version!r}")
        return
    findings.declare(Declaration(path, line, f"streamlit {version}", locked=release))


def _lock_line(text: str, version: str, key: str = r'name\s*=\s*"streamlit"\s*$') -> int | None:
    """The line of the version that follows the Streamlit entry (first such entry)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if re.match(r"\s*" + key, line):
            for offset, following in enumerate(lines[index : index + 12]):
                if "version" in following and version in following:
                    return index + offset + 1
            return index + 1
    return None


# --- environment.yml -------------------------------------------------------------------


def _read_environment(path: str, text: str, findings: Findings) -> None:
    """A conda environment file, read line by line: only `dependencies:` and its `pip:` list."""
    for number, item, in_pip in environment_items(text):
        if in_pip:
            if item.startswith("-"):
                include = _include_target(item)
                if include is not None:
                    _include(path, number, include, findings, {os.path.realpath(path)})
            elif not _is_url_or_path(item):
                _requirement(path, number, _strip_line_options(item), findings)
        else:
            _conda_requirement(path, number, item, findings)


def _conda_requirement(path: str, line: int, item: str, findings: Findings) -> None:
    """A conda match spec: `streamlit`, `streamlit=1.45`, `streamlit>=1.40,<2`, `streamlit 1.45.0 py_0`."""
    spec = item.split("::", 1)[-1]
    match = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    if not match or not is_streamlit(match.group(1)):
        return
    rest = match.group(2).strip()
    try:
        alternatives = conda_specifiers(rest)
    except (InvalidSpecifier, InvalidVersion, ValueError):
        findings.warn(path, line, f"malformed conda requirement `{item}`")
        return
    findings.declare(Declaration(path, line, item, alternatives=alternatives))


# --- small helpers ---------------------------------------------------------------------


def _load_toml(path: str, text: str, findings: Findings) -> dict | None:
    try:
        return tomllib.loads(text)
    except ValueError as error:  # TOMLDecodeError, or an integer of more than 4300 digits
        findings.warn(path, None, f"invalid TOML: {error}")
        return None
    except RecursionError:
        findings.warn(path, None, "invalid TOML: nested too deeply to read")
        return None


def _table(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _line_of(text: str, needle: str) -> int | None:
    """The first line holding `needle` (TOML gives values, not positions; this is close enough)."""
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def where(path: str, line: int | None) -> str:
    return f"{_display(path)}:{line}" if line else _display(path)


def _display(path: str) -> str:
    """Paths under the working directory are shown relative to it, as diagnostics are."""
    if not os.path.isabs(path):
        return path
    try:
        inside = os.path.commonpath([path, os.getcwd()]) == os.getcwd()
    except ValueError:  # different drives on Windows
        inside = False
    return os.path.relpath(path) if inside else path




def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def extend_unique(target: list[str], items: Iterable[str]) -> None:
    for item in items:
        if item not in target:
            target.append(item)
