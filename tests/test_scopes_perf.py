"""What makes `fraglint scopes` and the interpreter's rules cheaper must not change a byte.

- `report.indented_json` writes what `json.dump(valid_unicode_data(doc), out, indent=2)` wrote,
  for every kind of value, including objects shared at several depths.
- One interpreter walk is shared by the release epochs whose version facts it reads agree:
  every fact the walk's modules read must be listed in `interpreter.FACTS`, or two epochs
  that differ in it would wrongly share a walk.
- A check on a project whose epochs differ only in a fact the walk does not read reports
  the same findings, with the same release ranges, as per-release walks would.
"""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path

from helpers import REPO, run_cli, write_project

from fraglint.model import interpreter
from fraglint.report import indented_json
from fraglint.safe_text import valid_unicode_data


def _stdlib(value: object) -> str:
    out = io.StringIO()
    json.dump(valid_unicode_data(value), out, indent=2)
    return out.getvalue()


def _fast(value: object) -> str:
    out = io.StringIO()
    indented_json.dump(value, out)
    return out.getvalue()


def test_indented_json_writes_the_standard_librarys_bytes():
    shared = {"name": "f", "path": "pages/\u00e9t\u00e9.py", "line": 3, "end": None}
    document = {
        "empty": [{}, [], ()],
        "numbers": [0, -7, 2**70, 0.1, 1e100, -0.0, float("nan"), float("inf"), float("-inf")],
        "flags": [True, False, None],
        "text": ["plain", "quote \" and \\ and \n\t", "\x00\x1b\u2028", "caf\u00e9 \U0001f600", "bad \udcff byte"],
        "shared": [shared, shared, {"inner": [shared, {"deeper": shared}]}],
        "keys": {3: "int", 2.5: "float", True: "bool", False: "false", None: "none", "\udc80": "surrogate key"},
        "tuple": (1, (2, 3), {"x": ()}),
    }
    assert _fast(document) == _stdlib(document)


def test_indented_json_rejects_what_json_rejects():
    for bad in ({"x": object()}, {(1, 2): "tuple key"}):
        for write in (_fast, _stdlib):
            try:
                write(bad)
            except TypeError:
                continue
            raise AssertionError(f"{write.__name__} accepted {bad!r}")


def _holds_literals(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        is_holds = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "holds"
        if is_holds and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            found.add(node.args[0].value)
    return found


def _walk_modules() -> list[Path]:
    """interpreter.py and the fraglint.model modules it imports (where version facts are read)."""
    model = REPO / "fraglint" / "model"
    tree = ast.parse((model / "interpreter.py").read_text())
    names = {"interpreter"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "fraglint.model":
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("fraglint.model."):
            names.add(node.module.rsplit(".", 1)[1])
    return [model / f"{name}.py" for name in sorted(names) if (model / f"{name}.py").exists()]


def test_every_version_fact_the_walk_reads_is_in_FACTS():
    modules = _walk_modules()
    assert any(path.name == "callback_reruns.py" for path in modules)
    read = set().union(*(_holds_literals(path) for path in modules))
    assert read, "no versions.holds(...) found: the scan is broken"
    assert read <= set(interpreter.FACTS), f"read by the walk but missing from FACTS: {sorted(read - set(interpreter.FACTS))}"


PILE_UP = {
    "app.py": """import streamlit as st

box = st.container()

@st.fragment
def panel():
    box.write("from the fragment")
    st.text_input("Name", key="name")

@st.fragment
def other():
    st.text_input("Name", key="name")

panel()
other()
""",
}


def test_shared_walks_keep_each_release_range(tmp_path):
    """The 8 epochs of `streamlit>=1.37` need 2 walks (1.67 follows callbacks' reruns
    differently; pile-up, which changes at 1.61, is read only by rerun plans): the duplicate
    key found by the walk holds on every release, the pile-up on 1.37-1.58, as before."""
    write_project(tmp_path, PILE_UP)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["streamlit>=1.37"]\n')
    result = run_cli("check", "--output-format", "json", "--no-cache", ".", cwd=tmp_path)
    found = {(d["code"], d["line"]): d["releases"]["holds_on"] for d in json.loads(result.stdout)}
    assert found == {("FRG104", 7): "1.37-1.58", ("FRG122", 12): "1.37-1.67"}, result.stdout


def _summaries_both_ways(path: Path, monkeypatch) -> tuple:
    from fraglint.index import loader

    text = loader.load_text(str(path))
    assert isinstance(text, str)
    calls = []
    chunked = loader._summarize_in_chunks
    monkeypatch.setattr(loader, "_summarize_in_chunks", lambda *a: calls.append(1) or chunked(*a))
    monkeypatch.setattr(loader, "_CHUNKED_FROM", 10**12)
    whole = loader.summarize_source(str(path), text)
    monkeypatch.setattr(loader, "_CHUNKED_FROM", 0)
    pieces = loader.summarize_source(str(path), text)
    return whole, pieces, bool(calls)


def test_statement_by_statement_parse_gives_the_whole_parse_summary(tmp_path, monkeypatch):
    """Big files are parsed one top-level statement at a time: the summary (sites, statement
    lines and ends included) is the one a whole-file parse gives, on every fixture and on
    decorated, `a; b`, commented and line-continued statements."""
    odd = tmp_path / "odd.py"
    odd.write_text(
        "# header comment\n\nimport streamlit as st; import os\n\n@st.fragment(\n    run_every=2\n)\n"
        "def f():\n    st.write(1)\n\n# between\nx = 1 + \\\n    2\nif x:\n    f()\nelse:\n    pass\nf()  # last\n"
    )
    paths = [odd, *sorted((REPO / "fixtures").rglob("*.py"))]
    tried = 0
    for path in paths:
        whole, pieces, chunked = _summaries_both_ways(path, monkeypatch)
        assert whole[0] == pieces[0], path
        assert chunked or path != odd
        tried += chunked
    assert tried > len(paths) * 0.8, f"the statement-by-statement parse ran on {tried} of {len(paths)} files"


def test_a_big_file_is_checked_and_placed_like_a_small_one(tmp_path):
    """A file over the chunking size (256 K characters) gets its diagnostics at the lines a
    small copy of the same code gets them, shifted by the padding before it."""
    code = "import streamlit as st\n\nbox = st.container()\n\n@st.fragment\ndef panel():\n    box.write('x')\n\npanel()\n"
    padding = "".join(f"def helper_{i}(value):\n    return value + {i}\n\n" for i in range(9000))
    (tmp_path / "small").mkdir()
    (tmp_path / "big").mkdir()
    (tmp_path / "small" / "app.py").write_text(code)
    (tmp_path / "big" / "app.py").write_text(padding + code)
    assert len(padding + code) > 256 * 1024
    shift = padding.count("\n")
    found = {}
    for name in ("small", "big"):
        result = run_cli("check", "--output-format", "json", "--no-cache", "--streamlit-version", "1.45", ".", cwd=tmp_path / name)
        found[name] = [(d["code"], d["line"], d["column"]) for d in json.loads(result.stdout)]
    assert found["small"], found
    assert found["big"] == [(code, line + shift, column) for code, line, column in found["small"]]
