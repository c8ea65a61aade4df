"""`fraglint lsp` end to end: a real LSP client (pytest-lsp) drives the server as a subprocess."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import pytest_lsp
from helpers import start_lsp_session
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from fraglint.suppressions import noqa_edit

SERVER = [sys.executable, "-m", "fraglint", "lsp"]

APP = textwrap.dedent(
    """\
    import streamlit as st
    from panels import side

    @st.experimental_fragment
    def live():
        side()
        st.button("refresh")

    live()
    st.button("full")
    """
)
FILES = {
    "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["streamlit==1.45.0"]\n',
    "panels.py": "import streamlit as st\n\ndef side():\n    st.sidebar.write('menu')\n",
    "app.py": APP,
}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    await start_lsp_session(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()


class Editor:
    """The client side of one open document: its text, version and the diagnostics it got."""

    def __init__(self, client: LanguageClient, path: Path, text: str) -> None:
        self.client, self.uri, self.text, self.version = client, path.as_uri(), text, 1
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=self.uri, language_id="python", version=1, text=text)))

    def replace(self, text: str) -> None:
        self.version += 1
        self.text = text
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def apply(self, edit: lsp.WorkspaceEdit) -> None:
        """Apply a WorkspaceEdit's text edits (last first) and send the result as a change."""
        lines = self.text.splitlines(keepends=True)
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line))
        text = self.text
        for item in sorted(edit.changes[self.uri], key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            start = offsets[item.range.start.line] + item.range.start.character
            end = offsets[item.range.end.line] + item.range.end.character
            text = text[:start] + item.new_text + text[end:]
        self.replace(text)

    def diagnostics(self) -> list[lsp.Diagnostic]:
        return list(self.client.diagnostics.get(self.uri, []))

    async def until(self, predicate, timeout: float = 30.0) -> list[lsp.Diagnostic]:
        deadline = time.monotonic() + timeout
        while True:
            found = self.client.diagnostics.get(self.uri)
            if found is not None and predicate(found):
                return list(found)
            if time.monotonic() > deadline:
                raise AssertionError(f"diagnostics never matched; last: {[(d.code, d.range.start.line) for d in found or []]}")
            await asyncio.sleep(0.02)

    async def codes(self, expected: list[tuple[str, int]]) -> list[lsp.Diagnostic]:
        """Wait for exactly these (code, 1-based line) diagnostics."""
        return await self.until(lambda found: sorted((d.code, d.range.start.line + 1) for d in found) == sorted(expected))

    async def hover(self, line: int, needle: str) -> str | None:
        character = self.text.splitlines()[line - 1].index(needle)
        result = await self.client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=self.uri), position=lsp.Position(line=line - 1, character=character))
        )
        return result.contents.value if result else None


