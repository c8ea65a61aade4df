"""A one-file check (pre-commit on a changed file, the project's cache warm) imports only what it uses.

Importing libcst, rich, pathspec (which brings typing_extensions and asyncio) costs a one-file
check about a third of its time; they came back silently before through one module-level import
each, so the modules a real CLI run loaded are asserted here. So are the smaller ones a warm
check has no use for: packaging's requirement parser (markers, tags, logging, platform), the
worker pool's multiprocessing, the parser's fork (isolation, pickle), the cache writer's
secrets, and the fix writer (`fraglint.fixes`, `cli.fixing`, difflib).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pathspec
from helpers import write_project
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from fraglint.config import DEFAULT_EXCLUDE
from fraglint.files import _gitignore_spec, _Names, _spec
from fraglint.model.declarations import is_streamlit, plain_requirement

_HEAVY = ("libcst", "rich", "pathspec", "typing_extensions", "asyncio")
_UNUSED = (
    "packaging.requirements", "packaging.markers", "packaging.tags", "packaging.utils",
    "multiprocessing", "concurrent.futures", "fraglint.index.isolation", "pickle", "secrets",
    "fraglint.cli.fixing", "fraglint.fixes", "difflib",
)

# Runs the CLI as `fraglint check` does, then says which of the watched modules it loaded.
_RUN = f"""
import json, sys
from fraglint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
watched = {(*_HEAVY, *_UNUSED)!r}
loaded = sorted(name for name in sys.modules if any(name == w or name.startswith(w + ".") for w in watched))
print(json.dumps(loaded), file=sys.stderr)
"""

_PROJECT = {
    "pyproject.toml": """
        [project]
        name = "app"
        dependencies = ["streamlit>=1.37", "pandas"]
    """,
    ".gitignore": ".venv\n__pycache__\n",
    "app.py": """
        import streamlit as st

        from parts import counter

        st.title("Counter")
        counter()
    """,
    "parts.py": """
        import streamlit as st


        @st.fragment
        def counter():
            if st.button("Add"):
                st.session_state.count = st.session_state.get("count", 0) + 1
            st.write(st.session_state.get("count", 0))
    """,
}


def _loaded(root: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *args], cwd=root, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return done, json.loads(done.stderr.strip().splitlines()[-1])


def test_warm_check_of_a_clean_file_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    write_project(tmp_path, _PROJECT)
    first, _ = _loaded(tmp_path, "check", ".")  # fills the cache, as the last commit's run did
    assert "All checks passed (2 files checked" in first.stdout, first.stdout + first.stderr
    done, loaded = _loaded(tmp_path, "check", "--force-exclude", "app.py")
    assert done.stdout.startswith("All checks passed (1 file checked"), done.stdout + done.stderr
    assert loaded == []


_CACHED_FRAGMENT = "import streamlit as st\n\n\n@st.cache_data\n@st.fragment\ndef f():\n    pass\n\n\nf()\n"


def test_findings_without_colour_are_written_without_rich(tmp_path: Path) -> None:
    write_project(tmp_path, {**_PROJECT, "app.py": _CACHED_FRAGMENT})
    plain, loaded = _loaded(tmp_path, "check", "app.py")
    assert "FRG102" in plain.stdout and " | " in plain.stdout  # a code frame
    assert "rich" not in loaded
    coloured, loaded = _loaded(tmp_path, "check", "--color", "app.py")
    assert "rich" in loaded and "\x1b[" in coloured.stdout
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured.stdout) == plain.stdout  # the same text, styled


def test_text_rich_would_change_is_still_written_by_rich(tmp_path: Path) -> None:
    """A tab (in a file name here) is expanded by rich: that output is rich's, as before."""
    write_project(tmp_path, {**_PROJECT, "a\tb.py": _CACHED_FRAGMENT})
    done, loaded = _loaded(tmp_path, "check", "a\tb.py")
    assert "rich" in loaded and done.stdout.startswith("a       b.py:4:2: FRG102")


def test_name_patterns_match_as_pathspec_matches_them() -> None:
    """Excludes and .gitignore files of plain names (and `*`) are matched without pathspec,
    exactly as its git rules match them."""
    names = [*DEFAULT_EXCLUDE, "a", "x.y", "..x", "-q", "über", "*", "", "# comment"]
    parts = [*DEFAULT_EXCLUDE, "a", "x.y", "venvx", "b", ".", "..", "", "*", "#"]
    rng = random.Random(7)
    for _ in range(2000):
        patterns = rng.sample(names, rng.randint(0, 4))
        ours, theirs = _gitignore_spec(patterns), pathspec.GitIgnoreSpec.from_lines(patterns)
        assert isinstance(ours, _Names)
        for _ in range(10):
            path = rng.choice(["", "/", "./", "//"]) + "/".join(rng.choices(parts, k=rng.randint(1, 4))) + rng.choice(["", "/"])
            assert ours.match_file(path) == theirs.match_file(path), (patterns, path)


