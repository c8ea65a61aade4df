"""The command line: `fraglint check`, `fraglint rule`, `fraglint scopes`, `fraglint lsp`.

Exit codes follow ruff: 0 nothing found, 1 findings, 2 a usage or configuration error
(including a path that does not exist). Every message on standard error goes through
`_error` or `_warn`, which make text from the project printable (it may be a CI log).
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from fraglint import __version__
from fraglint.config import ConfigError, Settings
from fraglint.rules import ALL_RULES, INPUT_DIAGNOSTICS, find_rule
from fraglint.safe_text import printable
from fraglint.settings import resolve_settings

if TYPE_CHECKING:
    from fraglint.report import RenderOptions
    from fraglint.result import CheckResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ["full", "concise", "json", "github", "sarif", "gitlab", "junit"]
CACHE_DIR_HELP = "Where to keep the summary cache (default: .fraglint_cache in the project root; env FRAGLINT_CACHE_DIR)."


def _error(message: str) -> None:
    click.echo(f"fraglint: error: {printable(message)}", err=True)


def _warn(message: str) -> None:
    click.echo(f"fraglint: warning: {printable(message)}", err=True)


def _fail(message: str) -> None:
    _error(message)
    sys.exit(EXIT_ERROR)


def _split(values: tuple[str, ...]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fraglint")
def main() -> None:
    """fraglint: find Streamlit fragment mistakes before the app runs."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--streamlit-version", metavar="X.Y[.Z]", help="Target Streamlit release (default: detected from the project, else the newest known).")
@click.option("--output-format", type=click.Choice(FORMATS), default=None, help="Output format (default: full; github under GitHub Actions).")
@click.option("--select", multiple=True, help="Rules to enable, by code, name or prefix (comma-separated).")
@click.option("--ignore", multiple=True, help="Rules to disable, by code, name or prefix (comma-separated).")
@click.option("--extend-exclude", multiple=True, help="More glob patterns of paths to skip.")
@click.option("--config", type=click.Path(dir_okay=False), help="A pyproject.toml to read settings from.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--fix", is_flag=True, help="Apply the available fixes, then report what remains.")
@click.option("--no-respect-gitignore", is_flag=True, help="Also check files that .gitignore ignores.")
@click.option("--show-settings", is_flag=True, help="Print the resolved settings (target release and where it came from) and exit.")
@click.option("--color/--no-color", default=None, help="Colour the full format (default: when writing to a terminal).")
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes for parsing (default: one per CPU).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the summary cache (.fraglint_cache).")
@click.option("--cache-dir", type=click.Path(file_okay=False), help=CACHE_DIR_HELP)
def check(
    paths, streamlit_version, output_format, select, ignore, extend_exclude, config, exit_zero, fix,
    no_respect_gitignore, show_settings, color, jobs, no_cache, cache_dir,
) -> None:
    """Check PATHS (files or directories, default `.`) for fragment misuse."""
    from fraglint.engine import run_check
    from fraglint.report import RenderOptions, renderers

    paths = list(paths) or ["."]
    try:
        settings = resolve_settings(
            paths, config, streamlit_version, _split(select), _split(ignore), _split(extend_exclude),
            False if no_respect_gitignore else None,
        )
    except ConfigError as error:
        _fail(str(error))
        return
    _apply_cache_options(settings, no_cache, cache_dir)
    if show_settings:
        _print_settings(settings, paths)
        _print_entries(settings, paths, jobs)
        return
    output_format = output_format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "full")
    render = renderers().get(output_format)
    if render is None:
        _fail(f"output format {output_format!r} is not available")
        return
    result = run_check(paths, settings, jobs=jobs)
    if fix and any(d.fix is not None for d in result.diagnostics):
        result = _fix_and_check_again(result, paths, settings, jobs)
    _say_what_was_not_checked(result)
    render(result, sys.stdout, RenderOptions(color=_use_color(color)))
    sys.stdout.flush()
    if result.missing_paths:
        sys.exit(EXIT_ERROR)
    if result.diagnostics and not exit_zero:
        sys.exit(EXIT_FINDINGS)


def _fix_and_check_again(result: CheckResult, paths: list[str], settings: Settings, jobs: int | None) -> CheckResult:
    """Apply the fixes, then check again: the output says what remains, as the files are now."""
    from fraglint.engine import run_check
    from fraglint.report import RenderOptions

    fixed = apply_fixes(result, RenderOptions())
    if fixed:
        click.echo(f"fraglint: fixed {fixed} problem{'s' if fixed != 1 else ''}", err=True)
    return run_check(paths, settings, jobs=jobs)


def _apply_cache_options(settings: Settings, no_cache: bool, cache_dir: str | None) -> None:
    settings.cache = not no_cache
    settings.cache_dir = os.path.abspath(cache_dir) if cache_dir else settings.cache_dir
    for warning in getattr(settings, "version_warnings", []):
        _warn(warning)


def _use_color(color: bool | None) -> bool:
    """--color/--no-color, else colour when writing to a terminal and NO_COLOR is not set."""
    return color if color is not None else (sys.stdout.isatty() and "NO_COLOR" not in os.environ)


