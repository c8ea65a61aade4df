"""The command line: `fraglint check`, `fraglint rule`, `fraglint scopes`, `fraglint lsp`.

Exit codes follow ruff: 0 nothing found, 1 findings, 2 a usage or configuration error
(including a path that does not exist).
"""

from __future__ import annotations

import os
import sys

import click
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from fraglint import __version__
from fraglint.config import ConfigError, Settings, load_settings, validate_selectors
from fraglint.diagnostics import Diagnostic
from fraglint.model import versions
from fraglint.rules import ALL_RULES, INPUT_DIAGNOSTICS, find_rule

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ["full", "concise", "json", "github", "sarif", "gitlab", "junit"]


def _fail(message: str) -> None:
    click.echo(f"fraglint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _split(values: tuple[str, ...]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def resolve_settings(
    paths: list[str],
    config: str | None,
    streamlit_version: str | None,
    select: list[str],
    ignore: list[str],
    extend_exclude: list[str] | None = None,
    respect_gitignore: bool | None = None,
) -> Settings:
    settings = load_settings(paths[0] if paths else ".", config)
    if streamlit_version:
        try:
            settings.streamlit_version = versions.parse_version(streamlit_version)
        except ValueError as error:
            raise ConfigError(f"--streamlit-version: {error}") from None
        settings.version_source = "--streamlit-version"
    elif settings.streamlit_version is None:
        from fraglint.model.target import detect_target_version

        detected = detect_target_version(paths[0] if paths else ".", settings.root)
        if detected is not None:
            settings.streamlit_version, settings.version_source = detected.version, detected.describe()
            settings.version_warnings = detected.warnings  # type: ignore[attr-defined]
        else:
            settings.version_source = f"default (newest known release, {versions.NEWEST_KNOWN})"
    if select:
        validate_selectors(select, "--select")
        settings.select = select
    if ignore:
        validate_selectors(ignore, "--ignore")
        settings.ignore = settings.ignore + ignore
    if extend_exclude:
        settings.extend_exclude += extend_exclude
    if respect_gitignore is not None:
        settings.respect_gitignore = respect_gitignore
    return settings


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
def check(paths, streamlit_version, output_format, select, ignore, extend_exclude, config, exit_zero, fix, no_respect_gitignore, show_settings, color, jobs, no_cache) -> None:
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
    settings.cache = not no_cache
    for warning in getattr(settings, "version_warnings", []):
        click.echo(f"fraglint: warning: {warning}", err=True)
    if show_settings:
        _print_settings(settings, paths)
        return
    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "full"
    render = renderers().get(output_format)
    if render is None:
        _fail(f"output format {output_format!r} is not available")
        return
    result = run_check(paths, settings, jobs=jobs)
    if fix:
        fixed = apply_fixes(result.diagnostics)
        if fixed:
            click.echo(f"fraglint: fixed {fixed} problem{'s' if fixed != 1 else ''}", err=True)
            result = run_check(paths, settings, jobs=jobs)
    for missing in result.missing_paths:
        click.echo(f"fraglint: error: {missing}: no such file or directory", err=True)
    for empty in result.empty_dirs:
        click.echo(f"fraglint: warning: no Python files found under {empty}", err=True)
    use_color = color if color is not None else (sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    render(result, sys.stdout, RenderOptions(color=use_color))
    sys.stdout.flush()
    if result.missing_paths:
        sys.exit(EXIT_ERROR)
    if result.diagnostics and not exit_zero:
        sys.exit(EXIT_FINDINGS)


def _print_settings(settings: Settings, paths: list[str]) -> None:
    click.echo(f"paths: {', '.join(paths)}")
    click.echo(f"project root: {settings.root}")
    click.echo(f"config file: {settings.config_file or '(none)'}")
    click.echo(f"target streamlit version: {settings.target_version}")
    click.echo(f"  chosen from: {settings.version_source}")
    click.echo(f"select: {', '.join(settings.select)}")
    click.echo(f"ignore: {', '.join(settings.ignore) or '(none)'}")
    click.echo(f"per-file-ignores: {settings.per_file_ignores or '(none)'}")
    click.echo(f"exclude: {', '.join(settings.exclude + settings.extend_exclude)}")
    click.echo(f"respect gitignore: {str(settings.respect_gitignore).lower()}")


def apply_fixes(diagnostics: list[Diagnostic]) -> int:
    """Apply non-overlapping single-line edits, last first, file by file."""
    by_path: dict[str, list] = {}
    for d in diagnostics:
        if d.fix is not None:
            by_path.setdefault(d.path, []).extend(d.fix.edits)
    applied = 0
    for path, edits in by_path.items():
        with open(path, encoding="utf-8", newline="") as handle:
            lines = handle.read().splitlines(keepends=True)
        taken: list = []
        for edit in sorted(edits, key=lambda e: (e.span.line, e.span.column), reverse=True):
            if any(edit.span.line == t.line and not (edit.span.end_column <= t.column or edit.span.column >= t.end_column) for t in taken):
                continue
            line = lines[edit.span.line - 1]
            lines[edit.span.line - 1] = line[: edit.span.column - 1] + edit.replacement + line[edit.span.end_column - 1 :]
            taken.append(edit.span)
            applied += 1
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write("".join(lines))
    return applied


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json", "mermaid", "html"]), default="text")
@click.option("--streamlit-version", metavar="X.Y[.Z]", help="Target Streamlit release.")
@click.option("--config", type=click.Path(dir_okay=False), help="A pyproject.toml to read settings from.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to a file instead of standard output.")
@click.option("--color/--no-color", default=None)
def scopes(paths, output_format, streamlit_version, config, output, color) -> None:
    """Show, for every widget and timer in PATHS, what reruns when it fires."""
    from fraglint.engine import build_project
    from fraglint.report import RenderOptions
    from fraglint.report import scopes as scopes_report

    paths = list(paths) or ["."]
    try:
        settings = resolve_settings(paths, config, streamlit_version, [], [])
    except ConfigError as error:
        _fail(str(error))
        return
    project = build_project(paths, settings)
    for missing in project.missing_paths:
        click.echo(f"fraglint: error: {missing}: no such file or directory", err=True)
    for path, problem in sorted(project.problems.items()):
        click.echo(f"fraglint: warning: {path}:{problem.line}:{problem.column}: {problem.message} (not analysed)", err=True)
    use_color = color if color is not None else (output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    options = RenderOptions(color=use_color)
    document = scopes_report.scopes_document(project, paths, options)
    handle = open(output, "w", encoding="utf-8") if output else sys.stdout
    try:
        if output_format == "json":
            scopes_report.render_json(document, handle)
        elif output_format == "mermaid":
            scopes_report.render_mermaid(document, handle)
        elif output_format == "html":
            scopes_report.render_html(document, handle, options)
        else:
            scopes_report.render_text(document, handle, options)
    finally:
        if output:
            handle.close()
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
