"""A fix changes exactly the bytes it says it changes (issue 9, item 7).

Each file goes through the real `fraglint check --fix` and must come out byte for byte as it
went in, but for `experimental_fragment` -> `fragment`: BOM, encoding, line endings, odd line
separators and all. Races and refusals that a subprocess cannot stage are driven through
`fraglint.fixes` directly; the language server's quick fixes through a real LSP client.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import pytest_lsp
from helpers import run_cli, start_lsp_session
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

VERSION = "1.45.0"  # st.fragment exists and st.experimental_fragment is deprecated: a fix is offered
SMALL = b"import streamlit as st\nf = st.experimental_fragment\n"
PYPROJECT = f'[project]\nname = "shop"\ndependencies = ["streamlit=={VERSION}"]\n'


def expected(data: bytes) -> bytes:
    return data.replace(b"experimental_fragment", b"fragment")


def fix(root: Path, *extra: str):
    return run_cli("check", "--fix", "--no-cache", "--output-format", "concise", "--streamlit-version", VERSION, *extra, ".", cwd=root)


def assert_fixed(root: Path, files: dict[str, bytes], count: int) -> None:
    for name, data in files.items():
        (root / name).write_bytes(data)
    result = fix(root)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"fixed {count} problem" in result.stderr, result.stderr
    for name, data in files.items():
        assert (root / name).read_bytes() == expected(data), name


# -- byte for byte, through the CLI ----------------------------------------------------------

APP_LINES = [b"import streamlit as st", b"", b"@st.experimental_fragment", b"def live():", b"    st.write('x')", b"", b"live()"]

# Each of these was corrupted, crashed or silently left unfixed before `fraglint.fixes`.
REGRESSIONS = {
    # the fix on line 1, after a BOM: the spans leave the BOM out, the file keeps it ("stfragmentt")
    "bom-line-1": b"\xef\xbb\xbfimport streamlit as st; f = st.experimental_fragment\n",
    "bom-crlf": b"\xef\xbb\xbfimport streamlit as st; f = st.experimental_fragment\r\n",
    # PEP 263: decoded and written back in latin-1, non-ASCII bytes before the fix (a traceback)
    "latin-1-cookie": b"# -*- coding: latin-1 -*-\nimport streamlit as st\nx = '\xe9t\xe9 \xa7'; f = st.experimental_fragment\n",
    # characters str.splitlines() breaks at but Python does not, before the fix (the fix was dropped)
    "form-feed": b"import streamlit as st\nx = 1;\x0c f = st.experimental_fragment\n",
    "form-feed-line": b"import streamlit as st\n\x0c\nf = st.experimental_fragment\n",
    **{
        f"separator-{ord(char):04x}": f"import streamlit as st\nx = 'a{char}b'; f = st.experimental_fragment\n".encode()
        for char in "\x0b\x1c\x1d\x1e\x85\u2028\u2029"
    },
    "separator-in-an-earlier-line": "import streamlit as st\n# a\u2028b\x85c\x0cd\nf = st.experimental_fragment\n".encode(),
}
# These were right before too (both sides used str.splitlines, which agrees with Python on
# \n, \r\n and \r): they guard the offset arithmetic that replaced it.
GUARDS = {
    "crlf": b"\r\n".join(APP_LINES) + b"  # caf\xc3\xa9\r\n",
    "cr-only": b"\r".join(APP_LINES) + b"\r",
    "mixed-line-endings": b"import streamlit as st\r\nx = 1\ry = 2\nf = st.experimental_fragment\r\n",
    "tabs": b"import streamlit as st\nif True:\n\tx = '\t';\tf =\tst.experimental_fragment\n",
    # columns are code points: 1, 2 and 4 UTF-8 bytes, 1 and 2 UTF-16 units before the fix
    "non-ascii-and-emoji": "import streamlit as st\nx = 'é中😀'; f = st.experimental_fragment\n".encode(),
    "no-final-newline": b"import streamlit as st\nf = st.experimental_fragment",
    "no-final-newline-crlf": b"import streamlit as st\r\n\r\n@st.experimental_fragment\r\ndef f():\r\n    pass\r\n\r\nf()",
}
TWO_ON_ONE_LINE = "import streamlit as st\na = st.experimental_fragment; b = 'é'; c = st.experimental_fragment\n".encode()


@pytest.mark.parametrize(
    ("data", "count"),
    [pytest.param(data, 1, id=name) for name, data in {**REGRESSIONS, **GUARDS}.items()]
    + [pytest.param(TWO_ON_ONE_LINE, 2, id="two-on-one-line")],
)
def test_fix_changes_only_the_fixed_bytes(tmp_path, data, count):
    assert_fixed(tmp_path, {"app.py": data}, count)


def test_fix_through_a_symlink_keeps_the_link(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "app.py").write_bytes(SMALL)
    (tmp_path / "app.py").symlink_to(tmp_path / "real" / "app.py")
    result = fix(tmp_path, "--extend-exclude", "real")
    assert result.returncode == 0 and "fixed 1 problem" in result.stderr, result.stdout + result.stderr
    assert (tmp_path / "app.py").is_symlink()
    assert (tmp_path / "real" / "app.py").read_bytes() == expected(SMALL)


def test_unencodable_replacement_is_refused(tmp_path):
    from fraglint.diagnostics import Edit, Fix, Span
    from fraglint.fixes import fix_source

    data = b"# -*- coding: latin-1 -*-\nimport streamlit as st\nx = '\xe9'; f = st.experimental_fragment\n"
    column = "x = 'é'; f = st.".index("st.") + 4  # 1-based, in code points
    good = Fix("Use `st.fragment`", (Edit(Span(3, column, 3, column + len("experimental_fragment")), "fragment"),))
    bad = Fix("Rename", (Edit(Span(3, 1, 3, 2), "\u0151"),))  # a letter latin-1 has no byte for
    new, plan = fix_source(str(tmp_path / "app.py"), data, [bad, good])
    assert new == expected(data)
    assert plan.applied == (good,)
    assert [(fix, reason) for fix, reason in plan.refused] == [(bad, "'ő' cannot be written in the file's encoding (iso-8859-1)")]


# -- files that cannot be written ------------------------------------------------------------


@contextmanager
def read_only(path: Path):
    """Make `path` (a file or a directory) unwritable, even for root, or skip saying why not."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(stat.S_IMODE(mode) & ~0o222)
        try:
            yield
        finally:
            path.chmod(stat.S_IMODE(mode))
        return
    # root writes through permission bits; the immutable attribute stops it (ext4, xfs, btrfs)
    chattr = shutil.which("chattr")
    made = chattr and subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True)
    if not made or made.returncode != 0:
        pytest.skip(f"running as root, and `chattr +i` is not available here ({made.stderr.strip() if made else 'no chattr'})")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


