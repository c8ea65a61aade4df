"""Programs to feed the sweep: mutated Streamlit apps and hypothesmith programs, all reproducible.

A mutated program is named by its seed (`mut-000042.py`): `mutate(42)` rebuilds it from the
fixtures alone. The mutations are the shapes that break parsers and analysers in practice:
lines deleted, doubled, swapped or spliced from another app, stray tokens, unbalanced
brackets, broken indentation, deep nesting, self-referential attribute chains, and the bytes
that trouble decoders (non-UTF-8, NUL, BOM, CRLF, lone CR, form feeds, a cut mid-token).
hypothesmith programs (`hyp-<seed>-00007.py`) come from Hypothesis with a fixed seed.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from fuzz_runner import REPO

FIXTURES = REPO / "fixtures"
TOKENS = [
    b"(", b")", b"[", b"]", b"{", b"}", b":", b",", b"=", b"**", b"@", b"...", b"\\", b"'", b'"', b'"""',
    b"#", b"lambda", b"def", b"class", b"async", b"await", b"yield", b"return", b"global x", b"nonlocal x",
    b"break", b"st.fragment", b"@st.fragment", b"st.rerun(scope='fragment')", b"import", b"from . import",
    b"f'{", b"}'", b":=", b"->", b"*", b"if", b"else", b"try:", b"with", b"del", b"pass", b"\t", b"match",
]


def fixture_sources(names: list[str] | None = None) -> dict[str, bytes]:
    """The Streamlit apps under fixtures/ (or the `names` given), by path relative to the repository."""
    paths = [REPO / name for name in names] if names is not None else sorted(FIXTURES.rglob("*.py"))
    return {str(path.relative_to(REPO)): path.read_bytes() for path in paths}


def _lines(source: bytes) -> list[bytes]:
    lines = source.splitlines(keepends=True)
    return lines or [b"\n"]


def _delete(rng, lines, _):
    del lines[rng.randrange(len(lines))]


def _duplicate(rng, lines, _):
    at = rng.randrange(len(lines))
    lines[at:at] = [lines[at]] * rng.choice((1, 2, 50))


def _swap(rng, lines, _):
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]


def _token(rng, lines, _):
    at = rng.randrange(len(lines))
    line = lines[at]
    cut = rng.randrange(len(line) + 1)
    lines[at] = line[:cut] + rng.choice(TOKENS) + line[cut:]


def _unbalance(rng, lines, _):
    at = rng.randrange(len(lines))
    for bracket in b"()[]{}":
        if bytes([bracket]) in lines[at] and rng.random() < 0.5:
            lines[at] = lines[at].replace(bytes([bracket]), b"", 1)
            return
    lines[at] = lines[at].rstrip(b"\r\n") + rng.choice((b"(", b"[", b"{", b")")) + b"\n"


def _indent(rng, lines, _):
    at = rng.randrange(len(lines))
    stripped = lines[at].lstrip(b" \t")
    lines[at] = rng.choice((b"", b" ", b"\t", b"        ", b" \t", b"\t    ")) + stripped


def _splice(rng, lines, others):
    donor = _lines(rng.choice(others))
    start = rng.randrange(len(donor))
    at = rng.randrange(len(lines) + 1)
    lines[at:at] = donor[start:start + rng.randint(1, 8)]


def _deep(rng, lines, _):
    depth = rng.choice((20, 100, 200, 1000, 3000))
    shape = rng.randrange(5)
    if shape == 0:
        block = b"x = " + b"(" * depth + b"1" + b")" * depth + b"\n"
    elif shape == 1:
        block = b"x = " + b"[" * depth + b"]" * depth + b"\n"
    elif shape == 2:
        block = b"".join(b" " * i + b"if x:\n" for i in range(min(depth, 150))) + b" " * min(depth, 150) + b"st.write(x)\n"
    elif shape == 3:
        block = b"x = st" + b".container()" * depth + b"\n"
    else:
        block = b"x = " + b" + ".join([b"a"] * depth) + b"\n"
    lines.insert(rng.randrange(len(lines) + 1), block)


def _chain(rng, lines, _):
    """A class whose methods follow `self.node` through each other: hard for attribute resolution."""
    count = rng.randint(2, 14)
    methods = b"".join(b"    def step%d(self):\n        self.node = self.node.next%d\n" % (k, (k + 1) % count) for k in range(count))
    lines.append(b"class Walker:\n    def __init__(self):\n        self.node = self\n" + methods)


