"""Resolving names costs time linear in the code, whatever shape the code has (issue 9).

Resolution recurses: `self.node = self.node.next1` asks for `self.node` again, and a class with
ten such methods used to branch ten ways per level until a depth limit of 24 stopped it, so a
nine-line class without Streamlit hung the check. Now every lookup is computed once per check
(`fraglint.index.memo`). These tests count work instead of timing it: for generated programs of
size n and 2n, the lookups the index asks (`ProjectIndex.resolution_steps`) and the chains it
resolves (calls of `ProjectIndex.resolve`) must grow at most linearly. And a lookup that needs
itself must come out unknown, whichever lookup was asked first, never a guessed target.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import REPO, run_cli, write_project

from fraglint.config import Settings
from fraglint.engine import build_project, run_check
from fraglint.index.editor_sources import EditorSources
from fraglint.index.project import UNKNOWN, ProjectIndex

N = 40


def _lines(*lines: str) -> str:
    return "\n".join(lines) + "\n"


# -- generated programs of size n --------------------------------------------------------


def self_assignments(n: int) -> dict[str, str]:
    """The class that hung the check: every method rebinds `self.node` from `self.node`."""
    methods = [f"    def step{k}(self):\n        self.node = self.node.next{k}" for k in range(n)]
    return {"app.py": _lines("class Walker:", *methods, "    def read(self):", "        return self.node.value")}


def instance_attribute_chain(n: int) -> dict[str, str]:
    """`self.a1 = self.a0`, `self.a2 = self.a1`, ... each read in a fragment."""
    chain = [f"        self.a{i} = self.a{i - 1}" for i in range(1, n + 1)]
    uses = [f"        self.a{i}.write('x')" for i in range(n + 1)]
    return {"app.py": _lines(
        "import streamlit as st", "class Chain:", "    def __init__(self):", "        self.a0 = st.container()",
        *chain, "    @st.fragment", "    def show(self):", *uses,
    )}


def attribute_paths(n: int) -> dict[str, str]:
    """Dotted chains: `r{n}.box` re-exported through n modules, `other.a0.a1...` n deep."""
    files = {"r0.py": _lines("import streamlit as st", "box = st.container()", "other = box")}
    for i in range(1, n + 1):
        files[f"r{i}.py"] = _lines(f"import r{i - 1}", f"from r{i - 1} import box", f"other = r{i - 1}.other")
    deep = ".".join(f"a{i}" for i in range(n))
    uses = [f"    r{i}.box.write('x')\n    r{i}.other.{deep}.write('x')" for i in range(n + 1)]
    imports = [f"import r{i}" for i in range(n + 1)]
    app = _lines("import streamlit as st", *imports, "@st.fragment", "def show():", *uses, "show()")
    return {**files, "app.py": app}


def import_cycle(n: int) -> dict[str, str]:
    """n modules in a ring, each importing the next (plain and star) and using its names."""
    files = {}
    for i in range(n):
        j = (i + 1) % n
        files[f"m{i}.py"] = _lines(
            "import streamlit as st", f"import m{j}", f"from m{j} import *",
            f"value{i} = m{j}.value{j}", f"def show{i}():", f"    return m{j}.show{j}()",
            f"value{i}.write('x')", f"show{i}().write('x')", f"shared{j}.write('x')",
        )
    return files


def name_cycles(n: int) -> dict[str, str]:
    """A ring `a0 = a1`, ..., `a{n-1} = a0` and n pairs `b = c; c = b`, all used in a fragment."""
    ring = [f"a{i} = a{(i + 1) % n}" for i in range(n)]
    pairs = [f"b{i} = c{i}\nc{i} = b{i}" for i in range(n)]
    uses = [f"    a{i}.write('x')\n    b{i}.write('x')" for i in range(n)]
    return {"app.py": _lines("import streamlit as st", *ring, *pairs, "@st.fragment", "def show():", *uses, "show()")}


def recursive_functions(n: int) -> dict[str, str]:
    """Functions returning a call of themselves, and functions returning themselves."""
    defs = [f"def f{i}():\n    return f{i}()\ndef g{i}():\n    return g{i}" for i in range(n)]
    uses = [f"    f{i}().write('x')\n    g{i}()().write('x')" for i in range(n)]
    return {"app.py": _lines("import streamlit as st", *defs, "@st.fragment", "def show():", *uses, "show()")}


def mutual_returns(n: int) -> dict[str, str]:
    """A ring of functions each returning the next one's call: `def h0(): return h1()`."""
    defs = [f"def h{i}():\n    return h{(i + 1) % n}()" for i in range(n)]
    uses = [f"    h{i}().write('x')" for i in range(n)]
    return {"app.py": _lines("import streamlit as st", *defs, "@st.fragment", "def show():", *uses, "show()")}


