"""The summary cache: data only, never trusted beyond the bytes it was written for.

The first tests replay the attack the pickle cache allowed (a pull request commits a
`.fraglint_cache` entry that runs code, or exits 0, while `fraglint check` loads it); the
others check that a cache, warm or hostile, never changes what a check reports.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import pytest
from helpers import REPO, run_cli

from fraglint import __version__
from fraglint.index import cache as cache_module
from fraglint.index.cache import Entry, SummaryCache, entry_key, format_key, prune_stale
from fraglint.index.loader import InputProblem, read_source, summarize_file
from fraglint.index.serialize import SUMMARY_CODEC, Codec, Invalid
from fraglint.index.summary import ModuleSummary

Summary = ModuleSummary | InputProblem

APP = '''\
import streamlit as st

from helpers import chart

status = st.container()


@st.fragment
def poll():
    {line}
    chart()


poll()
'''
CLEAN_LINE = 'st.write("hello!")'
FINDING_LINE = 'status.write("hi")'  # the same length: a size-and-mtime stamp cannot tell them apart
HELPERS = '''\
import streamlit as st


@st.fragment
def chart():
    st.line_chart([1, 2, 3])
'''
PYPROJECT = '[project]\nname = "demo"\ndependencies = ["streamlit>=1.40"]\n'


def make_project(root: Path, line: str = FINDING_LINE) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "app.py").write_text(APP.format(line=line))
    (root / "helpers.py").write_text(HELPERS)
    return root


def check_json(*args: str, env: dict | None = None) -> tuple[int, str]:
    result = run_cli("check", "--output-format", "json", *args, env=env)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout


def rule_names(output: str) -> list[tuple[str, str, int]]:
    return sorted((d["name"], Path(d["path"]).name, d["line"]) for d in json.loads(output))


# -- the exploit: entries that run code when a pickle cache loads them ---------------------------


class _RunsShell:
    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


class _ExitsZero:
    def __reduce__(self):
        return sys.exit, (0,)


def _old_format_key() -> str:
    """The directory name fraglint's pickle cache used, computed as it did."""
    digest = hashlib.sha256(__version__.encode())
    for name in ("summary.py", "visitor.py", "loader.py"):
        digest.update((REPO / "fraglint" / "index" / name).read_bytes())
    return digest.hexdigest()[:16]


def plausible_entry_paths(root: Path, source: Path) -> list[Path]:
    """Where the pickle cache looked for `source`, and where the JSON cache looks."""
    base = root / ".fraglint_cache"
    old_name = hashlib.sha1(str(source).encode()).hexdigest()
    new_slot = Path(SummaryCache(str(root)).entry_path(str(source)))
    return [
        base / _old_format_key() / f"{old_name}.pickle",
        base / format_key() / f"{old_name}.pickle",
        new_slot,
        new_slot.with_suffix(".pickle"),
    ]


def commit_payload(root: Path, payload: bytes) -> None:
    for source in (root / "app.py", root / "helpers.py"):
        for entry in plausible_entry_paths(root, source):
            entry.parent.mkdir(parents=True, exist_ok=True)
            entry.write_bytes(payload)


def test_committed_pickle_that_runs_a_command_is_not_loaded(tmp_path):
    root = make_project(tmp_path / "project")
    marker = tmp_path / "pwned"
    commit_payload(root, pickle.dumps((None, _RunsShell(f"touch {marker}"))))
    code, output = check_json(str(root))
    assert not marker.exists()
    assert code == 1 and rule_names(output) == [("outside-container-write", "app.py", 10)]


def test_committed_pickle_that_exits_zero_does_not_silence_the_check(tmp_path):
    root = make_project(tmp_path / "project")
    commit_payload(root, pickle.dumps(_ExitsZero()))
    code, output = check_json(str(root))
    assert code == 1 and rule_names(output) == [("outside-container-write", "app.py", 10)]


# -- a cache never changes what a check reports -----------------------------------------------


