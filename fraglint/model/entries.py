"""What runs as an app: the entry scripts `streamlit run` would be given, and the code they reach.

A claim about a Streamlit run ("this value is discarded on the fragment's reruns", "this
fragment is never called") only holds for code a run executes. Test modules (pytest's
conventions) never run inside a Streamlit script run, and a library package nobody runs is
called from code fraglint cannot see. So this module is the one home of two questions: which
files are entry scripts (the rerun interpreter walks them; `--show-settings` lists them, each
with its reason), and whether a place in the project runs in a Streamlit run: in a module an
entry script is or imports, or in code a fragment reaches (a fragment runs wherever it is
called from). The rules declare which of the two kinds of code they judge (`CodeScope`), and
the engine filters their findings here, in one place.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Collection, Iterable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING

from fraglint.index.project import FunctionKey, ProjectIndex, TargetKind
from fraglint.index.summary import MODULE_SCOPE, Kind, ModuleSummary, Value, ValueKind
from fraglint.model import streamlit_api as api
from fraglint.model.call_graph import CallGraph
from fraglint.model.fragments import FragmentDiscovery, Site
from fraglint.model.resolution import CallTargets

if TYPE_CHECKING:
    import pathspec


class CodeScope(Kind):
    """Which code a rule judges (`Rule.judges`)."""

    ANYWHERE = "anywhere"  # its finding holds wherever the code is called from, tests and libraries too
    APP_RUN = "app-run"  # its claim is about a Streamlit run: only code an entry script or a fragment reaches

    def describe(self) -> str:
        """For the rule's documentation."""
        if self is CodeScope.ANYWHERE:
            return "`anywhere` (the finding holds wherever the code is called from, tests and libraries too)"
        return (
            "`app-run` (only code a Streamlit run executes: entry scripts, the modules they import, "
            "and code fragments run; not test modules, not a library nobody runs)"
        )


class EntryReason(Kind):
    """Why a file is treated as an entry script (shown by `--show-settings`)."""

    SETTING = "the `entry` setting"
    PAGE_TARGET = "an `st.Page` target"
    PAGES = "a script in `pages/`"
    NOT_IMPORTED = "not imported by another module"


# pytest's default discovery: `test_*.py`, `*_test.py`, and `conftest.py` for fixtures.
_TEST_FILES = ("test_*.py", "*_test.py", "conftest.py")
_TEST_DIRS = frozenset({"tests", "test"})
# Streamlit calls that make something without running anything: a library module may call them
# at its top level (`frag = st.fragment(run_every=5)`, `@st.cache_data`), an app script draws.
_DEFINING = api.FRAGMENT_DECORATORS | api.DIALOG_DECORATORS | api.CACHE_DECORATORS


def is_test_module(path: str, root: str) -> bool:
    """A module pytest would collect or load: `test_*.py`, `*_test.py`, `conftest.py`, or code
    under a `tests/` or `test/` folder of the project."""
    name = os.path.basename(path)
    if any(fnmatch.fnmatchcase(name, pattern) for pattern in _TEST_FILES):
        return True
    relative = os.path.relpath(os.path.dirname(path), root)
    return not relative.startswith("..") and bool(_TEST_DIRS.intersection(relative.split(os.sep)))


