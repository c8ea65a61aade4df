"""CPython's verdict on a file, and whether libcst can parse it safely, before libcst sees it.

libcst's native parser has no guard of its own: a few thousand nested brackets overflow its
stack and kill the process (SIGSEGV), and its time grows with the square of an expression's
depth (a 2,000-deep subscript chain takes seconds). CPython's parser guards its own stack
and raises, so every file is parsed with `ast` first: a file CPython rejects gets CPython's
error (`compile` adds the errors raised after parsing, such as `return` outside a function;
it does not run anything), and the tree's depth is measured without recursion. Too deep a
tree is refused; a merely deep one is parsed in a child process under a deadline
(`isolation.py`). The bounds come from `benchmarks/parse_limits.py`.
"""

from __future__ import annotations

import ast
import gc
import re
import warnings
from dataclasses import dataclass

from fraglint.index.problems import InputProblem

# Measured with benchmarks/parse_limits.py (results/parse-limits*.txt), libcst 1.9, 8 MB
# stack. At 1,000 levels every shape parses, in at most ~0.9 s (a subscript chain). libcst's
# parser dies (SIGSEGV) at 1,281 nested brackets (CPython allows 200), 3,500 nested lambdas,
# 7,125 `and` operands; our walks hit Python's recursion limit from 2,000 levels (a lambda
# chain). 200 brackets and 1,000 lambdas together use under half of the stack.
MAX_DEPTH = 1000
# Expression depth up to which a statement parses in linear time; beyond it the time grows
# with the square of the excess, and past `CONTAINED_COST` (~0.2 s of libcst for the worst
# shape, a subscript chain) the file is parsed in a child process under a deadline.
LINEAR_DEPTH = 20
CONTAINED_COST = 250_000

_NESTING_ERRORS = ("too many nested parentheses", "too many levels of indentation")
_LEAF_FIELDS = frozenset({"ctx", "op", "id", "attr", "arg", "module", "level", "kind", "type_comment", "conversion"})
_node_fields: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True)
class Admission:
    """libcst may parse the file: in this process, or `contained` in a child under a deadline.

    `rejection` is CPython's syntax error when CPython rejects the file but libcst may still
    know its syntax (newer than the running Python); it is the error to report if libcst fails too.
    """

    contained: bool = False
    rejection: InputProblem | None = None
    statement_lines: tuple[int, ...] = ()  # where each of CPython's top-level statements starts


def statement_lines(tree: ast.Module, text: str) -> tuple[int, ...]:
    """The line of each top-level statement's first token: its first decorator's `@` for a
    decorated one (`ast` places the decorator's expression, which may start lines later:
    `@(` on one line, the name on the next)."""
    found = []
    lines: list[str] | None = None
    for statement in tree.body:
        decorators = getattr(statement, "decorator_list", None)
        if not decorators:
            found.append(statement.lineno)
            continue
        line = decorators[0].lineno
        if decorators[0].col_offset != 1:  # not `@name` from column 0
            lines = lines or _PYTHON_LINES.findall(text)
            while line > 1 and not lines[line - 1].startswith("@"):
                line -= 1
        found.append(line)
    return tuple(found)


_PYTHON_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # not str.splitlines's \x0c, \u2028, ...


def python_lines(text: str) -> list[str]:
    """`text`'s lines, each with its line break, split where Python breaks lines."""
    return _PYTHON_LINES.findall(text)


@dataclass(frozen=True)
class Shape:
    depth: int  # the deepest node, statements and expressions together
    cost: int  # sum over expression nodes of their depth beyond LINEAR_DEPTH within their statement


def admit(path: str, text: str) -> InputProblem | Admission:
    """CPython's syntax error or refusal, the analysis limit, or how libcst may parse `text`."""
    collecting = gc.isenabled()
    gc.disable()  # an `ast` tree has no cycles; collecting while it grows costs 3x its parse on big files
    try:
        return _admit(path, text)
    finally:
        if collecting:
            gc.enable()


def _admit(path: str, text: str) -> InputProblem | Admission:
    if len(text) >= PIECEWISE_FROM:
        admitted = _admit_in_pieces(text)
        if admitted is not None:
            return admitted
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning and DeprecationWarning are not ours to print
        try:
            # Not `filename=path`: CPython would re-read the offending line from that file to
            # place the error, which is wrong for an unsaved buffer.
            tree = ast.parse(text, filename="<fraglint>")
        except SyntaxError as error:
            problem = syntax_problem(path, error)
            return problem if problem.message.startswith(_NESTING_ERRORS) else Admission(True, problem)
        except (RecursionError, MemoryError):
            return too_deep_for_python(path)
        try:
            compile(tree, "<fraglint>", "exec", dont_inherit=True)
        except SyntaxError as error:
            return syntax_problem(path, error)
        except (RecursionError, MemoryError):
            # Compiling a tree recurses more than compiling the text (from ~1,000 levels);
            # CPython's verdict is the text's.
            verdict = compile_error(path, text)
            if verdict is not None:
                return verdict
    shape = measure(tree)
    if shape.depth > MAX_DEPTH:
        return InputProblem(
            path, "analysis-limit",
            f"the code is nested {shape.depth} levels deep; fraglint analyses up to {MAX_DEPTH} "
            "(its parser, libcst, crashes or stalls on deeper code)",
        )
    return Admission(contained=shape.cost > CONTAINED_COST, statement_lines=statement_lines(tree, text))