def _say_what_was_not_checked(result: CheckResult) -> None:
    """On stderr: paths that do not exist, directories without Python files or that cannot be read."""
    for missing in result.missing_paths:
        _error(f"{missing}: no such file or directory")
    for empty in result.empty_dirs:
        _warn(f"no Python files found under {empty}")
    for path, problem in sorted(result.project.problems.items() if result.project else ()):
        if os.path.isdir(path):  # also a diagnostic, but a whole directory left out deserves a word here
            _warn(f"{path}: {problem.message}")


def _print_settings(settings: Settings, paths: list[str]) -> None:
    for line in (
        f"paths: {', '.join(paths)}",
        f"project root: {settings.root}",
        f"config file: {settings.config_file or '(none)'}",
        f"target streamlit version: {settings.target_version}",
        f"  chosen from: {settings.version_source}",
        f"select: {', '.join(settings.select)}",
        f"ignore: {', '.join(settings.ignore) or '(none)'}",
        f"per-file-ignores: {settings.per_file_ignores or '(none)'}",
        f"exclude: {', '.join(settings.exclude + settings.extend_exclude)}",
        f"respect gitignore: {str(settings.respect_gitignore).lower()}",
        f"cache dir: {_cache_dir(settings)}{'' if settings.cache else ' (off: --no-cache)'}",
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


def _cache_dir(settings: Settings) -> str:
    from fraglint.index.cache import CACHE_DIR

    return settings.cache_dir or os.path.join(settings.root, CACHE_DIR)


def apply_fixes(result: CheckResult, options: RenderOptions) -> int:
    """Apply the fixes of a check's diagnostics (see `fraglint.fixes`); say on stderr what was not.

    Returns how many problems were fixed. A file that cannot be fixed (read-only, changed since
    the check, a fix that would break the code) is reported and the others are still fixed.
    """
    from fraglint.fixes import fix_files

    fixed = 0
    for outcome in fix_files(result.diagnostics, result.source_digests):
        fixed += outcome.fixed
        for refusal in outcome.refusals:
            where = options.display_path(refusal.path) + (f":{refusal.line}" if refusal.line else "")
            _error(f"{where}: {refusal.message}")
    return fixed


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json", "mermaid", "html"]), default="text")
@click.option("--streamlit-version", metavar="X.Y[.Z]", help="Target Streamlit release.")
@click.option("--config", type=click.Path(dir_okay=False), help="A pyproject.toml to read settings from.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to a file instead of standard output.")
@click.option("--color/--no-color", default=None)
@click.option("--cache-dir", type=click.Path(file_okay=False), help=CACHE_DIR_HELP)
def scopes(paths, output_format, streamlit_version, config, output, color, cache_dir) -> None:
    """Show, for every widget and timer in PATHS, what reruns when it fires."""
    from fraglint.engine import build_project, interpret_project
    from fraglint.report import RenderOptions
    from fraglint.report import scopes as scopes_report

    paths = list(paths) or ["."]
    try:
        settings = resolve_settings(paths, config, streamlit_version, [], [])
    except ConfigError as error:
        _fail(str(error))
        return
    settings.cache_dir = os.path.abspath(cache_dir) if cache_dir else settings.cache_dir
    project = build_project(paths, settings)
    for missing in project.missing_paths:
        _error(f"{missing}: no such file or directory")
    for path, problem in sorted(project.problems.items()):
        _warn(f"{path}:{problem.line}:{problem.column}: {problem.message} (not analysed)")
    use_color = color if color is not None else (output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    options = RenderOptions(color=use_color)
    document = scopes_report.scopes_document(interpret_project(project), paths, options)
    with open(output, "w", encoding="utf-8") if output else contextlib.nullcontext(sys.stdout) as handle:
        if output_format == "json":
            scopes_report.render_json(document, handle)
        elif output_format == "mermaid":
            scopes_report.render_mermaid(document, handle)
        elif output_format == "html":
            scopes_report.render_html(document, handle, options)
        else:
            scopes_report.render_text(document, handle, options)
    if project.missing_paths:
        sys.exit(EXIT_ERROR)


@main.command()
@click.argument("selector", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule with its code, severity and versions.")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
def rule(selector, show_all, output_format) -> None:
    """Show the documentation of a rule, by NAME or CODE."""
    import json

    console = Console()
    if show_all or not selector:
        if output_format == "json":
            click.echo(json.dumps([_rule_json(r) for r in ALL_RULES], indent=2))
            return
        table = Table(title="fraglint rules")
        for column in ("code", "name", "severity", "versions", "summary"):
            table.add_column(column)
        for name, kind in INPUT_DIAGNOSTICS.items():
            table.add_row(kind.code, name, kind.severity.value, "all", kind.summary)
        for r in ALL_RULES:
            table.add_row(r.code, r.name, r.severity.value, r.version_range(), r.summary())
        console.print(table)
        return
    found = find_rule(selector)
    if found is None:
        _fail(f"unknown rule {selector!r} (see `fraglint rule --all`)")
        return
    if output_format == "json":
        click.echo(json.dumps(_rule_json(found), indent=2))
        return
    console.print(Markdown(found.documentation()))


def _rule_json(r) -> dict:
    return {
        "code": r.code,
        "name": r.name,
        "severity": r.severity.value,
        "versions": r.version_range(),
        "summary": r.summary(),
        "documentation": r.documentation(),
    }



@main.command()
def lsp() -> None:
    """Run the language server over stdio (diagnostics, quick fixes, hover)."""
    from fraglint.lsp import serve

    serve()


if __name__ == "__main__":  # pragma: no cover
    main()