def test_read_only_file_is_reported_and_the_others_fixed(tmp_path):
    for name in ("a.py", "b.py", "c.py"):
        (tmp_path / name).write_bytes(SMALL)
    with read_only(tmp_path / "b.py"):
        result = fix(tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert "fraglint: error: b.py: is read-only; not fixed" in result.stderr
    assert "fixed 2 problems" in result.stderr
    assert (tmp_path / "a.py").read_bytes() == (tmp_path / "c.py").read_bytes() == expected(SMALL)
    assert (tmp_path / "b.py").read_bytes() == SMALL
    assert result.returncode == 1  # b.py's problem remains, and is reported
    assert re.findall(r"^(\S+?):\d+:\d+: FRG108", result.stdout, re.MULTILINE) == ["b.py"]


def test_unwritable_directory_is_reported_and_the_others_fixed(tmp_path):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "app.py").write_bytes(SMALL)
    (tmp_path / "app.py").write_bytes(SMALL)
    with read_only(tmp_path / "locked"):
        result = fix(tmp_path)
        assert os.listdir(tmp_path / "locked") == ["app.py"]
    assert "Traceback" not in result.stderr, result.stderr
    assert re.search(r"locked/app\.py: cannot write in its directory \(.+\); not fixed", result.stderr), result.stderr
    assert (tmp_path / "app.py").read_bytes() == expected(SMALL)
    assert (tmp_path / "locked" / "app.py").read_bytes() == SMALL
    assert result.returncode == 1


def test_fixed_file_keeps_its_permission_bits(tmp_path):
    (tmp_path / "app.py").write_bytes(SMALL)
    (tmp_path / "app.py").chmod(0o751)
    assert_fixed(tmp_path, {}, 1)
    assert (tmp_path / "app.py").read_bytes() == expected(SMALL)
    assert stat.S_IMODE((tmp_path / "app.py").stat().st_mode) == 0o751
    assert sorted(os.listdir(tmp_path)) == ["app.py"]  # no temporary file left behind


# -- a file that changed after the check -----------------------------------------------------


def checked(root: Path, data: bytes):
    from fraglint.config import Settings
    from fraglint.engine import run_check
    from fraglint.model import versions

    (root / "app.py").write_bytes(data)
    settings = Settings(root=str(root), cache=False)
    settings.streamlit_version = versions.parse_version(VERSION)
    return run_check([str(root)], settings, jobs=1)


def test_file_changed_after_the_check_is_not_fixed(tmp_path):
    from fraglint.fixes import CHANGED, fix_files

    result = checked(tmp_path, SMALL)
    assert [d.fix is not None for d in result.diagnostics] == [True]
    edited = b"import os\n" + SMALL.replace(b"f =", b"ff =")  # the old fix would now cut into the code
    (tmp_path / "app.py").write_bytes(edited)
    [outcome] = fix_files(result.diagnostics, result.source_digests)
    assert outcome.fixed == 0 and [r.message for r in outcome.refusals] == [f"{CHANGED}; not fixed"]
    assert (tmp_path / "app.py").read_bytes() == edited