def test_other_patterns_still_go_to_pathspec() -> None:
    for patterns in (["*.py"], ["build/"], ["!keep"], ["a b"], ["docs/*.py", ".venv"], ["a*"]):
        assert not isinstance(_spec(patterns), _Names), patterns


def test_a_rewrite_the_spanned_code_refuses_imports_no_libcst(tmp_path: Path) -> None:
    """`container-to-empty` rewrites only `st.container()` without arguments: on
    `st.container(border=True)` no fix is offered, and libcst is not imported to say so."""
    app = (
        "import streamlit as st\n\nbox = st.container(border=True)\n\n\n"
        "@st.fragment\ndef f():\n    box.write('x')\n\n\nf()\n"
    )
    write_project(tmp_path, {**_PROJECT, "app.py": app})
    _loaded(tmp_path, "check", ".")
    done, loaded = _loaded(tmp_path, "check", "--output-format", "json", "app.py")
    found = json.loads(done.stdout)
    assert [d["code"] for d in found] == ["FRG104"] and found[0]["fix"] is None
    assert "libcst" not in loaded
    write_project(tmp_path, {"app.py": app.replace("border=True", "")})  # the shape it rewrites
    done, loaded = _loaded(tmp_path, "check", "--output-format", "json", "app.py")
    assert json.loads(done.stdout)[0]["fix"] is not None and "libcst" in loaded


def test_a_requirement_of_another_shape_is_still_read_by_packaging(tmp_path: Path) -> None:
    """Extras or a marker: packaging's Requirement reads it (imported then), and its target holds."""
    project = {**_PROJECT, "pyproject.toml": '[project]\nname = "app"\ndependencies = ["streamlit[pdf]>=1.45; python_version >= \'3.9\'"]\n'}
    write_project(tmp_path, project)
    done, loaded = _loaded(tmp_path, "check", "--show-settings", "app.py")
    assert "chosen from: " in done.stdout and "pyproject.toml" in done.stdout, done.stdout + done.stderr
    assert "(1.45.0 to" in done.stdout and "packaging.requirements" in loaded
    write_project(tmp_path, {"pyproject.toml": '[project]\nname = "app"\ndependencies = ["pandas>=2", "streamlit >= 1.45, <2"]\n'})
    plain, loaded = _loaded(tmp_path, "check", "--show-settings", "app.py")
    assert "(1.45.0 to" in plain.stdout and "packaging.requirements" not in loaded, plain.stdout


def test_plain_requirements_read_as_packaging_reads_them() -> None:
    """The plain shape (`name`, `name>=1.40,<2`) is read without packaging's Requirement, to the
    same name and specifiers; every other text goes to Requirement (to parse or to refuse)."""
    pieces = [
        "streamlit", "Streamlit", "st_reamlit", "pandas", "a", "a.b", "-", "_", ".", "1", "1.37", "1.37.*", ">=", "<",
        "<=", ">", "==", "===", "!=", "~=", "=", "~", "!", ",", ", ", " ", "\t", "\n", "*", "+local", ".post1", "rc1",
        "dev", "[x]", ";", "python_version<'3.12'", "@", "(", ")", "é", "١", "\r", "#", "0", ",,",
    ]
    rng = random.Random(13)
    plain = 0
    for _ in range(30000):
        text = rng.choice(["streamlit", "pandas", "", "a"]) + "".join(rng.choices(pieces, k=rng.randint(1, 6)))
        ours = plain_requirement(text)
        if ours is None:
            continue
        plain += 1
        try:
            theirs = Requirement(text)
        except InvalidRequirement:
            raise AssertionError(f"{text!r} read as plain, refused by packaging") from None
        assert (theirs.name, str(theirs.specifier)) == (ours[0], str(ours[1])), text
        assert not (theirs.extras or theirs.marker or theirs.url), text
    assert plain > 1000
    for name in ["Streamlit", "STREAMLIT", "streamlit_", "stream-lit", "streamlit.", "ſtreamlit", "streamlİt", "x"]:
        assert is_streamlit(name) == (canonicalize_name(name) == "streamlit"), name
