"""What a rule is: a code, a name, docs, examples that run as tests, and a check.

A rule reads the shared `FragmentModel` and the project index; it never walks a syntax tree,
and every analysis it needs lives in the model: a rule is a query and its messages.
Its docstring is its documentation, in the headings ruff uses ("What it does", "Why is this
bad?", "Example", "Use instead"); the "Versions" section is generated from the facts the rule
names, so the docs cannot drift from the version table.
"""

from __future__ import annotations

import inspect
import os
import re
import textwrap
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar

from packaging.version import Version

from fraglint.diagnostics import Applicability, Severity
from fraglint.index.project import ProjectIndex
from fraglint.index.rewrite_kinds import Rewrite
from fraglint.index.summary import CALL, ITEM, MODULE_SCOPE, ModuleSummary
from fraglint.model import versions
from fraglint.model.async_scopes import starts_no_scope
from fraglint.model.call_graph import CallGraph, Chain, FragmentCall, NarrowedGraph
from fraglint.model.callbacks import CallbackRerun, Callbacks
from fraglint.model.containers import Write
from fraglint.model.entries import CodeScope
from fraglint.model.feature_detection import runs_on
from fraglint.model.fragment_model import FragmentModel
from fraglint.model.fragments import Fragment, Site
from fraglint.model.interpretation import Interpretation
from fraglint.model.interpreter import Walk, walk
from fraglint.model.interpreter_facts import WalkFacts
from fraglint.model.reruns import Reruns
from fraglint.model.scope_notes import ScopeNote

_NAMES = r"\[(?P<names>[a-z0-9-]+(?:[ \t]*,[ \t]*[a-z0-9-]+)*)\]"
# `box.write("x")  # [outside-container-write]`: pylint's functional-test marker, at a line's end.
_MARKER = re.compile(rf"[ \t]*#[ \t]*{_NAMES}[ \t]*$")
# `#   ^^^^^^^^^ [outside-container-write]`: a whole line under a finding, its columns too.
_CARETS = re.compile(rf"(?P<lead>[ \t]*#[ \t]*)(?P<carets>\^+)[ \t]*{_NAMES}[ \t]*$")


@dataclass(frozen=True)
class Mark:
    """A finding an example expects: its line, its rule, and where a caret line says, its columns."""

    line: int
    rule: str
    columns: tuple[int, int] | None = None  # (column, end column), end-exclusive, on `line`


@dataclass(frozen=True)
class Example:
    """A snippet that is both documentation and a test case.

    In INVALID examples each line the rule must report ends with a marker comment naming the
    rule, as in pylint's functional tests: `box.write("x")  # [outside-container-write]`, and
    `# [name, name]` for two findings on one line. Counting lines by hand drifts with every
    edit; a marker moves with its line. Where the columns matter, a line of carets under the
    finding marks them instead, as ruff's snapshots show them: `#   ^^^^ [name]`.
    `code` is the snippet without caret lines and markers (a marker ends its line, so no
    column before it moves): what is checked, and what docs would show. `version` is the Streamlit
    release it is checked against (default: the newest known); `fixed` is the code after
    applying the rule's fixes, where it offers any.
    """

    source: str
    version: str | None = None
    fixed: str | None = None

    @property
    def code(self) -> str:
        return _parse(self.source)[0]

    @property
    def marks(self) -> tuple[Mark, ...]:
        return _parse(self.source)[1]

    @property
    def fixed_code(self) -> str | None:
        return None if self.fixed is None else "".join(_lines(self.fixed))


def _parse(source: str) -> tuple[str, tuple[Mark, ...]]:
    """The code without its marks, and the marks, numbered by the lines of that code."""
    kept: list[str] = []
    marks: list[Mark] = []
    for line in _lines(source):
        if carets := _CARETS.match(line):
            start = len(carets["lead"]) + 1
            columns = (start, start + len(carets["carets"]))
            marks += [Mark(len(kept), name, columns) for name in _names(carets)]
            continue
        kept.append(_MARKER.sub("", line))
        if marker := _MARKER.search(line):
            marks += [Mark(len(kept), name) for name in _names(marker)]
    return "".join(kept), tuple(marks)


def _names(match: re.Match[str]) -> list[str]:
    return [name.strip() for name in match["names"].split(",")]


def _lines(source: str) -> list[str]:
    """The snippet's lines as written into a file: dedented, from its first non-empty line."""
    return textwrap.dedent(source).lstrip("\n").splitlines(keepends=True)