def test_entry_of_other_bytes_with_the_same_size_and_mtime_is_not_used(tmp_path):
    root = make_project(tmp_path / "project", CLEAN_LINE)
    app = root / "app.py"
    assert check_json(str(root))[0] == 0  # warms the cache
    before = app.stat()
    app.write_text(APP.format(line=FINDING_LINE))
    os.utime(app, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert app.stat().st_size == before.st_size
    code, output = check_json(str(root))
    assert code == 1 and rule_names(output) == [("outside-container-write", "app.py", 10)]


CORRUPTIONS = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "empty": lambda raw: b"",
    "not utf-8": lambda raw: raw[:70] + b"\xff\xfe" + raw[70:],
    "wrong types": lambda raw: raw.replace(b"false", b"0").replace(b"true", b'"yes"'),
    "a pickle": lambda raw: pickle.dumps(raw),
}


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=list(CORRUPTIONS))
def test_corrupt_entries_are_ignored(tmp_path, corrupt):
    root = make_project(tmp_path / "project")
    cold = check_json(str(root))
    entries = sorted((root / ".fraglint_cache").glob("*/*"))  # summaries, and the spans of placed statements
    assert len([entry for entry in entries if entry.suffix == ".json"]) == 2
    for entry in entries:
        entry.write_bytes(CORRUPTIONS[corrupt](entry.read_bytes()))
    assert check_json(str(root)) == cold


def test_cache_dir_option_and_environment_keep_the_project_clean(tmp_path):
    root = make_project(tmp_path / "project")
    reference = check_json(str(root), "--no-cache")
    assert not (root / ".fraglint_cache").exists()
    by_option, by_env = tmp_path / "by-option", tmp_path / "by-env"
    assert check_json(str(root), "--cache-dir", str(by_option)) == reference
    assert check_json(str(root), env={"FRAGLINT_CACHE_DIR": str(by_env)}) == reference
    for directory in (by_option, by_env):
        assert len(list(directory.glob(f"{format_key()}/*.json"))) == 2
        assert (directory / ".gitignore").read_text().endswith("*\n")
    assert not (root / ".fraglint_cache").exists()
    result = run_cli("scopes", str(root), "--cache-dir", str(tmp_path / "scopes"))
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "scopes").glob("*/*.json"))) == 2
    assert not (root / ".fraglint_cache").exists()


def test_cache_dir_in_pyproject_is_relative_to_the_root(tmp_path):
    root = make_project(tmp_path / "project")
    with open(root / "pyproject.toml", "a") as handle:
        handle.write('\n[tool.fraglint]\ncache-dir = "build/lint-cache"\n')
    reference = check_json(str(root), "--no-cache")
    assert check_json(str(root / "app.py")) == reference
    assert len(list((root / "build" / "lint-cache").glob("*/*.json"))) == 2
    assert not (root / ".fraglint_cache").exists()
    overridden = tmp_path / "env"
    assert check_json(str(root), env={"FRAGLINT_CACHE_DIR": str(overridden)}) == reference
    assert len(list(overridden.glob("*/*.json"))) == 2


def test_cache_dir_in_pyproject_must_be_a_string(tmp_path):
    root = make_project(tmp_path / "project")
    with open(root / "pyproject.toml", "a") as handle:
        handle.write("\n[tool.fraglint]\ncache-dir = 3\n")
    result = run_cli("check", str(root))
    assert result.returncode == 2 and "cache-dir must be a path" in result.stderr


def test_warm_run_equals_cold_run_on_the_fixtures(tmp_path):
    fixtures = shutil.copytree(REPO / "fixtures", tmp_path / "fixtures")
    cache_dir = tmp_path / "cache"
    cold = run_cli("check", "--output-format", "json", str(fixtures), "--cache-dir", str(cache_dir))
    entries = list(cache_dir.glob("*/*.json"))
    # every Python file but the one project_config's own `extend-exclude = ["legacy/"]` skips
    checked = [path for path in fixtures.rglob("*.py") if "project_config/legacy" not in path.as_posix()]
    assert len(entries) == len(checked) == len(list(fixtures.rglob("*.py"))) - 1
    warm = run_cli("check", "--output-format", "json", str(fixtures), "--cache-dir", str(cache_dir))
    assert cold.returncode == warm.returncode == 1
    assert warm.stdout == cold.stdout and warm.stderr == cold.stderr


