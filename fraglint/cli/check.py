"""`fraglint check`: options in, one engine run, one rendering out, ruff's exit codes.

What the options do beyond the check itself lives beside it: fixes, diffs and suppressions
in `fixing.py`, colour, progress, timings and statistics in `output.py`, standard input and
notebooks in `inputs.py`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from dataclasses import dataclass

import click

import fraglint.cli.inputs as inputs
import fraglint.cli.output as output
from fraglint.cli.app import CACHE_DIR_HELP, EXIT_ERROR, EXIT_FINDINGS, error, fail, main, one_shot, split, warn
from fraglint.config import ConfigError, Settings
from fraglint.result import CheckResult
from fraglint.safe_text import printable
from fraglint.settings import resolve_settings

FORMATS = ["full", "concise", "json", "github", "sarif", "gitlab", "junit"]


@dataclass
class CheckOptions:
    """Everything `fraglint check` was asked, by option name."""

    streamlit_version: str | None
    output_format: str | None
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    extend_exclude: tuple[str, ...]
    config: str | None
    exit_zero: bool
    fix: bool
    unsafe_fixes: bool
    diff: bool
    show_fixes: bool
    add_noqa: bool
    statistics: bool
    output_file: str | None
    quiet: bool
    verbose: bool
    no_respect_gitignore: bool
    force_exclude: bool
    stdin_filename: str | None
    show_settings: bool
    color: bool | None
    jobs: int | None
    no_cache: bool
    cache_dir: str | None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--streamlit-version", metavar="X.Y[.Z]", help="Target Streamlit release (default: detected from the project, else the newest known).")
@click.option("--output-format", type=click.Choice(FORMATS), default=None, help="Output format (default: full; github under GitHub Actions).")
@click.option("--select", multiple=True, help="Rules to enable, by code, name or prefix (comma-separated).")
@click.option("--ignore", multiple=True, help="Rules to disable, by code, name or prefix (comma-separated).")
@click.option("--extend-exclude", multiple=True, help="More glob patterns of paths to skip.")
@click.option("--config", type=click.Path(dir_okay=False), help="A pyproject.toml to read settings from.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (or show) fixes that may change what the code means.")
@click.option("--diff", is_flag=True, help="Show what --fix would change as a unified diff, change nothing; exit 1 if there is anything.")
@click.option("--show-fixes", is_flag=True, help="List the fixes applied (with --fix) or available, by file and rule.")
@click.option("--add-noqa", is_flag=True, help="Add a `# noqa: CODE` comment for every finding (to adopt fraglint on a big project).")
@click.option("--statistics", is_flag=True, help="Show how many findings each rule has, instead of the findings.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), help="Write the report to this file instead of standard output.")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings and nothing else (no summary line, no progress, no warnings).")
@click.option("--verbose", "-v", is_flag=True, help="Also print the settings used, each phase's time and what the cache saved.")
@click.option("--no-respect-gitignore", is_flag=True, help="Also check files that .gitignore ignores.")
@click.option("--force-exclude", is_flag=True, help="Apply exclude and .gitignore to files named on the command line too (for pre-commit).")
@click.option("--stdin-filename", metavar="PATH", help="With PATH `-`: the file name the text on standard input has.")
@click.option("--show-settings", is_flag=True, help="Print the resolved settings (target release and where it came from) and exit.")
@click.option("--color/--no-color", default=None, help="Colour the full format (default: on a terminal; NO_COLOR and FORCE_COLOR are honoured).")
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes for parsing (default: one per CPU).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the summary cache (.fraglint_cache).")
@click.option("--cache-dir", type=click.Path(file_okay=False), help=CACHE_DIR_HELP)
def check(paths: tuple[str, ...], **given) -> None:
    """Check PATHS (files or directories, default `.`; `-` for standard input) for fragment misuse."""
    one_shot()
    options = CheckOptions(**given)
    _refuse_conflicts(options, paths)
    stdin = inputs.read_stdin(paths, options.stdin_filename)
    names = [stdin.path] if stdin is not None else list(paths) or ["."]
    settings = _settings(names, options)
    if options.show_settings:
        _print_settings(settings, names)
        _print_entries(settings, names, options.jobs)
        return
    render = _renderer(options)
    with output.progress_phases(show=not options.quiet) as phases:
        result = _run(names, settings, options, stdin, phases)
    if stdin is not None and options.fix:
        sys.exit(_status(inputs.fix_stdin(result, stdin, settings, options.unsafe_fixes), options))
    if stdin is not None and options.diff:
        sys.exit(_status(inputs.diff_stdin(result, stdin, options.unsafe_fixes, options.quiet), options))
    _say_what_was_not_checked(result, options.quiet)
    result = _act_on_fixes(result, names, settings, options, phases)
    started = time.perf_counter()
    _report(result, options, render)
    if options.verbose:
        output.report_timings(phases, time.perf_counter() - started, result)
    if result.missing_paths:
        sys.exit(EXIT_ERROR)
    if result.diagnostics and not options.exit_zero:
        sys.exit(EXIT_FINDINGS)


def _status(status: int, options: CheckOptions) -> int:
    """`--exit-zero` turns "findings" (or "fixes to make", with --diff) into 0, never an error's 2."""
    return 0 if options.exit_zero and status == EXIT_FINDINGS else status


