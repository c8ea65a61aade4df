"""Reading a file of the analysed project without trusting it.

fraglint runs in CI on pull requests, so the project it reads is a stranger's. A committed
symlink may point at `/proc/self/environ` or a secret elsewhere on the runner; a FIFO or
`/dev/zero` would block or never end. Every file fraglint reads from the project goes
through `read_file`, which:

- refuses a path whose real location leaves the project root, when a root is given
  (symlinks inside the project are fine);
- opens without blocking (`O_NONBLOCK`) and reads only regular files (`fstat`), so a FIFO,
  a device or a directory is named, never waited on;
- reads at most `limit + 1` bytes, so a huge file (or one whose size `stat` does not know,
  as in `/proc`) is refused as too large instead of filling memory.

Failures are values (`Unreadable`, with a reason fit for a diagnostic), never exceptions.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

MIB = 1024 * 1024
SOURCE_LIMIT = 20 * MIB  # a Python file
CONFIG_LIMIT = 10 * MIB  # pyproject.toml, requirements, lock files
# pathspec compiles one regex per pattern and tries them all per file (60,000 patterns take
# 15 s to compile and 40 ms a match); GitHub's largest template is 10 KiB.
GITIGNORE_LIMIT = 64 * 1024

OUTSIDE_PROJECT = "symlink to outside the project; not read"
_CHUNK = 1024 * 1024
_KINDS = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "not a regular file (a FIFO)"),
    (stat.S_ISCHR, "not a regular file (a character device)"),
    (stat.S_ISBLK, "not a regular file (a block device)"),
    (stat.S_ISSOCK, "not a regular file (a socket)"),
)


@dataclass(frozen=True)
class Unreadable:
    """Why a file was not read: one short phrase, e.g. "not a regular file (a FIFO)"."""

    reason: str


def inside(path: str, root: str) -> bool:
    """Is `path` (already absolute) at or under `root`, comparing path components?"""
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives on Windows, or one relative path
        return False


def leaves_root(path: str, root: str) -> bool:
    """Does `path`, with every symlink resolved, lie outside the (resolved) project root?"""
    return not inside(os.path.realpath(path), os.path.realpath(root))


def kind_problem(mode: int) -> str | None:
    """Why a file of this `st_mode` is not read as text (None for a regular file)."""
    for test, reason in _KINDS:
        if test(mode):
            return reason
    return None if stat.S_ISREG(mode) else "not a regular file"


def read_file(path: str, limit: int, root: str | None = None) -> bytes | Unreadable:
    """The bytes of the regular file at `path`, at most `limit` of them, or why not.

    With `root`, a path that resolves outside it is refused (see `leaves_root`).
    """
    if root is not None and leaves_root(path, root):
        return Unreadable(OUTSIDE_PROJECT)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        return Unreadable(_os_reason(error))
    try:
        problem = kind_problem(os.fstat(descriptor).st_mode)
        if problem is not None:
            return Unreadable(problem)
        return _read_bounded(descriptor, limit)
    except OSError as error:
        return Unreadable(_os_reason(error))
    finally:
        os.close(descriptor)


def _read_bounded(descriptor: int, limit: int) -> bytes | Unreadable:
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(descriptor, min(_CHUNK, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    return Unreadable(f"file too large (over {_size(limit)}, the most fraglint reads)")


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB else f"{limit // 1024} KiB"


def read_text(path: str, limit: int, root: str | None = None) -> str | Unreadable:
    """`read_file`, decoded as UTF-8 (a BOM is dropped); bad bytes are named, not guessed."""
    data = read_file(path, limit, root)
    if isinstance(data, Unreadable):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return Unreadable(f"not valid UTF-8 (byte 0x{data[error.start]:02x} on line {line})")


def _os_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    return f"cannot be read: {error.strerror or error}"
