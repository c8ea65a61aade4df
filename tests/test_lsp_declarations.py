"""`streamlit-floor-too-low` (FRG126) in the language server, through a real LSP client.

The diagnostic sits on the requirement's line, not in a Python buffer: the server publishes it
to the requirements file's URI (which the client never opened), counting the uses of every open
file, and clears it when the floor is raised.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from helpers import diagnostics_matching, open_document, start_lsp_session
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient
from test_ranges import SIDEBAR_APP

APP = SIDEBAR_APP.lstrip()
PANELS = 'import streamlit as st\n\n@st.fragment\ndef side():\n    st.write("z")\n'
FLOOR = "`streamlit>=1.28` admits releases without `st.fragment` (used at {} sites); raise the floor to >=1.37"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "fraglint", "lsp"]))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    files = {"pyproject.toml": '[project]\nname = "shop"\n', "requirements.txt": "pandas\nstreamlit>=1.28\n", "app.py": APP, "panels.py": PANELS}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    await start_lsp_session(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()


def floor_at_line_2(sites: int):
    return lambda found: [(d.code, d.range.start.line, d.message) for d in found] == [
        ("FRG126", 1, f"{FLOOR.format(sites)} [streamlit-floor-too-low]")
    ]


@pytest.mark.asyncio
async def test_the_floor_diagnostic_is_published_to_the_requirements_file(client: LanguageClient):
    requirements = client.root / "requirements.txt"
    app = open_document(client, client.root / "app.py")
    shown = await diagnostics_matching(client, requirements.as_uri(), floor_at_line_2(2))
    assert (shown[0].range.start.character, shown[0].range.end.character) == (0, 15)
    assert shown[0].data["releases"]["holds_on"].startswith("1.28")
    # the buffer keeps its own findings: the sidebar call, on the releases that have st.fragment
    await diagnostics_matching(client, app, lambda found: [d.code for d in found] == ["FRG105"])

    panels = open_document(client, client.root / "panels.py")
    await diagnostics_matching(client, requirements.as_uri(), floor_at_line_2(3))  # the open files' uses, counted together
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=panels)))
    await diagnostics_matching(client, requirements.as_uri(), floor_at_line_2(2))

    requirements.write_text("pandas\nstreamlit>=1.37\n")
    change = lsp.FileEvent(uri=requirements.as_uri(), type=lsp.FileChangeType.Changed)
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=[change]))
    await diagnostics_matching(client, requirements.as_uri(), lambda found: len(found) == 0)
    await diagnostics_matching(client, app, lambda found: [d.code for d in found] == ["FRG105"])
