"""The check pipeline: files -> summaries -> project index -> model -> rules -> diagnostics.

The CLI, the pre-commit hook and the language server all call `run_check`. Summaries are
built in parallel worker processes (one parse and one walk per file); spans, suppression
comments and fixes are resolved afterwards, and only for the files that report something.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import tokenize
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import pathspec
from packaging.version import Version

from fraglint.config import Settings, _matches
from fraglint.diagnostics import Diagnostic, Edit, Fix, Location, Severity, Span
from fraglint.files import discover, python_files_under
from fraglint.index.cache import SummaryCache
from fraglint.index.loader import InputProblem, load_text, read_source, summarize_file, summarize_source
from fraglint.index.project import ProjectIndex
from fraglint.index.summary import ModuleSummary
from fraglint.model.fragments import FragmentModel, Site
from fraglint.rules import ALL_RULES, INPUT_DIAGNOSTICS
from fraglint.rules.base import CheckContext, Finding, Rule

_PARALLEL_THRESHOLD = 24


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic]
    files_checked: int
    missing_paths: list[str] = field(default_factory=list)
    empty_dirs: list[str] = field(default_factory=list)
    version: Version | None = None
    version_source: str = ""


@dataclass
class Project:
    """Everything known about the checked files before any rule runs."""

    settings: Settings
    files: list[str]  # the files named by the check (reported on)
    summaries: dict[str, ModuleSummary]  # grows as imports pull in more project modules
    problems: dict[str, InputProblem]
    index: ProjectIndex
    model: FragmentModel
    missing_paths: list[str]
    empty_dirs: list[str]
    buffers: dict[str, str]
    whole_project: bool = False  # every Python file under the root was summarised


def build_project(
    paths: list[str],
    settings: Settings,
    buffers: dict[str, str] | None = None,
    jobs: int | None = None,
) -> Project:
    """Discover, summarise (in parallel) and index; `buffers` are unsaved texts by path.

    The files named are the ones reported on. The rest of the project (when the root is a
    real project, with a pyproject.toml or .git) is indexed too, as context: a helper's callers
    and a fragment's definition may live in files the check was not given (pre-commit passes
    only the changed files).
    """
    buffers = {os.path.abspath(p): t for p, t in (buffers or {}).items()}
    found = discover(paths, settings)
    cache = SummaryCache(settings.root, settings.cache)
    context = _context_files(settings, set(found.files))
    problems: dict[str, InputProblem] = {}
    summaries: dict[str, ModuleSummary] = {}
    results = _summarize_all(found.files + (context or []), buffers, jobs, cache)
    reported = set(found.files)
    for path, result in results.items():
        if isinstance(result, InputProblem):
            if path in reported:
                problems[path] = result
        else:
            summaries[path] = result

    def load(path: str) -> ModuleSummary | None:
        if not path.startswith(settings.root) or not path.endswith(".py"):
            return None
        if path not in buffers and not os.path.isfile(path):
            return None
        result = _summarize_cached(path, buffers, cache)
        return None if isinstance(result, InputProblem) else result

    index = ProjectIndex(summaries, settings.root, load)
    if context is None:
        index.load_import_closure()  # with the whole project as context, it is already loaded
    return Project(
        settings, found.files, summaries, problems, index, FragmentModel(index), found.missing, found.empty_dirs,
        buffers, whole_project=context is not None,
    )


_CONTEXT_LIMIT = 5000


def _context_files(settings: Settings, given: set[str]) -> list[str] | None:
    """The project's other Python files, when the root is a real project of sane size (else None)."""
    root = settings.root
    if not (os.path.isfile(os.path.join(root, "pyproject.toml")) or os.path.exists(os.path.join(root, ".git"))):
        return None
    everything = python_files_under(root, settings)
    if len(everything) > _CONTEXT_LIMIT:
        return None
    return [path for path in everything if path not in given]


def run_check(
    paths: list[str],
    settings: Settings,
    buffers: dict[str, str] | None = None,
    jobs: int | None = None,
) -> CheckResult:
    """Check `paths`; `buffers` maps absolute paths to unsaved text that replaces the disk."""
    project = build_project(paths, settings, buffers, jobs)
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
            if finding.site.path in analysed:
                findings.append((rule_class, finding))
    diagnostics = _to_diagnostics(findings, project.problems, project.buffers, settings, enabled, jobs)
    diagnostics.sort(key=lambda d: d.sort_key)
    return CheckResult(
        diagnostics=diagnostics,
        files_checked=len(project.files),
        missing_paths=project.missing_paths,
        empty_dirs=project.empty_dirs,
        version=version,
        version_source=settings.version_source,
    )


