"""The reduced sweep, in the default suite: the real CLI over a slice of what the full sweep runs.

300 stdlib files (of up to 40 kB) spread evenly over the tree, the stdlib's deliberately broken
files (bad encodings, bad syntax, Python 2), 200 mutated fixture apps (fixed seeds), 100
hypothesmith programs (generated once with a fixed seed, kept in hypothesmith-corpus.json) and
the programs the full fuzz run found failing (cases/). Nothing may print a traceback, crash, hang, or disagree with `compile()` about
syntax. The files the full runs found failing are listed in FOUND with what they did: they were
fixed (issue 9) and stay in the run as regression cases.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fuzz_programs import fixture_sources, load_corpus, write_programs
from fuzz_runner import Kind, Limits, Outcome, sweep
from sweep import python_files, stdlib_root

CASES = Path(__file__).resolve().parent / "cases"
STDLIB_SAMPLE = 300
SAMPLE_MAX_BYTES = 40_000  # the big files are the full sweep's: the default suite must stay quick
MUTATIONS = 200
HYPOTHESMITH = 100
SEED = 0
# Pinned, so that a fixture added for a new rule does not change the programs (and FOUND's names);
# editing one of these does: rerun this test, it lists the programs that fail then.
MUTATED_FIXTURES = [
    "fixtures/cached_fragment/app.py", "fixtures/cross_module_helpers/app.py",
    "fixtures/cross_module_helpers/components/panels.py", "fixtures/experimental_fragment/app.py",
    "fixtures/fragment_api_versions/app.py", "fixtures/fragment_methods/app.py", "fixtures/invalid_run_every/app.py",
    "fixtures/multipage_clean/lib/views.py", "fixtures/nested_fragment/app.py", "fixtures/outside_container_write/app.py",
    "fixtures/parallel_outside_write/app.py", "fixtures/project_config/pages/1_Jobs.py",
    "fixtures/rerun_only_outside_write/app.py", "fixtures/sidebar_in_fragment/app.py",
    "fixtures/streamlit_spellings/app.py", "fixtures/widget_outside/app.py",
]
LIMITS = Limits(file_timeout=15.0)

# Broken on purpose in CPython's own tree: bad encodings, bad syntax, Python 2 (kept where present).
NASTY = [
    "test/tokenizedata/bad_coding.py", "test/tokenizedata/bad_coding2.py", "test/tokenizedata/badsyntax_3131.py",
    "test/tokenizedata/badsyntax_pep3120.py", "test/tokenizedata/coding20731.py", "test/bad_coding.py",
    "test/bad_coding2.py", "test/badsyntax_3131.py", "test/badsyntax_pep3120.py", "test/encoded_modules/module_koi8_r.py",
    "test/test_future_stmt/badsyntax_future3.py", "test/test_future_stmt/badsyntax_future10.py",
    "lib2to3/tests/data/bom.py", "lib2to3/tests/data/crlf.py", "lib2to3/tests/data/false_encoding.py",
    "lib2to3/tests/data/different_encoding.py", "lib2to3/tests/data/py2_test_grammar.py",
    "lib2to3/tests/data/infinite_recursion.py", "test/crashers/recursive_call.py",
]

HANG = "exponential attribute resolution (`self.x = self.x.y` in methods)"
LIBCST = "libcst rejects what CPython accepts, reported as FRG001 (to become FRG004)"
ANNOTATED_NAME = ": a parenthesized annotated name, `(x): int`"
COMPILE_STAGE = "compile-stage error not reported (libcst parses it, compile() rejects it)"
# What the full runs found (name as the sweep shows it -> (kind it was, cause)); all fixed since
# (issue 9), each now a regression case that must come out OK.
FOUND: dict[str, tuple[Kind, str]] = {
    "stdlib/idlelib/rpc.py": (Kind.HANG, HANG),
    "stdlib/xml/dom/pulldom.py": (Kind.HANG, HANG),
    "stdlib/test/test_grammar.py": (Kind.FALSE_SYNTAX_ERROR, LIBCST + ANNOTATED_NAME),
    "stdlib/test/typinganndata/ann_module.py": (Kind.FALSE_SYNTAX_ERROR, LIBCST + ANNOTATED_NAME),
    "stdlib/test/test_future_stmt/badsyntax_future3.py": (Kind.MISSED_SYNTAX_ERROR, COMPILE_STAGE + ": unknown __future__ feature"),
    "stdlib/test/test_future_stmt/badsyntax_future5.py": (Kind.MISSED_SYNTAX_ERROR, COMPILE_STAGE + ": late __future__ import"),
    "stdlib/test/test_future_stmt/badsyntax_future7.py": (Kind.MISSED_SYNTAX_ERROR, COMPILE_STAGE + ": late __future__ import"),
    "stdlib/test/test_future_stmt/badsyntax_future10.py": (Kind.MISSED_SYNTAX_ERROR, COMPILE_STAGE + ": late __future__ import"),
    "cases/walker_hang.py": (Kind.HANG, HANG + ": a `Walker` class from a mutation (fuzz seed 6)"),
    "cases/form_feed_indent.py": (Kind.FALSE_SYNTAX_ERROR, LIBCST + ": a form feed in indentation (fuzz seed 717)"),
    "cases/continuation_at_eof.py": (Kind.FALSE_SYNTAX_ERROR, LIBCST + ": a backslash-CRLF at the end (hypothesmith seed 0, #293)"),
    "cases/bom_inside.py": (Kind.MISSED_SYNTAX_ERROR, COMPILE_STAGE + ": U+FEFF after the start (fuzz seed 40)"),
    "cases/starred_outside.py": (Kind.MISSED_SYNTAX_ERROR, COMPILE_STAGE + ": a starred expression alone (fuzz seed 195)"),
    "cases/break_outside_loop.py": (Kind.MISSED_SYNTAX_ERROR, COMPILE_STAGE + ": `break` outside a loop (fuzz seed 286)"),
}


def stdlib_files() -> dict[str, str]:
    """`stdlib/<path>` -> absolute path: the evenly spread sample plus the nasty and known ones."""
    root = stdlib_root()
    everything = [path for path in python_files(root) if os.path.getsize(path) <= SAMPLE_MAX_BYTES]
    step = len(everything) / STDLIB_SAMPLE
    chosen = {everything[int(index * step)] for index in range(min(STDLIB_SAMPLE, len(everything)))}
    named = NASTY + [name.removeprefix("stdlib/") for name in FOUND if name.startswith("stdlib/")]
    chosen |= {os.path.join(root, name) for name in named if os.path.isfile(os.path.join(root, name))}
    return {"stdlib/" + os.path.relpath(path, root): path for path in sorted(chosen)}


def programs(folder: Path) -> dict[str, str]:
    """The mutated fixtures, the saved hypothesmith corpus (`sweep.py corpus` remakes it) and the
    cases the full fuzz run found (cases/*.py.txt, stored so that no tool takes them for code)."""
    generated = load_corpus()
    fixtures = fixture_sources(MUTATED_FIXTURES)
    paths = write_programs(folder, MUTATIONS, len(generated), SEED, generated=generated, fixtures=fixtures)
    found = {"programs/" + path.name: str(path) for path in paths}
    for case in sorted(CASES.glob("*.py.txt")):
        copy = folder / case.name.removesuffix(".txt")
        copy.write_bytes(case.read_bytes())
        found["cases/" + copy.name] = str(copy)
    return found


@pytest.fixture(scope="module")
def reduced(tmp_path_factory) -> dict[str, Outcome]:
    """Every file's outcome, by its shown name, swept in batches."""
    files = {**stdlib_files(), **programs(tmp_path_factory.mktemp("programs"))}
    names = {path: name for name, path in files.items()}
    outcomes = sweep(list(files.values()), LIMITS, jobs=2, batch_size=100)
    return {names[outcome.path]: outcome for outcome in outcomes}


def test_reduced_sweep_covers_what_it_says(reduced):
    assert sum(name.startswith("programs/mut-") for name in reduced) == MUTATIONS
    assert sum(name.startswith("programs/hyp-") for name in reduced) == HYPOTHESMITH
    assert sum(name.startswith("stdlib/") for name in reduced) >= STDLIB_SAMPLE
    assert any(not outcome.compiles for outcome in reduced.values()), "no broken file was tried"


def test_no_failures(reduced):
    failing = {name: f"{outcome.kind.value}: {outcome.detail}" for name, outcome in reduced.items() if outcome.kind is not Kind.OK}
    assert not failing, "\n".join(f"{name}: {what}" for name, what in sorted(failing.items()))


@pytest.mark.parametrize("name", list(FOUND))
def test_what_the_full_runs_found_now_passes(reduced, name):
    """Each file the full runs found failing (FOUND says how) is in the run and comes out OK."""
    if name not in reduced:
        pytest.skip(f"{name} is not in this Python's tree")
    assert reduced[name].kind is Kind.OK, f"{name}: {reduced[name].kind.value} again ({FOUND[name][1]}): {reduced[name].detail}"
