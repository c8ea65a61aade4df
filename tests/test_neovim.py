"""The documented Neovim set-up against the real `fraglint lsp`, in Debian's Neovim (0.7).

Debian 12 ships Neovim 0.7.2, which has no `vim.lsp.start` (0.8) or `vim.fs.root` (0.10): the
session in `tests/neovim/session.lua` uses only `vim.lsp.start_client` and
`vim.lsp.buf_attach_client`, the set-up docs/integrations.md gives for 0.7. `tests/oracle/setup.sh`
installs Neovim in CI; elsewhere the test skips when `nvim` is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SESSION = Path(__file__).parent / "neovim" / "session.lua"
APP = textwrap.dedent(
    """\
    import streamlit as st

    @st.experimental_fragment
    def live():
        st.button("refresh")

    live()
    """
)


@pytest.fixture
def nvim() -> str:
    found = shutil.which("nvim")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("nvim is not installed (tests/oracle/setup.sh installs Debian's neovim)")
        pytest.skip("nvim is not installed")
    return found


def test_neovim_gets_diagnostics_applies_the_fix_and_hovers(nvim: str, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["streamlit==1.45.0"]\n')
    (tmp_path / "app.py").write_text(APP)
    out = tmp_path / "seen.json"
    env = dict(
        os.environ,
        FRAGLINT_NVIM_ROOT=str(tmp_path),
        FRAGLINT_NVIM_OUT=str(out),
        FRAGLINT_NVIM_CMD=json.dumps([sys.executable, "-m", "fraglint", "lsp"]),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    done = subprocess.run(
        [nvim, "--headless", "--clean", "-n", "-c", f"luafile {SESSION}"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert out.exists(), f"Neovim wrote nothing: {done.returncode} {done.stderr[-2000:]}"
    seen = json.loads(out.read_text())
    assert "error" not in seen, seen.get("error")
    assert seen["waited"] and seen["before"][0]["code"] == "FRG108" and seen["before"][0]["line"] == 3
    assert any("st.fragment" in title for title in seen["actions"]), seen["actions"]
    assert any("noqa" in title for title in seen["actions"]), seen["actions"]
    assert "@st.fragment\n" in seen["text"] + "\n" and "experimental_fragment" not in seen["text"]
    assert seen["fixed"] and all(d["code"] != "FRG108" for d in seen["after"])
    assert "reruns fragment `live`" in seen["hover"]
    assert (tmp_path / "app.py").read_text() == APP, "the fix edits the buffer, not the file"