def _act_on_fixes(result: CheckResult, names: list[str], settings: Settings, options: CheckOptions, phases) -> CheckResult:
    """--add-noqa and --diff end the command here; --fix changes the files and checks again."""
    if not (options.add_noqa or options.diff or options.fix or options.show_fixes):
        return result
    from fraglint.cli import fixing  # difflib and the fix writer: only when a fix option is given

    if options.add_noqa:
        added = fixing.add_noqa(result, _render_options(options, False))
        _say(options, f"Added {added} suppression comment{'s' if added != 1 else ''}.")
        sys.exit(EXIT_ERROR if result.missing_paths else 0)
    if options.diff:
        status = _status(_diff(result, options), options)
        sys.exit(EXIT_ERROR if result.missing_paths else status)
    if options.fix:
        return _fix_and_check_again(result, names, settings, options, phases)
    if options.show_fixes:
        _echo(fixing.show_fixes(fixing.applicable(result.diagnostics, options.unsafe_fixes), _render_options(options, False), "Would fix"))
    return result


def _refuse_conflicts(options: CheckOptions, paths: tuple[str, ...]) -> None:
    chosen = [flag for flag, on in (("--fix", options.fix), ("--diff", options.diff), ("--add-noqa", options.add_noqa)) if on]
    if len(chosen) > 1:
        fail(f"{' and '.join(chosen)} cannot be used together")
    if "-" in paths and len(paths) > 1:
        fail("`-` (standard input) must be the only path")
    if "-" in paths and options.add_noqa:
        fail("--add-noqa changes files; it does not work on standard input (use --fix to print the fixed text)")
    if options.stdin_filename and "-" not in paths:
        fail("--stdin-filename names the text given on standard input: pass `-` as the path")


def _settings(names: list[str], options: CheckOptions) -> Settings:
    try:
        settings = resolve_settings(
            names, options.config, options.streamlit_version, split(options.select), split(options.ignore),
            split(options.extend_exclude), False if options.no_respect_gitignore else None,
        )
    except ConfigError as problem:
        fail(str(problem))
    settings.cache = not options.no_cache
    settings.cache_dir = os.path.abspath(options.cache_dir) if options.cache_dir else settings.cache_dir
    settings.force_exclude = settings.force_exclude or options.force_exclude
    for message in settings.version_warnings:
        if not options.quiet:
            warn(message)
    if options.verbose:
        click.echo(f"fraglint: project root {printable(settings.root)}, config {printable(settings.config_file or '(none)')}", err=True)
        click.echo(f"fraglint: target Streamlit {settings.target_version}, chosen from: {printable(settings.version_source)}", err=True)
    return settings


def _renderer(options: CheckOptions):
    from fraglint.report import renderer

    name = options.output_format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "full")
    render = renderer(name)
    if render is None:
        fail(f"output format {name!r} is not available")
    return render


def _run(names: list[str], settings: Settings, options: CheckOptions, stdin: inputs.Stdin | None, phases) -> CheckResult:
    from fraglint.engine import run_check

    buffers = {stdin.path: stdin.text} if stdin is not None else None
    skipped = inputs.notebooks(names)
    for notebook in skipped:  # even with -q: a file the user named must never pass in silence
        warn(f"{notebook}: notebooks are not checked (fraglint reads Python files; move the app's code into a .py file)")
    try:
        result = run_check(inputs.without_notebooks(names), settings, buffers=buffers, jobs=options.jobs, phases=phases)
    except ConfigError as problem:  # a sub-folder's own [tool.fraglint]
        fail(str(problem))
    result.notebooks = skipped
    if not options.quiet:
        for message in result.warnings:  # a sub-folder's target (the checked path's was said above)
            if message not in settings.version_warnings:
                warn(message)
    return result


def _render_options(options: CheckOptions, color: bool):
    from fraglint.report import RenderOptions

    return RenderOptions(color=color, quiet=options.quiet, unsafe_fixes=options.unsafe_fixes)


def _echo(text: str) -> None:
    if text:
        click.echo(text, err=True)


def _say(options: CheckOptions, message: str) -> None:
    if not options.quiet:
        click.echo(f"fraglint: {message}", err=True)