def test_file_changed_while_the_fix_is_written_is_not_replaced(tmp_path):
    from fraglint.fixes import CHANGED, replace_file
    from fraglint.source_text import source_digest

    (tmp_path / "app.py").write_bytes(SMALL)
    (tmp_path / "app.py").write_bytes(b"# saved by the editor meanwhile\n" + SMALL)
    problem = replace_file(str(tmp_path / "app.py"), source_digest(SMALL), expected(SMALL))
    assert problem == CHANGED
    assert (tmp_path / "app.py").read_bytes() == b"# saved by the editor meanwhile\n" + SMALL
    assert os.listdir(tmp_path) == ["app.py"]


def test_fix_that_would_not_parse_is_refused(tmp_path):
    from fraglint.diagnostics import Edit, Fix
    from fraglint.fixes import fix_files

    data = b"import streamlit as st\na = st.experimental_fragment\nb = st.experimental_fragment\n"
    result = checked(tmp_path, data)
    first, second = (d for d in result.diagnostics if d.fix is not None)
    broken = Fix("Break it", (Edit(second.fix.edits[0].span, "fragment("),))
    diagnostics = [first, type(second)(**{**second.__dict__, "fix": broken})]
    [outcome] = fix_files(diagnostics, result.source_digests)
    assert outcome.fixed == 1
    assert [(r.line, r.message) for r in outcome.refusals] == [(3, "fix not applied (Break it): the code would no longer parse")]
    assert (tmp_path / "app.py").read_bytes() == data.replace(b"a = st.experimental_fragment", b"a = st.fragment")


def test_overlapping_fixes_apply_the_first(tmp_path):
    from fraglint.diagnostics import Edit, Fix, Span
    from fraglint.fixes import plan_fixes

    text = "import streamlit as st\nf = st.experimental_fragment\n"
    first = Fix("one", (Edit(Span(2, 8, 2, 29), "fragment"),))
    same = Fix("same change", (Edit(Span(2, 8, 2, 29), "fragment"),))
    other = Fix("another", (Edit(Span(2, 20, 2, 29), "thing"),))
    plan = plan_fixes(text, [first, same, other])
    assert plan.text == "import streamlit as st\nf = st.fragment\n"
    assert plan.applied == (first, same)
    assert [fix for fix, _ in plan.refused] == [other]


# -- the language server ---------------------------------------------------------------------


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "fraglint", "lsp"]))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    await start_lsp_session(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()


def apply_lsp_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    """What an editor does with TextEdits: LSP lines (\\n, \\r\\n, \\r), UTF-16 characters."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def offset(position: lsp.Position) -> int:
        at, units = starts[position.line], 0
        while units < position.character:
            units += 2 if ord(text[at]) > 0xFFFF else 1
            at += 1
        assert units == position.character, "a position inside a surrogate pair"
        return at

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def code_actions(client: LanguageClient, uri: str) -> list[lsp.CodeAction]:
    """Wait for the FRG108 diagnostic of the open document and return its quick fixes."""
    found: list[lsp.Diagnostic] = []
    deadline = time.monotonic() + 30
    while not found:
        assert time.monotonic() < deadline, f"no FRG108 diagnostic; got {client.diagnostics.get(uri)}"
        await asyncio.sleep(0.02)
        found = [d for d in client.diagnostics.get(uri, []) if d.code == "FRG108"]
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=found[0].range,
            context=lsp.CodeActionContext(diagnostics=found[:1], only=[lsp.CodeActionKind.QuickFix]),
        )
    )
    return actions or []


LSP_CASES = {
    # pygls's document.lines breaks at \u2028 and \x0c, LSP and Python do not (the range was off)
    "separators-before-the-fix": "import streamlit as st\nx = '\u2028'; y = 1;\x0c z = '😀'; f = st.experimental_fragment\n",
    # right before too: an emoji is two UTF-16 units, so the range starts one unit later per emoji
    "emoji-before-the-fix": "import streamlit as st\nx = '😀é'; f = st.experimental_fragment\n",
    "crlf-and-emoji": "import streamlit as st\r\n# 😀😀\r\nx = '😀'; f = st.experimental_fragment\r\n",
}


@pytest.mark.asyncio
@pytest.mark.parametrize("text", LSP_CASES.values(), ids=LSP_CASES.keys())
async def test_quick_fixes_replace_exactly_their_range(client: LanguageClient, text: str):
    path = client.root / "app.py"
    path.write_text(text, encoding="utf-8", newline="")
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    actions = await code_actions(client, uri)
    fix = next(a for a in actions if a.is_preferred)
    assert apply_lsp_edits(text, fix.edit.changes[uri]) == text.replace("experimental_fragment", "fragment")
    suppress = next(a for a in actions if "noqa" in a.title)
    noqa = text.replace("experimental_fragment", "experimental_fragment  # noqa: FRG108")
    assert apply_lsp_edits(text, suppress.edit.changes[uri]) == noqa
