"""`fraglint lsp` against hostile input: the real server process, spoken to byte by byte.

pytest-lsp's client always frames correctly, so these tests write the wire themselves. After
each hostile input the server must still answer a well-formed request and publish diagnostics
for a newly opened document (`RawServer.assert_alive`). The parametrised cases share one server
process, so each case also checks that the ones before it left the server working; the number
of `test_survives` cases that pass is the survival count.

The seeded random fuzz at the end mixes valid frames with mutated ones. A longer run:

    FRAGLINT_FUZZ_MESSAGES=5000 FRAGLINT_FUZZ_SEED=7 python -m pytest tests/test_lsp_robustness.py -k fuzz
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

SERVER = [sys.executable, "-m", "fraglint", "lsp"]
WAIT = 30.0  # seconds to wait for an answer: generous, for a loaded machine; a live server answers in well under one

APP = "import streamlit as st\n\n@st.experimental_fragment\ndef live():\n    st.button('refresh')\n\nlive()\n"
CLEAN = "import streamlit as st\n\nst.title('fine')\n"
PYPROJECT = '[project]\nname = "shop"\ndependencies = ["streamlit==1.45.0"]\n'
FRG_DEPRECATED = "FRG108"  # st.experimental_fragment on 1.45: what APP reports


def frame(message: dict | bytes) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def body(message: dict) -> bytes:
    return json.dumps(message).encode()


class ServerThread:
    """The server on pipes in a thread of this process (for tests that patch it): what
    `RawServer` uses of a `subprocess.Popen`."""

    def __init__(self) -> None:
        from fraglint.lsp import make_server

        in_read, in_write = os.pipe()
        out_read, out_write = os.pipe()
        # the pipe ends live as long as the server thread, so no `with` can hold them
        server_in, self.stdin = open(in_read, "rb"), open(in_write, "wb")  # noqa: SIM115
        self.stdout, server_out = open(out_read, "rb"), open(out_write, "wb")  # noqa: SIM115
        self.returncode = None

        def run() -> None:
            try:
                make_server().start_io(server_in, server_out)
                self.returncode = 0
            except SystemExit as exit:
                self.returncode = exit.code
            finally:
                server_out.close()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def poll(self):
        return self.returncode

    def wait(self, timeout: float):
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise subprocess.TimeoutExpired("server thread", timeout)
        return self.returncode

    def kill(self) -> None:
        pass


class RawServer:
    """`fraglint lsp` as a subprocess: raw bytes in, framed JSON messages out (read on a thread)."""

    def __init__(self, root: Path, process: ServerThread | None = None) -> None:
        self.root = root
        self.stderr = open(root / "server.stderr", "w+b")  # noqa: SIM115 - kept open for the server's life; a pipe would fill up
        self.process = process or subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, cwd=root)
        self.received: list[dict] = []
        self.changed = threading.Condition()
        self.next_id = 1000
        self.probes = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                elif not line.strip():
                    break
            message = json.loads(stream.read(length))
            with self.changed:
                self.received.append(message)
                self.changed.notify_all()

    # -- sending ------------------------------------------------------------------------------

    def send_raw(self, data: bytes) -> None:
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict) -> None:
        self.send_raw(frame(message))

    def request(self, method: str, params=None) -> int:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def initialize(self) -> None:
        (self.root / "pyproject.toml").write_text(PYPROJECT)
        answer = self.wait_response(self.request("initialize", {"processId": None, "rootUri": self.root.as_uri(), "capabilities": {}}))
        assert "capabilities" in answer["result"]
        self.notify("initialized", {})

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def open(self, name: str, text: str, version: int = 1) -> str:
        uri = self.uri(name)
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}})
        return uri

    def change(self, uri: str, version: int, text: str, range_=None) -> None:
        change = {"text": text} if range_ is None else {"range": range_, "text": text}
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})

    # -- receiving ----------------------------------------------------------------------------

    def wait_for(self, predicate, what: str, timeout: float = WAIT) -> dict:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for message in reversed(self.received):
                    if predicate(message):
                        return message
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise AssertionError(f"no {what} (server {'exited ' + str(self.process.returncode) if self.process.poll() is not None else 'alive'}); stderr: {self.log()[-1500:]}")
                self.changed.wait(min(left, 0.5))

    def wait_response(self, msg_id, timeout: float = WAIT) -> dict:
        return self.wait_for(lambda m: m.get("id") == msg_id and "method" not in m, f"answer to request {msg_id!r}", timeout)

    def wait_diagnostics(self, uri: str, version: int | None = None, timeout: float = WAIT) -> list[dict]:
        found = self.wait_for(
            lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            and (version is None or m["params"].get("version") == version),
            f"diagnostics for {uri} version {version}", timeout,
        )
        return found["params"]["diagnostics"]

    def errors(self, code: int) -> list[dict]:
        with self.changed:
            return [m for m in self.received if m.get("error", {}).get("code") == code]

    def log(self) -> str:
        return (self.root / "server.stderr").read_text(errors="replace")

    def assert_alive(self) -> None:
        """A hover is answered, and a newly opened document gets its diagnostics."""
        self.probes += 1
        name = f"probe_{self.probes}.py"
        uri = self.open(name, APP)
        assert "result" in self.wait_response(self.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 6, "character": 1}}))
        assert [d["code"] for d in self.wait_diagnostics(uri, 1)] == [FRG_DEPRECATED]
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def close(self) -> int:
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.stderr.close()
        return self.process.returncode


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = RawServer(tmp_path_factory.mktemp("hostile"))
    running.initialize()
    yield running
    running.close()
    assert "Traceback" not in running.log()


# -- hostile inputs, each followed by a liveness probe -------------------------------------------

HOVER_50 = {"jsonrpc": "2.0", "id": 50, "method": "textDocument/hover", "params": {"textDocument": {"uri": "file:///nowhere.py"}, "position": {"line": 0, "character": 0}}}
HUGE = b"x" * (64 * 1024 * 1024 + 10)


def _wrong_types(server: RawServer) -> None:
    uri = server.uri("typed.py")
    for method, params in [
        ("textDocument/didOpen", {}),
        ("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": 3, "version": "one", "text": ["x"]}}),
        ("textDocument/didOpen", None),
        ("textDocument/didChange", {"textDocument": {"uri": uri}, "contentChanges": "all"}),
        ("textDocument/didSave", {"textDocument": 4}),
        ("textDocument/didClose", []),
        ("workspace/didChangeWatchedFiles", {"changes": [{"uri": 1, "type": "created"}]}),
        ("$/cancelRequest", {"id": {"nested": True}}),
    ]:
        server.notify(method, params)
    requests = [
        ("textDocument/hover", {"textDocument": {"uri": uri}}),
        ("textDocument/hover", {"textDocument": "x", "position": {"line": "a", "character": None}}),
        ("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": 5, "context": {}}),
        ("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": [{"range": None}]}}),
    ]
    for method, params in requests:
        answer = server.wait_response(server.request(method, params))
        assert answer["error"]["code"] == -32602, answer


def _out_of_range_edits(server: RawServer) -> None:
    uri = server.open("ranges.py", APP)
    server.change(uri, 2, "st.write('past the end')\n", {"start": {"line": 500, "character": 3}, "end": {"line": 900, "character": 0}})
    server.change(uri, 3, "x", {"start": {"line": 2, "character": 400}, "end": {"line": 1, "character": 0}})  # start after end
    server.change(uri, 4, "x", {"start": {"line": -1, "character": -5}, "end": {"line": 0, "character": 0}})  # refused: negative
    server.wait_diagnostics(uri, 3)
    server.change(uri, 5, APP)
    assert [d["code"] for d in server.wait_diagnostics(uri, 5)] == [FRG_DEPRECATED]


def _change_before_open(server: RawServer) -> None:
    uri = server.uri("never_opened.py")
    server.change(uri, 2, "x", {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}})
    server.change(uri, 3, APP)
    server.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def _lone_surrogate_with_20_open(server: RawServer) -> None:
    uris = [server.open(f"many_{n}.py", APP) for n in range(20)]
    for uri in uris:
        server.wait_diagnostics(uri, 1)
    server.change(uris[0], 2, APP + "x = '\ud800'\n")  # JSON carries it as "\ud800"
    found = server.wait_diagnostics(uris[0], 2)
    assert [d["code"] for d in found] == ["FRG001"] and "surrogate" in found[0]["message"], found
    server.change(uris[7], 2, APP + "# edited\n")  # the others still publish
    assert [d["code"] for d in server.wait_diagnostics(uris[7], 2)] == [FRG_DEPRECATED]
    server.change(uris[0], 3, CLEAN)
    assert server.wait_diagnostics(uris[0], 3) == []
    for uri in uris:
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def _surrogate_in_uri(server: RawServer) -> None:
    uri = server.uri("weird") + "\ud800.py"
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": APP}})
    server.wait_response(server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 6, "character": 1}}))
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def _file_name_not_utf8(server: RawServer) -> None:
    """A project file named in Latin-1 (Python sees a lone surrogate in its name): every check
    reads the whole project, and its summary cache hashed the name as UTF-8."""
    with open(os.fsencode(server.root) + b"/caf\xe9.py", "w") as handle:
        handle.write(APP)


def _thousand_rapid_edits(server: RawServer) -> None:
    uri = server.open("typing.py", CLEAN)
    text = CLEAN
    for version in range(2, 1002):
        insert = f"st.write({version})\n"
        line = text.count("\n")
        server.change(uri, version, insert, {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}})
        text += insert
    # The last edit makes the file use a fragment the old way: its diagnostics must say so.
    line = text.count("\n")
    end = {"line": line, "character": 0}
    server.change(uri, 1002, "@st.experimental_fragment\ndef late():\n    st.write(1)\n\nlate()\n", {"start": end, "end": end})
    found = server.wait_diagnostics(uri, 1002)
    assert [(d["code"], d["range"]["start"]["line"]) for d in found] == [(FRG_DEPRECATED, line)], found
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def _refused_body_answered(server: RawServer) -> None:
    head = b'{"jsonrpc": "2.0", "id": 77, "method": "textDocument/hover", "params": {"pad": "'
    data = head + HUGE + b'"}}'
    server.send_raw(b"Content-Length: %d\r\n\r\n" % len(data) + data)
    assert server.wait_response(77)["error"]["code"] == -32600


def _parse_error_answered(server: RawServer) -> None:
    before = len(server.errors(-32700))
    server.send_raw(frame(b'{"jsonrpc": "2.0", "id": 3, "method": '))
    server.wait_for(lambda m: len(server.errors(-32700)) > before, "Parse error answer")
    assert server.errors(-32700)[-1]["id"] is None


def _not_json_rpc(server: RawServer) -> None:
    for data in (b"[1, 2, 3]", b'"text"', b"42", b"null", b'{"foo": 1}', b"[]"):
        server.send_raw(frame(data))
    server.send_raw(frame({"jsonrpc": "1.0", "id": 61, "method": "textDocument/hover", "params": {}}))
    server.send_raw(frame({"jsonrpc": "2.0", "id": 62, "method": 7}))
    server.send_raw(frame({"jsonrpc": "2.0", "id": 63, "method": "textDocument/hover", "params": "all"}))
    server.send_raw(frame({"jsonrpc": "2.0", "id": 64, "method": "textDocument/didOpen", "params": {"textDocument": {"uri": server.uri("x.py"), "languageId": "python", "version": 1, "text": ""}}}))
    for msg_id in (61, 62, 63, 64):
        assert server.wait_response(msg_id)["error"]["code"] == -32600
    server.send_raw(frame({"jsonrpc": "2.0", "id": True, "method": "x"}))
    server.send_raw(frame({"jsonrpc": "2.0", "id": 999999, "result": {"answer": "to nothing"}}))
    server.send_raw(frame({"jsonrpc": "2.0", "id": 65, "method": "fraglint/noSuchMethod"}))
    assert server.wait_response(65)["error"]["code"] == -32601


HOSTILE = {
    "content-length-not-a-number": b"Content-Length: abc\r\n\r\n" + body(HOVER_50),
    "content-length-negative": b"Content-Length: -5\r\n\r\n" + body(HOVER_50),
    "content-length-missing": b"Content-Type: application/vscode-jsonrpc\r\n\r\n" + body(HOVER_50),
    "garbage-between-headers": b"Content-Length: %d\r\n\x00\xff garbage !!\r\nnot a header\r\n\r\n" % len(body(HOVER_50)) + body(HOVER_50),
    "content-length-huge": b"Content-Length: 99999999999\r\n\r\n" + body(HOVER_50),
    "content-length-too-long": b"Content-Length: 5000\r\n\r\n" + body(HOVER_50),
    "content-length-a-little-too-long": b"Content-Length: %d\r\n\r\n" % (len(body(HOVER_50)) + 10) + body(HOVER_50),
    "content-length-too-short": b"Content-Length: 12\r\n\r\n" + body(HOVER_50),
    "content-length-zero": b"Content-Length: 0\r\n\r\n",
    "header-lines-without-blank-line": b"Content-Length: 10\r\nContent-Type: x\r\n",
    "line-too-long-for-a-header": b"y" * 300_000 + b"\r\n",
    "binary-noise": bytes(random.Random(3).randrange(256) for _ in range(5000)),
    "invalid-json": frame(b"{this is not json"),
    "invalid-utf8-body": frame(b'{"jsonrpc": "2.0", "method": "\xff\xfe"}'),
    "json-nested-too-deep": frame(b"[" * 200_000 + b"]" * 200_000),
    "parse-error-answered-with-null-id": _parse_error_answered,
    "json-that-is-not-json-rpc": _not_json_rpc,
    "body-over-the-limit-answered": _refused_body_answered,
    "invalid-params-for-each-handler": _wrong_types,
    "out-of-range-edits": _out_of_range_edits,
    "change-before-open": _change_before_open,
    "lone-surrogate-edit-with-20-open": _lone_surrogate_with_20_open,
    "lone-surrogate-in-a-uri": _surrogate_in_uri,
    "project-file-name-not-utf8": _file_name_not_utf8,
    "a-thousand-rapid-edits": _thousand_rapid_edits,
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_survives(server: RawServer, name: str):
    hostile = HOSTILE[name]
    if callable(hostile):
        hostile(server)
    else:
        server.send_raw(hostile)
    server.assert_alive()


def test_header_without_body_then_end_of_input(tmp_path):
    running = RawServer(tmp_path)
    running.initialize()
    running.send_raw(b"Content-Length: 120\r\n\r\n{\"jsonrpc\"")
    assert running.close() == 0  # the input ended: the server stops, no hang
    assert "Traceback" not in running.log() and "ended inside a message body" in running.log()


def test_requests_after_shutdown_and_exit_codes(tmp_path):
    running = RawServer(tmp_path)
    running.initialize()
    assert running.wait_response(running.request("shutdown"))["result"] is None
    answer = running.wait_response(running.request("textDocument/hover", {"textDocument": {"uri": running.uri("a.py")}, "position": {"line": 0, "character": 0}}))
    assert answer["error"]["code"] == -32600  # InvalidRequest, as LSP asks after shutdown
    running.notify("exit", None)
    assert running.process.wait(WAIT) == 0
    running.close()

    (tmp_path / "without").mkdir()
    without = RawServer(tmp_path / "without")
    without.initialize()
    without.notify("exit", None)
    assert without.process.wait(WAIT) == 1
    without.close()
    assert "Traceback" not in running.log() + without.log()


def test_failures_inside_handlers_are_answered_logged_and_survived(tmp_path, monkeypatch):
    """An engine bug: the check says so in the editor, hover and code actions answer empty,
    the client's log has the error, and the next edit is checked as usual."""
    from fraglint.lsp import FraglintLanguageServer
    from fraglint.workspace import Workspace as Analyser

    real_check = Analyser.check

    def check(self, path, text, others=None):
        if "BOOM" in text:
            raise RuntimeError("engine bug")
        return real_check(self, path, text, others)

    def broken(*args):
        raise RuntimeError("handler bug")

    monkeypatch.setattr(Analyser, "check", check)
    monkeypatch.setattr(Analyser, "hover", broken)
    monkeypatch.setattr(FraglintLanguageServer, "code_actions", broken)
    running = RawServer(tmp_path, ServerThread())
    running.initialize()
    uri = running.open("app.py", APP + "# BOOM\n")
    found = running.wait_diagnostics(uri, 1)
    assert len(found) == 1 and "could not check this file" in found[0]["message"] and "engine bug" in found[0]["message"]
    hover = running.wait_response(running.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 6, "character": 1}}))
    assert "result" not in hover or hover["result"] is None
    zero = {"line": 0, "character": 0}
    actions = running.wait_response(running.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {"start": zero, "end": zero}, "context": {"diagnostics": []}}))
    assert actions["result"] == []
    running.change(uri, 2, APP)
    assert [d["code"] for d in running.wait_diagnostics(uri, 2)] == [FRG_DEPRECATED]
    logged = [m["params"]["message"] for m in running.received if m.get("method") == "window/logMessage"]
    assert any("engine bug" in m for m in logged) and any("handler bug" in m for m in logged), logged
    assert running.close() == 0