def _bytes(rng, lines, _):
    at = rng.randrange(len(lines))
    kind = rng.randrange(4)
    if kind == 0:
        lines[at] = lines[at][: len(lines[at]) // 2] + rng.choice((b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\x0c", b"\r")) + lines[at][len(lines[at]) // 2:]
    elif kind == 1:
        lines[0] = b"\xef\xbb\xbf" + lines[0]
    elif kind == 2:
        lines[:] = [line.replace(b"\n", rng.choice((b"\r\n", b"\r"))) for line in lines]
    else:
        lines[at] = b"\x0c" + lines[at]


def _coding(rng, lines, _):
    lines.insert(0, rng.choice((b"# -*- coding: latin-1 -*-\n", b"# coding: bogus-codec\n", b"# coding: utf-16\n")))


MUTATIONS = [_delete, _duplicate, _swap, _token, _unbalance, _indent, _splice, _deep, _chain, _bytes, _coding]
# `_chain` is rare: while attribute resolution is exponential each one costs a hang's timeout.
WEIGHTS = [1, 1, 1, 1, 1, 1, 1, 1, 0.05, 1, 1]


def mutate(seed: int, fixtures: dict[str, bytes] | None = None) -> tuple[bytes, list[str]]:
    """The program for `seed` and how it was made; the same seed always gives the same program."""
    fixtures = fixtures if fixtures is not None else fixture_sources()
    sources = list(fixtures.values())
    rng = random.Random(seed)
    base = rng.choice(sorted(fixtures))
    lines = _lines(fixtures[base])
    applied = [base]
    for _ in range(rng.choice((1, 1, 2, 3, 5))):
        operation = rng.choices(MUTATIONS, WEIGHTS)[0]
        operation(rng, lines, sources)
        applied.append(operation.__name__.lstrip("_"))
        lines = lines or [b"\n"]
    program = b"".join(lines)
    if rng.random() < 0.05:
        program = program[: rng.randrange(len(program) + 1)]
        applied.append("truncate")
    return program, applied


def hypothesmith_programs(count: int, seed: int, node_share: float = 0.0) -> list[str]:
    """`count` programs from hypothesmith with Hypothesis seeded: the same each run.

    `from_grammar` (CPython's grammar, filtered by `compile()`) is fast and finds what libcst
    rejects; `from_node` (libcst's own nodes) is about ten times slower, so it gets `node_share`.
    """
    import hypothesmith

    from_node = round(count * node_share)
    return _examples(hypothesmith.from_grammar(), count - from_node, seed) + _examples(hypothesmith.from_node(), from_node, seed)


def _examples(strategy, count: int, seed: int) -> list[str]:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded

    found: list[str] = []
    if count <= 0:
        return found

    @seeded(seed)
    @settings(max_examples=count, database=None, phases=[Phase.generate], deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(source: str) -> None:
        found.append(source)

    collect()
    return found[:count]


def write_programs(
    folder: Path, mutations: int, hypothesis: int, seed: int, node_share: float = 0.1,
    generated: list[str] | None = None, fixtures: dict[str, bytes] | None = None,
) -> list[Path]:
    """Write the programs (and `manifest.json`, how each was made) into `folder`; their paths.

    `generated`: hypothesmith programs made earlier (a saved corpus), instead of generating them.
    `fixtures`: the apps to mutate (default: all of fixtures/).
    """
    folder.mkdir(parents=True, exist_ok=True)
    fixtures = fixtures if fixtures is not None else fixture_sources()
    manifest: dict[str, dict] = {}
    paths = []
    for number in range(seed, seed + mutations):
        program, recipe = mutate(number, fixtures)
        name = f"mut-{number:06d}.py"
        manifest[name] = {"seed": number, "from": recipe[0], "mutations": recipe[1:]}
        paths.append(_write(folder / name, program))
    if generated is None:
        generated = _generated_once(folder / f"hypothesmith-{seed}-{hypothesis}-{node_share}.json", hypothesis, seed, node_share)
    for index, source in enumerate(generated):
        name = f"hyp-{seed}-{index:05d}.py"
        manifest[name] = {"seed": seed, "index": index, "hypothesmith_programs": len(generated)}
        paths.append(_write(folder / name, source.encode("utf-8", "surrogatepass")))
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return paths


def _generated_once(cache: Path, count: int, seed: int, node_share: float) -> list[str]:
    """hypothesmith's programs, generated on the first run only (it takes minutes)."""
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    programs = hypothesmith_programs(count, seed, node_share)
    cache.write_text(json.dumps(programs), encoding="utf-8")
    return programs


def _write(path: Path, program: bytes) -> Path:
    if not path.exists() or path.read_bytes() != program:
        path.write_bytes(program)
    return path


def save_failures(summary_path: Path, folder: Path, destination: Path, per_kind: int = 20) -> None:
    """Copy the failing programs of a summary, each with how it was made, into `destination/<kind>/`."""
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    shutil.rmtree(destination, ignore_errors=True)
    for kind, culprits in summary["culprits"].items():
        for culprit in culprits[:per_kind]:
            name = Path(culprit["path"]).name
            if name not in manifest:
                continue
            (destination / kind).mkdir(parents=True, exist_ok=True)
            # `.py.txt`: a hanging program among the project's .py files would hang any check of it
            shutil.copyfile(folder / name, destination / kind / (name + ".txt"))
            record = {**manifest[name], "kind": kind, "detail": culprit.get("detail", "")}
            (destination / kind / (name + ".json")).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


CORPUS = Path(__file__).resolve().parent / "hypothesmith-corpus.json"


def save_corpus(count: int, seed: int, path: Path = CORPUS) -> None:
    """Keep `count` hypothesmith programs in the repository, for a reduced run that is fast and
    does not change with the Hypothesis release installed."""
    programs = hypothesmith_programs(count, seed)
    record = {"seed": seed, "count": count, "programs": programs}
    path.write_text(json.dumps(record, indent=0, ensure_ascii=True) + "\n", encoding="utf-8")


def load_corpus(path: Path = CORPUS) -> list[str]:
    return json.loads(path.read_text(encoding="utf-8"))["programs"]
