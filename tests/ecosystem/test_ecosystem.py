"""The ecosystem check: fraglint on real distributions agrees with the triaged snapshot.

`test_ecosystem_matches_snapshot` downloads the pinned wheels (once, into .ecosystem-cache/),
runs the real CLI on each and fails on a crash, a new, changed or gone finding, or an untriaged
one; the failure prints what `python tests/ecosystem/run.py` prints. Offline it skips, except
in CI (`CI` set), where it fails. The reduced set runs by default; FRAGLINT_ECOSYSTEM=full runs
every distribution. The other tests check the harness itself, offline.
"""

from __future__ import annotations

import os
import stat
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as ecosystem
from distributions import Distribution, DownloadError, UnsafeArchive, declared_target, load_projects, unpack
from snapshot import VERDICTS, Finding, Triaged, compare, load, updated


def test_ecosystem_matches_snapshot():
    full = os.environ.get("FRAGLINT_ECOSYSTEM", "").lower() in ("full", "all", "1")
    dists = ecosystem.selected(load_projects(), full, [])
    try:
        runs, _ = ecosystem.run_all(dists)
    except DownloadError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the ecosystem distributions could not be downloaded in CI: {exc}")
        pytest.skip(f"the ecosystem distributions could not be downloaded (offline?): {exc}")
    crashes = [f"{r.dist.name}: {r.crash}" for r in runs if r.crash]
    assert not crashes, "fraglint crashed on real code:\n" + "\n".join(crashes)
    comparison = compare([f for r in runs for f in r.findings], load(), {d.name for d in dists})
    lines = ecosystem.report(comparison, {r.dist.name: r.root for r in runs})
    assert comparison.clean, (
        "fraglint's findings on the ecosystem set differ from tests/ecosystem/snapshot.json "
        "(`python tests/ecosystem/run.py --update`, then triage each untriaged entry; a GONE true "
        "finding is a lost detection):\n" + "\n".join(lines)
    )


def test_snapshot_is_triaged_and_names_known_projects():
    names = {d.name for d in load_projects()}
    for entry in load():
        assert entry.finding.project in names, entry
        assert entry.verdict in VERDICTS, entry
        if entry.verdict != "untriaged":
            assert entry.why.strip(), f"a {entry.verdict} verdict needs a one-line why: {entry.finding}"


def test_projects_are_pinned_wheels():
    for dist in load_projects():
        assert len(dist.sha256) == 64 and all(c in "0123456789abcdef" for c in dist.sha256), dist
        assert dist.file.endswith(".whl") and f"-{dist.version}-" in dist.file, dist
        assert dist.why and dist.check, dist


def _dist(sha: str = "0" * 64) -> Distribution:
    return Distribution("demo", "1.0", "demo-1.0-py3-none-any.whl", sha, ".", "test", True)


def _wheel(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in members:
            archive.writestr(info, data)
    return path


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


METADATA = b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: streamlit (>=1.40)\nRequires-Dist: pandas\n"


def test_unpack_keeps_python_files_and_declares_the_wheels_streamlit_requirement(tmp_path):
    wheel = _wheel(tmp_path / "demo.whl", [
        ("demo/app.py", b"import streamlit as st\n"), ("demo/data.bin", b"\0"), ("demo-1.0.dist-info/METADATA", METADATA),
    ])
    root = unpack(_dist(), wheel, tmp_path / "cache")
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [
        ".unpacked", "demo/app.py", "pyproject.toml",
    ]
    assert 'dependencies = ["streamlit>=1.40"]' in (root / "pyproject.toml").read_text()


@pytest.mark.parametrize("member", [
    ("../escape.py", b"x = 1\n"),
    ("/abs/escape.py", b"x = 1\n"),
    ("demo/./a.py", b"x = 1\n"),
    ("demo\\..\\a.py", b"x = 1\n"),
    ("demo/a\nb.py", b"x = 1\n"),
    (_link("demo/link.py"), b"/etc/passwd"),
    ("demo/huge.py", b"#" * (10 * 2**20 + 1)),
])
def test_unpack_refuses_what_could_leave_the_folder_or_exhaust_the_disk(tmp_path, member):
    wheel = _wheel(tmp_path / "bad.whl", [member])
    with pytest.raises(UnsafeArchive):
        unpack(_dist(), wheel, tmp_path / "cache")
    assert not (tmp_path / "escape.py").exists()


def test_declared_target_without_streamlit_declares_nothing():
    assert "dependencies = []" in declared_target(_dist(), b"Name: demo\nRequires-Dist: pandas\n")


def _finding(line: int, message: str, project: str = "p") -> Finding:
    return Finding(project, "app.py", line, "FRG103", "fragment-return-value", message)


def test_compare_sorts_findings_into_kept_changed_new_and_gone():
    snapshot = [
        Triaged(_finding(1, "same"), "true", "why"),
        Triaged(_finding(2, "old text"), "false", "why"),
        Triaged(_finding(3, "fixed"), "false", "why"),
        Triaged(_finding(9, "elsewhere", "q"), "true", "why"),
    ]
    found = [_finding(1, "same"), _finding(2, "new text"), _finding(4, "fresh")]
    result = compare(found, snapshot, {"p"})
    assert [e.finding.line for e in result.kept] == [1]
    assert [(old.finding.message, now.message) for old, now in result.changed] == [("old text", "new text")]
    assert [f.line for f in result.new] == [4]
    assert [e.finding.line for e in result.gone] == [3]
    assert not result.clean
    after = updated(snapshot, result, {"p"})
    assert {(e.finding.project, e.finding.line, e.verdict) for e in after} == {
        ("p", 1, "true"), ("p", 2, "untriaged"), ("p", 4, "untriaged"), ("q", 9, "true"),
    }


def test_count_fragments_counts_decorators_by_name_even_where_ast_cannot_parse():
    source = (
        b"import streamlit as st\n@st.fragment(run_every=2)\ndef a(): pass\n"
        b"@compat.st_dialog('x')\ndef b(): pass\n@st.cache_data\ndef c(): pass\n"
    )
    assert ecosystem.count_fragments(source) == 2
    assert ecosystem.count_fragments(b"@st.fragment\ndef a():\n    pass\ndef (:\n") == 1


def test_count_fragments_keeps_the_projects_warnings_out_of_the_run():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert ecosystem.count_fragments(b"import re\nr = '\\('\n@st.dialog('x')\ndef d(): pass\n") == 1
    assert caught == []


def test_context_shows_numbered_lines_with_control_characters_escaped(tmp_path):
    (tmp_path / "app.py").write_text("a = 1\nb = '\x1b[31m'\nc = 3\n", encoding="utf-8")
    lines = ecosystem.context(tmp_path, _finding(2, "m"))
    assert lines[1].startswith("    >    2 | ") and "\\x1b" in lines[1] and "\x1b" not in "".join(lines)