@pytest.mark.asyncio
async def test_diagnostics_edit_code_action_and_hover(client: LanguageClient):
    editor = Editor(client, client.root / "app.py", APP)
    found = await editor.codes([("FRG108", 4)])
    deprecated = found[0]
    assert deprecated.source == "fraglint" and deprecated.severity == lsp.DiagnosticSeverity.Warning
    assert "experimental-fragment" in deprecated.message
    assert (deprecated.range.start.character, deprecated.range.end.character) == (1, 25)
    # Editors strike deprecated API through and link the code to the rule's documentation.
    assert list(deprecated.tags) == [lsp.DiagnosticTag.Deprecated]
    assert deprecated.code_description.href == "https://github.com/fraglint/fraglint/blob/main/docs/rules.md#experimental-fragment-frg108"

    # An unsaved edit: a sidebar widget inside the fragment is an error on 1.45 (the pin).
    editor.replace(editor.text.replace('    st.button("refresh")', '    st.sidebar.button("refresh")'))
    found = await editor.codes([("FRG108", 4), ("FRG105", 7)])
    sidebar = next(d for d in found if d.code == "FRG105")
    assert sidebar.severity == lsp.DiagnosticSeverity.Error
    assert sidebar.tags is None and sidebar.code_description.href.endswith("#fragment-sidebar-call-frg105")

    # The rule's own fix, as a quick fix that edits the buffer.
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=editor.uri),
            range=deprecated.range,
            context=lsp.CodeActionContext(diagnostics=[deprecated]),
        )
    )
    fix = next(a for a in actions if a.is_preferred)
    assert fix.kind == lsp.CodeActionKind.QuickFix and "st.fragment" in fix.title
    editor.apply(fix.edit)
    assert "@st.fragment\n" in editor.text
    await editor.codes([("FRG105", 7)])

    # Every diagnostic can be suppressed with a noqa comment.
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=editor.uri),
            range=sidebar.range,
            context=lsp.CodeActionContext(diagnostics=[sidebar]),
        )
    )
    suppress = next(a for a in actions if "noqa" in a.title)
    editor.apply(suppress.edit)
    assert 'st.sidebar.button("refresh")  # noqa: FRG105' in editor.text
    await editor.codes([])

    # Hover: what reruns when each call fires.
    assert "Starts fragment `live`" in await editor.hover(9, "live()")
    inside = await editor.hover(7, "button")
    assert "reruns fragment `live`" in inside and "lines 5-7" in inside
    assert "whole app" in await editor.hover(10, "button")
    assert await editor.hover(1, "import") is None


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def mirror_client(lsp_client: LanguageClient, tmp_path: Path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    await start_lsp_session(lsp_client, tmp_path, {"docsUrl": "https://docs.example.org/fraglint/rules.html"})
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_rule_links_follow_the_clients_docs_url(mirror_client: LanguageClient):
    editor = Editor(mirror_client, mirror_client.root / "app.py", APP)
    (found,) = await editor.codes([("FRG108", 4)])
    assert found.code_description.href == "https://docs.example.org/fraglint/rules.html#experimental-fragment-frg108"


@pytest.mark.asyncio
async def test_cross_module_related_information_and_save(client: LanguageClient):
    (client.root / "panels.py").write_text("import streamlit as st\n\ndef side():\n    st.sidebar.write('menu')\n")
    panels = Editor(client, client.root / "panels.py", (client.root / "panels.py").read_text())
    # Opened alone, the helper's caller (a fragment in app.py) is not imported from here.
    await panels.until(lambda found: True)
    app = Editor(client, client.root / "app.py", APP.replace("side()", "st.sidebar.write('x')\n    side()"))
    found = await app.codes([("FRG108", 4), ("FRG105", 6)])
    assert all(d.source == "fraglint" for d in found)
    # Columns are UTF-16 code units (the default position encoding): an emoji counts twice.
    panels.replace("import streamlit as st\n\ndef side():\n    st.sidebar.button('menu')\n")
    app.replace(app.text.replace("    st.sidebar.write('x')", "    s = '\U0001f388'; st.sidebar.write(s)"))
    line = app.text.splitlines()[5]
    expected = len(line[: line.index("st.sidebar")].encode("utf-16-le")) // 2
    assert expected == len(line[: line.index("st.sidebar")]) + 1
    found = await app.until(lambda found: any(d.code == "FRG105" and d.range.start.character == expected for d in found))
    assert sorted((d.code, d.range.start.line + 1) for d in found) == [("FRG105", 6), ("FRG108", 4)]
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=app.uri)))
    await app.codes([("FRG108", 4), ("FRG105", 6)])