# -- summaries ----------------------------------------------------------------------------


def _summarize_one(path: str) -> tuple[str, ModuleSummary | InputProblem]:
    return path, summarize_file(path)


def _summarize_cached(path: str, buffers: dict[str, str], cache: SummaryCache) -> ModuleSummary | InputProblem:
    if path in buffers:
        return summarize_file(path, buffers[path])
    result = cache.get(path)
    if result is None:
        result = summarize_file(path)
        cache.put(path, result)
    return result


def _parallel_map(function, items: list, jobs: int | None, threshold: int) -> list:
    """`map` over worker processes when there is enough work for them to pay off."""
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(items) < threshold:
        return [function(item) for item in items]
    context = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    chunk = max(1, len(items) // (workers * 4))
    with ProcessPoolExecutor(max_workers=min(workers, len(items)), mp_context=context) as pool:
        return list(pool.map(function, items, chunksize=chunk))


def _summarize_all(
    files: list[str], buffers: dict[str, str], jobs: int | None, cache: SummaryCache
) -> dict[str, ModuleSummary | InputProblem]:
    results: dict[str, ModuleSummary | InputProblem] = {}
    missing = []
    for path in files:
        if path in buffers:
            results[path] = summarize_file(path, buffers[path])
            continue
        cached = cache.get(path)
        if cached is not None:
            results[path] = cached
        else:
            missing.append(path)
    for path, result in _parallel_map(_summarize_one, missing, jobs, _PARALLEL_THRESHOLD):
        results[path] = result
        cache.put(path, result)
    return results


def _facts_one(path: str) -> tuple[str, "_FileFacts | None"]:
    return path, _file_facts(path, {})


def file_facts(paths: list[str], buffers: dict[str, str], jobs: int | None = None) -> dict[str, "_FileFacts | None"]:
    """Spans and suppressions of every file that reports, re-parsed in parallel."""
    found = {path: _file_facts(path, buffers) for path in paths if path in buffers}
    on_disk = [p for p in paths if p not in buffers]
    found.update(_parallel_map(_facts_one, on_disk, jobs, _PARALLEL_THRESHOLD // 3))
    return found


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


@dataclass
class _FileFacts:
    text: str
    spans: dict[int, tuple[Span, ...]]
    suppressions: dict[int, tuple[set[str] | None, set[str] | None]]  # line -> (noqa codes, ignore names)


def _file_facts(path: str, buffers: dict[str, str]) -> _FileFacts | None:
    text = buffers.get(path)
    if text is None:
        loaded = load_text(path)
        if isinstance(loaded, InputProblem):
            return None
        text = loaded
    result = summarize_source(path, text, with_positions=True)
    if isinstance(result, InputProblem):
        return None
    return facts_from_visitor(text, result[1])


def facts_from_visitor(text: str, visitor) -> _FileFacts:
    """Spans of every site (1-based) and the suppression comments, from a positions-mode walk."""
    positions = visitor.positions or {}
    spans: dict[int, tuple[Span, ...]] = {}
    for site, nodes in visitor.site_nodes.items():
        found = []
        for node in nodes:
            position = positions.get(node)
            if position is not None:
                found.append(Span(position.start.line, position.start.column + 1, position.end.line, position.end.column + 1))
        spans[site] = tuple(found)
    lowered = text.lower()
    has_comments = "noqa" in lowered or "fraglint" in lowered  # tokenizing is skipped without them
    return _FileFacts(text, spans, _suppressions(text) if has_comments else {})


_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*fraglint:\s*ignore(?:\[(?P<names>[^\]]*)\])?", re.IGNORECASE)


def _suppressions(text: str) -> dict[int, tuple[set[str] | None, set[str] | None]]:
    """Comments that suppress diagnostics, by line: (noqa codes or None for all, ignore names)."""
    found: dict[int, tuple[set[str] | None, set[str] | None]] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return found
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        line = token.start[0]
        noqa = _NOQA.search(token.string)
        ignore = _IGNORE.search(token.string)
        if noqa is None and ignore is None:
            continue
        codes: set[str] | None = set()
        names: set[str] | None = set()
        if noqa:
            codes = {c.strip().upper() for c in noqa.group("codes").split(",")} if noqa.group("codes") else None
        if ignore:
            names = {n.strip().lower() for n in ignore.group("names").split(",")} if ignore.group("names") else None
        found[line] = (codes, names)
    return found


def _suppressed(facts: _FileFacts, line: int, code: str, name: str) -> bool:
    entry = facts.suppressions.get(line)
    if entry is None:
        return False
    codes, names = entry
    if codes is None or names is None:
        return True
    return code in codes or name in names


def span_of(facts: "_FileFacts | None", site: Site, part: str = "primary") -> Span | None:
    return _pick(facts.spans.get(site.site, ()), part) if facts else None


def _pick(spans: tuple[Span, ...], part: str) -> Span | None:
    if not spans:
        return None
    if part == "secondary" and len(spans) > 1:
        return spans[1]
    return spans[0]


def _edit(facts: _FileFacts, span: Span, old: str, new: str) -> Edit | None:
    lines = facts.text.splitlines(keepends=True)
    if span.line != span.end_line or span.line > len(lines):
        return None
    line_text = lines[span.line - 1]
    segment = line_text[span.column - 1 : span.end_column - 1]
    at = segment.rfind(old) if segment.endswith(old) else segment.find(old)
    if at < 0:
        return None
    start = span.column + at
    return Edit(Span(span.line, start, span.line, start + len(old)), new)


def _to_diagnostics(
    findings: list[tuple[type[Rule], Finding]],
    problems: dict[str, InputProblem],
    buffers: dict[str, str],
    settings: Settings,
    enabled: set[str],
    jobs: int | None = None,
) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    per_file = [(pathspec.GitIgnoreSpec.from_lines([pattern]), selectors) for pattern, selectors in settings.per_file_ignores.items()]

    def ignored_for(path: str, code: str) -> bool:
        relative = os.path.relpath(path, settings.root).replace(os.sep, "/")
        return any(spec.match_file(relative) and any(_matches(code, s) for s in sel) for spec, sel in per_file)

    for path, problem in problems.items():
        code = INPUT_DIAGNOSTICS[problem.name][0]
        if code not in enabled or ignored_for(path, code):
            continue
        span = Span(problem.line, problem.column, problem.line, problem.column + 1)
        diagnostics.append(Diagnostic(path, span, code, problem.name, Severity.ERROR, problem.message))

    needed = set()
    for _, finding in findings:
        needed.add(finding.site.path)
        needed.update(site.path for site, _ in finding.related)
    facts_cache = file_facts(sorted(needed), buffers, jobs)

    def facts_for(path: str) -> _FileFacts | None:
        if path not in facts_cache:
            facts_cache[path] = _file_facts(path, buffers)
        return facts_cache[path]

    def span_of(site: Site, part: str = "primary") -> Span | None:
        facts = facts_for(site.path)
        return _pick(facts.spans.get(site.site, ()), part) if facts else None

    seen: set[tuple] = set()
    for rule, finding in findings:
        if ignored_for(finding.site.path, rule.code):
            continue
        facts = facts_for(finding.site.path)
        if facts is None:
            continue
        span = span_of(finding.site, finding.part)
        if span is None:
            continue
        if _suppressed(facts, span.line, rule.code, rule.name):
            continue
        identity = (finding.site.path, span, rule.code, finding.message)
        if identity in seen:
            continue
        seen.add(identity)
        related = []
        for site, message in finding.related:
            related_span = span_of(site)
            if related_span is not None:
                related.append(Location(site.path, related_span, message))
        fix = None
        if finding.fix is not None:
            fix_span = span_of(finding.fix.site, finding.fix.part)
            edit = _edit(facts_for(finding.fix.site.path), fix_span, finding.fix.old, finding.fix.new) if fix_span else None
            if edit is not None:
                fix = Fix(finding.fix.message, (edit,))
        diagnostics.append(
            Diagnostic(
                path=finding.site.path,
                span=span,
                code=rule.code,
                name=rule.name,
                severity=finding.severity or rule.severity,
                message=finding.message,
                related=tuple(related),
                fix=fix,
                scope_facts=finding.scope_facts,
            )
        )
    return diagnostics
