"""The package's import graph: no cycles between modules, and rules independent of each other.

Only top-level imports count (an import inside a function or under `if TYPE_CHECKING:` runs
late or never, so it cannot close a cycle at import time).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "fraglint"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level_imports(tree: ast.Module, name: str, is_package: bool, known: set[str]) -> set[str]:
    found: set[str] = set()
    statements = list(tree.body)
    while statements:
        node = statements.pop()
        if isinstance(node, ast.If) and not _is_type_checking(node.test):
            statements.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            statements.extend(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                statements.extend(handler.body)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name if is_package else name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}".rstrip(".") if base else package
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    # keep only modules of the package; `from fraglint.model import x` counts as an import of x
    return {module for module in found if module in known and module != name}


def _graph() -> dict[str, set[str]]:
    files = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(files)
    return {
        name: _top_level_imports(ast.parse(path.read_text()), name, path.name == "__init__.py", known)
        for name, path in files.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules around it, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for imported in sorted(graph[module]):
            if state.get(imported) == 1:
                return path[path.index(imported):] + [imported]
            if imported not in state:
                found = visit(imported)
                if found:
                    return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            found = visit(module)
            if found:
                return found
    return None


def test_every_module_imports():
    for name in sorted(_graph()):
        if name != "fraglint.__main__":
            importlib.import_module(name)


def test_no_import_cycle():
    graph = _graph()
    assert "fraglint.model.target" in graph["fraglint.model.versions"]  # the graph sees `from x import module`
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_rules_do_not_import_each_other():
    graph = _graph()
    rules = {name for name in graph if name.startswith("fraglint.rules.") and name != "fraglint.rules.base"}
    for rule in sorted(rules):
        assert not graph[rule] & rules, f"{rule} imports {sorted(graph[rule] & rules)}"


def test_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_language_server_uses_the_engine_not_the_index():
    """The language server's modules (protocol, actions, documents, framing) ask the engine's
    public API (`workspace`, `diagnostics`, `fixes`, ...), never `fraglint.index` internals."""
    graph = _graph()
    server = {name for name in graph if name == "fraglint.lsp" or name.startswith("fraglint.lsp_")}
    assert {"fraglint.lsp", "fraglint.lsp_actions"} <= server
    assert "fraglint.lsp_actions" in graph["fraglint.lsp"]
    for module in sorted(server):
        internals = {name for name in graph[module] if name == "fraglint.index" or name.startswith("fraglint.index.")}
        assert not internals, f"{module} imports {sorted(internals)}"
