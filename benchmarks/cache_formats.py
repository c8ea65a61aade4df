"""Compare on-disk formats for the summary cache: write time, read time, size on disk.

The summaries of one generated project (200 files by default) are written to and read back
from each candidate store, in process, `--repeat` times (the minimum is reported: the least
disturbed by other load). Reading includes everything a warm check pays: open, read, decode,
and the strict type check of every field (pickle, kept as the old reference, checks nothing).

    json-array   one JSON file per source file, dataclasses as arrays (what fraglint uses:
                 the real `SummaryCache`, key hashing and file reads included)
    json-object  the same with dataclasses as objects keyed by field name
    sqlite       one SQLite database, the same JSON arrays in a table, one transaction per
                 write pass, opened defensively (trusted_schema=OFF, cell_size_check=ON, no mmap)
    pickle       the old format, one pickle file per source file: unsafe, for reference only

    python benchmarks/cache_formats.py                      # 200 files, 15,000 lines
    python benchmarks/cache_formats.py --files 20 --lines 1500 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (benchmarks/ is not a package)

from fraglint.index import cache as cache_module  # noqa: E402
from fraglint.index.cache import Entry, SummaryCache, entry_key  # noqa: E402
from fraglint.index.loader import read_source, summarize_file  # noqa: E402
from fraglint.index.serialize import SUMMARY_CODEC, Codec  # noqa: E402

Items = list[tuple[str, bytes, object]]  # (path, source bytes, summary)


class JsonArrayFiles:
    """The real cache."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def write(self, items: Items) -> None:
        cache = SummaryCache(str(self.directory), directory=str(self.directory))
        for path, data, summary in items:
            cache.put(path, data, summary)

    def read(self, items: Items) -> int:
        cache = SummaryCache(str(self.directory), directory=str(self.directory))
        return sum(cache.get(path, data) is not None for path, data, _ in items)


class JsonObjectFiles:
    """The same file layout and reads, dataclasses as objects."""

    codec = Codec(compact=False)

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _file(self, path: str) -> str:
        return str(self.directory / (entry_key(path, b"")[:32] + ".json"))

    def write(self, items: Items) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for path, data, summary in items:
            raw = self.codec.dumps(Entry, (entry_key(path, data), summary))
            cache_module._replace_atomically(self._file(path), raw)

    def read(self, items: Items) -> int:
        found = 0
        for path, data, _ in items:
            raw = cache_module._read_regular_file(self._file(path), cache_module.entry_limit(len(data)))
            key, summary = self.codec.loads(Entry, raw)
            found += key == entry_key(path, data) and summary.path == path
        return found


class SqliteStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.file = directory / "summaries.sqlite"

    def _connect(self, read_only: bool) -> sqlite3.Connection:
        uri = f"file:{self.file}?mode={'ro' if read_only else 'rwc'}"
        connection = sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None)
        for pragma in ("trusted_schema=OFF", "cell_size_check=ON", "mmap_size=0"):
            connection.execute(f"PRAGMA {pragma}")
        return connection

    def write(self, items: Items) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        connection = self._connect(read_only=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE IF NOT EXISTS entry (slot TEXT PRIMARY KEY, data BLOB NOT NULL)")
        connection.execute("BEGIN IMMEDIATE")
        for path, data, summary in items:
            raw = SUMMARY_CODEC.dumps(Entry, (entry_key(path, data), summary))
            connection.execute("INSERT OR REPLACE INTO entry VALUES (?, ?)", (path, raw))
        connection.execute("COMMIT")
        connection.close()

    def read(self, items: Items) -> int:
        connection = self._connect(read_only=True)
        found = 0
        for path, data, _ in items:
            row = connection.execute("SELECT data FROM entry WHERE slot = ?", (path,)).fetchone()
            key, summary = SUMMARY_CODEC.loads(Entry, row[0])
            found += key == entry_key(path, data) and summary.path == path
        connection.close()
        return found


class PickleFiles:
    """The format fraglint used before: unsafe on any file it did not write itself."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _file(self, path: str) -> Path:
        return self.directory / (entry_key(path, b"")[:32] + ".pickle")

    def write(self, items: Items) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for path, data, summary in items:
            cache_module._replace_atomically(str(self._file(path)), pickle.dumps((len(data), summary), protocol=5))

    def read(self, items: Items) -> int:
        found = 0
        for path, data, _ in items:
            with open(self._file(path), "rb") as handle:
                size, _summary = pickle.load(handle)
            found += size == len(data)
        return found


STORES: dict[str, Callable[[Path], object]] = {
    "json-array": JsonArrayFiles, "json-object": JsonObjectFiles, "sqlite": SqliteStore, "pickle": PickleFiles,
}


def disk_usage(directory: Path) -> tuple[int, int, int]:
    """(files, bytes of content, bytes allocated on disk)."""
    files = [p for p in directory.rglob("*") if p.is_file()]
    stats = [p.stat() for p in files]
    allocated = sum(getattr(s, "st_blocks", 0) * 512 or s.st_size for s in stats)
    return len(files), sum(s.st_size for s in stats), allocated


def best_of(repeat: int, action: Callable[[], object], before: Callable[[], object] = lambda: None) -> tuple[float, float]:
    """(wall, CPU) seconds, each the minimum over `repeat` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        before()
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def measure(name: str, items: Items, scratch: Path, repeat: int) -> dict:
    directory = scratch / name
    store = STORES[name](directory)
    fresh = lambda: shutil.rmtree(directory, ignore_errors=True)  # noqa: E731
    write = best_of(repeat, lambda: store.write(items), fresh)
    found = store.read(items)
    if found != len(items):
        raise SystemExit(f"{name}: read back {found} of {len(items)} entries")
    read = best_of(repeat, lambda: store.read(items))
    files, content, allocated = disk_usage(directory)
    return {"format": name, "write_ms": [t * 1000 for t in write], "read_ms": [t * 1000 for t in read],
            "files": files, "bytes": content, "allocated": allocated}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--lines", type=int, default=15000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--formats", default=",".join(STORES), help="comma-separated, of: " + ", ".join(STORES))
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="fraglint-cache-formats-"))
    try:
        project = scratch / "project"
        generate.generate(project, args.files, args.lines, args.seed)
        paths = sorted(str(p) for p in project.rglob("*.py"))
        items = [(path, read_source(path), summarize_file(path)) for path in paths]
        source_bytes = sum(len(data) for _, data, _ in items)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"{len(items)} files, {source_bytes:,} bytes of source; best of {args.repeat}; load average {load:.2f}\n")
        print("| format | write ms (wall / CPU) | read + check ms (wall / CPU) | files | bytes | on disk |")
        print("|---|---:|---:|---:|---:|---:|")
        for name in args.formats.split(","):
            row = measure(name.strip(), items, scratch, args.repeat)
            write, read = ("{:.0f} / {:.0f}".format(*row[key]) for key in ("write_ms", "read_ms"))
            print(f"| {row['format']} | {write} | {read} | {row['files']} | {row['bytes']:,} | {row['allocated']:,} |")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
