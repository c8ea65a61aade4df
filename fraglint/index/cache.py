"""An on-disk cache of module summaries, so repeated checks parse only what changed.

Like ruff's `.ruff_cache`: one directory (by default `.fraglint_cache` in the project root,
with a `.gitignore` of `*`; `--cache-dir`, FRAGLINT_CACHE_DIR or `cache-dir` move it), one
sub-directory per format key (the fraglint version and the code that builds and stores
summaries: older ones are never read, and are removed once unused for a month), one JSON file
per source path. `--no-cache` (or FRAGLINT_NO_CACHE=1) turns it off.

The directory may come from someone else (a pull request can commit one), so an entry is
data, never code (see `serialize`), and is only used when it is exactly the summary of the
bytes being checked: its key hashes the format key, the path and those bytes. Anything else
(a stale, corrupt, oversized or hostile entry, a FIFO, a symlink) is a miss, and a directory
that cannot be written is silently not used: the check is the same with or without a cache.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
import time
from pathlib import Path

from fraglint import __version__
from fraglint.index.loader import InputProblem
from fraglint.index.serialize import SUMMARY_CODEC
from fraglint.index.summary import SUMMARY_FORMAT, ModuleSummary

CACHE_DIR = ".fraglint_cache"
Summary = ModuleSummary | InputProblem
Entry = tuple[str, Summary]  # (key, summary): the JSON array `["<key>",[...]]`

_SUMMARY_SOURCES = (
    "summary.py", "visitor.py", "walk_core.py", "walk_calls.py", "walk_bindings.py", "walk_conditions.py",
    "cst_reading.py", "loader.py", "guard.py", "serialize.py", "cache.py",
)
# A summary takes about 1.7 bytes of JSON per byte of source (the 200-file benchmark
# project); an entry far beyond that is not one fraglint wrote.
_MAX_ENTRY = 64 * 1024 * 1024
_STALE_SECONDS = 30 * 24 * 3600
SPANS_SUFFIX = ".spans"  # the spans of placed statements (`span_cache`), beside each summary
_OWN_SUFFIXES = (".json", ".tmp", ".pickle", SPANS_SUFFIX)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


@functools.cache
def format_key() -> str:
    """Changes whenever the code that builds or stores summaries changes, not just the version."""
    digest = hashlib.sha256(f"{__version__}/{SUMMARY_FORMAT}".encode())
    here = Path(__file__).parent
    for name in _SUMMARY_SOURCES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()[:16]


def entry_limit(source_size: int) -> int:
    return min(_MAX_ENTRY, 64 * 1024 + 64 * source_size)


class SummaryCache:
    """The entries of one cache directory for this fraglint; every failure is a miss."""

    def __init__(self, root: str, enabled: bool = True, directory: str | None = None) -> None:
        self.enabled = enabled and os.environ.get("FRAGLINT_NO_CACHE", "") in ("", "0")
        # The default place is inside a checkout that may hold anything: never follow a
        # symlink there. A directory the user named is theirs to point anywhere.
        self.base = directory or os.path.join(root, CACHE_DIR)
        self.base_may_be_link = directory is not None
        self.directory = os.path.join(self.base, format_key())
        self._state: str | None = None  # None: not looked at yet; "absent", "present", "refused"
        self._written = False

    # -- reading ------------------------------------------------------------------------------

    def get(self, path: str, data: bytes) -> Summary | None:
        """The stored summary of `data`, the bytes of the file at `path`; None on any doubt."""
        if not self.enabled or self._look() != "present":
            return None
        key = entry_key(path, data)
        raw = _read_regular_file(self.entry_path(path), entry_limit(len(data)))
        if raw is None or not raw.startswith(b'["' + key.encode() + b'",'):
            return None
        try:
            stored_key, summary = SUMMARY_CODEC.loads(Entry, raw)
        except Exception:  # whatever a hostile entry provokes, it is a miss
            return None
        return summary if stored_key == key and summary.path == path else None

    def _look(self) -> str:
        if self._state is None:
            self._state = "absent"
            try:
                if not self.base_may_be_link and os.path.islink(self.base):
                    self._state = "refused"
                else:
                    mode = os.lstat(self.directory).st_mode
                    self._state = "present" if stat.S_ISDIR(mode) else "refused"
            except OSError:
                pass
        return self._state

    def entry_path(self, path: str) -> str:
        """Where the entry for `path` lives: one slot per path, so the cache grows with the project only."""
        name = hashlib.sha256(os.fsencode(path)).hexdigest()[:32]
        return os.path.join(self.directory, name + ".json")

    # -- writing ------------------------------------------------------------------------------

    def put(self, path: str, data: bytes, result: Summary) -> None:
        if not self.enabled or self._look() == "refused":
            return
        try:
            raw = SUMMARY_CODEC.dumps(Entry, (entry_key(path, data), result))
        except Exception:  # a summary the codec cannot hold is just not stored
            return
        if len(raw) > entry_limit(len(data)):
            return
        try:
            if self._state != "present":
                self._create()
            _replace_atomically(self.entry_path(path), raw)
        except OSError:
            self.enabled = False  # a read-only project: go on without a cache
            return
        if not self._written:
            self._written = True
            prune_stale(self.base, keep=format_key())

    def _create(self) -> None:
        os.makedirs(self.directory, exist_ok=True)
        try:
            with open(os.path.join(self.base, ".gitignore"), "x", encoding="utf-8") as handle:
                handle.write("# Automatically created by fraglint.\n*\n")
        except FileExistsError:
            pass
        self._state = None
        if self._look() != "present":
            raise NotADirectoryError(self.directory)


def entry_key(path: str, data: bytes) -> str:
    """What an entry must have been written for: this fraglint, this path, these bytes."""
    digest = hashlib.sha256(format_key().encode())
    for part in (os.fsencode(path), data):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def _read_regular_file(path: str, limit: int) -> bytes | None:
    """The bytes of a regular file of at most `limit` bytes: a FIFO, a device, a symlink
    or anything larger is None, and so is any error. Never blocks on a FIFO."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError):
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        with open(descriptor, "rb", closefd=False) as handle:
            raw = handle.read(limit + 1)
        return raw if len(raw) <= limit else None
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _replace_atomically(path: str, raw: bytes) -> None:
    """Readers see the old entry or the new one, never a part: write aside, then rename."""
    import secrets  # with random and hmac: only when an entry is written, which a warm check does not

    temporary = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        with open(temporary, "xb") as handle:
            handle.write(raw)
        os.replace(temporary, path)
    except BaseException:
        _remove_quietly(temporary)
        raise


def _remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def prune_stale(base: str, keep: str, now: float | None = None) -> None:
    """Remove format directories (other than `keep`) not written to for a month.

    Only what fraglint writes is removed: a 16-hex-digit directory holding nothing but
    `.json`, `.spans`, `.tmp` (and the old, never read, `.pickle`) files; anything else stays.
    """
    cutoff = (now if now is not None else time.time()) - _STALE_SECONDS
    try:
        candidates = [entry.path for entry in os.scandir(base) if _is_format_dir(entry, keep)]
    except OSError:
        return
    for directory in candidates:
        try:
            if os.lstat(directory).st_mtime > cutoff:
                continue
            files = [os.path.join(directory, name) for name in os.listdir(directory)]
            if all(name.endswith(_OWN_SUFFIXES) and stat.S_ISREG(os.lstat(name).st_mode) for name in files):
                for name in files:
                    os.remove(name)
                os.rmdir(directory)
        except OSError:
            continue


def _is_format_dir(entry: os.DirEntry, keep: str) -> bool:
    name = entry.name
    hexadecimal = len(name) == 16 and all(c in "0123456789abcdef" for c in name)
    return hexadecimal and name != keep and entry.is_dir(follow_symlinks=False)
