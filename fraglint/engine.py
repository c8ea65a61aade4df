"""The check pipeline: files -> summaries -> project index -> model -> rules -> diagnostics.

The CLI, the pre-commit hook and the language server all call `run_check`. Summaries are
built in parallel worker processes (one parse and one walk per file); spans, suppression
comments and fixes are resolved afterwards, and only for the files that report something.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pathspec

from fraglint.config import Settings, _matches
from fraglint.diagnostics import Diagnostic, Fix, Location, Span
from fraglint.files import discover, python_files_under
from fraglint.fixes import edit_replacing
from fraglint.index.facts import FileFacts, is_suppressed, span_of
from fraglint.index.loader import InputProblem, read_source
from fraglint.index.project import ProjectIndex
from fraglint.index.sources import Sources
from fraglint.index.summary import ModuleSummary
from fraglint.model.fragment_model import FragmentModel
from fraglint.model.fragments import Site
from fraglint.result import CheckResult, Project, ScopesReport
from fraglint.rules import ALL_RULES, INPUT_DIAGNOSTICS
from fraglint.rules.base import CheckContext, Finding, Rule
from fraglint.safe_read import leaves_root

__all__ = ["CheckResult", "Project", "ScopesReport", "build_project", "interpret_project", "run_check"]


def build_project(
    paths: list[str],
    settings: Settings,
    buffers: dict[str, str] | None = None,
    jobs: int | None = None,
    sources: Sources | None = None,
    previous: Project | None = None,
) -> Project:
    """Discover, summarise (in parallel) and index; `buffers` are unsaved texts by path.

    The files named are the ones reported on. The rest of the project (when the root is a
    real project, with a pyproject.toml or .git) is indexed too, as context: a helper's callers
    and a fragment's definition may live in files the check was not given (pre-commit passes
    only the changed files). `sources` says where files are read from (default: the disk,
    through the summary cache). `previous`, a project built earlier from the same root (the
    language server's last check), lends the resolutions the changes since cannot affect.
    """
    buffers = {os.path.abspath(p): t for p, t in (buffers or {}).items()}
    found = discover(paths, settings, unsaved=buffers)
    sources = sources or Sources.for_root(settings.root, settings.cache, settings.cache_dir)
    context = _context_files(settings, set(found.files), buffers)
    problems: dict[str, InputProblem] = {}
    summaries: dict[str, ModuleSummary] = {}
    results = sources.summaries(found.files + (context or []), buffers, jobs)
    reported = set(found.files)
    for path, result in results.items():
        if isinstance(result, InputProblem):
            if path in reported:
                problems[path] = result
        else:
            summaries[path] = result
    problems.update(found.problems)  # files found but not read: FIFOs, symlinks out, unlistable directories

    def load(path: str) -> ModuleSummary | None:
        if not path.startswith(settings.root) or not path.endswith(".py") or leaves_root(path, settings.root):
            return None
        if path not in buffers and not os.path.isfile(path):
            return None
        result = sources.summary(path, buffers)
        return None if isinstance(result, InputProblem) else result

    index = ProjectIndex(summaries, settings.root, load)
    if context is None:
        index.load_import_closure()  # with the whole project as context, it is already loaded
    model = FragmentModel(index, tuple(settings.entry))
    if previous is not None and previous.settings.root == settings.root:
        changed = index.reuse(previous.index, preload=context is not None and previous.whole_project)
        if changed is not None:
            model.reuse(previous.model, changed)
    return Project(
        settings, found.files, summaries, problems, index, model, found.missing, found.empty_dirs,
        buffers, sources, whole_project=context is not None,
    )


_CONTEXT_LIMIT = 5000


def _context_files(settings: Settings, given: set[str], buffers: dict[str, str]) -> list[str] | None:
    """The project's other Python files, when the root is a real project of sane size (else None).

    Open buffers of new files, not saved yet, are part of the project too.
    """
    root = settings.root
    if not (os.path.isfile(os.path.join(root, "pyproject.toml")) or os.path.exists(os.path.join(root, ".git"))):
        return None
    everything = python_files_under(root, settings)
    if len(everything) > _CONTEXT_LIMIT:
        return None
    unsaved = [path for path in buffers if path.endswith(".py") and path.startswith(root + os.sep) and not os.path.exists(path)]
    return [path for path in everything + sorted(unsaved) if path not in given]


def interpret_project(project: Project) -> ScopesReport:
    """The rerun-model interpreter's run of the project's entry scripts, with the facts of the
    files it names: what `fraglint scopes` renders."""
    from fraglint.model.interpreter import interpret

    interpretation = interpret(project.index, project.model, project.settings.target_version, project.files)
    files = sorted({key[0] for scope in interpretation.scopes.values() for key in scope.functions})
    facts = project.sources.facts_of(files, project.buffers, None)
    return ScopesReport(project.settings.target_version, interpretation, facts, project.index.function)


def run_check(
    paths: list[str],
    settings: Settings,
    buffers: dict[str, str] | None = None,
    jobs: int | None = None,
    sources: Sources | None = None,
    previous: Project | None = None,
) -> CheckResult:
    """Check `paths`; `buffers` maps absolute paths to unsaved text that replaces the disk.

    `sources` and `previous` are for callers that check again and again (the language
    server): see `build_project`.
    """
    project = build_project(paths, settings, buffers, jobs, sources, previous)
    version = settings.target_version
    analysed = set(project.files)
    ctx = CheckContext(
        index=project.index,
        model=project.model,
        version=version,
        report_paths=analysed,
        mentioned_elsewhere=_MentionChecker(settings, project.summaries, project.problems, project.whole_project),
    )
    enabled = settings.enabled_codes()
    findings: list[tuple[type[Rule], Finding]] = []
    for rule_class in ALL_RULES:
        if rule_class.code not in enabled:
            continue
        rule = rule_class()
        if not rule.applies(version):
            continue
        for finding in rule.check(ctx):
            if finding.site.path in analysed and ctx.judges(rule_class, finding):
                findings.append((rule_class, finding))
    digests: dict[str, str] = {}
    diagnostics = _to_diagnostics(findings, project, enabled, jobs, digests)
    diagnostics.sort(key=lambda d: d.sort_key)
    return CheckResult(
        diagnostics=diagnostics,
        files_checked=len(project.files),
        missing_paths=project.missing_paths,
        empty_dirs=project.empty_dirs,
        version=version,
        version_source=settings.version_source,
        project=project,
        source_digests=digests,
    )


class _MentionChecker:
    """Does a name appear in a project file this check did not analyse? (Read lazily, once.)"""

    def __init__(self, settings: Settings, summaries: dict, problems: dict, whole_project: bool = False) -> None:
        self.settings = settings
        self.whole_project = whole_project
        self.known = (summaries, problems)  # analysed files; lazily loaded ones join later
        self._texts: list[bytes] | None = None

    def __call__(self, name: str) -> bool:
        if self._texts is None:
            self._texts = []
            if self.whole_project:
                return False  # every project file was analysed: nothing is left unread
            for path in python_files_under(self.settings.root, self.settings):
                if not any(path in known for known in self.known):
                    data = read_source(path)
                    if isinstance(data, bytes):
                        self._texts.append(data)
        needle = name.encode()
        return any(needle in text for text in self._texts)


# -- spans, suppressions, fixes -------------------------------------------------------------


def _fix(finding: Finding, facts: FileFacts | None, span: Span | None, digests: dict[str, str]) -> Fix | None:
    """The finding's fix as an edit of the text the check read; its file's digest goes to `digests`.

    A fix edits the file it is reported in (a fix of another file would be applied to the
    wrong one), at a span found in that file's text by `fixes.edit_replacing`, the same
    line and column arithmetic that applies it.
    """
    spec = finding.fix
    if spec is None or facts is None or span is None or spec.site.path != finding.site.path:
        return None
    edit = edit_replacing(facts.text, span, spec.old, spec.new)
    if edit is None:
        return None
    if facts.digest is not None:
        digests[finding.site.path] = facts.digest
    return Fix(spec.message, (edit,))


def _to_diagnostics(
    findings: list[tuple[type[Rule], Finding]],
    project: Project,
    enabled: set[str],
    jobs: int | None = None,
    digests: dict[str, str] | None = None,
) -> list[Diagnostic]:
    """Diagnostics of the input problems and the findings; `digests` gets the digest of each
    file a fix edits. Each step is its own function below."""
    digests = {} if digests is None else digests
    ignored_for = _per_file_ignores(project.settings)
    diagnostics = _problem_diagnostics(project.problems, enabled, ignored_for)
    files = _FileFacts(project, findings, jobs)
    seen: set[tuple] = set()
    for rule, finding in findings:
        if ignored_for(finding.site.path, rule.code):
            continue
        facts = files.facts(finding.site.path)
        span = files.span(finding.site, finding.part) if facts is not None else None
        if facts is None or span is None or is_suppressed(facts, span.line, rule.code, rule.name):
            continue
        identity = (finding.site.path, span, rule.code, finding.message)
        if identity not in seen:
            seen.add(identity)
            diagnostics.append(_finding_diagnostic(rule, finding, span, facts, files, digests))
    return diagnostics


def _per_file_ignores(settings: Settings) -> Callable[[str, str], bool]:
    """`ignored_for(path, code)`: does a `per-file-ignores` entry turn this code off in this file?"""
    per_file = [(pathspec.GitIgnoreSpec.from_lines([pattern]), selectors) for pattern, selectors in settings.per_file_ignores.items()]

    def ignored_for(path: str, code: str) -> bool:
        relative = os.path.relpath(path, settings.root).replace(os.sep, "/")
        return any(spec.match_file(relative) and any(_matches(code, s) for s in sel) for spec, sel in per_file)

    return ignored_for


def _problem_diagnostics(problems: dict[str, InputProblem], enabled: set[str], ignored_for: Callable[[str, str], bool]) -> list[Diagnostic]:
    """A file that could not be analysed is a diagnostic of its own (syntax-error, ...)."""
    diagnostics = []
    for path, problem in problems.items():
        kind = INPUT_DIAGNOSTICS[problem.name]
        if kind.code not in enabled or ignored_for(path, kind.code):
            continue
        span = Span(problem.line, problem.column, problem.line, problem.column + 1)
        diagnostics.append(Diagnostic(path, span, kind.code, problem.name, kind.severity, problem.message))
    return diagnostics


class _FileFacts:
    """Spans and suppressions of the files the findings name, read once (in parallel) up front."""

    def __init__(self, project: Project, findings: list[tuple[type[Rule], Finding]], jobs: int | None) -> None:
        needed = set()
        for _, finding in findings:
            needed.add(finding.site.path)
            needed.update(site.path for site, _ in finding.related)
        self._sources, self._buffers = project.sources, project.buffers
        self._cache = project.sources.facts_of(sorted(needed), project.buffers, jobs)

    def facts(self, path: str) -> FileFacts | None:
        if path not in self._cache:
            self._cache[path] = self._sources.facts(path, self._buffers)
        return self._cache[path]

    def span(self, site: Site, part: str = "primary") -> Span | None:
        return span_of(self.facts(site.path), site.site, part)


def _related(finding: Finding, files: _FileFacts) -> tuple[Location, ...]:
    """The finding's related locations (its call chain) that can be placed in their files."""
    related = []
    for site, message in finding.related:
        span = files.span(site)
        if span is not None:
            related.append(Location(site.path, span, message))
    return tuple(related)


def _finding_diagnostic(
    rule: type[Rule], finding: Finding, span: Span, facts: FileFacts, files: _FileFacts, digests: dict[str, str]
) -> Diagnostic:
    fix = None
    if finding.fix is not None:
        fix = _fix(finding, facts, files.span(finding.fix.site, finding.fix.part), digests)
    return Diagnostic(
        path=finding.site.path,
        span=span,
        code=rule.code,
        name=rule.name,
        severity=finding.severity or rule.severity,
        message=finding.message,
        related=_related(finding, files),
        fix=fix,
        scope_facts=finding.scope_facts,
    )