# -- seeded random fuzz -------------------------------------------------------------------------

FUZZ_MESSAGES = int(os.environ.get("FRAGLINT_FUZZ_MESSAGES", "300"))
FUZZ_SEED = int(os.environ.get("FRAGLINT_FUZZ_SEED", "20240"))
METHODS = [
    "textDocument/didOpen", "textDocument/didChange", "textDocument/didSave", "textDocument/didClose",
    "textDocument/hover", "textDocument/codeAction", "workspace/didChangeWatchedFiles", "$/cancelRequest",
    "fraglint/unknown", "initialized",
]
TEXTS = [APP, CLEAN, "def broken(:\n", "import streamlit as st\nst.rerun(scope='fragment')\n", "x = '\ud800'\n", "\x00", "", "@st.fragment(run_every='1s')\ndef f():\n    pass\nf()\n"]


def _random_value(rng: random.Random, depth: int = 0):
    kinds = [None, True, -1, 2**40, 0.5, "", "text", "file:///x.py"]
    if depth < 3:
        kinds += [[], {}]
    value = rng.choice(kinds)
    if value == [] and depth < 3:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(3))]
    if value == {} and depth < 3:
        return {rng.choice(["uri", "line", "text", "range", "version", "x"]): _random_value(rng, depth + 1) for _ in range(rng.randrange(3))}
    return value


