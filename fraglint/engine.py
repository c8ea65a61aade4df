"""The check pipeline: files -> summaries -> project index -> model -> rules -> diagnostics.

The CLI, the pre-commit hook and the language server all call `run_check`. Summaries are
built in parallel worker processes (one parse and one walk per file); spans, suppression
comments and fixes are resolved afterwards, and only for the files that report something.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable

from fraglint.config import Settings, _matches
from fraglint.diagnostics import Applicability, Diagnostic, Fix, Location, Span
from fraglint.files import SettingsIn, discover, python_files_under
from fraglint.index.facts import FileFacts, is_suppressed, span_of
from fraglint.index.loader import InputProblem, decode_source, read_source
from fraglint.index.project import ProjectIndex
from fraglint.index.rewrite_kinds import refused_on_sight
from fraglint.index.sources import Sources
from fraglint.index.summary import ModuleSummary
from fraglint.model.fragment_model import FragmentModel
from fraglint.model.fragments import Site
from fraglint.phases import QUIET, Phases
from fraglint.release_check import FLOOR, Floor, Ranged, check_releases, declaration_span
from fraglint.result import CheckResult, Project, ScopesReport
from fraglint.rules import INPUT_DIAGNOSTICS
from fraglint.rules.base import CheckContext, Finding, RewriteSpec, Rule
from fraglint.rules.unused_suppression import UnusedSuppression
from fraglint.safe_read import leaves_root
from fraglint.settings import files_by_settings, folder_settings
from fraglint.source_text import edit_replacing, source_digest
from fraglint.unused_suppressions import Used, unused_suppressions

__all__ = ["CheckResult", "Project", "ScopesReport", "build_project", "interpret_project", "run_check"]


def build_project(
    paths: list[str],
    settings: Settings,
    buffers: dict[str, str] | None = None,
    jobs: int | None = None,
    sources: Sources | None = None,
    previous: Project | None = None,
    phases: Phases = QUIET,
) -> Project:
    """Discover, summarise (in parallel) and index; `buffers` are unsaved texts by path.

    The files named are the ones reported on. The rest of the project (when the root is a
    real project, with a pyproject.toml or .git) is indexed too, as context: a helper's callers
    and a fragment's definition may live in files the check was not given (pre-commit passes
    only the changed files). `sources` says where files are read from (default: the disk,
    through the summary cache). `previous`, a project built earlier from the same root (the
    language server's last check), lends the resolutions the changes since cannot affect.
    `phases` is told what is being done, and keeps how long it took (`fraglint.phases`).
    """
    buffers = {os.path.abspath(p): t for p, t in (buffers or {}).items()}
    with phases.phase("discover"):
        settings_in = folder_settings(settings)  # a sub-project's own `exclude` holds in its folder
        found = discover(paths, settings, unsaved=buffers, settings_in=settings_in)
        sources = sources or Sources.for_root(settings.root, settings.cache, settings.cache_dir)
        everything = _project_files(settings, sources, settings_in)
        context = _context_files(settings, set(found.files), buffers, everything)
    to_read = found.files + (context or [])
    sources.phases = phases
    with phases.phase("parse", len(to_read)):
        results = sources.summaries(to_read, buffers, jobs)
    summaries, problems = _split_results(results, set(found.files))
    problems.update(found.problems)  # files found but not read: FIFOs, symlinks out, unlistable directories

    def load(path: str) -> ModuleSummary | None:
        if isinstance(results.get(path), InputProblem):  # read by this check, not analysable: a crash is never parsed again, here
            return None
        if not path.startswith(settings.root) or not path.endswith(".py"):
            return None
        if path not in buffers and not os.path.isfile(path):  # most probes find nothing: before realpath
            return None
        if leaves_root(path, settings.root):
            return None
        result = sources.summary(path, buffers)
        return None if isinstance(result, InputProblem) else result

    with phases.phase("index"):
        index = ProjectIndex(summaries, settings.root, load)
        if context is None:
            index.load_import_closure()  # with the whole project as context, it is already loaded
        model = FragmentModel(index, tuple(settings.entry))
        if previous is not None and previous.settings.root == settings.root:
            index, model = _reuse(previous, index, model, everything if context is not None else None, settings)
            index.use_loader(load)
    sources.phases = QUIET
    return Project(
        settings, found.files, index.summaries, problems, index, model, found.missing, found.empty_dirs,
        buffers, sources, whole_project=context is not None, discovered=everything,
    )


def _reuse(
    previous: Project, index: ProjectIndex, model: FragmentModel, everything: list[str] | None, settings: Settings
) -> tuple[ProjectIndex, FragmentModel]:
    """What of the last check's index and model this one keeps (the language server's).

    Per module: lookups, call targets and call-graph edges that read no changed module. When
    not one summary changed (a comment typed) under the same settings, the whole index and
    model, with every answer they hold. The files that imports did not find are looked for
    again unless the project's file list is the very one the last check had (`Sources.project_files`
    keeps it while no file appears or goes).
    """
    whole = everything is not None and previous.whole_project
    stable = whole and everything is previous.discovered
    changed = index.changed_since(previous.index, preload=whole, probe_missing=not stable)
    if changed == set() and whole and previous.settings == settings:
        return previous.index, previous.model
    if changed is not None:
        index.take_over(previous.index, changed)
        model.reuse(previous.model, changed)
    return index, model


def _split_results(
    results: dict[str, ModuleSummary | InputProblem], reported: set[str]
) -> tuple[dict[str, ModuleSummary], dict[str, InputProblem]]:
    """The summaries read, and the problems of the files reported on: a context file that
    cannot be read is no finding (it is only missing as context)."""
    summaries: dict[str, ModuleSummary] = {}
    problems: dict[str, InputProblem] = {}
    for path, result in results.items():
        if isinstance(result, InputProblem):
            if path in reported:
                problems[path] = result
        else:
            summaries[path] = result
    return summaries, problems


_CONTEXT_LIMIT = 5000


def _project_files(settings: Settings, sources: Sources, settings_in: SettingsIn) -> list[str] | None:
    """Every Python file of the project, when the root is a real project (a pyproject.toml or .git)."""
    root = settings.root
    if not (os.path.isfile(os.path.join(root, "pyproject.toml")) or os.path.exists(os.path.join(root, ".git"))):
        return None
    return sources.project_files(settings, settings_in)


def _context_files(settings: Settings, given: set[str], buffers: dict[str, str], everything: list[str] | None) -> list[str] | None:
    """The project's other Python files, when the root is a real project of sane size (else None).

    Open buffers of new files, not saved yet, are part of the project too.
    """
    if everything is None or len(everything) > _CONTEXT_LIMIT:
        return None
    root = settings.root
    unsaved = [path for path in buffers if path.endswith(".py") and path.startswith(root + os.sep) and not os.path.exists(path)]
    return [path for path in everything + sorted(unsaved) if path not in given]


def interpret_project(project: Project) -> ScopesReport:
    """The rerun-model interpreter's run of the project's entry scripts, with the facts of the
    files it names: what `fraglint scopes` renders."""
    from fraglint.model.interpreter import interpret

    interpretation = interpret(project.index, project.model, project.settings.target_version, project.files)
    files = sorted({key[0] for scope in interpretation.scopes.values() for key in scope.functions})
    facts = project.sources.facts_of(files, project.buffers, None, project.index.summaries)
    return ScopesReport(project.settings.target_version, interpretation, facts, project.index.function)


def run_check(
    paths: list[str],
    settings: Settings,
    buffers: dict[str, str] | None = None,
    jobs: int | None = None,
    sources: Sources | None = None,
    previous: Project | None = None,
    phases: Phases = QUIET,
) -> CheckResult:
    """Check `paths`; `buffers` maps absolute paths to unsaved text that replaces the disk.

    `sources` and `previous` are for callers that check again and again (the language
    server): see `build_project`. `phases` keeps the timings (`fraglint.phases`).
    """
    project = build_project(paths, settings, buffers, jobs, sources, previous, phases)
    mentioned = _MentionChecker(settings, project.summaries, project.problems, project.whole_project)
    groups = files_by_settings(project.files, settings)
    settings_of = {path: group for group, files in groups for path in files}
    diagnostics = _problem_diagnostics(project.problems, lambda path: settings_of.get(path, settings))
    digests: dict[str, str] = {}
    floors: list[tuple[Diagnostic, Floor]] = []
    for group, files in groups:
        with phases.phase("rules"):
            ranged, floor = _findings(project, previous, group, files, mentioned)
        with phases.phase("diagnostics"):
            used: Used = set()
            diagnostics += _to_diagnostics(ranged, project, group, jobs, digests, used)
            if floor is not None:
                at_floor = _floor_diagnostics(floor, project, group, jobs, digests, used)
                diagnostics += at_floor
                floors += [(diagnostic, floor) for diagnostic in at_floor]
            diagnostics += _unused_suppressions(project, files, used, group, digests)
    diagnostics.sort(key=lambda d: d.sort_key)
    project.sources.flush_spans()  # every site reported is placed: store the spans now, not at exit
    return CheckResult(
        diagnostics=diagnostics,
        files_checked=len(project.files),
        missing_paths=project.missing_paths,
        empty_dirs=project.empty_dirs,
        version=settings.target_version if len(groups) <= 1 and settings.release_set().single else None,
        version_source=settings.version_source,
        project=project,
        source_digests=digests,
        targets=[(group.release_set().describe(), len(files)) for group, files in groups],
        warnings=list(dict.fromkeys(warning for group, _ in groups for warning in group.version_warnings)),
        floors=floors,
    )


def _findings(
    project: Project, previous: Project | None, group: Settings, files: list[str], mentioned: _MentionChecker
) -> tuple[list[Ranged], Floor | None]:
    """The rules' findings on one settings group's files; the last check's, when it had the
    very same summaries (`build_project` then hands on its model), settings and files."""
    if previous is not None and project.model is previous.model:
        for kept in previous.findings:
            if kept[0] == group and kept[1] == files:
                project.findings.append(kept)
                return kept[2], kept[3]
    ctx = CheckContext(project.index, project.model, group.target_version, set(files), mentioned, project.whole_project)
    ranged, floor = check_releases(ctx, group)
    project.findings.append((group, list(files), ranged, floor))
    return ranged, floor


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


def _fix(finding: Finding, facts: FileFacts | None, files: _FileFacts, digests: dict[str, str]) -> Fix | None:
    """The finding's fix as edits of the text the check read; its file's digest goes to `digests`.

    A fix edits the file it is reported in (a fix of another file would be applied to the
    wrong one): a renaming at a span found in that file's text by `source_text.edit_replacing`, the
    same line and column arithmetic that applies it; a rewrite where `index/rewrites.py` finds
    the code in the shape it understands.
    """
    spec = finding.fix
    if spec is None or facts is None:
        return None
    if isinstance(spec, RewriteSpec):
        fix = _rewrite_fix(spec, finding.site.path, facts, files)
    else:
        span = files.span(spec.site, spec.part)
        edit = edit_replacing(facts.text, span, spec.old, spec.new) if span is not None and spec.site.path == finding.site.path else None
        fix = Fix(spec.message, (edit,), spec.applicability) if edit is not None else None
    if fix is not None and facts.digest is not None:
        digests[finding.site.path] = facts.digest
    return fix


def _rewrite_fix(spec: RewriteSpec, path: str, facts: FileFacts, files: _FileFacts) -> Fix | None:
    spans = [files.span(site) if site.path == path else None for site in spec.sites]
    if any(span is None for span in spans):
        return None
    placed = [span for span in spans if span is not None]
    if refused_on_sight(spec.kind, facts.text, placed):
        return None
    from fraglint.index.rewrites import rewrite  # libcst: only when a rewrite may be made

    found = rewrite(spec.kind, facts.text, placed)
    if found is None or not found.edits:
        return None
    certain = found.certain and spec.applicability is Applicability.SAFE
    return Fix(spec.message, found.edits, Applicability.SAFE if certain else Applicability.UNSAFE)


def _to_diagnostics(
    findings: list[Ranged], project: Project, settings: Settings, jobs: int | None, digests: dict[str, str], used: Used
) -> list[Diagnostic]:
    """Diagnostics of one group's findings; `digests` gets the digest of each file reported on,
    `used` each suppression comment that suppressed one (for `unused-suppression`)."""
    ignored_for = _per_file_ignores(settings)
    diagnostics = []
    files = _FileFacts(project, findings, jobs)
    seen: set[tuple] = set()
    for ranged in findings:
        rule, finding = ranged.rule, ranged.finding
        if ignored_for(finding.site.path, rule.code):
            continue
        facts = files.facts(finding.site.path)
        span = files.span(finding.site, finding.part) if facts is not None else None
        if facts is None or span is None:
            continue
        if is_suppressed(facts, span.line, rule.code, rule.name):
            used.add((finding.site.path, span.line, rule.code))
            continue
        identity = (finding.site.path, span, rule.code, finding.message)
        if identity not in seen:
            seen.add(identity)
            diagnostic = _finding_diagnostic(rule, finding, span, facts, files, digests)
            diagnostics.append(dataclasses.replace(diagnostic, releases=ranged.range) if ranged.range else diagnostic)
            if facts.digest is not None:  # `--add-noqa` edits every reported file, only while it is unchanged
                digests.setdefault(finding.site.path, facts.digest)
    return diagnostics


def _floor_diagnostics(
    floor: Floor, project: Project, settings: Settings, jobs: int | None, digests: dict[str, str], used: Used
) -> list[Diagnostic]:
    """`streamlit-floor-too-low` at the declaration's line; at the first use when the range has no
    file (it was given on the command line), where it is a finding like any other."""
    release_set = floor.release_set
    place = declaration_span(release_set.path, release_set.line, settings.root)
    if place is None:
        first = min((uses[0] for uses in floor.lacking.values()), key=lambda f: (f.site.path, f.site.site))
        finding = dataclasses.replace(first, message=floor.message(), fix=None, related=(), severity=None)
        return _to_diagnostics([Ranged(FLOOR, finding, floor.without, floor.range())], project, settings, jobs, digests, used)
    path, span = place
    if _per_file_ignores(settings)(path, FLOOR.code):
        return []
    return [Diagnostic(path, span, FLOOR.code, FLOOR.name, FLOOR.severity, floor.message(), releases=floor.range())]


def _unused_suppressions(project: Project, paths: list[str], used: Used, settings: Settings, digests: dict[str, str]) -> list[Diagnostic]:
    """FRG125 for the suppression comments of one group's files that suppressed nothing (see `fraglint.unused_suppressions`)."""
    enabled = settings.enabled_codes()
    if UnusedSuppression.code not in enabled:
        return []
    ignored_for = _per_file_ignores(settings)
    found = []
    for path in paths:
        if path in project.problems:
            continue
        text, digest = _text_of(path, project.buffers)
        if text is None:
            continue
        unused = unused_suppressions(path, text, used, functools.partial(_enabled_for, enabled, ignored_for, path))
        if unused and digest is not None:
            digests.setdefault(path, digest)
        found += unused
    return found


