"""The ecosystem set's distributions: pinned on the package index, fetched, verified, unpacked.

Each distribution in `projects.toml` is a wheel named by exact version and sha256. The files are
strangers' code, and fraglint never imports or runs them, so neither does this module:

- `pip download --no-deps --only-binary :all: --require-hashes` fetches the wheel itself (pip
  checks the hash; a wheel, never an sdist, because pip builds an sdist's metadata by running
  its build backend), and the hash is checked again here before the file is used;
- only `.py` files are unpacked, each by name into the project's folder under the cache: no
  absolute name, no `..`, no link, no control character in a name, at most 10 MiB a file,
  200 MiB and 20,000 files a wheel (sizes counted while reading, not taken from the archive);
- the release the project targets comes from the wheel's own `Requires-Dist: streamlit ...`
  lines, written as the dependencies of a `pyproject.toml` at the top of the unpacked folder,
  so fraglint finds and resolves the declaration exactly as it would in the project's checkout.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from email.parser import BytesParser
from pathlib import Path, PurePosixPath

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PROJECTS_FILE = HERE / "projects.toml"
CACHE = REPO / ".ecosystem-cache"

FILE_LIMIT = 10 * 2**20
TOTAL_LIMIT = 200 * 2**20
COUNT_LIMIT = 20_000
METADATA_LIMIT = 2**20
DOWNLOAD_TIMEOUT = 300


class DownloadError(Exception):
    """A distribution could not be fetched (offline, index unreachable, no such file)."""


class UnsafeArchive(Exception):
    """A wheel that is not what it claims or holds something this harness will not unpack."""


@dataclass(frozen=True)
class Distribution:
    name: str
    version: str
    file: str  # the wheel's file name on the index
    sha256: str
    check: str  # the folder (or file) inside the wheel that fraglint checks
    why: str
    reduced: bool  # part of the default run (the full set runs with FRAGLINT_ECOSYSTEM=full)

    @property
    def folder(self) -> str:
        return f"{self.name}-{self.version}"


def load_projects(path: Path = PROJECTS_FILE) -> list[Distribution]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Distribution(
            name=entry["name"], version=entry["version"], file=entry["file"], sha256=entry["sha256"].lower(),
            check=entry["check"], why=entry["why"], reduced=entry.get("reduced", False),
        )
        for entry in data["project"]
    ]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(dist: Distribution, cache: Path = CACHE) -> Path:
    """The verified wheel, downloaded into `cache/dist/` unless already there."""
    wheel = cache / "dist" / dist.file
    if wheel.is_file() and sha256_of(wheel) == dist.sha256:
        return wheel
    wheel.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        requirements = Path(scratch) / "requirements.txt"
        requirements.write_text(f"{dist.name}=={dist.version} --hash=sha256:{dist.sha256}\n", encoding="utf-8")
        out = Path(scratch) / "out"
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
            "--only-binary", ":all:", "--python-version", "3.12", "--require-hashes",
            "--dest", str(out), "--requirement", str(requirements),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise DownloadError(f"{dist.name}=={dist.version}: pip download timed out") from exc
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
            raise DownloadError(f"{dist.name}=={dist.version}: {last}")
        got = out / dist.file
        if not got.is_file() or sha256_of(got) != dist.sha256:
            raise UnsafeArchive(f"{dist.name}=={dist.version}: pip brought {sorted(os.listdir(out))}, not {dist.file} with the pinned hash")
        os.replace(got, wheel)
    return wheel


def unpack(dist: Distribution, wheel: Path, cache: Path = CACHE) -> Path:
    """The wheel's `.py` files under `cache/src/<name>-<version>/`, with the declared target."""
    dest = cache / "src" / dist.folder
    marker = dest / ".unpacked"
    if marker.is_file() and marker.read_text(encoding="utf-8") == dist.sha256:
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as archive:
        metadata = _extract_python(archive, dest)
    (dest / "pyproject.toml").write_text(declared_target(dist, metadata), encoding="utf-8")
    marker.write_text(dist.sha256, encoding="utf-8")
    return dest


def _extract_python(archive: zipfile.ZipFile, dest: Path) -> bytes:
    """Unpack every `.py` member safely; return the wheel's METADATA (read, not unpacked)."""
    members = archive.infolist()
    if len(members) > COUNT_LIMIT:
        raise UnsafeArchive(f"{len(members)} members (limit {COUNT_LIMIT})")
    total, metadata = 0, b""
    root = dest.resolve()
    for info in members:
        name = info.filename
        if info.is_dir():
            continue
        parts = _safe_parts(name, info)
        if len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == "METADATA":
            metadata = _read_limited(archive, info, METADATA_LIMIT)
            continue
        if not name.endswith(".py"):
            continue
        data = _read_limited(archive, info, FILE_LIMIT)
        total += len(data)
        if total > TOTAL_LIMIT:
            raise UnsafeArchive(f"more than {TOTAL_LIMIT} bytes of Python")
        target = root.joinpath(*parts)
        if root not in target.parents:
            raise UnsafeArchive(f"{name!r} leaves the target folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as stream:  # "x": never through an existing file or link
            stream.write(data)
    return metadata


def _safe_parts(name: str, info: zipfile.ZipInfo) -> tuple[str, ...]:
    """The member's path parts, or UnsafeArchive for anything but a plain relative file name."""
    if any(ord(char) < 32 or ord(char) == 127 for char in name) or "\\" in name or ":" in name:
        raise UnsafeArchive(f"member name {name!r} has a control character, a backslash or a colon")
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in name.split("/")):
        raise UnsafeArchive(f"member name {name!r} is absolute or has an empty, '.' or '..' part")
    mode = info.external_attr >> 16
    if mode and not (stat.S_ISREG(mode) or stat.S_IFMT(mode) == 0):
        raise UnsafeArchive(f"member {name!r} is not a regular file (mode {oct(mode)})")
    return path.parts


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise UnsafeArchive(f"member {info.filename!r} is larger than {limit} bytes")
    return data


def declared_target(dist: Distribution, metadata: bytes) -> str:
    """A pyproject.toml declaring the wheel's own `streamlit` requirements (markers dropped)."""
    message = BytesParser().parsebytes(metadata)
    declared = []
    for line in message.get_all("Requires-Dist") or []:
        try:
            requirement = Requirement(str(line))
        except InvalidRequirement:
            continue
        if canonicalize_name(requirement.name) == "streamlit":
            declared.append(f"streamlit{requirement.specifier}")
    return "\n".join([
        "# Written by tests/ecosystem: the wheel's own Requires-Dist for streamlit, so that",
        "# fraglint targets the release the distribution declares.",
        "[project]",
        f"name = {json.dumps(dist.name)}",
        f"version = {json.dumps(dist.version)}",
        f"dependencies = {json.dumps(sorted(set(declared)))}",
        "",
    ])