class AppEntries:
    """Entry scripts, with their reasons, and the code a Streamlit run of them executes."""

    def __init__(
        self, index: ProjectIndex, calls: CallTargets, graph: CallGraph, discovery: FragmentDiscovery,
        patterns: tuple[str, ...] = (),
    ) -> None:
        self.index = index
        self.calls = calls
        self.graph = graph
        self.discovery = discovery
        self.patterns = patterns
        self._imports: dict[str, set[str]] = {}  # per module: what it imports (its summary and the files)
        self._pages: dict[str, set[str]] = {}  # per module: the scripts its `st.Page` calls name
        self._traits_of: dict[str, tuple] = {}  # per module: what `reuse` compares (see `_traits`)
        self._sizes: set[int] = set()  # how many modules the index held when each answer below was built
        self._reaching_memo: dict[frozenset[str], frozenset[str]] = {}  # `modules_reaching`, per set of paths

    def reuse(self, previous: AppEntries, changed: set[str], kept: set[str]) -> None:
        """Take over what the changes cannot affect (the language server's next check).

        `changed`: the modules whose summaries changed (both indexes hold the same modules and
        find the same files); `kept`: the modules whose call targets were taken over. A module's
        imports depend on its summary and the files alone, its `st.Page` targets on its call
        targets too. When every module that may answer differently (the changed ones and those
        whose call targets read them) has the same imports, page targets, script names and script
        traits as before, the entry scripts and the import and run graphs are the previous
        objects: a statement typed in a function rebuilds none of them.
        """
        if previous.patterns != self.patterns or previous.index.root != self.index.root:
            return
        affected = changed | (previous.calls.module_reads.keys() - kept)
        self._imports = {path: found for path, found in previous._imports.items() if path not in changed}
        self._pages = {path: found for path, found in previous._pages.items() if path not in affected}
        size = len(self.index.summaries)
        if previous._sizes <= {size} and all(self._traits(path) == previous._traits(path) for path in affected):
            for name in _GRAPHS:
                if name in previous.__dict__:
                    self.__dict__[name] = previous.__dict__[name]
            if "_code_graph_reversed" in previous.__dict__:
                self._reaching_memo = previous._reaching_memo
            self._sizes = set(previous._sizes)

    def _traits(self, path: str) -> tuple:
        """What the entry scripts and the graphs read of one module."""
        found = self._traits_of.get(path)
        if found is None:
            summary = self.index.module(path)
            found = self._traits_of[path] = () if summary is None else (
                self._imports_of(path), self._bound_packages(path), self._pages_in(path),
                self._named_scripts(summary), summary.mentions_streamlit, self._runs_streamlit_code(summary),
            )
        return found

    def is_test(self, path: str) -> bool:
        return is_test_module(path, self.index.root)

    # -- entry scripts ------------------------------------------------------------------

    @cached_property
    def entries(self) -> dict[str, EntryReason]:
        """Every entry script, with why it is one. `st.Page` targets run inside their navigation
        script's run; the others (`scripts`) are runs of their own."""
        self._sizes.add(len(self.index.summaries))
        pages = self._page_targets()
        found: dict[str, EntryReason] = {}
        for path in sorted(self.index.summaries):
            reason = self._reason(path, pages)
            if reason is not None:
                found[path] = reason
        return found

    @cached_property
    def scripts(self) -> list[str]:
        """Entry scripts that start a run of their own (what the rerun interpreter walks)."""
        return [path for path, reason in self.entries.items() if reason is not EntryReason.PAGE_TARGET]

    @cached_property
    def _setting(self) -> pathspec.PathSpec | None:
        if not self.patterns:
            return None
        import pathspec  # with typing_extensions and asyncio: only for a project that sets entry patterns

        return pathspec.GitIgnoreSpec.from_lines(list(self.patterns))

    def _reason(self, path: str, pages: set[str]) -> EntryReason | None:
        relative = os.path.relpath(path, self.index.root).replace(os.sep, "/")
        if self._setting is not None and self._setting.match_file(relative):
            return EntryReason.SETTING
        if self.is_test(path) or os.path.basename(path) == "__init__.py":
            return None
        if path in pages:
            return EntryReason.PAGE_TARGET
        summary = self.index.summaries[path]
        if os.path.basename(os.path.dirname(path)) == "pages":
            return EntryReason.PAGES
        if not self._looks_like_a_script(summary) or self._imported_by_another(path):
            return None
        return EntryReason.NOT_IMPORTED

    def _looks_like_a_script(self, summary: ModuleSummary) -> bool:
        """A file that uses Streamlit or whose top level runs Streamlit code; in a package (whose
        modules are imported, as a library's are), one that does both. Anything else: the
        `entry` setting."""
        package = os.path.join(os.path.dirname(summary.path), "__init__.py")
        if self.index.module(package) is None:
            return summary.mentions_streamlit or self._runs_streamlit_code(summary)
        return summary.mentions_streamlit and self._runs_streamlit_code(summary)

    def _runs_streamlit_code(self, summary: ModuleSummary) -> bool:
        """Does the module's top level draw, or call a function of a project module that uses
        Streamlit (`main()`, `render_page()`)?"""
        key = FunctionKey(summary.path, MODULE_SCOPE)
        for call in summary.module_scope.calls:
            target = self.calls.target(key, call)
            if target.kind == TargetKind.STREAMLIT and target.name.split(".")[0] not in _DEFINING:
                return True
            if target.kind in (TargetKind.FUNCTION, TargetKind.CLASS) and not target.rest:
                module = self.index.module(target.path or summary.path)
                if module is not None and module.mentions_streamlit:
                    return True
        return False

    @cached_property
    def _importers(self) -> dict[str, set[str]]:
        """For each module (or package), the non-test modules that import it."""
        self._sizes.add(len(self.index.summaries))
        importers: dict[str, set[str]] = {}
        for path in list(self.index.summaries):
            if not self.is_test(path):
                for module in self._imports_of(path):
                    importers.setdefault(module, set()).add(path)
        return importers

    def _imported_by_another(self, path: str) -> bool:
        """Is `path` imported by a module it does not itself import? An app script and a helper
        that imports it back (`from app import panel`, inside a function) import each other;
        the script is still what `streamlit run` is given."""
        importers = self._importers.get(path)
        if not importers:
            return False
        return not importers <= self._import_closure(path)

    def _import_closure(self, start: str) -> set[str]:
        """The modules `start` imports, transitively."""
        found: set[str] = set()
        pending = [start]
        while pending:
            for module in self._imports_of(pending.pop()):
                if module not in found:
                    found.add(module)
                    pending.append(module)
        return found

    def _imports_of(self, path: str) -> set[str]:
        """The project modules `path` imports (anywhere in it), with the packages they are in."""
        if path not in self._imports:
            self._imports[path] = self._find_imports(path)
        return self._imports[path]

    def _find_imports(self, path: str) -> set[str]:
        summary = self.index.module(path)
        found: set[str] = set()
        for function in summary.functions.values() if summary else ():
            for binding in function.imports.values():
                module = self.index.find_module(binding.module, path, binding.level)
                if module is None:
                    continue
                found.add(module)
                if binding.name:
                    dotted = f"{binding.module}.{binding.name}" if binding.module else binding.name
                    sub = self.index.find_module(dotted, path, binding.level)
                    if sub is not None:
                        found.add(sub)
        return found | {init for module in found for init in self._packages_of(module)}

    def _packages_of(self, module: str) -> list[str]:
        """The `__init__.py` of each package a module is in (they run when it is imported)."""
        inits = []
        directory = os.path.dirname(module) if module.endswith(".py") else module
        while directory.startswith(self.index.root) and directory != os.path.dirname(directory):
            init = os.path.join(directory, "__init__.py")
            if self.index.module(init) is None:
                break
            inits.append(init)
            directory = os.path.dirname(directory)
        return inits

    def _page_targets(self) -> set[str]:
        """Scripts named by `st.Page("x.py")`: they run as pages of their navigation script."""
        return {page for path in list(self.index.summaries) for page in self._pages_in(path)}

    def _pages_in(self, path: str) -> set[str]:
        """The scripts `path`'s `st.Page` calls name."""
        found = self._pages.get(path)
        if found is None:
            found = self._pages[path] = set()
            summary = self.index.module(path)
            for function in summary.functions.values() if summary else ():
                key = FunctionKey(path, function.qualname)
                for call in function.calls:
                    if (
                        call.func and call.func[-1] == "Page" and call.args and call.args[0].kind == ValueKind.STR
                        and self.calls.streamlit_call(key, call) == "Page"
                    ):
                        found.add(os.path.normpath(os.path.join(os.path.dirname(path), str(call.args[0].literal))))
        return found

    # -- which runs reach a file ---------------------------------------------------------

    def reaching(self, paths: Collection[str]) -> set[str]:
        """The entry scripts (`scripts`) whose run may execute code of one of `paths`.

        A run executes no code of a module its script cannot reach (see `_run_edges`), so a
        walk of the other scripts finds nothing there: a check that reports on a few files of
        a project (one file given, the editor's buffer) walks only these. Over the indexed
        modules only: ask it when the index holds the whole project.
        """
        return _closure(paths, self._run_graph_reversed).intersection(self.scripts)

    def modules_reaching(self, paths: Collection[str]) -> frozenset[str]:
        """The modules whose code may run code of one of `paths` (`paths` too): those that can
        name it, through imports and the packages they bind, transitively (`_code_edges`).

        A call into a module resolves through a name its caller imports, or one a module it
        imports holds (a function's return value, a re-export), so a call graph walk from any
        other module never gets there: a query about what reaches a few reported files (who
        calls a fragment, whose writes land in them) asks only these. Over the indexed modules.
        """
        key = frozenset(paths)
        found = self._reaching_memo.get(key)
        if found is None:
            found = self._reaching_memo[key] = frozenset(_closure(paths, self._code_graph_reversed))
        return found

    @cached_property
    def _code_graph_reversed(self) -> dict[str, set[str]]:
        """For every module and package folder, the modules and folders whose code names it next."""
        self._sizes.add(len(self.index.summaries))
        reverse: dict[str, set[str]] = {}
        for folder, members in self._package_members.items():
            for member in members:
                reverse.setdefault(member, set()).add(folder)
        for path in list(self.index.summaries):
            for named in self._imports_of(path) | self._bound_packages(path):
                reverse.setdefault(named, set()).add(path)
        return reverse

    @cached_property
    def _run_graph_reversed(self) -> dict[str, set[str]]:
        """For every module a run may reach, the modules that reach it next."""
        reverse: dict[str, set[str]] = {}
        for module, edges in self._run_graph.items():
            for reached in edges:
                reverse.setdefault(reached, set()).add(module)
        return reverse

    @cached_property
    def _run_graph(self) -> dict[str, set[str]]:
        """Every module a run may reach, from every entry script, with the modules it reaches next."""
        self._sizes.add(len(self.index.summaries))
        folders = {self.index.root}
        for script in self.scripts:
            folders.update((os.path.dirname(script), os.path.dirname(os.path.dirname(script))))
        graph: dict[str, set[str]] = {}
        pending = list(self.scripts)
        while pending:
            path = pending.pop()
            if path not in graph:
                graph[path] = self._run_edges(path, folders)
                pending.extend(graph[path])
        return graph

    def _run_edges(self, path: str, folders: set[str]) -> set[str]:
        """What code of `path` may reach, more than the interpreter's walk follows: its imports
        (with their packages); every script named by a string ending in `.py`
        (`st.Page("pages/a.py")`, `st.switch_page(...)`), read from its own folder or any folder
        a main script is in or under; and the package objects it binds (`_bound_packages`).

        A package object is its folder: it reaches every module and sub-package in it (`import
        pkg` then `pkg.sub.f()` resolves without importing `pkg.sub`). Only code that holds the
        package gets there: `from pkg.mod import f` runs `pkg/__init__.py` but binds no package,
        so it reaches `pkg.mod` and what the `__init__.py` itself imports, not `pkg`'s siblings.
        """
        if not path.endswith(".py"):
            return set(self._package_members.get(path, ()))
        edges = self._imports_of(path) | self._bound_packages(path)
        summary = self.index.module(path)
        for literal in self._named_scripts(summary) if summary else ():
            for folder in (*folders, os.path.dirname(path)):
                target = os.path.normpath(os.path.join(folder, literal))
                if target in self.index.summaries:
                    edges.add(target)
        return edges

    def _bound_packages(self, path: str) -> set[str]:
        """The folders of the packages `path` binds: `import pkg` (and `import pkg.sub`, which
        binds `pkg`), `from pkg import sub_package`, `from pkg import *`. Every other name a
        module imports is a module or a global of one, and a package a global holds is bound
        by that module (its own edges reach it)."""
        summary = self.index.module(path)
        found: set[str] = set()
        for function in summary.functions.values() if summary else ():
            for binding in function.imports.values():
                module = self.index.find_module(binding.module, path, binding.level)
                if module is not None and binding.name is not None and binding.name != "*":
                    dotted = f"{binding.module}.{binding.name}" if binding.module else binding.name
                    module = self.index.find_module(dotted, path, binding.level)
                if module is not None and (module.endswith("__init__.py") or not module.endswith(".py")):
                    found.add(os.path.dirname(module) if module.endswith(".py") else module)
        return found

    @staticmethod
    def _named_scripts(summary: ModuleSummary) -> frozenset[str]:
        """The string literals ending in `.py` among the module's call arguments."""
        return frozenset(
            literal for function in summary.functions.values() for call in function.calls
            for literal in _script_names([*call.args, *call.kwargs.values()])
        )

    @cached_property
    def _package_members(self) -> dict[str, set[str]]:
        """For each folder (a package object), the indexed modules right in it (its `__init__.py`
        too: getting the package ran it) and its sub-packages' folders: each package reaches the
        next level."""
        self._sizes.add(len(self.index.summaries))
        found: dict[str, set[str]] = {}
        for path in self.index.summaries:
            member, folder = path, os.path.dirname(path)
            while folder.startswith(self.index.root) and folder != os.path.dirname(folder):
                found.setdefault(folder, set()).add(member)
                member, folder = folder, os.path.dirname(folder)
        return found

    # -- what runs ----------------------------------------------------------------------

    @cached_property
    def app_modules(self) -> set[str]:
        """Entry scripts and every module they import, transitively (test modules never)."""
        self._sizes.add(len(self.index.summaries))
        found: set[str] = set()
        pending = list(self.entries)
        while pending:
            path = pending.pop()
            if path in found or not path.endswith(".py") or (self.is_test(path) and path not in self.entries):
                continue
            found.add(path)
            pending.extend(self._imports_of(path))
        return found

    @cached_property
    def fragment_code(self) -> set[FunctionKey]:
        """Functions a fragment (or dialog) outside the test modules runs, nested ones included."""
        starts = [f.function for f in (*self.discovery.fragments.values(), *self.discovery.dialogs.values())]
        reached: set[FunctionKey] = set()
        pending = [key for key in starts if not self.is_test(key.path)]
        while pending:
            key = pending.pop()
            if key in reached:
                continue
            reached.add(key)
            for edge in self.graph.out(key):
                callee = edge.fragment.function if edge.fragment is not None else edge.callee
                if callee is not None and not self.is_test(callee.path):
                    pending.append(callee)
        return reached

    def runs(self, site: Site) -> bool:
        """Does the code at `site` run in a Streamlit run of the project's entry scripts?"""
        if site.path in self.app_modules:
            return True
        summary = self.index.module(site.path)
        if summary is None or self.is_test(site.path):
            return False
        function = _innermost(summary, site.site)
        while function is not None:
            if FunctionKey(site.path, function) in self.fragment_code:
                return True
            function = summary.functions[function].parent
        return False


