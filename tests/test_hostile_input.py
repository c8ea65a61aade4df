"""A hostile project through the real command line (issue 9): fraglint runs in CI on strangers' code.

What a pull request can commit must not leak the runner's secrets (a symlink to a file outside
the project), forge GitHub workflow commands (a newline in a file name or a quoted string),
exhaust the runner (`-r /dev/zero`, a FIFO) or crash fraglint (malformed configuration). Every
test runs `python -m fraglint` in a subprocess; the timeout is a guard against a hang (the old
behaviour), not a timing assertion.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import write_raw_project

FORMATS = ["full", "concise", "json", "github", "sarif", "gitlab", "junit"]
JSON_FORMATS = {"json", "sarif", "gitlab"}
CANARY = "fraglint-canary-5f3a9c"
HANG_GUARD = 120  # seconds; a run that needs this long has hung
PYPROJECT = '[project]\nname = "hostile"\nversion = "0"\n'
GOOD = (
    "import streamlit as st\n\nbox = st.container()\n\n\n@st.fragment\ndef poll():\n"
    '    box.write("tick")\n\n\npoll()\n'
)  # FRG104 at line 8 on 1.45
# fraglint's own annotation: `::error file=...,line=N,...,title=FRGnnn name::message`
OWN_ANNOTATION = re.compile(
    r"^::(error|warning) file=[^,:\r\n]*,line=\d+,endLine=\d+,col=\d+,endColumn=\d+,title=FRG\d{3} [a-z-]+::"
)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[tuple[str, str]]:
        """(stream, line) for every line either stream holds, split as a CI log splits them."""
        return [("stdout", line) for line in re.split(r"\r\n|\r|\n", self.stdout)] + [
            ("stderr", line) for line in re.split(r"\r\n|\r|\n", self.stderr)
        ]


def fraglint(*args: str, cwd: Path, env: dict | None = None, preexec_fn=None) -> Run:
    """Run the CLI; its output must be valid UTF-8 and free of tracebacks."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "fraglint", *args], cwd=cwd, env=full_env, capture_output=True,
            timeout=HANG_GUARD, preexec_fn=preexec_fn or _memory_guard,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"fraglint {' '.join(args)} did not finish: it hung")
    run = Run(result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8"))
    assert "Traceback" not in run.stderr, run.stderr
    return run


def _memory_guard() -> None:
    """A regression that reads /dev/zero dies of MemoryError instead of starving the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def project(root: Path, files: dict[str, str | bytes]) -> Path:
    return write_raw_project(root, files, PYPROJECT)


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in strings(key) + strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


# -- symlinks out of the project: nothing outside is read -------------------------------------


@pytest.fixture
def leaky(tmp_path) -> Path:
    """A project with symlinks to the process environment and to a secret beside the project."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(f'TOKEN = "{CANARY}"\n{CANARY} oops(\n')  # a syntax error: framed
    root = project(tmp_path / "proj", {"good.py": GOOD})
    os.symlink(outside / "secret.py", root / "leak.py")
    os.symlink("/proc/self/environ", root / "environ.py")
    return root


@pytest.mark.parametrize("fmt", FORMATS)
def test_symlink_out_of_the_project_is_reported_not_read(leaky, fmt):
    run = fraglint("check", "--output-format", fmt, "--streamlit-version", "1.45", ".", cwd=leaky, env={"CANARY": CANARY})
    assert run.returncode == 1
    assert CANARY not in run.stdout + run.stderr
    assert run.stdout.count("symlink to outside the project") >= 2  # both links, reported
    assert "outside-container-write" in run.stdout  # the rest is still checked


def test_symlink_out_of_the_project_named_on_the_command_line_is_not_read(leaky):
    run = fraglint("check", "leak.py", "environ.py", "good.py", "--streamlit-version", "1.45", cwd=leaky, env={"CANARY": CANARY})
    assert run.returncode == 1
    assert CANARY not in run.stdout + run.stderr
    assert "leak.py:1:1: FRG002 [unreadable-file] symlink to outside the project; not read" in run.stdout
    assert "environ.py:1:1: FRG002 [unreadable-file] symlink to outside the project; not read" in run.stdout


def test_a_file_outside_the_project_named_explicitly_is_checked(tmp_path):
    """As in ruff, a file the user names is read wherever it is (only project files are confined)."""
    project(tmp_path / "proj", {"good.py": GOOD})
    project(tmp_path / "other", {"app.py": GOOD})
    run = fraglint("check", "--output-format", "concise", "--streamlit-version", "1.45", "good.py", "../other/app.py", cwd=tmp_path / "proj")
    assert "good.py:8:5: FRG104" in run.stdout and "other/app.py:8:5: FRG104" in run.stdout


def test_requirements_include_outside_the_project_is_not_read(tmp_path):
    (tmp_path / "pinned.txt").write_text("streamlit==1.40.0\n")
    root = project(tmp_path / "proj", {"good.py": GOOD, "requirements.txt": "-r ../pinned.txt\n"})
    run = fraglint("check", "--show-settings", ".", cwd=root)
    assert "requirements.txt:1: included file ../pinned.txt is outside the project; not read" in run.stderr
    assert "1.40.0" not in run.stdout


# -- nothing printed can be a workflow command ------------------------------------------------

DUPLICATE_KEYS = '''import streamlit as st

@st.fragment(key="""k
::error file=x::quoted""")
def first():
    st.write("a")

@st.fragment(key="""k
::error file=x::quoted""")
def second():
    st.write("b")

first()
second()
'''


@pytest.mark.parametrize("fmt", FORMATS)
def test_nothing_printed_can_start_a_workflow_command(tmp_path, fmt):
    root = project(tmp_path, {
        "requirements\n::error file=x::pwned.txt": "streamlit=1.45.0\n",  # malformed: a warning names it
        "evil\n::error file=x::pwned.py": "def (\n",  # a syntax error: a diagnostic names it
        "keys.py": DUPLICATE_KEYS,  # FRG113 quotes the key, newline and all
        "esc.py": 'import streamlit as st\n\n@st.fragment(run_every="\x1b]0;x\x07\x1b[2J")\ndef f():\n    pass\n\nf()\n',
    })
    run = fraglint("check", "--output-format", fmt, ".", cwd=root)
    assert run.returncode == 1
    assert "malformed requirement" in run.stderr and "pwned" in run.stdout and "quoted" in run.stdout
    for stream, line in run.lines:
        if line.startswith("::"):
            assert stream == "stdout" and OWN_ANNOTATION.match(line), (stream, line)
    assert "\x1b" not in run.stdout + run.stderr  # the escape sequences in esc.py are shown escaped


# -- nothing blocks or fills memory -----------------------------------------------------------


def test_requirements_include_of_dev_zero(tmp_path):
    root = project(tmp_path, {"good.py": GOOD, "requirements.txt": "-r /dev/zero\n"})
    run = fraglint("check", ".", cwd=root)
    assert "requirements.txt:1: included file /dev/zero is outside the project; not read" in run.stderr


def test_requirements_include_of_a_fifo(tmp_path):
    root = project(tmp_path, {"good.py": GOOD, "requirements.txt": "-r pipe.txt\n"})
    os.mkfifo(root / "pipe.txt")
    run = fraglint("check", ".", cwd=root)
    assert "requirements.txt:1: cannot read included file pipe.txt: not a regular file (a FIFO)" in run.stderr


def test_requirements_file_that_is_a_fifo(tmp_path):
    root = project(tmp_path, {"good.py": GOOD})
    os.mkfifo(root / "requirements.txt")
    run = fraglint("check", ".", cwd=root)
    assert "requirements.txt: cannot be read: not a regular file (a FIFO)" in run.stderr


@pytest.mark.parametrize("named", [False, True], ids=["walked", "named"])
def test_fifo_named_like_a_python_file(tmp_path, named):
    root = project(tmp_path, {"good.py": GOOD})
    os.mkfifo(root / "x.py")
    paths = ("x.py", "good.py") if named else (".",)
    run = fraglint("check", "--output-format", "json", "--streamlit-version", "1.45", *paths, cwd=root)
    found = {(d["path"], d["code"], d["message"]) for d in json.loads(run.stdout)}
    assert ("x.py", "FRG002", "not a regular file (a FIFO)") in found
    assert ("good.py", "FRG104") in {(path, code) for path, code, _ in found}


def test_python_file_too_large(tmp_path):
    root = project(tmp_path, {"good.py": GOOD, "huge.py": b"x = 1\n" * (21 * 1024 * 1024 // 6)})
    run = fraglint("check", "--output-format", "json", "--streamlit-version", "1.45", ".", cwd=root)
    found = {(d["path"], d["code"]): d["message"] for d in json.loads(run.stdout)}
    assert found[("huge.py", "FRG002")].startswith("file too large")
    assert ("good.py", "FRG104") in found


def test_requirements_file_too_large(tmp_path):
    root = project(tmp_path, {"good.py": GOOD, "requirements.txt": b"# padding\n" * (11 * 1024 * 1024 // 10)})
    run = fraglint("check", ".", cwd=root)
    assert "requirements.txt: cannot be read: file too large" in run.stderr


def test_gitignore_too_large_is_reported_not_applied(tmp_path):
    root = project(tmp_path, {"good.py": GOOD, ".gitignore": "# padding\n" * 7000 + "good.py\n"})
    run = fraglint("check", "--output-format", "json", "--streamlit-version", "1.45", ".", cwd=root)
    found = {(d["path"], d["code"]): d["message"] for d in json.loads(run.stdout)}
    assert found[(".gitignore", "FRG002")].startswith("file too large (over 64 KiB")
    assert ("good.py", "FRG104") in found  # its patterns were not applied


def test_absurd_streamlit_declarations_are_refused(tmp_path):
    many_clauses = "streamlit" + ",".join(f"!=1.{minor}.99" for minor in range(40))
    many_lines = "".join(f"streamlit>=1.{minor}\n" for minor in range(70))
    root = project(tmp_path, {"good.py": GOOD, "requirements.txt": many_clauses + "\n" + many_lines})
    run = fraglint("check", ".", cwd=root)
    assert "requirements.txt:1: more than 32 version clauses; ignoring it" in run.stderr
    assert "requirements.txt:66: more than 64 Streamlit declarations; ignoring the rest" in run.stderr


# -- non-UTF-8 file names -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_file_name_that_is_not_utf8(tmp_path, fmt):
    root = project(tmp_path, {})
    with open(os.path.join(os.fsencode(root), b"caf\xe9.py"), "wb") as handle:
        handle.write(b"def (\n")
    # --no-cache: the summary cache's own handling of such names belongs to fraglint/index/cache.py.
    run = fraglint("check", "--no-cache", "--output-format", fmt, ".", cwd=root)  # output decodes as UTF-8
    assert run.returncode == 1
    shown = "caf%E9.py" if fmt == "sarif" else "caf\\xe9.py"  # the URI has the real byte
    if fmt in JSON_FORMATS:
        texts = strings(json.loads(run.stdout))
        for text in texts:
            text.encode("utf-8")  # no lone surrogates: valid Unicode throughout
        assert any(shown in text for text in texts)
    else:
        assert shown in run.stdout


# -- malformed configuration: a clear message, never a traceback ------------------------------

DEEP_TOML = b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n"


@pytest.mark.parametrize(
    "content, message",
    [
        (b'tool = "x"\n', "`tool` must be a table"),
        (b'[tool.fraglint]\nselect = ["\xff"]\n', "not valid UTF-8 (byte 0xff on line 2)"),
        (DEEP_TOML, "nested too deeply"),
        (b"x = " + b"1" * 5000 + b"\n", "invalid TOML"),
        (b'[tool.fraglint]\nexclude = ["!"]\n', "invalid glob pattern '!'"),
    ],
    ids=["tool-string", "not-utf8", "deep", "huge-integer", "bad-pattern"],
)
def test_broken_pyproject_is_a_configuration_error(tmp_path, content, message):
    (tmp_path / "pyproject.toml").write_bytes(content)
    (tmp_path / "good.py").write_text(GOOD)
    run = fraglint("check", ".", cwd=tmp_path)
    assert run.returncode == 2
    assert "fraglint: error: " in run.stderr and message in run.stderr


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("Pipfile.lock", b"[" * 100_000 + b"]" * 100_000, "Pipfile.lock: invalid JSON: nested too deeply to read"),
        ("Pipfile.lock", b'{"default": ' + b"1" * 5000 + b"}", "Pipfile.lock: invalid JSON: Exceeds the limit"),
        ("uv.lock", DEEP_TOML, "uv.lock: invalid TOML: nested too deeply to read"),
    ],
    ids=["deep-json", "huge-integer-json", "deep-toml"],
)
def test_broken_lock_file_is_a_warning(tmp_path, name, content, message):
    root = project(tmp_path, {"good.py": GOOD, name: content})
    run = fraglint("check", "--output-format", "concise", ".", cwd=root)
    assert run.returncode == 0
    assert f"fraglint: warning: {message}" in run.stderr


def test_gitignore_with_patterns_git_cannot_use(tmp_path):
    root = project(tmp_path, {"good.py": GOOD, "ignored.py": GOOD, ".gitignore": "!\n\\\n[z-a]\nignored.py\n"})
    run = fraglint("check", "--output-format", "concise", "--streamlit-version", "1.45", ".", cwd=root)
    assert "good.py:8:5: FRG104" in run.stdout and "ignored.py" not in run.stdout


# -- a directory that cannot be listed ------------------------------------------------------

_PR_CAPBSET_DROP, _CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 24, 1, 2


def _without_file_access_override() -> None:
    """In the child: lose root's power to read any file, so chmod 000 holds (as for a user)."""
    _memory_guard()
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _denying_runner(locked: Path):
    """A preexec_fn under which `locked` really cannot be listed, or None (then the test skips).

    Tests run as root, for whom chmod 000 means nothing; as root the child drops the two
    capabilities that override file permissions (`nobody` cannot run this interpreter, which
    lives under /root). As another user, chmod 000 works as it is.
    """
    if os.geteuid() != 0:
        return _memory_guard if not os.access(locked, os.R_OK) else None
    probe = subprocess.run(
        [sys.executable, "-c", f"import os; os.listdir({str(locked)!r})"],
        preexec_fn=_without_file_access_override, capture_output=True, timeout=60,
    )
    return _without_file_access_override if b"PermissionError" in probe.stderr else None


def test_unreadable_directory_is_reported_and_the_rest_checked(tmp_path):
    root = project(tmp_path, {"good.py": GOOD, "locked/hidden.py": GOOD})
    (root / "locked").chmod(0)
    try:
        preexec = _denying_runner(root / "locked")
        if preexec is None:
            pytest.skip("cannot make a directory unlistable here (root without prctl, or a user with CAP_DAC_OVERRIDE)")
        run = fraglint(
            "check", "--no-cache", "--output-format", "json", "--streamlit-version", "1.45", ".",
            cwd=root, preexec_fn=preexec,
        )
    finally:
        (root / "locked").chmod(0o755)
    found = {(d["path"], d["code"]): d["message"] for d in json.loads(run.stdout)}
    assert found[("locked", "FRG002")] == "directory cannot be read (permission denied); its files were not checked"
    assert ("good.py", "FRG104") in found
    assert f"fraglint: warning: {root / 'locked'}: directory cannot be read" in run.stderr
