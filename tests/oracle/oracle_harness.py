"""Oracle harness: runs small instrumented Streamlit apps under real releases.

Each release lives in its own uv-created virtualenv under ``.oracle-cache/venvs/<release>``.
Each case app is served by ``streamlit run`` on 127.0.0.1 and driven by Debian's headless
Chromium through Playwright, the way a user would: clicks, then waits until the websocket
has gone quiet. The apps append marker lines to the file named by ``$ORACLE_LOG``; the harness
writes a ``@@step:<name>`` separator line before each interaction, so the markers written
after it are the parts of the script that re-executed because of that interaction.

Nothing here talks to anything but 127.0.0.1 (and PyPI, through uv, when a venv is missing).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ORACLE_DIR = Path(__file__).resolve().parent
REPO = ORACLE_DIR.parent.parent
CASES_DIR = ORACLE_DIR / "cases"
RESULTS_DIR = ORACLE_DIR / "results"
CACHE_DIR = Path(os.environ.get("FRAGLINT_ORACLE_CACHE", REPO / ".oracle-cache"))
VENVS_DIR = CACHE_DIR / "venvs"

# the latest patch of every minor release from 1.33 (before st.fragment) to the newest, so
# every boundary in fraglint/model/versions.py is pinned on both sides by a recorded release
FULL_RELEASES = [
    "1.33.0", "1.34.0", "1.35.0", "1.36.0", "1.37.1", "1.38.0", "1.39.1", "1.40.2",
    "1.41.1", "1.42.2", "1.43.2", "1.44.1", "1.45.1", "1.46.1", "1.47.1", "1.48.1",
    "1.49.1", "1.50.0", "1.51.0", "1.52.2", "1.53.1", "1.54.0", "1.55.0", "1.56.0",
    "1.57.0", "1.58.0", "1.59.2", "1.60.0", "1.61.1", "1.62.0", "1.63.0", "1.64.0",
    "1.65.0", "1.66.1", "1.67.0",
]
# CI: one release inside each long epoch, so the boundaries most apps meet lie between two of
# them: 1.37 (st.fragment, scope=, dialogs), 1.39 (exception names), 1.41 (scope validation),
# 1.50 (experimental_dialog gone, orphaned timers stop) between 1.36.0 and 1.58.0; 1.59
# (outside writes, sidebar) and 1.63 (keys, callbacks) between 1.58.0 and 1.67.0
CI_RELEASES = ["1.36.0", "1.58.0", "1.67.0"]

CHROMIUM = os.environ.get("FRAGLINT_ORACLE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

SERVER_START_TIMEOUT = 60.0
STEP_TIMEOUT = 15.0
QUIET_MS = 600


def selected_releases(value: str | None = None) -> list[str]:
    """Releases from ``FRAGLINT_ORACLE_RELEASES`` (comma list, ``all``, default: CI set)."""
    if value is None:
        value = os.environ.get("FRAGLINT_ORACLE_RELEASES", "")
    value = value.strip()
    if not value or value == "ci":
        return list(CI_RELEASES)
    if value == "all":
        return list(FULL_RELEASES)
    return [v.strip() for v in value.split(",") if v.strip()]


# --------------------------------------------------------------------------- venvs

def venv_python(release: str) -> Path:
    return VENVS_DIR / release / "bin" / "python"


def ensure_venv(release: str, log=print) -> Path:
    """Create (or reuse) the venv for one Streamlit release; returns its python."""
    vdir = VENVS_DIR / release
    ok = vdir / ".oracle-ok"
    py = venv_python(release)
    if ok.exists() and py.exists():
        return py
    if vdir.exists():
        shutil.rmtree(vdir)
    VENVS_DIR.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    uv = [sys.executable, "-m", "uv"]
    subprocess.run(uv + ["venv", "-q", "--python", sys.executable, str(vdir)],
                   check=True, timeout=300)
    subprocess.run(uv + ["pip", "install", "-q", "--python", str(py), f"streamlit=={release}"],
                   check=True, timeout=600)
    out = subprocess.run([str(py), "-c", "import streamlit; print(streamlit.__version__)"],
                         check=True, timeout=120, capture_output=True, text=True).stdout.strip()
    if out != release:
        raise RuntimeError(f"venv for {release} imports streamlit {out}")
    ok.write_text(out + "\n")
    log(f"[oracle] venv {release} ready in {time.time() - t0:.1f}s")
    return py


def installed_versions(release: str) -> dict[str, str]:
    py = venv_python(release)
    code = ("import importlib.metadata as m, json;"
            "print(json.dumps({n: m.version(n) for n in "
            "['streamlit','protobuf','tornado','numpy','pandas']}))")
    try:
        out = subprocess.run([str(py), "-c", code], capture_output=True, text=True, timeout=60)
        return json.loads(out.stdout)
    except Exception:  # pragma: no cover - informational only
        return {}


# --------------------------------------------------------------------------- server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run`` in its own process group; killed as a group on exit."""

    def __init__(self, release: str, app: Path, workdir: Path, log_path: Path):
        self.release = release
        self.app = app
        self.workdir = workdir
        self.log_path = log_path
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.out_path = workdir / "server.out"

    def __enter__(self) -> Server:
        env = dict(os.environ)
        env.update(ORACLE_LOG=str(self.log_path), PYTHONUNBUFFERED="1",
                   STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", HOME=str(self.workdir))
        cmd = [str(venv_python(self.release)), "-m", "streamlit", "run", str(self.app),
               "--server.headless", "true", "--server.port", str(self.port),
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
        self.proc = subprocess.Popen(cmd, cwd=self.workdir, env=env, start_new_session=True,
                                     stdout=open(self.out_path, "w"), stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        deadline = time.time() + SERVER_START_TIMEOUT
        url = f"http://127.0.0.1:{self.port}/_stcore/health"
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early: {self.output()[-2000:]}")
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    if r.status == 200:
                        return self
            except Exception:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise TimeoutError(f"streamlit {self.release} did not start in {SERVER_START_TIMEOUT}s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def output(self) -> str:
        try:
            return self.out_path.read_text(errors="replace")
        except OSError:
            return ""

    def __exit__(self, *exc) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=5)


# --------------------------------------------------------------------------- browser

class Browser:
    """One Chromium per worker process, reused across cases (new context per case)."""

    def __init__(self):
        from playwright.sync_api import sync_playwright
        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                headless=True, timeout=60_000)

    def close(self) -> None:
        try:
            self.browser.close()
        finally:
            self._pw.stop()


def _version_tuple(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v)[:3])


def adapt_source(src: str, release: str) -> tuple[str, str | None]:
    """Cases marked ``# oracle: adapt`` use ``@st.fragment`` and ``@st.dialog``; before 1.37
    they are served with ``st.experimental_fragment`` and ``st.experimental_dialog`` instead
    so the behaviour under test can be observed there."""
    if "# oracle: adapt" not in src or _version_tuple(release) >= (1, 37, 0):
        return src, None
    done = []
    for new_api, old_api in (("st.fragment", "st.experimental_fragment"),
                             ("st.dialog(", "st.experimental_dialog(")):
        if new_api in src:
            src = src.replace(new_api, old_api)
            done.append(f"{new_api.rstrip('(')} -> {old_api.rstrip('(')}")
    return src, ", ".join(done) or None


class Page:
    def __init__(self, page, log_path: Path):
        self.page = page
        self.log_path = log_path
        self.last_frame = time.monotonic()
        self.frames = 0
        page.on("websocket", self._on_ws)

    def _on_ws(self, ws) -> None:
        if "_stcore/stream" in ws.url:
            ws.on("framereceived", self._on_frame)

    def _on_frame(self, _payload) -> None:
        self.frames += 1
        self.last_frame = time.monotonic()

    def settle(self, min_wait: float = 0.3, quiet_ms: int = QUIET_MS,
               timeout: float = STEP_TIMEOUT) -> None:
        """Wait until the server has sent something and then nothing for ``quiet_ms``."""
        start = time.monotonic()
        frames0 = self.frames
        self.page.wait_for_timeout(int(min_wait * 1000))
        while time.monotonic() - start < timeout:
            quiet = (time.monotonic() - self.last_frame) * 1000
            running = self.page.locator('[data-testid="stStatusWidget"]').count()
            if quiet >= quiet_ms and not running and (self.frames > frames0 or
                                                       time.monotonic() - start > 2.0):
                return
            self.page.wait_for_timeout(100)

    def wait_for_script_end(self, timeout: float) -> None:
        """Initial load: wait until the script wrote its `end` marker or the page shows an
        exception (a slow first run, e.g. pandas imported to parse run_every="1s")."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            lines = _read_markers(self.log_path)
            since = lines[max(i for i, line in enumerate(lines) if line.startswith("@@step:")) + 1:] \
                if any(line.startswith("@@step:") for line in lines) else lines
            if "end" in since or self.page.locator('[data-testid="stException"]').count():
                return
            self.page.wait_for_timeout(100)

    def mark(self, name: str) -> None:
        with open(self.log_path, "a") as f:
            f.write(f"@@step:{name}\n")


def _exceptions(page) -> list[dict[str, str]]:
    out = []
    for el in page.locator('[data-testid="stException"]').all():
        try:
            text = el.inner_text(timeout=2000)
        except Exception:
            continue
        head = text.split("\nTraceback:")[0].strip()
        m = re.match(r"^([A-Za-z_][\w.]*): (.*)$", head, re.S)
        if m:
            qualified, msg = m.group(1), m.group(2)
        elif re.fullmatch(r"[A-Za-z_][\w.]*(Error|Exception|Warning)", head):
            qualified, msg = head, ""  # e.g. a bare `raise AttributeError`
        else:
            qualified, msg = "", head
        item = {"type": qualified.rsplit(".", 1)[-1], "message": " ".join(msg.split())[:400]}
        if "." in qualified:
            item["qualified"] = qualified
        out.append(item)
    return out


def _alerts(page) -> list[str]:
    out = []
    sel = '[data-testid="stAlert"], [data-testid="stNotification"]'
    for el in page.locator(sel).all():
        try:
            if el.locator('xpath=ancestor-or-self::*[@data-testid="stException"]').count() or \
                    el.locator('[data-testid="stException"]').count():
                continue
            out.append(" ".join(el.inner_text(timeout=2000).split())[:300])
        except Exception:
            continue
    return out


def _count(page, text: str) -> int:
    return page.locator('[data-testid="stMarkdownContainer"]', has_text=re.compile(
        r"^\s*" + re.escape(text) + r"\s*$")).count()


def _widget_count(page, label: str) -> int:
    sel = ('[data-testid="stCheckbox"], [data-testid="stButton"], [data-testid="stToggle"], '
           '[data-testid="stTextInput"]')
    return page.locator(sel).filter(has_text=re.compile(
        r"^\s*" + re.escape(label) + r"\s*$")).count()


def _sidebar_count(page, text: str) -> int:
    return page.locator('[data-testid="stSidebar"] [data-testid="stMarkdownContainer"]',
                        has_text=re.compile(r"^\s*" + re.escape(text) + r"\s*$")).count()


def _read_markers(log_path: Path) -> list[str]:
    try:
        return [line.rstrip("\n") for line in open(log_path) if line.strip()]
    except OSError:
        return []


def _do(page, action: tuple) -> str | None:
    kind = action[0]
    if kind == "click":
        loc = page.locator('[data-testid="stButton"] button, [data-testid="stBaseButton-secondary"]'
                           ).filter(has_text=re.compile(r"^\s*" + re.escape(action[1]) + r"\s*$"))
        if loc.count() == 0:
            return f"no button {action[1]!r}"
        loc.first.click(timeout=5000)
    elif kind == "check":  # checkbox / toggle, clicked by its label
        loc = page.locator('[data-testid="stCheckbox"] label, [data-testid="stToggle"] label'
                           ).filter(has_text=action[1])
        if loc.count() == 0:
            return f"no checkbox {action[1]!r}"
        loc.first.click(timeout=5000)
    elif kind == "wait":
        page.wait_for_timeout(int(action[1] * 1000))
    elif kind == "press":  # a key, e.g. Escape closes an open dialog
        page.keyboard.press(action[1])
    else:
        raise ValueError(action)
    return None


def copy_extra_files(case, dest: Path) -> None:
    """A case's other files (``Case.files``, paths under cases/, e.g. ``pages/x.py`` for a
    multipage app), copied to the same relative path beside the app."""
    for rel in case.files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CASES_DIR / rel, target)


def run_case(browser: Browser, release: str, case) -> dict[str, Any]:
    """Serve one case app under one release, drive it, return observations."""
    t0 = time.time()
    tmp = Path(tempfile.mkdtemp(prefix=f"oracle-{release}-{case.name}-"))
    result: dict[str, Any] = {"case": case.name, "app": case.app, "steps": []}
    try:
        src, adapted = adapt_source((CASES_DIR / case.app).read_text(), release)
        app = tmp / case.app
        app.write_text(src)
        shutil.copy(CASES_DIR / "_oracle_mark.py", tmp / "_oracle_mark.py")
        copy_extra_files(case, tmp)
        if adapted:
            result["adapted"] = adapted
        log_path = tmp / "markers.log"
        log_path.write_text("")
        with Server(release, app, tmp, log_path) as srv:
            ctx = browser.browser.new_context(viewport={"width": 1200, "height": 1600})
            try:
                raw = ctx.new_page()
                raw.set_default_timeout(10_000)
                pg = Page(raw, log_path)
                pg.mark("initial")
                raw.goto(srv.url, timeout=30_000, wait_until="domcontentloaded")
                try:
                    raw.wait_for_selector('[data-testid="stAppViewContainer"], '
                                          '[data-testid="stApp"]', timeout=20_000)
                except Exception:
                    pass
                pg.wait_for_script_end(timeout=20.0)
                pg.settle(min_wait=0.3, timeout=case.settle_timeout)
                steps = [("initial", None)] + list(case.steps)
                for _i, (name, action) in enumerate(steps):
                    problem = None
                    if action is not None:
                        pg.mark(name)
                        problem = _do(raw, action)
                        if action[0] == "wait":
                            pg.settle(min_wait=0.0, quiet_ms=300, timeout=3)
                        else:
                            pg.settle(timeout=case.settle_timeout)
                    obs = {"step": name}
                    if action is not None:
                        obs["action"] = list(action)
                    if problem:
                        obs["problem"] = problem
                    obs["exceptions"] = _exceptions(raw)
                    alerts = _alerts(raw)
                    if alerts:
                        obs["alerts"] = alerts
                    if case.count:
                        obs["counts"] = {t: _count(raw, t) for t in case.count}
                    if case.widget_count:
                        obs["widget_counts"] = {t: _widget_count(raw, t) for t in case.widget_count}
                    if case.sidebar_count:
                        obs["sidebar_counts"] = {t: _sidebar_count(raw, t)
                                                 for t in case.sidebar_count}
                    result["steps"].append(obs)
                pg.mark("_end")
                if os.environ.get("FRAGLINT_ORACLE_SCREENSHOTS"):
                    shots = CACHE_DIR / "screenshots"
                    shots.mkdir(parents=True, exist_ok=True)
                    raw.screenshot(path=str(shots / f"{release}-{case.name}.png"), full_page=True)
            finally:
                ctx.close()
            server_out = srv.output()
        # split markers by step separators
        per_step: dict[str, list[str]] = {}
        current = None
        for line in _read_markers(log_path):
            if line.startswith("@@step:"):
                current = line[len("@@step:"):]
                per_step.setdefault(current, [])
            elif current is not None:
                per_step[current].append(line)
        for obs in result["steps"]:
            markers = per_step.get(obs["step"], [])
            if len(markers) > 30:  # e.g. run_every=-1 reruns in a tight loop
                counts: dict[str, int] = {}
                for m in markers:
                    counts[m] = counts.get(m, 0) + 1
                obs["marker_counts"] = counts
                obs["markers_truncated"] = True
                markers = markers[:30]
            obs["markers"] = markers
        warn = [line.strip() for line in server_out.splitlines()
                if re.search(r"deprecat|warning|Error|Exception", line, re.I)
                and "gatherUsageStats" not in line]
        if warn:
            result["server_log"] = warn[:12]
    except Exception as e:  # a harness failure is recorded, not raised
        result["harness_error"] = f"{type(e).__name__}: {e}"[:500]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result["seconds"] = round(time.time() - t0, 1)
    return result
