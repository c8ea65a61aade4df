"""An on-disk cache of module summaries, so repeated checks parse only what changed.

Like ruff's `.ruff_cache`: one directory in the project root (with a `.gitignore` of `*`),
one pickle per file, keyed by the file's path and validated by its size, modification time
and the code that builds summaries. `--no-cache` (or FRAGLINT_NO_CACHE=1) turns it off; a
cache that cannot be written is silently not used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from fraglint import __version__

CACHE_DIR = ".fraglint_cache"
_SUMMARY_SOURCES = ("summary.py", "visitor.py", "loader.py")


def _format_key() -> str:
    """Changes whenever the code that builds summaries changes, not just the version."""
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    for name in _SUMMARY_SOURCES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()[:16]


class SummaryCache:
    def __init__(self, root: str, enabled: bool = True) -> None:
        self.enabled = enabled and os.environ.get("FRAGLINT_NO_CACHE", "") in ("", "0")
        self.directory = os.path.join(root, CACHE_DIR, _format_key())
        self._ready = False

    def _entry(self, path: str) -> str:
        # fsencode: a file name that is not UTF-8 reaches Python as lone surrogates (PEP 383)
        return os.path.join(self.directory, hashlib.sha1(os.fsencode(path)).hexdigest() + ".pickle")

    @staticmethod
    def _stamp(path: str) -> tuple[int, int] | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return stat.st_size, stat.st_mtime_ns

    def get(self, path: str):
        if not self.enabled:
            return None
        stamp = self._stamp(path)
        if stamp is None:
            return None
        try:
            with open(self._entry(path), "rb") as handle:
                saved_stamp, result = pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError):
            return None
        return result if saved_stamp == stamp else None

    def put(self, path: str, result) -> None:
        if not self.enabled:
            return
        stamp = self._stamp(path)
        if stamp is None:
            return
        try:
            if not self._ready:
                os.makedirs(self.directory, exist_ok=True)
                gitignore = os.path.join(os.path.dirname(self.directory), ".gitignore")
                if not os.path.exists(gitignore):
                    with open(gitignore, "w", encoding="utf-8") as handle:
                        handle.write("# Automatically created by fraglint.\n*\n")
                self._ready = True
            temporary = self._entry(path) + f".{os.getpid()}.tmp"
            with open(temporary, "wb") as handle:
                pickle.dump((stamp, result), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self._entry(path))
        except OSError:
            self.enabled = False  # a read-only project: go on without a cache