def _enabled_for(enabled: set[str], ignored_for: Callable[[str, str], bool], path: str, code: str) -> bool:
    return code in enabled and not ignored_for(path, code)


def _text_of(path: str, buffers: dict[str, str]) -> tuple[str | None, str | None]:
    """A file's text as the check read it (the editor's buffer first), and the digest of its bytes."""
    if path in buffers:
        return buffers[path], None
    data = read_source(path)
    if isinstance(data, InputProblem):
        return None, None
    lowered = data.lower()
    if b"noqa" not in lowered and b"fraglint" not in lowered:
        return None, None  # most files have no suppression comment: no need to decode them
    text = decode_source(path, data)
    return (None, None) if isinstance(text, InputProblem) else (text, source_digest(data))


def _per_file_ignores(settings: Settings) -> Callable[[str, str], bool]:
    """`ignored_for(path, code)`: does a `per-file-ignores` entry turn this code off in this file?

    Patterns are relative to the folder of the configuration that gives them (a sub-project's own).
    """
    if not settings.per_file_ignores:
        return lambda path, code: False
    import pathspec  # with typing_extensions and asyncio: only for a project that has the setting

    per_file = [(pathspec.GitIgnoreSpec.from_lines([pattern]), selectors) for pattern, selectors in settings.per_file_ignores.items()]
    base = settings.config_folder

    def ignored_for(path: str, code: str) -> bool:
        relative = os.path.relpath(path, base).replace(os.sep, "/")
        return any(spec.match_file(relative) and any(_matches(code, s) for s in sel) for spec, sel in per_file)

    return ignored_for