PROGRAMS = [
    self_assignments, instance_attribute_chain, attribute_paths, import_cycle, name_cycles,
    recursive_functions, mutual_returns,
]


def _cost(root: Path, files: dict[str, str], monkeypatch) -> tuple[int, int]:
    """(lookups asked, chains resolved) by a whole check of `files`."""
    write_project(root, files)
    calls = 0
    resolve = ProjectIndex.resolve

    def counted(self, *args):
        nonlocal calls
        calls += 1
        return resolve(self, *args)

    with monkeypatch.context() as patch:
        patch.setattr(ProjectIndex, "resolve", counted)
        result = run_check([str(root)], Settings(root=str(root), cache=False), jobs=1)
    assert result.files_checked == len(files)
    return result.project.index.resolution_steps, calls


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.__name__ for p in PROGRAMS])
def test_resolution_cost_grows_linearly(tmp_path, monkeypatch, program):
    steps_n, calls_n = _cost(tmp_path / "n", program(N), monkeypatch)
    steps_2n, calls_2n = _cost(tmp_path / "2n", program(2 * N), monkeypatch)
    assert steps_n >= N  # the program really exercises resolution
    assert steps_2n <= 2.5 * steps_n, (steps_n, steps_2n)
    assert calls_2n <= 2.5 * calls_n, (calls_n, calls_2n)


