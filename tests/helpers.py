"""Test helpers: run the real engine or the real CLI on files written to a temp dir.

A plain module (not conftest) so test files can import it without colliding with
tests/oracle/conftest.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from fraglint.config import Settings
from fraglint.engine import run_check
from fraglint.model import versions
from fraglint.model.target import ReleaseSet, admitted, is_specifier

REPO = Path(__file__).resolve().parent.parent


def write_project(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def check_files(root: Path, files: dict[str, str], version: str | None = None, **settings):
    """Write `files` under `root` and return the diagnostics of a check of `root`."""
    write_project(root, files)
    config = Settings(root=str(root), **settings)
    if version and is_specifier(version):  # a range, as `--streamlit-version ">=1.28"` gives one
        config.releases = ReleaseSet(admitted(version), version)
    elif version:
        config.streamlit_version = versions.parse_version(version)
    return run_check([str(root)], config, jobs=1).diagnostics


def run_cli(*args: str, cwd: Path | str | None = None, input: str | None = None, env: dict | None = None):
    """Run the installed `fraglint` console script as a user would."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None) if "GITHUB_ACTIONS" not in (env or {}) else None
    return subprocess.run(
        [sys.executable, "-m", "fraglint", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
    )


def read_until_closed(fd: int) -> bytes:
    """Everything written to a pseudo-terminal's controller `fd` until its process closes the
    other end (Linux then raises EIO), and close it."""
    seen = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(fd)
    return seen


def run_with_terminal_stderr(*args: str, cwd: Path) -> tuple[str, bytes]:
    """`python -m fraglint ARGS` with standard error on a pseudo-terminal (where progress shows)
    and standard output piped: (what reached stdout, what the terminal received)."""
    import pty

    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "TERM": "xterm"}
    env.pop("CI", None)
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "fraglint", *args]
    with subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=terminal) as process:
        os.close(terminal)
        seen = read_until_closed(controller)
        assert process.stdout is not None
        shown = process.stdout.read().decode()
        process.wait(timeout=300)
    return shown, seen


def finding_rows(root, *paths: str) -> list[tuple[str, str, int, str]]:
    """`check --output-format json PATHS` in `root`, as sorted (path, name, line, message) rows."""
    done = run_cli("check", "--output-format", "json", "--exit-zero", *paths, cwd=root)
    assert done.returncode == 0, done.stderr
    return sorted((d["path"], d["name"], d["line"], d["message"]) for d in json.loads(done.stdout))


def cli_json(*args: str, cwd=None) -> list[dict]:
    result = run_cli("check", "--output-format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)




async def start_lsp_session(lsp_client, root: Path, initialization_options: object = None) -> None:
    """Initialise a real language-server session over `root`, with VS Code's capabilities."""
    from lsprotocol import types as lsp
    from pytest_lsp import client_capabilities

    params = lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=root.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="shop")],
        initialization_options=initialization_options,
    )
    await lsp_client.initialize_session(params)
    lsp_client.root = root


async def diagnostics_matching(lsp_client, uri: str, predicate, timeout: float = 120.0) -> list:
    """The diagnostics published for `uri` once `predicate` holds for them (AssertionError at the timeout)."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while True:
        found = lsp_client.diagnostics.get(uri)
        if found is not None and predicate(found):
            return list(found)
        if time.monotonic() > deadline:
            raise AssertionError(f"diagnostics of {uri} never matched; last: {[(d.code, d.message[:60]) for d in found or []]}")
        await asyncio.sleep(0.02)


def open_document(lsp_client, path: Path) -> str:
    """Send didOpen for the file at `path` with its text on disk; return its URI."""
    from lsprotocol import types as lsp

    uri = path.as_uri()
    item = lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=path.read_text(encoding="utf-8"))
    lsp_client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=item))
    return uri


def write_raw_project(root: Path, files: dict[str, str | bytes], pyproject: str) -> Path:
    """Write `files` as given (bytes verbatim, text as UTF-8) under `root`, with a pyproject.toml."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(pyproject)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