def _valid_message(rng: random.Random, server: RawServer, version: list[int]) -> dict:
    uri = server.uri(f"fuzz_{rng.randrange(4)}.py")
    method = rng.choice(METHODS)
    version[0] += 1
    position = {"line": rng.randrange(12), "character": rng.randrange(40)}
    params = {
        "textDocument/didOpen": {"textDocument": {"uri": uri, "languageId": "python", "version": version[0], "text": rng.choice(TEXTS)}},
        "textDocument/didChange": {"textDocument": {"uri": uri, "version": version[0]}, "contentChanges": [{"range": {"start": position, "end": position}, "text": rng.choice(TEXTS)}]},
        "textDocument/didSave": {"textDocument": {"uri": uri}},
        "textDocument/didClose": {"textDocument": {"uri": uri}},
        "textDocument/hover": {"textDocument": {"uri": uri}, "position": position},
        "textDocument/codeAction": {"textDocument": {"uri": uri}, "range": {"start": position, "end": position}, "context": {"diagnostics": []}},
        "workspace/didChangeWatchedFiles": {"changes": [{"uri": uri, "type": 2}]},
        "$/cancelRequest": {"id": rng.randrange(2000)},
    }.get(method, {})
    message = {"jsonrpc": "2.0", "method": method, "params": params}
    if method in ("textDocument/hover", "textDocument/codeAction", "fraglint/unknown"):
        message["id"] = rng.randrange(1, 900)
    return message