# From this size a file CPython accepts is judged one top-level statement at a time: the `ast`
# tree of a whole 50,000-line file takes 300 MB, and compiling its text 200 MB.
PIECEWISE_FROM = 256 * 1024  # characters
# Pieces joined to one that does not parse alone before the file is judged whole instead; and
# each join parses the grown piece again, so the text parsed in vain is bounded by the file's.
_MAX_JOINED = 64


def _admit_in_pieces(text: str) -> Admission | None:
    """`_admit`'s answer from CPython's verdict on each top-level statement, when it accepts
    them all and the whole (`admits_whole`) and the file is not too deep; else None, and the
    whole file is judged as before (the verdict and its message are the whole file's).

    The pieces start at lines in column 0 (`split_top_level`); one that ends mid-statement
    does not parse and is joined to the next. A piece that parses ends outside any bracket or
    string, so the next line in column 0 starts a statement of the whole file too: its
    statements, lines and shape are the whole tree's.
    """
    from fraglint.index.incremental import split_top_level  # only for files this large

    pieces = split_top_level(text)
    if pieces is None or not admits_whole(text):
        return None
    lines: list[int] = []
    depth = cost = index = wasted = 0
    while index < len(pieces):
        first, piece = pieces[index]
        tree = _parsed_alone(piece)
        for _ in range(_MAX_JOINED):
            if tree is not None or index + 1 == len(pieces) or wasted > len(text):
                break
            wasted += len(piece)
            index += 1
            piece += pieces[index][1]
            tree = _parsed_alone(piece)
        if tree is None or compile_error("", tree) is not None:
            return None
        shape = measure(tree)
        depth, cost = max(depth, shape.depth), cost + shape.cost
        lines += [first - 1 + line for line in statement_lines(tree, piece)]
        index += 1
    if depth > MAX_DEPTH:
        return None
    return Admission(contained=cost > CONTAINED_COST, statement_lines=tuple(lines))


def _parsed_alone(piece: str) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(piece, filename="<fraglint>")
        except (SyntaxError, RecursionError, MemoryError):
            return None


def admits_whole(text: str) -> bool:
    """Whether CPython accepts `text`, given that it accepts each top-level statement alone.

    Only `__future__` imports (they must come first; `barry_as_FLUFL` changes the grammar;
    under `annotations`, an annotation may not hold `:=`, `yield` or `await`) and module-level
    `global` statements (before any use of the name) depend on the statements around them.
    The future imports are checked on the text up to the last one.
    """
    if "barry_as_FLUFL" in text or _GLOBAL.search(text):
        return compile_error("", text) is None
    last = text.rfind("__future__")
    if last == -1:
        return True
    end = text.find("\n", last)
    prefix = text if end == -1 else text[: end + 1]
    if compile_error("", prefix) is not None:
        return compile_error("", text) is None
    return "annotations" not in prefix or not _NOT_IN_ANNOTATIONS.search(text) or compile_error("", text) is None


_GLOBAL = re.compile(r"\bglobal\b")
_NOT_IN_ANNOTATIONS = re.compile(r":=|\b(?:yield|await)\b")


def compile_error(path: str, text: str | ast.Module) -> InputProblem | None:
    """CPython's error for `text` (or its tree) as a whole module, if any."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(text, "<fraglint>", "exec", dont_inherit=True)
        except SyntaxError as error:
            return syntax_problem(path, error)
        except (RecursionError, MemoryError):
            return too_deep_for_python(path)
    return None


def syntax_problem(path: str, error: SyntaxError) -> InputProblem:
    return InputProblem(path, "syntax-error", error.msg or "invalid syntax", error.lineno or 1, error.offset or 1)


def too_deep_for_python(path: str) -> InputProblem:
    return InputProblem(path, "analysis-limit", "the code is nested too deeply for Python's own parser")


def measure(tree: ast.AST) -> Shape:
    """Depth and superlinear parse cost of `tree`, by an explicit stack (deep trees must not recurse).

    Depth counts as libcst nests, not as `ast` does: `a and b and c` is one `ast.BoolOp` but
    a chain of `BooleanOperation`s, and `import a.b.c` a chain of `Attribute`s (30,000 of
    either crash libcst's parser).
    """
    depth = cost = 0
    stack = [(tree, 0, 0)]
    pop, push = stack.pop, stack.append
    node_type, statement = ast.AST, ast.stmt
    while stack:
        node, at, within = pop()
        cls = type(node)
        nested = _LIBCST_CHAINS.get(cls)
        if nested is not None:
            at += nested(node)
        if at > depth:
            depth = at
        if isinstance(node, statement):
            within = 0
        elif within > LINEAR_DEPTH:
            cost += within - LINEAR_DEPTH
        at, within = at + 1, within + 1
        for name in _fields_of(cls):
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, node_type):
                        push((item, at, within))
            elif isinstance(value, node_type):
                push((value, at, within))
    return Shape(depth, cost)


def _dotted(name: str | None) -> int:
    return name.count(".") if name else 0


# Nodes flat in `ast` that libcst nests, and how many levels it adds.
_LIBCST_CHAINS = {
    ast.BoolOp: lambda node: len(node.values) - 1,
    ast.alias: lambda node: _dotted(node.name),
    ast.ImportFrom: lambda node: _dotted(node.module),
}


def _fields_of(cls: type) -> tuple[str, ...]:
    fields = _node_fields.get(cls)
    if fields is None:
        fields = _node_fields[cls] = tuple(f for f in cls._fields if f not in _LEAF_FIELDS)  # type: ignore[attr-defined]
    return fields