def test_two_concurrent_checks_on_one_cache_dir(tmp_path):
    roots = [make_project(tmp_path / "a"), make_project(tmp_path / "b", CLEAN_LINE)]
    for root in roots:  # enough files for both to write many entries at the same time
        for n in range(40):
            (root / f"page_{n}.py").write_text(APP.format(line=FINDING_LINE if n % 2 else CLEAN_LINE))
    expected = [check_json(str(root), "--no-cache") for root in roots]
    cache_dir = tmp_path / "shared"
    env = {**os.environ, "NO_COLOR": "1", "FRAGLINT_CACHE_DIR": str(cache_dir)}
    for _ in range(2):  # cold (both write), then warm (both read what the other wrote)
        runs = [
            subprocess.Popen([sys.executable, "-m", "fraglint", "check", "--output-format", "json", str(root)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            for root in roots * 2
        ]
        outputs = [(run.wait(timeout=300), run.stdout.read()) for run in runs]
        for run in runs:
            run.stdout.close()
            run.stderr.close()
        assert outputs == expected * 2
    assert len(list(cache_dir.glob("*/*.json"))) == 84
    assert not list(cache_dir.glob("*/*.tmp"))


# -- cache places that are not what they seem ---------------------------------------------------


def test_cache_dir_that_is_a_file_is_not_used(tmp_path):
    root = make_project(tmp_path / "project")
    (root / ".fraglint_cache").write_text("not a directory")
    reference = check_json(str(root), "--no-cache")
    assert check_json(str(root)) == reference
    assert (root / ".fraglint_cache").read_text() == "not a directory"


def test_default_cache_dir_symlinked_out_of_the_project_is_not_followed(tmp_path):
    root = make_project(tmp_path / "project")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".fraglint_cache").symlink_to(outside)
    reference = check_json(str(root), "--no-cache")
    assert check_json(str(root)) == reference
    assert list(outside.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_and_symlinked_entries_neither_hang_nor_crash(tmp_path):
    root = make_project(tmp_path / "project")
    reference = check_json(str(root), "--no-cache")
    for source, target in ((root / "app.py", None), (root / "helpers.py", "/dev/zero")):
        for entry in plausible_entry_paths(root, source):
            entry.parent.mkdir(parents=True, exist_ok=True)
            if target is None:
                os.mkfifo(entry)
            else:
                entry.symlink_to(target)
    assert check_json(str(root)) == reference  # run_cli's timeout fails a hang


def test_huge_entry_is_not_read(tmp_path):
    root = make_project(tmp_path / "project")
    reference = check_json(str(root), "--no-cache")
    for source in (root / "app.py", root / "helpers.py"):
        for entry in plausible_entry_paths(root, source):
            entry.parent.mkdir(parents=True, exist_ok=True)
            with open(entry, "wb") as handle:
                handle.truncate(2 * 1024**3)  # sparse: no disk used
    assert check_json(str(root)) == reference


# -- the store itself -----------------------------------------------------------------------------


@pytest.fixture
def stored(tmp_path):
    """A cache holding the entry of one real file: (cache, path, bytes, summary, entry file)."""
    root = make_project(tmp_path / "project")
    path = str(root / "app.py")
    data = read_source(path)
    summary = summarize_file(path)
    cache = SummaryCache(str(root))
    cache.put(path, data, summary)
    return cache, path, data, summary, Path(cache.entry_path(path))


def _reopen(cache: SummaryCache) -> SummaryCache:
    return SummaryCache(os.path.dirname(cache.base))


def test_put_then_get_gives_the_summary_back(stored):
    cache, path, data, summary, _ = stored
    assert _reopen(cache).get(path, data) == summary
    assert _reopen(cache).get(path, data + b"\n") is None


def _valid_prefix(path: str, data: bytes) -> bytes:
    return b'["' + entry_key(path, data).encode() + b'",'


HOSTILE = {
    "deep nesting": lambda prefix, raw: prefix + b"[" * 200_000 + b"]" * 200_000 + b"]",
    "bool for an int": lambda prefix, raw: raw.replace(b",0,", b",false,", 1),
    "string for a list": lambda prefix, raw: raw.replace(b"[]", b'""', 1),
    "missing field": lambda prefix, raw: raw.replace(b',"<module>",0,', b',"<module>",', 1),
    "unknown tag": lambda prefix, raw: raw.replace(b'"ModuleSummary"', b'"os.system"', 1),
    "trailing data": lambda prefix, raw: raw + b"[]",
    "NaN for an int": lambda prefix, raw: raw.replace(b",0,", b",NaN,", 1),
    "non-utf-8": lambda prefix, raw: prefix + b'["ModuleSummary",["\xff"]]]',
    "truncated": lambda prefix, raw: raw[:-3],
    "over the size bound": lambda prefix, raw: raw[:-1] + b" " * (cache_module.entry_limit(len(raw)) + 1) + b"]",
    "a pickle": lambda prefix, raw: pickle.dumps(_RunsShell("false")),
}


@pytest.mark.parametrize("hostile", HOSTILE, ids=list(HOSTILE))
def test_hostile_entry_is_a_miss(stored, hostile):
    cache, path, data, _, entry = stored
    raw = entry.read_bytes()
    entry.write_bytes(HOSTILE[hostile](_valid_prefix(path, data), raw))
    assert entry.read_bytes() != raw
    assert _reopen(cache).get(path, data) is None


def test_entry_moved_to_another_path_is_a_miss(stored, tmp_path):
    cache, path, data, _, entry = stored
    other = str(Path(path).with_name("copy.py"))
    shutil.copy(entry, cache.entry_path(other))
    assert _reopen(cache).get(other, data) is None


def test_entry_claiming_another_path_is_a_miss(stored):
    cache, path, data, summary, entry = stored
    forged = ModuleSummary(path + "x", summary.functions, summary.classes)
    entry.write_bytes(SUMMARY_CODEC.dumps(Entry, (entry_key(path, data), forged)))
    assert _reopen(cache).get(path, data) is None


def test_read_only_place_means_no_cache_and_no_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = SummaryCache(str(tmp_path), directory=str(blocker / "cache"))
    path = str(make_project(tmp_path / "project") / "app.py")
    cache.put(path, read_source(path), summarize_file(path))
    assert not cache.enabled and cache.get(path, read_source(path)) is None


def test_stale_format_directories_are_pruned(tmp_path):
    month_ago = time.time() - 31 * 24 * 3600
    stale, recent, foreign = tmp_path / ("a" * 16), tmp_path / ("b" * 16), tmp_path / ("c" * 16)
    current = tmp_path / format_key()
    for directory in (stale, recent, foreign, current):
        directory.mkdir()
        (directory / "x.json").write_text("[]")
        (directory / "y.pickle").write_bytes(b"")
    (foreign / "notes.txt").write_text("someone else's")
    for directory in (stale, foreign, current):
        os.utime(directory, (month_ago, month_ago))
    prune_stale(str(tmp_path), keep=format_key())
    assert not stale.exists()
    assert recent.exists() and foreign.exists() and current.exists()


# -- the codec --------------------------------------------------------------------------------------


def _fixture_sources() -> list[Path]:
    return sorted((REPO / "fixtures").rglob("*.py"))


@pytest.mark.parametrize("codec", [SUMMARY_CODEC, Codec(compact=False)], ids=["arrays", "objects"])
def test_every_fixture_summary_round_trips(codec):
    sources = _fixture_sources()
    assert len(sources) > 50
    for source in sources:
        summary = summarize_file(str(source))
        assert isinstance(summary, ModuleSummary), source
        assert codec.loads(Summary, codec.dumps(Summary, summary)) == summary, source


def test_decoded_summaries_share_their_names_and_refs(tmp_path):
    """Thousands of summaries stay in memory: equal names and name chains are one object each."""
    (tmp_path / "app.py").write_text("import streamlit as st\n\nst.write('a')\nst.title('b')\n")
    (tmp_path / "page.py").write_text("import streamlit as st\n\nst.write('c')\n")
    one, two = (summarize_file(str(tmp_path / name)) for name in ("app.py", "page.py"))
    assert isinstance(one, ModuleSummary) and isinstance(two, ModuleSummary)
    one, two = (SUMMARY_CODEC.loads(Summary, SUMMARY_CODEC.dumps(Summary, summary)) for summary in (one, two))
    first, second = one.module_scope.calls[0], two.module_scope.calls[0]
    assert first.func == second.func == ("st", "write")
    assert first.func is second.func
    assert one.module_scope.imports["st"].module is two.module_scope.imports["st"].module


def test_input_problems_round_trip(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_bytes(b"def f(:\n")
    problem = summarize_file(str(broken))
    assert isinstance(problem, InputProblem)
    assert SUMMARY_CODEC.loads(Summary, SUMMARY_CODEC.dumps(Summary, problem)) == problem


class Colour(Enum):
    RED = "red"
    GREEN = "green"


@dataclass
class Swatch:
    colour: Colour
    shades: dict[int, tuple[Colour, ...]] = field(default_factory=dict)
    tags: set[str] = field(default_factory=set)
    parent: Swatch | None = None
    weight: float = 1.0


def test_enums_non_string_keys_sets_and_recursion_round_trip():
    swatch = Swatch(Colour.RED, {1: (Colour.GREEN, Colour.RED)}, {"b", "a"}, Swatch(Colour.GREEN), 0.5)
    plain = SUMMARY_CODEC.encode(Swatch, swatch)
    assert plain[0] == "red" and plain[1] == [1, ["green", "red"]] and plain[2] == ["a", "b"]
    assert SUMMARY_CODEC.decode(Swatch, json.loads(json.dumps(plain))) == swatch


@pytest.mark.parametrize(
    "plain",
    [
        ["blue", [], [], None, 1.0],  # not a Colour
        ["red", [1], [], None, 1.0],  # a key without a value
        ["red", [1, ["red"], 1, ["red"]], [], None, 1.0],  # a key twice
        ["red", [True, ["red"]], [], None, 1.0],  # a bool for an int key
        ["red", [], [], None, 1],  # an int for a float
        ["red", [], [], None],  # a field missing
        ["red", [], [], ["red", [], [], None, 1.0, 0], 1.0],  # a field too many, one level down
        {"colour": "red"},  # an object where an array belongs
    ],
)
def test_any_deviation_from_the_annotations_is_invalid(plain):
    with pytest.raises(Invalid):
        SUMMARY_CODEC.decode(Swatch, plain)


def test_encoding_refuses_values_that_do_not_match_their_annotation():
    with pytest.raises(Invalid):
        SUMMARY_CODEC.encode(Swatch, Swatch(Colour.RED, tags=["a"]))  # a list for a set
    with pytest.raises(Invalid):
        SUMMARY_CODEC.encode(Swatch, Swatch("red"))  # a str for an Enum


@dataclass
class SwatchV1:
    colour: Colour


@dataclass
class SwatchV2:  # SwatchV1 after a field was added
    colour: Colour
    name: str = ""


def test_an_entry_written_before_a_field_change_is_invalid_not_wrong():
    old = SUMMARY_CODEC.dumps(SwatchV1, SwatchV1(Colour.RED))
    with pytest.raises(Invalid):
        SUMMARY_CODEC.loads(SwatchV2, old)
    assert SUMMARY_CODEC.loads(SwatchV2, SUMMARY_CODEC.dumps(SwatchV2, SwatchV2(Colour.RED, "x"))) == SwatchV2(Colour.RED, "x")


def test_the_cache_module_imports_neither_pickle_nor_marshal():
    for module in ("cache.py", "serialize.py", "sources.py"):
        text = (REPO / "fraglint" / "index" / module).read_text()
        assert "import pickle" not in text and "import marshal" not in text, module