@dataclass(frozen=True)
class FixSpec:
    """Replace `old` at the end of a site's secondary span (e.g. a decorator's name) by `new`."""

    site: Site
    old: str
    new: str
    message: str
    part: str = "secondary"
    applicability: Applicability = Applicability.SAFE  # UNSAFE where the fix may not be what the author meant


@dataclass(frozen=True)
class RewriteSpec:
    """A structural fix at `sites` (the order `Rewrite` names), offered only where the engine finds
    the code in exactly the shape the rewrite understands (`index/rewrites.py`); unsafe when the
    rewrite is, or when its `applicability` says so."""

    kind: Rewrite
    sites: tuple[Site, ...]
    message: str
    applicability: Applicability = Applicability.SAFE


@dataclass(frozen=True)
class Finding:
    site: Site
    message: str
    related: tuple[tuple[Site, str], ...] = ()
    fix: FixSpec | RewriteSpec | None = None
    part: str = "primary"  # which span of the site to report: "primary" or "secondary"
    severity: Severity | None = None  # overrides the rule's default (e.g. deprecated vs removed)
    scope_facts: tuple[ScopeNote, ...] = ()  # what reruns, as data: the `full` format's scope lines
    # For a release that lacks an API the code uses: what it lacks, as the floor diagnostic says it
    # ("without `st.fragment`"), so releases lacking the same thing are told in one phrase.
    lacks: str | None = None


_Answer = TypeVar("_Answer")


class Reads:
    """The version-dependent answers one rule's run got on one release, recorded as they were asked.

    A rule reads its target release only through `CheckContext`'s recording methods (`holds`,
    `before`, `release_text`, `exception`, `asks`, `interpretation`); each records a function of
    the release with its arguments and answer. A rule is a function of the model and of these
    answers, so on a release where every recorded question has the same answer (`agrees`) it
    would find the very same: `release_check` then reuses its findings there.
    """

    __slots__ = ("answers",)

    def __init__(self) -> None:
        self.answers: list[tuple[Callable, tuple, object]] = []  # (function of a release, arguments, answer)

    def agrees(self, release: Version) -> bool:
        """Does every recorded question get the same answer on `release`?"""
        return all(function(*arguments, release) == answer for function, arguments, answer in self.answers)


def _before(bound: Version, release: Version) -> bool:
    return release < bound


def _text(release: Version) -> str:
    return str(release)