def _problem_diagnostics(problems: dict[str, InputProblem], settings_of: Callable[[str], Settings]) -> list[Diagnostic]:
    """A file that could not be analysed is a diagnostic of its own (syntax-error, ...)."""
    diagnostics = []
    for path, problem in problems.items():
        kind = INPUT_DIAGNOSTICS[problem.name]
        settings = settings_of(path)
        if kind.code not in settings.enabled_codes() or _per_file_ignores(settings)(path, kind.code):
            continue
        span = Span(problem.line, problem.column, problem.line, problem.column + 1)
        diagnostics.append(Diagnostic(path, span, kind.code, problem.name, kind.severity, problem.message))
    return diagnostics


class _FileFacts:
    """Spans and suppressions of the files the findings name, read once (in parallel) up front."""

    def __init__(self, project: Project, findings: list[Ranged], jobs: int | None) -> None:
        needed = set()
        for finding in (ranged.finding for ranged in findings):
            needed.add(finding.site.path)
            needed.update(site.path for site, _ in finding.related)
        self._sources, self._buffers, self._summaries = project.sources, project.buffers, project.index.summaries
        self._cache = project.sources.facts_of(sorted(needed), project.buffers, jobs, self._summaries)

    def facts(self, path: str) -> FileFacts | None:
        if path not in self._cache:
            summary = self._summaries.get(path)
            self._cache[path] = self._sources.facts(path, self._buffers, summary if isinstance(summary, ModuleSummary) else None)
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
        fix = _fix(finding, facts, files, digests)
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