# What `reuse` takes over whole: the answers built from every module's traits (`_traits`).
_GRAPHS = (
    "entries", "scripts", "_importers", "_run_graph", "_run_graph_reversed", "_package_members", "app_modules",
    "_code_graph_reversed",
)


def _script_names(values: Iterable[Value]) -> Iterator[str]:
    """The string literals ending in `.py` among call arguments (either side of a conditional too)."""
    for value in values:
        if value.kind == ValueKind.STR and isinstance(value.literal, str) and value.literal.endswith(".py"):
            yield value.literal
        if value.choices:
            yield from _script_names(value.choices)


def _innermost(summary: ModuleSummary, site: int) -> str | None:
    """The function whose body holds `site` (a `def`'s own name belongs to the scope around it)."""
    holding = [
        (function.site, qualname) for qualname, function in summary.functions.items()
        if qualname != MODULE_SCOPE and function.site < site <= function.end_site
    ]
    return max(holding)[1] if holding else None


def _closure(start: Collection[str], edges: dict[str, set[str]]) -> set[str]:
    """`start` and every module the edges lead to from it, transitively."""
    found = set(start)
    pending = list(found)
    while pending:
        for module in edges.get(pending.pop(), ()):
            if module not in found:
                found.add(module)
                pending.append(module)
    return found