def _mutate(rng: random.Random, message: dict) -> bytes:
    """One of: a valid frame, wrong params, a mangled header, flipped bytes, a cut frame."""
    kind = rng.randrange(6)
    if kind == 0:
        return frame(message)
    if kind == 1:
        broken = dict(message, params=_random_value(rng))
        if rng.random() < 0.3:
            broken.pop(rng.choice(list(broken)))
        return frame(broken)
    data = frame(message)
    if kind == 2:
        length = rng.choice([b"abc", b"-1", b"", b"99999999999", b"%d" % (len(data) + rng.randrange(-40, 40)), b"1e3"])
        return b"Content-Length: " + length + b"\r\n" + rng.choice([b"", b"X: y\r\n", b"junk\r\n"]) + b"\r\n" + data.split(b"\r\n\r\n", 1)[1]
    if kind == 3:
        mutable = bytearray(data)
        for _ in range(rng.randrange(1, 6)):
            mutable[rng.randrange(len(mutable))] = rng.randrange(256)
        return bytes(mutable)
    if kind == 4:
        return data[: rng.randrange(len(data))]
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))


def test_random_fuzz(tmp_path):
    """FUZZ_MESSAGES seeded messages (valid and mutated); the server answers a probe every 100 and at the end."""
    rng = random.Random(FUZZ_SEED)
    running = RawServer(tmp_path)
    running.initialize()
    version = [1]
    for number in range(1, FUZZ_MESSAGES + 1):
        running.send_raw(_mutate(rng, _valid_message(rng, running, version)))
        if number % 100 == 0:
            running.assert_alive()
    running.assert_alive()
    running.notify("shutdown", None)  # a notification, wrongly: the server must go on
    assert running.close() == 0
    assert "Traceback" not in running.log()


# -- memory: the per-text caches stay within budget ---------------------------------------------


def test_chunk_caches_keep_within_budget_and_keep_other_buffers(monkeypatch):
    """300 edits to one buffer: what the caches hold stays under the open texts plus the stale
    budget, and the other open buffer's pieces are still there (no parse when it is checked)."""
    import libcst

    from fraglint.index.incremental import ChunkedParser

    parser = ChunkedParser(stale_chars=4000)
    other = "".join(f"def g{i}():\n    return {i}\n\n" for i in range(40))
    parser.summarize("/p/other.py", other)
    functions = [f"def f{i}():\n    return {i}\n\n" for i in range(40)]
    for edit in range(300):
        functions[edit % 40] = f"def f{edit % 40}():\n    return {edit} + {edit}\n\n"
        assert parser.summarize("/p/edited.py", "".join(functions)) is not None
    budget = len(other) + len("".join(functions)) + 4000
    assert parser._parsed.cost <= budget and parser._walked.cost <= budget
    parses = []
    real = libcst.parse_module
    monkeypatch.setattr(libcst, "parse_module", lambda text, *a, **k: parses.append(text) or real(text, *a, **k))
    assert parser.summarize("/p/other.py", other) is not None
    assert parses == []