@dataclass
class CheckContext:
    index: ProjectIndex
    model: FragmentModel
    version: Version
    report_paths: set[str] | None = None  # None: report on every analysed file
    # Does a name appear in a project file that this check did not analyse?
    mentioned_elsewhere: Callable[[str], bool] = lambda name: False
    whole_project: bool = False  # the index holds every module of the project
    # Shared by the contexts `dataclasses.replace` makes for each release epoch: Version -> the
    # interpretation, and each walk made with the facts it read (see `interpretation`).
    _interpreted: dict[Version, Interpretation] = field(default_factory=dict, repr=False)
    _walks: list[tuple[WalkFacts, Walk]] = field(default_factory=list, repr=False)
    _walked_paths: list[str] = field(default_factory=list, repr=False)  # see `_walked`
    _reaching_reported: set[str] = field(default_factory=set, repr=False)  # see `may_reach_reported`
    _part: list[bool] = field(default_factory=list, repr=False)  # see `narrowed`
    _narrow: list[tuple[NarrowedGraph, Reruns, Callbacks]] = field(default_factory=list, repr=False)  # see `graph`
    reads: Reads | None = field(default=None, repr=False)  # where a rule's run records what it asked of the release

    # -- the target release, as rules may read it: each answer recorded in `reads` ------------

    def asks(self, function: Callable[..., _Answer], *arguments: object) -> _Answer:
        """`function(*arguments, self.version)`, recorded: a pure function of a release (a model
        query given the version)."""
        answer = function(*arguments, self.version)
        if self.reads is not None:
            self.reads.answers.append((function, arguments, answer))
        return answer

    def holds(self, fact: str) -> bool:
        """Does the version fact hold on the target release?"""
        return self.asks(versions.holds, fact)

    def before(self, bound: Version) -> bool:
        """Is the target release older than `bound`?"""
        return self.asks(_before, bound)

    def release_text(self) -> str:
        """The target release as messages name it (`1.45.0`): a read no other release agrees with."""
        return self.asks(_text)

    def exception(self, kind: str) -> str:
        """The exception type name the target release raises for one runtime check."""
        return self.asks(versions.exception, kind)

    def interpretation(self) -> Interpretation:
        """The rerun interpreter's walk of the entry scripts (`_walked`), as seen by the target release.

        A walk records the version facts it reads (`WalkFacts`); a release on which each of them
        has the same value would walk alike, so it takes that walk: a project that never asks
        (no `st.stop()`, no callbacks reaching `st.rerun`, no dialogs in fragments) is walked once.
        The rule's read is which walk serves the release (`_walk_of`): rules ask the interpretation
        only what the walk found, never its rerun plans (which read its release's facts).
        """
        number = self._walk_of(self.version)
        if self.reads is not None:
            self.reads.answers.append((self._walk_of, (), number))
        found = self._interpreted.get(self.version)
        if found is None:
            found = self._interpreted[self.version] = self._walks[number][1].at(self.version)
        return found

    def _walk_of(self, release: Version) -> int:
        """Which of the shared walks serves `release` (made when none agrees with it)."""
        found = next((number for number, (facts, _) in enumerate(self._walks) if facts.agrees(release)), None)
        if found is None:
            facts = WalkFacts(release)
            self._walks.append((facts, walk(self.index, self.model, facts, self._walked())))
            found = len(self._walks) - 1
        return found

    def _walked(self) -> list[str]:
        """The modules whose entry scripts the walk starts from, in the index's order: when
        the check reports on part of a whole project (one file, an editor's buffer), only the
        scripts whose run may reach it (`AppEntries.reaching`): the others find nothing there."""
        paths = list(self.index.summaries)
        scripts = self.model.entries.scripts
        if self.report_paths is None or not self.whole_project or self.report_paths.issuperset(scripts):
            return paths
        if not self._walked_paths:  # shared by the epochs' contexts, like the walks
            reaching = self.model.entries.reaching(self.report_paths)
            self._walked_paths.extend(path for path in paths if path in reaching)
        return self._walked_paths

    def narrowed(self) -> bool:
        """Does the check report on part of a whole project (one file, an editor's buffer)?"""
        if self.report_paths is None or not self.whole_project:
            return False
        if not self._part:  # shared by the epochs' contexts
            self._part.append(not self.report_paths.issuperset(self.index.summaries))
        return self._part[0]

    def reports(self, path: str) -> bool:
        """Is a finding in file `path` reported (a file the check reports on)?"""
        return self.report_paths is None or path in self.report_paths

    def may_reach_reported(self, path: str) -> bool:
        """May code of module `path` run code of a reported file (`AppEntries.modules_reaching`)?
        Code that cannot (a fragment of another page) has nothing to report there."""
        return not self.narrowed() or path in self._reaching()

    def _reaching(self) -> set[str]:
        """The modules that may run code of the reported files (a check of part of a project)."""
        if not self._reaching_reported and self.report_paths is not None:  # shared by the epochs' contexts
            self._reaching_reported.update(self.model.entries.modules_reaching(self.report_paths))
        return self._reaching_reported

    def graph(self) -> CallGraph:
        """The call graph to ask about the reported files' code: in a check of part of a
        project, its project-wide answers (`app_reach`, `fragment_reach`, `called_fragments`)
        made from the modules that may reach them alone (`NarrowedGraph`), the same there."""
        return self._narrowed_parts()[0] if self.narrowed() else self.model.graph

    def reruns(self) -> Reruns:
        """The `st.rerun` calls to judge: every one, or in a check of part of a project those
        of the reported files, over `graph()`."""
        return self._narrowed_parts()[1] if self.narrowed() else self.model.reruns

    def callbacks(self) -> Callbacks:
        """The widget callbacks, over `graph()` (ask it about callbacks reaching `reruns()`)."""
        return self._narrowed_parts()[2] if self.narrowed() else self.model.callbacks

    def _narrowed_parts(self) -> tuple[NarrowedGraph, Reruns, Callbacks]:
        if not self._narrow:  # shared by the epochs' contexts
            graph = NarrowedGraph(self.model.graph, self._reaching())
            callbacks = Callbacks(self.index, graph, self.model.discovery)
            self._narrow.append((graph, Reruns(self.index, self.model.calls, graph, self.report_paths), callbacks))
        return self._narrow[0]

    def calls_of(self, fragment: Fragment) -> list[FragmentCall]:
        """Every call that starts `fragment`, in the index's order: in a check of part of a
        project, read only in the modules that may call it (`AppEntries.modules_reaching`)."""
        modules = self.model.entries.modules_reaching((fragment.function.path,)) if self.narrowed() else None
        return self.model.graph.calls_by_fragment(modules).get(fragment.function, [])

    def judges(self, rule: type[Rule], finding: Finding) -> bool:
        """Is the finding's code what the rule judges? Code a Streamlit run never executes
        (tests, a library nobody runs) gets only the findings that hold wherever it is called.
        Code feature detection keeps off the target release (`if hasattr(st, "fragment"):` before
        1.37, its `else` from 1.37) gets none."""
        if not runs_on(self.index, finding.site, self.version):
            return False
        return rule.judges is CodeScope.ANYWHERE or self.model.entries.runs(finding.site)


