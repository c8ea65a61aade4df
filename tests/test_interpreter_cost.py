"""The rerun interpreter and the container analysis cost linear in the code, not in its call paths.

Each generated program is analysed at size n and 2n; the work counters (calls walked by the
interpreter, frames and hops looked at by the container analysis) may grow at most ~2.5x.
The old walk re-walked every callee once per call path: a mesh of 25 functions, each calling
three others, never finished (`fraglint scopes` hung).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, write_project

from fraglint.config import Settings
from fraglint.engine import build_project
from fraglint.model.interpreter import Interpreter
from fraglint.model.interpreter_facts import WalkFacts

N = 16


def _lines(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def call_mesh(n: int, seed: int = 10) -> dict[str, str]:
    """n functions, each drawing a button and calling three random others (cycles included)."""
    rng = random.Random(seed)
    defs = []
    for i in range(n):
        calls = [f"    f{rng.randrange(n)}()" for _ in range(3)]
        defs += [f"def f{i}():", f"    st.button('b{i}', key='k{i}')", *calls]
    return {"app.py": _lines("import streamlit as st", *defs, "f0()")}


def ladder(n: int) -> dict[str, str]:
    """Wide fan-out: each rung calls the next twice (2**n call paths), one under a branch."""
    defs = []
    for i in range(n):
        defs += [f"def f{i}(x):", f"    st.write({i})", f"    f{i + 1}(x)", "    if x:", f"        f{i + 1}(x)"]
    defs += [f"def f{n}(x):", "    st.button('end')"]
    return {"app.py": _lines("import streamlit as st", *defs, "f0(1)")}


def deep_chain(n: int) -> dict[str, str]:
    """A chain of helpers (cut at the interpreter's depth cap), each drawing and calling the next."""
    defs = []
    for i in range(n):
        defs += [f"def f{i}():", f"    st.write({i})", f"    f{i + 1}()"]
    defs += [f"def f{n}():", "    st.button('end')"]
    return {"app.py": _lines("import streamlit as st", *defs, "f0()")}


def self_recursion(n: int) -> dict[str, str]:
    """Each function calls itself, then the next two."""
    defs = []
    for i in range(n):
        defs += [f"def f{i}():", f"    st.write({i})", f"    f{i}()", f"    f{(i + 1) % n}()", f"    f{(i + 2) % n}()"]
    return {"app.py": _lines("import streamlit as st", *defs, "f0()")}


def mutual_recursion(n: int) -> dict[str, str]:
    """A ring where each function calls the next two: every path loops back to the start."""
    defs = []
    for i in range(n):
        defs += [f"def f{i}():", f"    st.checkbox('c{i}')", f"    f{(i + 1) % n}()", f"    f{(i + 2) % n}()"]
    return {"app.py": _lines("import streamlit as st", *defs, "f0()")}


def fragments_in_mesh(n: int) -> dict[str, str]:
    """A fragment whose helpers call each other twice each, under a sidebar `with`."""
    defs = []
    for i in range(n):
        defs += [f"def h{i}(box):", "    box.write('x')", "    st.write('y')", f"    h{i + 1}(box)", f"    h{i + 1}(box)"]
    defs += [f"def h{n}(box):", "    st.button('end')"]
    fragment = ["@st.fragment", "def show(box):", "    with st.sidebar:", "        h0(box)", "    st.button('go')"]
    return {"app.py": _lines("import streamlit as st", *defs, *fragment, "show(st.container())")}


def containers_down_a_chain(n: int) -> dict[str, str]:
    """A fragment hands an outside container down a chain of helpers, the first entering it with
    `with`; each draws into it by name and with a plain `st.write`, so every write's container
    is traced back up the whole chain."""
    defs = ["def h0(box):", "    with box:", "        h1(box)"]
    for i in range(1, n):
        defs += [f"def h{i}(box):", "    box.write('x')", "    st.write('y')", f"    h{i + 1}(box)"]
    defs += [f"def h{n}(box):", "    box.write('end')", "    st.write('plain')"]
    fragment = ["@st.fragment", "def show():", "    h0(outer)"]
    return {"app.py": _lines("import streamlit as st", "outer = st.container()", *defs, *fragment, "show()")}


def _interpret(root: Path, files: dict[str, str]) -> Interpreter:
    write_project(root, files)
    project = build_project([str(root)], Settings(root=str(root), cache=False), jobs=1)
    interpreter = Interpreter(project.index, project.model, WalkFacts(project.settings.target_version))
    interpreter.run(project.files)
    return interpreter


WALKS = [call_mesh, ladder, deep_chain, self_recursion, mutual_recursion, fragments_in_mesh]


@pytest.mark.parametrize("program", WALKS, ids=[p.__name__ for p in WALKS])
def test_the_walk_grows_linearly(tmp_path, program):
    small = _interpret(tmp_path / "n", program(N))
    large = _interpret(tmp_path / "2n", program(2 * N))
    assert small.steps >= N  # the program really is walked
    assert large.steps <= 2.5 * small.steps, (small.steps, large.steps)


def test_a_repeated_call_draws_once_per_scope(tmp_path):
    """The ladder has 2**n paths to its last rung; its button is drawn once per context."""
    interpreter = _interpret(tmp_path, ladder(N))
    ends = [d for d in interpreter.drawn if d.label == "end"]
    assert 1 <= len(ends) <= 2  # reached with and without a branch on the way


def _container_cost(root: Path, files: dict[str, str]) -> int:
    write_project(root, files)
    project = build_project([str(root)], Settings(root=str(root), cache=False), jobs=1)
    model = project.model
    for fragment in model.fragments.values():
        model.containers.container_uses(fragment)
    return model.containers.steps


CONTAINER_PROGRAMS = [containers_down_a_chain, fragments_in_mesh]


@pytest.mark.parametrize("program", CONTAINER_PROGRAMS, ids=[p.__name__ for p in CONTAINER_PROGRAMS])
def test_container_tracing_grows_linearly(tmp_path, program):
    small = _container_cost(tmp_path / "n", program(N))
    large = _container_cost(tmp_path / "2n", program(2 * N))
    assert small >= N
    assert large <= 2.5 * small, (small, large)


def test_every_write_down_the_chain_lands_in_the_outside_container(tmp_path):
    write_project(tmp_path, containers_down_a_chain(30))
    project = build_project([str(tmp_path)], Settings(root=str(tmp_path), cache=False), jobs=1)
    (fragment,) = project.model.fragments.values()
    writes = project.model.containers.writes(fragment)
    assert len(writes) == 60  # `box.write` and `st.write` in each helper but the first
    assert all(w.container is not None and w.container.outside for w in writes)


def test_scopes_on_the_25_function_mesh_finishes(tmp_path):
    """It hung before: every simple call path of the mesh was walked."""
    write_project(tmp_path, call_mesh(25))
    result = subprocess.run(
        [sys.executable, "-m", "fraglint", "scopes", "--format", "json", str(tmp_path / "app.py")],
        capture_output=True, text=True, timeout=60, cwd=REPO, env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["scopes"]
