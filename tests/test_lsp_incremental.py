"""The language server's incremental checks, end to end: what it publishes after every edit is
what a fresh `fraglint check` of the same texts says.

Between checks the server keeps the last check's index, model and findings (the whole of them
when no summary changed, per module otherwise) and the project's file list (while no folder
changed). Each test edits modules of a multi-module project through a real LSP client in ways
that change what *other* files are told (a helper becomes a fragment, so a fragment calling it
in another file nests fragments; an import goes; a function is renamed; a file appears on
disk), and after each edit waits until every open document's diagnostics equal those of
`fraglint check --output-format json` run on a copy of the project holding the editor's texts.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
import sys
import textwrap
import time
from pathlib import Path

import pytest
import pytest_lsp
from helpers import open_document, run_cli, start_lsp_session
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from fraglint import engine
from fraglint.workspace import Workspace

SERVER = [sys.executable, "-m", "fraglint", "lsp"]

# streamlit 1.36 (`st.experimental_fragment`): a fragment called while another runs is reported (nested-fragment).
FILES = {
    "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["streamlit==1.36.0"]\n',
    "app.py": textwrap.dedent(
        """\
        import streamlit as st
        from panels import side, totals

        @st.experimental_fragment
        def live():
            side()
            st.button("refresh")

        live()
        st.write(totals())
        """
    ),
    "panels.py": textwrap.dedent(
        """\
        import streamlit as st

        def side():
            st.sidebar.write("menu")

        def totals():
            return 3
        """
    ),
    "pages/report.py": textwrap.dedent(
        """\
        import streamlit as st
        from panels import totals

        @st.experimental_fragment
        def chart():
            st.line_chart([totals()])

        chart()
        """
    ),
}

# Successive texts of panels.py, each a small edit of the one before, each changing (or not)
# what app.py and pages/report.py are told.
PANELS = FILES["panels.py"]
PANELS_EDITS = [
    ("a comment", PANELS.replace('"menu")', '"menu")  # typed')),
    ("side becomes a fragment", PANELS.replace("def side():", "@st.experimental_fragment\ndef side():")),
    ("totals becomes a fragment too", PANELS.replace("def side():", "@st.experimental_fragment\ndef side():").replace("def totals():", "@st.experimental_fragment\ndef totals():")),
    ("a comment again", PANELS.replace("def side():", "@st.experimental_fragment\ndef side():").replace("def totals():", "@st.experimental_fragment\ndef totals():") + "# end\n"),
    ("both plain again", PANELS),
    ("side renamed", PANELS.replace("def side():", "def side_panel():")),
    ("streamlit imported under another name", PANELS.replace("import streamlit as st", "import streamlit as stl\nst = stl")),
    ("a syntax error", PANELS.replace("def side():", "def side(:")),
    ("the original", PANELS),
]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    await start_lsp_session(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()


def _change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def _fresh(root: Path, scratch: Path, buffers: dict[str, str]) -> dict[str, list[tuple]]:
    """`fraglint check --output-format json` of a copy of the project holding the editor's texts:
    per file, its (code, 0-based line, 0-based column, message) findings."""
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".fraglint_cache"))
    for name, text in buffers.items():
        (scratch / name).write_text(text, encoding="utf-8")
    result = run_cli("check", "--no-cache", "--exit-zero", "--output-format", "json", ".", cwd=scratch)
    found: dict[str, list[tuple]] = {}
    for item in json.loads(result.stdout):
        name = Path(item["path"]).as_posix()
        found.setdefault(name, []).append((item["code"], item["line"] - 1, item["column"] - 1, item["message"]))
    return {name: sorted(items) for name, items in found.items()}


def _published(client: LanguageClient, uri: str) -> list[tuple] | None:
    found = client.diagnostics.get(uri)
    if found is None:
        return None
    # The server's message ends in " [rule-name]"; the CLI's JSON has the message alone.
    return sorted((d.code, d.range.start.line, d.range.start.character, d.message.rsplit(" [", 1)[0]) for d in found)


async def _until_fresh(client: LanguageClient, uris: dict[str, str], expected: dict[str, list[tuple]], what: str) -> None:
    """Wait until every open document shows what the fresh check says, then make sure no later
    publication (a check of the other files after the edit) takes it back."""
    deadline = time.monotonic() + 60
    while True:
        published = {name: _published(client, uri) for name, uri in uris.items()}
        if all(published[name] == expected.get(name, []) for name in uris):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"after {what}: the server published {published}, a fresh check says {expected}")
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    published = {name: _published(client, uri) for name, uri in uris.items()}
    assert all(published[name] == expected.get(name, []) for name in uris), f"after {what}: {published} != {expected}"


@pytest.mark.asyncio
async def test_edits_to_a_helper_module_match_a_fresh_check_in_every_open_file(client: LanguageClient, tmp_path: Path):
    root = client.root
    uris = {name: open_document(client, root / name) for name in ("app.py", "pages/report.py", "panels.py")}
    scratch = tmp_path.parent / (tmp_path.name + "-fresh")
    expected = _fresh(root, scratch, {})
    assert expected.get("app.py") == [] or expected.get("app.py") is None  # plain helpers: nothing yet
    await _until_fresh(client, uris, expected, "opening")
    seen_nested = False
    for version, (what, text) in enumerate(PANELS_EDITS, start=2):
        _change(client, uris["panels.py"], version, text)
        expected = _fresh(root, scratch, {"panels.py": text})
        seen_nested |= any(code == "FRG101" for code, *_ in expected.get("app.py", []))
        await _until_fresh(client, uris, expected, what)
    assert seen_nested, "no edit made app.py's fragment nest another: the scenario tests nothing"


@pytest.mark.asyncio
async def test_a_new_file_on_disk_is_found_without_a_restart(client: LanguageClient, tmp_path: Path):
    """app.py imports a module that does not exist yet; it appears on disk (as a checkout or
    another editor writes it), and the next edit of app.py sees the fragment it defines."""
    root = client.root
    app = FILES["app.py"].replace("from panels import side, totals", "from panels import side, totals\nfrom extra import more")
    app = app.replace("    side()\n", "    side()\n    more()\n")
    (root / "app.py").write_text(app, encoding="utf-8")
    uris = {"app.py": open_document(client, root / "app.py")}
    scratch = tmp_path.parent / (tmp_path.name + "-fresh")
    await _until_fresh(client, uris, _fresh(root, scratch, {}), "opening")
    (root / "extra.py").write_text("import streamlit as st\n\n@st.experimental_fragment\ndef more():\n    st.write('more')\n", encoding="utf-8")
    _change(client, uris["app.py"], 2, app + "# typed\n")
    expected = _fresh(root, scratch, {"app.py": app + "# typed\n"})
    assert any(code == "FRG101" for code, *_ in expected["app.py"])  # more() is a fragment called inside live()
    await _until_fresh(client, uris, expected, "extra.py appeared on disk")


# -- in process: what is reused ------------------------------------------------------------


def _project(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _check(workspace: Workspace, path: Path, text: str, others: dict[str, str] | None = None) -> tuple[list, engine.Project]:
    found = workspace.check(str(path), text, others)
    settings, _ = workspace.settings.for_path(str(path))
    settings = dataclasses.replace(settings, cache=False)  # a cache folder written would be a change on disk
    fresh = engine.run_check([str(path)], settings, buffers={**(others or {}), str(path): text}, jobs=1)
    assert found == [d for d in fresh.diagnostics if d.path == str(path)]
    return found, workspace._last[settings.root]


def test_a_comment_keeps_the_whole_model_and_a_real_edit_does_not(tmp_path):
    root = _project(tmp_path)
    workspace = Workspace()
    panels = root / "panels.py"
    _check(workspace, panels, PANELS)  # writes the summary cache's folder: the root changed once
    _, first = _check(workspace, panels, PANELS)
    _, commented = _check(workspace, panels, PANELS.replace('"menu")', '"menu")  # typed'))
    assert commented.model is first.model and commented.index is first.index
    assert commented.discovered is first.discovered  # no file appeared: the same list
    _, fragment = _check(workspace, panels, PANELS.replace("def side():", "@st.experimental_fragment\ndef side():"))
    assert fragment.model is not first.model
    assert fragment.index.reused == {str(panels)}


def test_a_comment_keeps_the_findings_and_places_them_anew(tmp_path):
    """The findings are the last check's; their lines are the new text's."""
    root = _project(tmp_path)
    workspace = Workspace()
    app = root / "app.py"
    text = FILES["app.py"].replace("import streamlit as st\n", "import streamlit as st\nfrom panels import side as again\n")
    text = text.replace("    st.button", "    again()\n    st.button")  # panels imported twice: no finding yet
    nested = text.replace("def side", "def side")  # unchanged
    _check(workspace, root / "panels.py", PANELS.replace("def side():", "@st.experimental_fragment\ndef side():"))
    others = {str(root / "panels.py"): PANELS.replace("def side():", "@st.experimental_fragment\ndef side():")}
    before, project = _check(workspace, app, nested, others)
    assert [d.code for d in before].count("FRG101") == 2
    moved, kept = _check(workspace, app, "# a comment line above everything\n" + nested, others)
    assert kept.model is project.model
    assert [d.span.line for d in moved] == [d.span.line + 1 for d in before]


def test_a_new_file_is_found_and_a_settings_clear_walks_again(tmp_path):
    root = _project(tmp_path)
    workspace = Workspace()
    app = root / "app.py"
    _check(workspace, app, FILES["app.py"])  # writes the summary cache's folder: the root changed once
    _, first = _check(workspace, app, FILES["app.py"])
    _, same = _check(workspace, app, FILES["app.py"] + "# typed\n")
    assert same.discovered is first.discovered
    (root / "pages" / "other.py").write_text("import streamlit as st\n", encoding="utf-8")
    _, grown = _check(workspace, app, FILES["app.py"])
    assert str(root / "pages" / "other.py") in grown.discovered
    workspace.settings.clear()  # what didChangeWatchedFiles and saving a configuration file do
    _, walked = _check(workspace, app, FILES["app.py"])
    assert walked.discovered is not grown.discovered and walked.discovered == grown.discovered


def test_a_file_saved_unchanged_keeps_its_summary(tmp_path):
    root = _project(tmp_path)
    workspace = Workspace()
    app = root / "app.py"
    _, first = _check(workspace, app, FILES["app.py"])
    panels = root / "panels.py"
    panels.write_text(PANELS + "\n", encoding="utf-8")  # a new mtime and size, the same code
    _, resaved = _check(workspace, app, FILES["app.py"])
    assert resaved.summaries[str(panels)] is first.summaries[str(panels)]
    panels.write_text(PANELS + "\n\ndef more():\n    pass\n", encoding="utf-8")
    _, edited = _check(workspace, app, FILES["app.py"])
    assert "more" in edited.summaries[str(panels)].functions