def fragments_and_dialogs(ctx: CheckContext, reaching_reported: bool = False) -> Iterator[Fragment]:
    """Fragments, and the dialogs whose API exists in the target release: a dialog's body runs
    as a fragment, so the checks Streamlit makes on fragments apply to it. Not those made from an
    `async def`: their body runs outside any fragment scope (`async-fragment` reports them).
    `reaching_reported`: only those that may run code of a reported file (`may_reach_reported`),
    for a rule whose findings lie in what the fragment reaches."""
    for fragment in ctx.model.scopes.values():
        if reaching_reported and not ctx.may_reach_reported(fragment.function.path):
            continue
        if ctx.asks(starts_no_scope, ctx.index, fragment):
            continue
        if not fragment.dialog or ctx.holds(f"{fragment.api.replace('_', '-')}-exists"):
            yield fragment


def parallel_fragments(ctx: CheckContext) -> Iterator[Fragment]:
    """The fragments declared with `parallel=True`: their first run is on a worker thread."""
    return (fragment for fragment in ctx.model.fragments.values() if fragment.parallel)


def once_per_site(findings: Iterator[Finding]) -> Iterator[Finding]:
    """The first finding at each site: a site reached from two fragments (or by two paths) is
    reported once."""
    seen: set[Site] = set()
    for finding in findings:
        if finding.site not in seen:
            seen.add(finding.site)
            yield finding


def only_call(ctx: CheckContext, fragment: Fragment) -> FragmentCall | None:
    """The fragment's one call, when it has exactly one in the project, made once per run by the
    module-level code of its own file (what a fix that moves things to the call site needs)."""
    calls = ctx.calls_of(fragment)
    if len(calls) != 1 or calls[0].caller != (fragment.function.path, MODULE_SCOPE) or calls[0].call.in_loop:
        return None
    return calls[0]


def unseen_elsewhere(ctx: CheckContext, path: str, name: str) -> bool:
    """Can a module-level `name` of `path` be read only in its own file? No other module imports
    the name (or the module), and no project file outside the check mentions it."""
    module = os.path.splitext(os.path.basename(path))[0]
    by_name, by_module = _importers(ctx.index)
    for importers in (by_name.get(name), by_name.get(module), by_module.get(module)):
        if importers and importers != {path}:
            return False
    return not ctx.mentioned_elsewhere(name)


# Per index, with how many modules it held: the modules importing each name, and each module
# (by the last part of its dotted name). Built once per check, not once per finding asked about.
_IMPORTERS: weakref.WeakKeyDictionary[ProjectIndex, tuple[int, tuple[dict, dict]]] = weakref.WeakKeyDictionary()


