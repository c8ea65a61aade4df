"""The wire under `fraglint lsp`: LSP framing and JSON-RPC checks that never lose the connection.

pygls reads stdio in `pygls.io_.run_async`, a loop with the framing inlined: a header it does
not understand (`Content-Length: abc`, a negative length, no length, a body that runs into the
next header) leaves it reading every later message as a header line, alive and silent for
good; a huge length is allocated at once (`MemoryError`, the server ends); a body that is not
JSON, or JSON that is not JSON-RPC, is logged with a traceback and never answered. Its only
hooks are a reader with `readline`/`read`, which cannot resynchronise a stream it does not
frame, and an error handler that never sees the body. So `serve_stdio` replaces that loop
(the rest of pygls, and `LanguageServer.start_io`'s setup, is used as is):

* `FrameReader` frames the byte stream: a malformed header block is skipped up to the next
  `Content-Length` header, a wrong length is caught where the next header shows up inside or
  at the end of the body, a body over `MAX_BODY_BYTES` is discarded in chunks without being
  held, and every problem is reported to the client (window/logMessage) and to stderr;
* `Protocol.receive` answers a body that is not JSON with JSON-RPC's Parse error (-32700), one
  that is not a JSON-RPC message with Invalid Request (-32600), params that do not fit the
  method with Invalid params (-32602), and a request after `shutdown` with Invalid Request,
  as LSP asks; a handler that raises is answered with Internal error. Nothing a client sends
  ends the server except `exit` (code 0 after `shutdown`, 1 without) or the end of its input.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from cattrs import transform_error
from cattrs.errors import ClassValidationError
from lsprotocol import types as lsp
from pygls.io_ import StdoutWriter
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage, JsonRPCResponseMessage
from pygls.protocol.language_server import lsp_method

log = logging.getLogger("fraglint.lsp")

# A body larger than this is refused without being read into memory: even a generated
# 2 MB module is a 3 MB message; 64 MiB leaves room for any real source file.
MAX_BODY_BYTES = 64 * 1024 * 1024
_CHUNK = 64 * 1024  # how much is read at a time; a header line longer than this is garbage
_TAIL = 64  # longer than any header line worth keeping: what is kept of a garbage line's end
_HEAD = 4096  # what is kept of a refused body, to find the id of the request it carried
_CONTENT_LENGTH = b"content-length:"
# A Content-Length header where a body should be: the declared length was wrong. It ends in a
# raw newline, which a JSON body never holds inside a string (JSON escapes it) and cannot hold
# right after `Content-Length: 12` outside one (that is not JSON), so a valid body never matches.
_HEADER_IN_BODY = re.compile(rb"content-length:[ \t]*\d{1,18}[ \t]*\r?\n", re.IGNORECASE)
_PARTIAL_LENGTH = re.compile(rb"content-length:[ \t]*\d{0,18}[ \t]*\r?")
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_ID_AT_START = re.compile(rb'\A\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*(-?\d{1,18}|"(?:[^"\\]|\\.){0,200}")')


@dataclass
class Frame:
    """One message's body as framed; `body` is None when it was over the limit and discarded."""

    body: bytes | None
    length: int
    head: bytes = b""  # the first bytes of a discarded body