@pytest.mark.asyncio
async def test_settings_come_from_the_workspace_pyproject(client: LanguageClient):
    (client.root / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["streamlit==1.62.0"]\n')
    text = APP.replace('    st.button("refresh")', '    st.sidebar.button("refresh")')
    editor = Editor(client, client.root / "app.py", text)
    # 1.62 allows st.sidebar inside a fragment and has no st.experimental_fragment at all.
    found = await editor.until(lambda found: any(d.code == "FRG108" for d in found))
    assert not any(d.code == "FRG105" for d in found)
    assert next(d for d in found if d.code == "FRG108").severity == lsp.DiagnosticSeverity.Error


@pytest.mark.asyncio
async def test_a_ranged_diagnostic_carries_its_releases_in_data(client: LanguageClient):
    (client.root / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["streamlit>=1.45"]\n')
    editor = Editor(client, client.root / "app.py", APP.replace("    side()", "    st.sidebar.write('menu')"))
    found = await editor.until(lambda found: any(d.code == "FRG105" for d in found))
    sidebar = next(d for d in found if d.code == "FRG105")
    assert sidebar.data["releases"]["holds_on"] == "1.45-1.58"
    assert "(raises on 1.45-1.58 of the releases `streamlit>=1.45` admits)" in sidebar.message


@pytest.mark.asyncio
async def test_unparsable_buffer_never_kills_the_server(client: LanguageClient):
    (client.root / "broken.py").write_text("import streamlit as st\n")  # on disk; the buffer is what breaks
    editor = Editor(client, client.root / "broken.py", "import streamlit as st\n\ndef broken(:\n    pass\n")
    found = await editor.until(lambda found: [d.code for d in found] == ["FRG001"])
    assert found[0].severity == lsp.DiagnosticSeverity.Error and "syntax" in found[0].message
    assert await editor.hover(3, "broken") is None
    editor.replace("import streamlit as st\x00\n")
    await editor.codes([("FRG001", 1)])
    editor.replace("import streamlit as st\n\n@st.fragment\ndef fine():\n    st.write('ok')\n\nfine()\n")
    await editor.codes([])


@pytest.mark.asyncio
async def test_malformed_requests_get_errors_not_a_crash(client: LanguageClient):
    editor = Editor(client, client.root / "app.py", APP)
    await editor.codes([("FRG108", 4)])
    with pytest.raises(Exception):  # noqa: B017 - any JSON-RPC error answer; its class depends on the pygls version
        await client.protocol.send_request_async("fraglint/noSuchMethod", {})
    # Requests about documents the server never saw, or positions past the end, are answered.
    unknown = lsp.TextDocumentIdentifier(uri=(client.root / "nowhere.py").as_uri())
    assert await client.text_document_hover_async(lsp.HoverParams(text_document=unknown, position=lsp.Position(line=0, character=0))) is None
    far = await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=editor.uri), position=lsp.Position(line=999, character=999)))
    assert far is None
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=unknown,
            range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=1)),
            context=lsp.CodeActionContext(diagnostics=[]),
        )
    )
    assert not actions
    # And the server still works.
    editor.replace(editor.text + "st.sidebar.button('x')\n")
    assert "Starts fragment" in await editor.hover(9, "live()")


def _frame(message: dict | bytes) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_garbage_on_the_wire_is_survived(tmp_path):
    """Bytes that are not JSON, then a proper session: the server answers and exits cleanly."""
    messages = [
        _frame(b"{this is not json"),
        _frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}}),
        _frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        _frame({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": []}),
        _frame({"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": {"textDocument": 5, "position": "here"}}),
        _frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": 7}}}),
        _frame({"jsonrpc": "2.0", "id": 5, "method": "textDocument/codeAction", "params": {"range": None}}),
        _frame({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
        _frame({"jsonrpc": "2.0", "method": "exit"}),
    ]
    result = subprocess.run(SERVER, input=b"".join(messages), capture_output=True, timeout=60)
    replies = [json.loads(body) for body in re.findall(rb"\r\n\r\n(\{.*?\})(?=Content-Length|$)", result.stdout, re.S)]
    by_id = {reply["id"]: reply for reply in replies if "id" in reply}
    assert "capabilities" in by_id[1]["result"]
    for number in (2, 4, 5):  # each malformed request got an error response under its own id
        assert by_id[number]["error"]["code"] == -32602, by_id.get(number)
    assert by_id[3]["result"] is None  # shutdown
    assert result.returncode == 0, result.stderr.decode()[-2000:]


def test_noqa_edit_extends_an_existing_comment():
    assert noqa_edit("x = f()\n", 3, "FRG105")[1] == "  # noqa: FRG105"
    span, text = noqa_edit("x = f()  # noqa: FRG101\n", 3, "FRG105")
    assert text == ", FRG105" and span.column == len("x = f()  # noqa: FRG101") + 1
    assert noqa_edit("x = f()  # noqa\n", 3, "FRG105") is None
    assert noqa_edit("x = f()  # noqa: FRG105\n", 3, "FRG105") is None


TRICKY = '''\
"""Module docstring."""  # trailing comment
import streamlit as st; import os
from streamlit import (
    fragment,
)

x = """
def not_a_function():
    pass
"""

@st.fragment
@other.decorator(
    arg=1,
)
def live():  # noqa: FRG110
    st.write("a"); st.button("b")


class Panel:
    @fragment
    def draw(self):
        st.sidebar.write("c")

if os.environ.get("X"):
    live()
else:
    Panel().draw()
total = 1 + \\
    2
# a comment at the end
'''


COLUMN_ZERO_TRAPS = '''\
import streamlit as st
try:
    import pandas
except ImportError:
    pandas = None
finally:
    pass
values = [
1,
2]
total = 1 + \\
2
text = (
"def looks_like_code():"
)
for item in values:
    st.write(item)
else:
    st.write("done")
@st.fragment
def live():
    st.write(f"""
@not_a_decorator
def nor_a_function(): pass
""")
live()
'''


@pytest.mark.parametrize(
    "text", [TRICKY, COLUMN_ZERO_TRAPS, APP, FILES["panels.py"]], ids=["tricky", "column-zero", "app", "panels"]
)
def test_chunked_parse_matches_a_whole_parse(tmp_path, text):
    from fraglint.index.facts import facts_from_visitor
    from fraglint.index.incremental import ChunkedParser
    from fraglint.index.loader import summarize_source

    path = str(tmp_path / "app.py")
    parser = ChunkedParser()
    chunked = parser.summarize(path, text)
    assert chunked is not None
    summary, visitor = summarize_source(path, text, with_positions=True)
    assert chunked[0] == summary
    assert chunked[1].spans == facts_from_visitor(text, visitor).spans
    # After an edit in one statement, the reused chunks still land on the right lines.
    edited = text.replace("\ndef ", "\n\n\ndef ", 1)
    assert edited != text
    again = parser.summarize(path, edited)
    summary, visitor = summarize_source(path, edited, with_positions=True)
    assert again[0] == summary and again[1].spans == facts_from_visitor(edited, visitor).spans


def test_chunked_parse_declines_what_it_cannot_split(tmp_path):
    from fraglint.index.incremental import ChunkedParser

    parser = ChunkedParser()
    assert parser.summarize(str(tmp_path / "a.py"), "def broken(:\n    pass\n") is None
    assert parser.summarize(str(tmp_path / "a.py"), "x = 1\n") is None  # one statement: nothing to reuse


@pytest.mark.asyncio
async def test_hover_in_a_helper_module(client: LanguageClient):
    """A helper imported by the app: the model answers (the interpreter runs entry scripts)."""
    (client.root / "panels.py").write_text("import streamlit as st\n\ndef side():\n    st.sidebar.button('menu')\n")
    helper = Editor(client, client.root / "panels.py", (client.root / "panels.py").read_text())
    text = await helper.hover(4, "button")
    assert text is not None and "reruns fragment `live`" in text, text


@pytest.mark.asyncio
async def test_non_python_documents_are_left_alone(client: LanguageClient):
    toml = client.root / "pyproject.toml"
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=toml.as_uri(), language_id="toml", version=1, text=toml.read_text())
        )
    )
    editor = Editor(client, client.root / "app.py", APP)
    await editor.codes([("FRG108", 4)])
    assert toml.as_uri() not in client.diagnostics