def _importers(index: ProjectIndex) -> tuple[dict[str | None, set[str]], dict[str, set[str]]]:
    """The modules that import each name (`from m import name`), and each module (`import m`,
    `from pkg import m`, `from m import x`: the last part of `m`)."""
    size = len(index.summaries)
    found = _IMPORTERS.get(index)
    if found is not None and found[0] == size:
        return found[1]
    by_name: dict[str | None, set[str]] = {}
    by_module: dict[str, set[str]] = {}
    for path, summary in list(index.summaries.items()):
        if not isinstance(summary, ModuleSummary):
            continue
        for function in summary.functions.values():
            for imported in function.imports.values():
                by_name.setdefault(imported.name, set()).add(path)
                by_module.setdefault(imported.module.rsplit(".", 1)[-1], set()).add(path)
    _IMPORTERS[index] = (size, (by_name, by_module))
    return by_name, by_module


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    facts: ClassVar[tuple[str, ...]] = ()  # version facts; the rule applies where all hold
    reads: ClassVar[tuple[str, ...]] = ()  # further facts its check consults (for the docs)
    reports_deprecated_api: ClassVar[bool] = False  # editors strike such findings through (LSP `deprecated` tag)
    # Which code it judges: its claim holds wherever the code is called from (ANYWHERE), or
    # is about a Streamlit run, so only code an entry script or a fragment reaches (APP_RUN).
    # Every rule declares it (tests/test_entries.py checks); the default judges all code.
    judges: ClassVar[CodeScope] = CodeScope.ANYWHERE
    VALID: ClassVar[list[Example]] = []
    INVALID: ClassVar[list[Example]] = []

    def applies(self, version: Version) -> bool:
        return all(versions.holds(fact, version) for fact in self.facts)

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        raise NotImplementedError

    # -- documentation --------------------------------------------------------------------

    @classmethod
    def summary(cls) -> str:
        doc = inspect.getdoc(cls) or ""
        return doc.strip().splitlines()[0] if doc else cls.name

    @classmethod
    def versions_text(cls) -> str:
        lines = []
        if not cls.facts:
            lines.append(f"Applies to every release with fragments ({versions.FIRST_WITH_FRAGMENTS} and later).")
        else:
            lines.append("Applies where all of these hold:")
            lines.extend(f"- {versions.FACTS[f].range_text()}: {versions.FACTS[f].summary}" for f in cls.facts)
        if cls.reads:
            lines.append("\nIts verdict also depends on:")
            lines.extend(f"- {versions.FACTS[f].range_text()}: {versions.FACTS[f].summary}" for f in cls.reads)
        return "\n".join(lines)

    @classmethod
    def version_range(cls) -> str:
        since = None
        until = None
        for fact_id in cls.facts:
            fact = versions.FACTS[fact_id]
            if fact.since is not None and (since is None or fact.since > since):
                since = fact.since
            if fact.until is not None and (until is None or fact.until < until):
                until = fact.until
        if since is None and until is None:
            return "all"
        if until is None:
            return f">={since}"
        if since is None or since <= versions.FIRST_WITH_FRAGMENTS:
            return f"<{until}"
        return f">={since},<{until}"

    @classmethod
    def documentation(cls) -> str:
        doc = inspect.getdoc(cls) or ""
        title = f"# {cls.name} ({cls.code})\n\n"
        severity = f"Severity: {cls.severity.value}. Versions: {cls.version_range()}. Judges: {cls.judges.describe()}.\n\n"
        body = doc.split("\n", 1)[1].strip() if "\n" in doc else ""
        return f"{title}{cls.summary()}\n\n{severity}{body}\n\n## Versions\n{cls.versions_text()}\n"


def chain_text(chain: Chain, index: ProjectIndex, start: str) -> str:
    """`render -> panels.draw -> _row` for messages."""
    names = [start]
    for step in chain:
        call = step.call
        if call.func:
            names.append(".".join(p for p in call.func if p not in (CALL, ITEM)))
    return " -> ".join(names)


def chain_related(chain: Chain, label: str = "called here") -> tuple[tuple[Site, str], ...]:
    return tuple((step.site(), f"{label}: {'.'.join(step.call.func or ('?',))}()") for step in chain)


def outside_write_related(write: Write, word: str = "fragment") -> tuple[tuple[Site, str], ...]:
    """Related locations of a write into a container made outside its fragment: the `with`
    that routed it there, where the container was created, then the call chain."""
    related = chain_related(write.chain)
    if write.container is not None and write.container.origin_site is not None:
        related = ((write.container.origin_site, f"container created here, outside the {word}"),) + related
    if write.via_with is not None:
        related = ((write.via_with, "entered here"),) + related
    return related


def describe_callback(use: CallbackRerun) -> str:
    """Where a callback's `st.rerun` is: "`reload`", "a lambda", "`refresh`, called from `reload`"."""
    _, callback_name = use.callback
    callback = "a lambda" if "<lambda" in callback_name else f"`{callback_name}`"
    if use.function == use.callback:
        return callback
    _, function_name = use.function
    return f"`{function_name}`, called from {callback}"