@dataclass
class FrameReader:
    """Messages from a blocking byte stream (`Content-Length` framing), resynchronising on garbage.

    It keeps its own buffer (filled by `read1`, so a pipe's bytes are seen as they come) and
    never holds more than a chunk of anything but a body within the limit. `read_frame` runs
    on a worker thread; the problems it meets are collected in `problems` for the event loop
    to report, since only that thread may write to the client.
    """

    stream: Any  # a buffered binary stream: its read1 returns what a pipe has, without waiting
    limit: int = MAX_BODY_BYTES
    problems: list[str] = field(default_factory=list)
    _buffer: bytearray = field(default_factory=bytearray)

    def read_frame(self) -> Frame | None:
        """The next message; None at the end of the input."""
        length = self._header_block()
        return None if length is None else self._body(length)

    def _fill(self) -> bool:
        data = self.stream.read1(_CHUNK)
        self._buffer += data
        return bool(data)

    def _line(self) -> bytes:
        """The next line with its newline (only the end of one too long to be a header); b"" at the end."""
        skipped = 0
        while (end := self._buffer.find(b"\n")) < 0:
            if len(self._buffer) > _CHUNK:
                skipped += len(self._buffer) - _TAIL
                del self._buffer[: len(self._buffer) - _TAIL]
            if not self._fill():
                break
        end = end + 1 if end >= 0 else len(self._buffer)
        line = bytes(self._buffer[:end])
        del self._buffer[:end]
        if skipped:
            self.problems.append(f"skipped {skipped} bytes of a line too long to be a message header")
        return line

    def _header_block(self) -> int | None:
        """The length a well-formed header block declares; None at the end of the input."""
        length: int | None = None
        started = False
        while True:
            line = self._line()
            if not line:
                if started:
                    self.problems.append("the input ended inside a message header")
                return None
            at = line.lower().rfind(_CONTENT_LENGTH)
            if at > 0:  # the end of a body that ran into the next header: start again there
                self.problems.append(f"skipped {at} bytes that are not a message header")
                line, length, started = line[at:], None, False
            if not line.strip():
                if length is not None:
                    return length
                if started:
                    self.problems.append("skipped a message whose header has no valid Content-Length")
                started = False
                continue
            started = True
            name, colon, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = self._length(value)
            elif not colon or not _TOKEN.fullmatch(name.strip()):
                self.problems.append(f"skipped a header line that is not `Name: value`: {line[:60]!r}")

    def _length(self, value: bytes) -> int | None:
        text = value.strip()
        if text.isdigit() and len(text) <= 18:
            return int(text)
        self.problems.append(f"invalid Content-Length {text[:30]!r}: not a byte count")
        return None

    def _body(self, length: int) -> Frame | None:
        """The body: `length` bytes, or fewer when a header comes first; None when the input ends.

        A body over the limit is read and dropped a chunk at a time, keeping only its head.
        """
        keep = length <= self.limit
        head, window, got = bytearray(), bytearray(), 0
        while got < length:
            if not self._buffer and not self._fill():
                self.problems.append(f"the input ended inside a message body ({got} of {length} bytes)")
                return None
            take = min(length - got, len(self._buffer))
            chunk = bytes(self._buffer[:take])
            del self._buffer[:take]
            got += take
            head += chunk if keep else chunk[: max(0, _HEAD - len(head))]
            window = window[-_TAIL:] + chunk
            match = _HEADER_IN_BODY.search(window)
            if match is not None:
                back = len(window) - match.start()
                break
        else:
            back = len(window) - _header_start_at_end(window)
        if back:  # the declared length was wrong: the next header is read again, as a header
            self._buffer[:0] = window[len(window) - back :]
            got -= back
            del head[got:]
            self.problems.append(f"a message declared {length} bytes, but the next header came after {got}")
            keep = got <= (self.limit if keep else _HEAD)
        if not keep:
            self.problems.append(f"refused a message of {length} bytes: over the limit of {self.limit} bytes")
            return Frame(None, length, bytes(head))
        return Frame(bytes(head), length)


def _header_start_at_end(body: bytes | bytearray) -> int:
    """Where a `Content-Length` header cut short by the end of `body` starts, else len(body).

    A JSON body ends with `}`, `]`, `"`, a digit or a letter of true/false/null, never with
    a piece of `Content-Length: 12`, so a valid body is never cut."""
    start = max(0, len(body) - _TAIL)
    tail = bytes(body[start:]).lower()
    at = tail.find(b"c")
    while at != -1:
        rest = tail[at:]
        if _CONTENT_LENGTH.startswith(rest) or _PARTIAL_LENGTH.fullmatch(rest):
            return start + at
        at = tail.find(b"c", at + 1)
    return len(body)


def request_id_at_start(head: bytes) -> int | str | None:
    """The id of a request whose body was not read whole, if it comes first (as clients write it)."""
    match = _ID_AT_START.match(head)
    if match is None:
        return None
    try:
        return json.loads(match.group(1))
    except ValueError:
        return None


def message_id(data: Any) -> int | str | None:
    """The message's id, when it is one JSON-RPC allows here (an integer or a string)."""
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, (int, str)) and not isinstance(found, bool) else None


def envelope_problem(data: Any) -> str | None:
    """Why `data` is not a JSON-RPC 2.0 message (request, notification or response), or None."""
    if not isinstance(data, dict):
        return f"a message must be a JSON object, not {type(data).__name__}"
    if data.get("jsonrpc") != "2.0":
        return 'a message must have "jsonrpc": "2.0"'
    if "id" in data and message_id(data) is None:
        return "a message id must be an integer or a string"
    if "method" in data:
        if not isinstance(data["method"], str):
            return "a method must be a string"
        if data.get("params") is not None and not isinstance(data["params"], (dict, list)):
            return "params must be an object or an array"  # null is taken as absent: clients send it for shutdown
        return None
    if "id" not in data or ("result" in data) == ("error" in data):
        return "a message needs a method, or an id and one of result and error"
    return None