@pytest.mark.asyncio
async def test_saving_one_file_rechecks_the_other_open_files(client: LanguageClient):
    panels_path = client.root / "panels.py"
    panels_path.write_text("import streamlit as st\n\ndef side():\n    return st.selectbox('City', ['Oslo'])\n")
    app = Editor(client, client.root / "app.py", "import streamlit as st\nfrom panels import side\n\nchoice = side()\nst.write(choice)\n")
    await app.codes([])
    panels = Editor(client, panels_path, panels_path.read_text())
    await panels.codes([])
    # The helper becomes a fragment: the app's use of its return value is now a finding.
    panels.replace("import streamlit as st\n\n@st.fragment\ndef side():\n    return st.selectbox('City', ['Oslo'])\n")
    panels_path.write_text(panels.text)
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=panels.uri)))
    await app.codes([("FRG103", 4)])


@pytest.mark.asyncio
async def test_call_chain_becomes_related_information(client: LanguageClient):
    text = textwrap.dedent(
        """\
        import streamlit as st

        def menu():
            st.sidebar.write("menu")

        @st.fragment
        def live():
            menu()

        live()
        """
    )
    editor = Editor(client, client.root / "app.py", text)
    found = await editor.codes([("FRG105", 4)])
    related = found[0].related_information
    assert related, found[0]
    assert related[0].location.uri == editor.uri and related[0].location.range.start.line == 7
    assert "menu" in related[0].message


@pytest.mark.asyncio
async def test_a_new_file_not_saved_yet_is_checked(client: LanguageClient):
    """A buffer whose file does not exist on disk yet gets diagnostics, with the project around it."""
    path = client.root / "pages" / "live.py"
    (client.root / "pages").mkdir()
    assert not path.exists()
    text = "import streamlit as st\nfrom panels import side\n\n@st.fragment\ndef live():\n    side()\n\nlive()\n"
    editor = Editor(client, path, text)
    found = await editor.codes([])  # panels.side draws into st.sidebar: reported in panels.py, not here
    assert found == []
    editor.replace(text.replace("    side()\n", "    side()\n    st.sidebar.button('x')\n"))
    await editor.codes([("FRG105", 7)])
    assert not path.exists()