def test_the_class_that_hung_the_check_passes_through_the_cli(tmp_path):
    """Ten methods doing `self.node = self.node.nextK`: the old resolver never finished."""
    write_project(tmp_path, self_assignments(10))
    result = subprocess.run(
        [sys.executable, "-m", "fraglint", "check", "--no-cache", str(tmp_path)],
        capture_output=True, text=True, timeout=20, cwd=REPO, env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "All checks passed" in result.stdout


# -- cycles are unknown, whichever lookup comes first ----------------------------------------


def _index(root: Path, files: dict[str, str]) -> ProjectIndex:
    write_project(root, files)
    return build_project([str(root)], Settings(root=str(root), cache=False), jobs=1).index


STAR_CYCLE = {
    # `a` takes `box` from `b` first: `b.box` is `a.box`, which needs `a`'s star import of `b`
    # again. Python stops there (b reads a half-initialised a); `c.box` would only be a guess.
    "a.py": "from b import *\nfrom c import *\n",
    "b.py": "import a\nbox = a.box\n",
    "c.py": "import streamlit as st\nbox = st.container()\n",
}


@pytest.mark.parametrize("first", ["a", "b"])
def test_a_star_import_cycle_is_unknown_whichever_module_is_asked_first(tmp_path, first):
    index = _index(tmp_path, STAR_CYCLE)
    order = [first] + [m for m in ("a", "b") if m != first]
    found = {module: index.module_attribute(str(tmp_path / f"{module}.py"), "box") for module in order}
    assert found == {"a": UNKNOWN, "b": UNKNOWN}


@pytest.mark.parametrize("first", ["a", "b"])
def test_names_bound_round_a_cycle_are_unknown(tmp_path, first):
    files = {"app.py": "import streamlit as st\na = b\nb = a\nb = st.container()\nbox = st.container()\n"}
    index = _index(tmp_path, files)
    path = str(tmp_path / "app.py")
    order = [first] + [name for name in ("a", "b") if name != first]
    assert {name: index.resolve(path, "<module>", (name,)) for name in order} == {"a": UNKNOWN, "b": UNKNOWN}
    box = index.resolve(path, "<module>", ("box",))  # off the cycle: resolved
    assert (box.kind, box.name, box.rest) == ("streamlit", "container", ("()",))


def test_an_attribute_rebound_from_itself_is_unknown_not_its_first_value(tmp_path):
    source = """\
    import streamlit as st

    box = st.container()


    class Walker:
        def __init__(self):
            self.node = st.container()
            self.box = box

        def step(self):
            self.node = self.node.next

        @st.fragment
        def show(self):
            self.node.write("x")
            self.box.write("x")


    Walker().show()
    """
    write_project(tmp_path, {"app.py": textwrap.dedent(source)})
    result = run_cli("check", "--no-cache", "--output-format", "concise", "--streamlit-version", "1.45", str(tmp_path))
    lines = [line.split(": ", 1)[0] for line in result.stdout.splitlines() if "FRG" in line]
    # only `self.box`, a container made outside the fragment; `self.node` is anybody's guess
    assert lines == [f"{tmp_path / 'app.py'}:17:9"], result.stdout


def test_mutually_recursive_returns_give_no_streamlit_value(tmp_path):
    source = _lines(
        "import streamlit as st", "def f(x):", "    if x:", "        return st.container()", "    return g(x)",
        "def g(x):", "    return f(x)",
    )
    index = _index(tmp_path, {"app.py": source})
    path = str(tmp_path / "app.py")
    assert index.resolve(path, "<module>", ("g", "()")).kind != "streamlit"
    assert index.resolve(path, "<module>", ("f", "()")).kind != "streamlit"


def test_a_cycle_broken_by_an_edit_resolves_in_the_next_check(tmp_path):
    """The language server lends the previous check's lookups to the next one: a lookup on a
    cycle must count every module of the cycle as read, or the edit that breaks the cycle
    would leave it unknown."""
    files = {"a.py": "import b\nbox = b.box\n", "b.py": "import a\nbox = a.box\n"}
    write_project(tmp_path, files)
    settings, sources = Settings(root=str(tmp_path), cache=False), EditorSources()  # as the server keeps them
    before = build_project([str(tmp_path)], settings, jobs=1, sources=sources)
    assert before.index.module_attribute(str(tmp_path / "a.py"), "box") == UNKNOWN
    write_project(tmp_path, {"b.py": "import streamlit as st\nbox = st.container()\n"})
    after = build_project([str(tmp_path)], settings, jobs=1, sources=sources, previous=before)
    assert after.index.reused == {str(tmp_path / "b.py")}  # a.py's summary was lent unchanged
    box = after.index.module_attribute(str(tmp_path / "a.py"), "box")
    assert (box.kind, box.name, box.rest) == ("streamlit", "container", ("()",))


def test_lookups_that_read_the_same_modules_share_one_record_of_them():
    """A project's tens of thousands of lookups keep what they read for the language server's
    reuse: equal sets of modules read are one object, not one set per lookup."""
    from fraglint.index.memo import LookupMemo

    memo = LookupMemo()

    def look(reading: list[set[str]], name: str) -> str:
        reading[-1].add("app.py")
        return name.upper()

    assert memo.get(memo.reading, look, ("a",), "?") == "A"
    assert memo.get(memo.reading, look, ("b",), "?") == "B"
    first, second = (entry[1] for entry in memo._done.values())
    assert first == ("app.py",) and first is second  # a sorted tuple: 48 bytes, a frozenset 216


def test_calls_that_resolve_alike_share_one_target(tmp_path):
    """At 5,000 files 190,000 calls resolve to 33,000 distinct targets: equal targets are kept
    once (issue 13, peak memory), and the memo holds them per module."""
    from fraglint.model.resolution import CallTargets

    index = _index(tmp_path, {"app.py": "import streamlit as st\ndef show():\n    st.write('a')\n    st.write('b')\n"})
    path = str(tmp_path / "app.py")
    calls = [call for call in index.summaries[path].functions["show"].calls if call.func == ("st", "write")]
    assert len(calls) == 2 and calls[0].site != calls[1].site
    targets = CallTargets(index)
    first, second = (targets.target((path, "show"), call) for call in calls)
    assert first == second and first.name == "write"
    assert first is second