class Protocol(LanguageServerProtocol):
    """pygls's LSP protocol, fed one frame at a time by `serve_stdio`; nothing it is sent goes unanswered."""

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams):
        """Only the server's handler: it keeps the open texts itself (`lsp_documents`). pygls's
        own update breaks lines at \x0c and U+2028 and, doing so, clamps the change's range
        in place, so the handler after it would see a range the client never sent."""
        handler = self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)
        if handler is not None:
            yield handler, (params,), None

    def receive(self, frame: Frame) -> None:
        if frame.body is None:
            limit = f"over the limit of {MAX_BODY_BYTES} bytes"
            self.refuse(request_id_at_start(frame.head), lsp.ErrorCodes.InvalidRequest, f"a message of {frame.length} bytes is {limit}")
            return
        try:
            data = json.loads(frame.body)
        except (ValueError, RecursionError) as error:
            self.refuse(None, lsp.ErrorCodes.ParseError, f"Parse error: the message is not JSON ({error})")
            return
        msg_id, problem = message_id(data), envelope_problem(data)
        if problem is not None:
            self.refuse(msg_id, lsp.ErrorCodes.InvalidRequest, f"Invalid Request: {problem}")
            return
        method = data.get("method")
        if self._shutdown and method != lsp.EXIT:
            if method is not None and msg_id is not None:
                self.refuse(msg_id, lsp.ErrorCodes.InvalidRequest, f"{method}: the server is shutting down")
            return
        message = self._structured(data, msg_id)
        if message is not None:
            self._dispatch(message, method, msg_id)

    def _structured(self, data: dict, msg_id: int | str | None):
        """The message as pygls's types, or None when it was refused."""
        method = data.get("method")
        if method is not None:
            data.setdefault("params", None)  # JSON-RPC lets a request leave them out
        try:
            message: Any = self._converter.structure(data, self._message_type(data))
        except Exception as error:  # cattrs raises many kinds; each becomes one answer
            details = "; ".join(transform_error(error)) if isinstance(error, ClassValidationError) else str(error)
            answer = msg_id if method is not None else None  # a response from the client gets no answer
            self.refuse(answer, lsp.ErrorCodes.InvalidParams, f"invalid {method or 'response'}: {details}", reply=answer is not None)
            return None
        if method is not None and msg_id is not None and not hasattr(message, "id"):
            self.refuse(msg_id, lsp.ErrorCodes.InvalidRequest, f"{method} is a notification: it takes no id")
            return None
        return message

    def _message_type(self, data: dict) -> type:
        """The lsprotocol class of the message (pygls's fallbacks for methods LSP does not define)."""
        method = data.get("method")
        if method is None:
            if "error" in data:
                return lsp.ResponseErrorMessage
            return self._result_types.pop(data["id"], None) or JsonRPCResponseMessage
        default = JsonRPCRequestMessage if "id" in data else JsonRPCNotification
        return self.get_message_type(method) or default

    def _dispatch(self, message, method: str | None, msg_id: int | str | None) -> None:
        try:
            self.handle_message(message)
        except Exception as error:  # pygls answers handler failures; this is a last guard
            self.report(f"handling {method or 'a response'} failed: {error!r}", lsp.MessageType.Error)
            if method is not None and msg_id is not None:
                self.refuse(msg_id, lsp.ErrorCodes.InternalError, f"{method} failed: {error!r}")

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None) -> None:
        """pygls's, but a finished handler's future is dropped: pygls keeps every notification
        handler's future (two per didChange) for the server's life, and only pops requests'."""

        def forget_then(future) -> None:
            if self._request_futures.get(msg_id) is future:
                del self._request_futures[msg_id]
            callback(future)

        super()._execute_handler(msg_id, handler, forget_then, args, kwargs)

    def refuse(self, msg_id: int | str | None, code: int, text: str, reply: bool = True) -> None:
        """Answer with a JSON-RPC error (id null when the message's id is unknown) and log it."""
        self.report(text, lsp.MessageType.Error)
        if reply:
            self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": int(code), "message": text}})

    def report(self, text: str, kind: lsp.MessageType = lsp.MessageType.Warning) -> None:
        """A problem with what the client sent: to stderr, and to the client's log."""
        log.warning("%s", text)
        self.notify(lsp.WINDOW_LOG_MESSAGE, lsp.LogMessageParams(type=kind, message=f"fraglint: {text}"))


def serve_stdio(server, stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Run `server` (a pygls LanguageServer whose protocol is `Protocol`) on these streams.

    What pygls's `start_io` does, with `FrameReader` and `Protocol.receive` in its read loop;
    `exit` raises SystemExit with LSP's code, which pygls would swallow, so it passes through.
    """
    server._stop_event = stop = threading.Event()  # pygls's shutdown() sets it
    server.protocol.set_writer(StdoutWriter(stdout))
    try:
        asyncio.run(_read_loop(server.protocol, FrameReader(stdin), server.thread_pool, stop))
    except BrokenPipeError:
        log.error("the connection to the client is lost; stopping")
    finally:
        server.shutdown()


async def _read_loop(protocol: Protocol, reader: FrameReader, executor: Executor, stop: threading.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        frame = await loop.run_in_executor(executor, reader.read_frame)
        problems, reader.problems = reader.problems, []
        for problem in problems:
            protocol.report(problem)
        if frame is None:
            return
        protocol.receive(frame)
