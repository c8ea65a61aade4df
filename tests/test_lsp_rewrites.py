"""The structural fixes reach editors as quick fixes of `fraglint lsp`, like any rule's fix."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest
import pytest_lsp
from helpers import start_lsp_session
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient
from test_fix_rewrites import CONTAINER, CONTAINER_FIXED, SIDEBAR_WITH, SIDEBAR_WITH_FIXED

from fraglint.source_text import offset_of


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "fraglint", "lsp"]))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["streamlit==1.45.0"]\n')
    await start_lsp_session(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()


async def _diagnostic(client: LanguageClient, uri: str, code: str, present: bool = True) -> lsp.Diagnostic | None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = client.diagnostics.get(uri)
        if found is not None:
            mine = [d for d in found if d.code == code]
            if bool(mine) == present:
                return mine[0] if mine else None
        await asyncio.sleep(0.02)
    raise AssertionError(f"{code} never {'appeared' if present else 'went away'}: {client.diagnostics.get(uri)}")


def _applied(text: str, edits: list[lsp.TextEdit]) -> str:
    """The buffer after the edits (ASCII text: LSP's UTF-16 columns are code points here)."""
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = offset_of(text, edit.range.start.line + 1, edit.range.start.character + 1)
        end = offset_of(text, edit.range.end.line + 1, edit.range.end.character + 1)
        assert start is not None and end is not None
        text = text[:start] + edit.new_text + text[end:]
    return text


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "text, fixed, code, title",
    [
        (SIDEBAR_WITH, SIDEBAR_WITH_FIXED, "FRG105", "Call `filters` inside `with st.sidebar:`"),
        (CONTAINER, CONTAINER_FIXED, "FRG104", "Make `status` an `st.empty()` placeholder"),
    ],
)
async def test_the_rewrite_is_a_quick_fix(client: LanguageClient, text, fixed, code, title):
    uri = (client.root / "app.py").as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    diagnostic = await _diagnostic(client, uri, code)
    assert diagnostic is not None and diagnostic.data["fixable"]
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=lsp.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    [action] = [a for a in actions or [] if a.title.startswith(title)]
    assert action.kind == lsp.CodeActionKind.QuickFix
    new_text = _applied(text, action.edit.changes[uri])
    assert new_text == fixed
    change = lsp.TextDocumentContentChangeWholeDocument(text=new_text)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(uri=uri, version=2), [change])
    )
    await _diagnostic(client, uri, code, present=False)
