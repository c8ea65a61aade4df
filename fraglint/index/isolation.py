"""Running one piece of work in a forked child, so that a crash or a runaway costs only that piece.

libcst's native parser can kill its process (a stack overflow is a SIGSEGV, not an
exception) or run for minutes; `guard.py` keeps such files away from it, and what the guard
cannot rule out runs here. The child is a bare `os.fork()`: no multiprocessing bootstrap,
no flushing of inherited stdio buffers at exit (the language server speaks LSP on stdout),
only the result, pickled through a pipe, and `os._exit`. CPU time is limited with
`RLIMIT_CPU` (fair on a busy machine), wall time by the parent, which kills the child.
"""

from __future__ import annotations

import gc
import os
import pickle
import selectors
import signal
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

try:
    import resource  # imported here: a forked child of a threaded process should import nothing
except ImportError:  # not on Windows, which has no fork either
    resource = None  # type: ignore[assignment]

R = TypeVar("R")

AVAILABLE = hasattr(os, "fork")
_RAISED = 70  # the child's exit code when the work raised


@dataclass(frozen=True)
class Failure:
    """The child gave no result: it crashed, raised, or ran out of time."""

    reason: str  # "killed by SIGSEGV", "more than 10 s of CPU", "an exception"
    timed_out: bool = False


def run_forked(work: Callable[..., R], *args, cpu_seconds: float | None = None, wall_seconds: float | None = None) -> R | Failure:
    """`work(*args)` in a forked child; its result, or why there is none. Needs `os.fork`."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: forking a process with threads
        pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(write_end, work, args, cpu_seconds)
    os.close(write_end)
    try:
        data, finished = _read_all(read_end, wall_seconds)
    finally:
        os.close(read_end)
    if not finished:
        _kill(pid)
    _, status = os.waitpid(pid, 0)
    if not finished:
        return Failure(f"more than {wall_seconds:.0f} s", timed_out=True)
    return _outcome(status, data, cpu_seconds)


def _child(write_end: int, work: Callable, args: tuple, cpu_seconds: float | None) -> None:  # never returns
    code = _RAISED
    try:
        gc.disable()  # short-lived: collecting would only copy the parent's pages
        if cpu_seconds is not None and resource is not None:
            limit = max(1, int(cpu_seconds + 0.999))
            resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))  # SIGXCPU, then SIGKILL
        data = pickle.dumps(work(*args), protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
        code = 0
    except BaseException:  # the parent reports that the work raised
        pass
    os._exit(code)


def _read_all(fd: int, wall_seconds: float | None) -> tuple[bytes, bool]:
    """Everything the child writes, and whether it closed the pipe before the deadline."""
    chunks: list[bytes] = []
    deadline = None if wall_seconds is None else time.monotonic() + wall_seconds
    with selectors.DefaultSelector() as selector:  # epoll where there is one: no FD_SETSIZE limit
        selector.register(fd, selectors.EVENT_READ)
        while True:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not selector.select(timeout):
                return b"".join(chunks), False
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks), True
            chunks.append(chunk)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _outcome(status: int, data: bytes, cpu_seconds: float | None):
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number in (signal.SIGXCPU, signal.SIGKILL) and cpu_seconds is not None:
            return Failure(f"more than {cpu_seconds:.0f} s of CPU", timed_out=True)
        return Failure(f"killed by {_signal_name(number)}")
    code = os.WEXITSTATUS(status)
    if code != 0 or not data:
        return Failure("an exception" if code == _RAISED else f"exit code {code}")
    try:
        return pickle.loads(data)
    except Exception:  # a truncated result is no result
        return Failure("an unreadable result")