@pytest.mark.asyncio
async def test_an_unsaved_edit_rechecks_the_other_open_files(client: LanguageClient):
    """panels.side becomes a fragment in the editor (not saved): report.py, open beside it,
    now uses a fragment's return value, and says so without any save."""
    report_text = "import streamlit as st\nfrom panels import side\n\nresult = side()\nst.write(result)\n"
    (client.root / "report.py").write_text(report_text, encoding="utf-8")
    report = Editor(client, client.root / "report.py", report_text)
    await report.codes([])
    panels_text = FILES["panels.py"]
    panels = Editor(client, client.root / "panels.py", panels_text)
    await panels.codes([("FRG105", 4)])  # app.py's fragment calls side(), which writes to st.sidebar
    # the fragment draws a widget, so its reruns can leave `result` stale
    panels.replace(panels_text.replace("def side():", "@st.fragment\ndef side():") + "    return st.selectbox('Menu', ['a'])\n")
    found = await report.codes([("FRG103", 4)])
    assert "return value of fragment `side`" in found[0].message
    assert (client.root / "panels.py").read_text(encoding="utf-8") == panels_text  # nothing was saved


@pytest.mark.asyncio
async def test_fix_all_source_action(client: LanguageClient):
    """`source.fixAll.fraglint` applies every fix in the file at once (editors run it on save)."""
    text = APP.replace("live()\n", "live()\n\n@st.experimental_fragment\ndef more():\n    st.write(1)\n\nmore()\n")
    editor = Editor(client, client.root / "app.py", text)
    await editor.codes([("FRG108", 4), ("FRG108", 11)])
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=len(text.splitlines()), character=0))

    async def actions(only):
        return await client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=editor.uri), range=whole,
                context=lsp.CodeActionContext(diagnostics=[], only=only),
            )
        ) or []

    assert all(a.kind == lsp.CodeActionKind.QuickFix for a in await actions([lsp.CodeActionKind.QuickFix]))
    [fix_all] = await actions([lsp.CodeActionKind.SourceFixAll])
    assert fix_all.kind == "source.fixAll.fraglint" and len(fix_all.edit.changes[editor.uri]) == 2
    editor.apply(fix_all.edit)
    assert "experimental_fragment" not in editor.text and editor.text.count("@st.fragment\n") == 2
    await editor.codes([])
    assert await actions(["source.fixAll.fraglint"]) == []  # nothing left to fix


@pytest.mark.asyncio
async def test_a_line_separator_in_a_comment_does_not_move_columns(client: LanguageClient):
    """Columns are converted on Python's lines: pygls's `document.lines` also breaks at
    \\u2028, so the emoji after one would be counted into the next line's columns."""
    text = APP.replace("def live():", "def live():  # \u2028" + "\U0001f388" * 8).replace("side()", "st.sidebar.write('x')\n    side()")
    app = Editor(client, client.root / "app.py", text)
    found = await app.codes([("FRG108", 4), ("FRG105", 6)])
    assert [d.range.start.character for d in found if d.code == "FRG105"] == [4]


@pytest.mark.asyncio
async def test_incremental_changes_apply_on_lsp_lines(client: LanguageClient):
    """An incremental change and a hover after a form feed and a U+2028 in a comment land on
    LSP's lines (pygls's own buffer breaks lines at both, which put this edit into the comment)."""
    text = APP.replace("st.experimental_fragment", "st.fragment").replace("\n\n@", "\n# one\x0c two\u2028 three\n@", 1)
    app = Editor(client, client.root / "app.py", text)
    await app.codes([])
    app.version += 1
    decorator = lsp.Range(start=lsp.Position(line=3, character=4), end=lsp.Position(line=3, character=12))
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=app.uri, version=app.version),
            content_changes=[lsp.TextDocumentContentChangePartial(range=decorator, text="experimental_fragment")],
        )
    )
    found = await app.codes([("FRG108", 4)])
    assert (found[0].range.start.character, found[0].range.end.character) == (1, 25)
    result = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=app.uri), position=lsp.Position(line=8, character=0))
    )
    assert result is not None and "Starts fragment `live`" in result.contents.value