def _diff(result: CheckResult, options: CheckOptions) -> int:
    """`--diff`: the diff on standard output (or the output file), how many fixes on stderr; 1 if any."""
    from fraglint.cli import fixing

    wanted = fixing.applicable(result.diagnostics, options.unsafe_fixes)
    with _open_output(options.output_file) as out:
        shown = fixing.write_diff(result, wanted, _render_options(options, False), out)
    _say(options, f"Would fix {shown} problem{'s' if shown != 1 else ''}." if shown else "No fixes to apply.")
    return EXIT_FINDINGS if shown else 0


def _fix_and_check_again(result: CheckResult, names: list[str], settings: Settings, options: CheckOptions, phases) -> CheckResult:
    """Apply the fixes, then check again: the output says what remains, as the files are now."""
    from fraglint.cli import fixing
    from fraglint.engine import run_check

    wanted = fixing.applicable(result.diagnostics, options.unsafe_fixes)
    if not wanted:
        return result
    fixed = fixing.apply_fixes(result, wanted, _render_options(options, False))
    if fixed:
        _say(options, f"fixed {len(fixed)} problem{'s' if len(fixed) != 1 else ''}")
    if options.show_fixes:
        _echo(fixing.show_fixes(fixed, _render_options(options, False), "Fixed"))
    again = run_check(inputs.without_notebooks(names), settings, jobs=options.jobs)
    again.notebooks = result.notebooks
    return again


def _say_what_was_not_checked(result: CheckResult, quiet: bool) -> None:
    """On stderr: paths that do not exist (always), and, unless quiet, directories left out."""
    for missing in result.missing_paths:
        error(f"{missing}: no such file or directory")
    if quiet:
        return
    for empty in result.empty_dirs:
        warn(f"no Python files found under {empty}")
    for path, problem in sorted(result.project.problems.items() if result.project else ()):
        if os.path.isdir(path):  # also a diagnostic, but a whole directory left out deserves a word here
            warn(f"{path}: {problem.message}")


@contextlib.contextmanager
def _open_output(path: str | None):
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        handle = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed below, after an error message if it fails
    except OSError as problem:
        fail(f"--output-file {path}: {problem.strerror or problem}")
    with handle:
        yield handle


def _report(result: CheckResult, options: CheckOptions, render) -> None:
    """The findings (or, with --statistics, their counts) on standard output or in --output-file."""
    with _open_output(options.output_file) as out:
        color = output.use_color(options.color, out)
        if options.statistics:
            from fraglint.cli.fixing import applicable

            fixable = {id(d) for d in applicable(result.diagnostics, options.unsafe_fixes)}
            output.render_statistics(result.diagnostics, out, options.output_format == "json", fixable)
            if not options.quiet and options.output_format != "json":
                from fraglint.report.summary import summary_line

                out.write(summary_line(result, _render_options(options, color)) + "\n")
            return
        render(result, out, _render_options(options, color))


def _print_settings(settings: Settings, paths: list[str]) -> None:
    from fraglint.index.cache import CACHE_DIR

    cache_dir = settings.cache_dir or os.path.join(settings.root, CACHE_DIR)
    release_set = settings.release_set()
    target = f"target streamlit version: {settings.target_version}"
    if not release_set.single:
        target = f"target streamlit releases: {release_set.describe()}"
    for line in (
        f"paths: {', '.join(paths)}",
        f"project root: {settings.root}",
        f"config file: {settings.config_file or '(none)'}",
        target,
        f"  chosen from: {settings.version_source}",
        *(f"  warning: {warning}" for warning in settings.version_warnings),
        f"select: {', '.join(settings.select)}",
        f"ignore: {', '.join(settings.ignore) or '(none)'}",
        f"per-file-ignores: {settings.per_file_ignores or '(none)'}",
        f"exclude: {', '.join(settings.exclude + settings.extend_exclude)}",
        f"respect gitignore: {str(settings.respect_gitignore).lower()}",
        f"force exclude: {str(settings.force_exclude).lower()}",
        f"cache dir: {cache_dir}{'' if settings.cache else ' (off: --no-cache)'}",
    ):
        click.echo(printable(line))


def _print_entries(settings: Settings, paths: list[str], jobs: int | None) -> None:
    """The files treated as entry scripts (what `streamlit run` would be given), and why."""
    from fraglint.engine import build_project

    project = build_project(paths, settings, jobs=jobs)
    entries = project.model.entries.entries
    click.echo(f"entry patterns: {', '.join(settings.entry) or '(none)'}")
    click.echo("entry scripts:" + ("" if entries else " (none: only code that fragments reach is judged as app code)"))
    for path, reason in entries.items():
        click.echo(printable(f"  {os.path.relpath(path, settings.root)} ({reason})"))
