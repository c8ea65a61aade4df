"""The short commands: `fraglint scopes`, `fraglint rule` and `fraglint lsp`.

`fraglint rule` prints rich tables and rendered markdown on a terminal, and plain text (the
markdown itself, one rule per line) when piped, as `ruff rule` does: nothing is cut or wrapped
that a user pastes into configuration or reads as code.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys

import click

from fraglint.cli.app import CACHE_DIR_HELP, EXIT_ERROR, error, fail, main, one_shot, warn
from fraglint.cli.inputs import notebooks, without_notebooks
from fraglint.cli.output import progress_phases, use_color
from fraglint.config import ConfigError
from fraglint.rules import ALL_RULES, INPUT_DIAGNOSTICS, did_you_mean, find_rule
from fraglint.settings import resolve_settings

LSP_MODULES = ("pygls", "lsprotocol")  # the `lsp` extra


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
    one_shot()
    from fraglint.engine import build_project, interpret_project
    from fraglint.report import RenderOptions
    from fraglint.report import scopes as scopes_report

    paths = list(paths) or ["."]
    try:
        settings = resolve_settings(paths, config, streamlit_version, [], [])
    except ConfigError as config_error:
        fail(str(config_error))
    settings.cache_dir = os.path.abspath(cache_dir) if cache_dir else settings.cache_dir
    with progress_phases(show=True) as phases:  # on a terminal's stderr, for long work only
        project = build_project(_said_what_is_skipped(paths, settings), settings, phases=phases)
        with phases.phase("interpret"):
            report = interpret_project(project)
    for missing in project.missing_paths:
        error(f"{missing}: no such file or directory")
    for path, problem in sorted(project.problems.items()):
        warn(f"{path}:{problem.line}:{problem.column}: {problem.message} (not analysed)")
    options = RenderOptions(color=use_color(color, sys.stdout) if output is None else bool(color))
    document = scopes_report.scopes_document(report, paths, options)
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


SUMMARY_COLUMN_MIN = 30  # below this, a table's summary column is a ribbon of cut words


def _said_what_is_skipped(paths: list[str], settings) -> list[str]:
    """Warn, as `fraglint check` does, about a release fraglint does not know and about notebooks
    (not read as Python); the paths left to read."""
    for message in settings.version_warnings:
        warn(message)
    for notebook in notebooks(paths):
        warn(f"{notebook}: notebooks are not read (fraglint reads Python files; move the app's code into a .py file)")
    return without_notebooks(paths)


@main.command()
@click.argument("selector", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule with its code, severity and versions.")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
def rule(selector, show_all, output_format) -> None:
    """Show the documentation of a rule, by NAME or CODE."""
    if show_all or not selector:
        if output_format == "json":
            click.echo(json.dumps([_rule_json(r) for r in ALL_RULES], indent=2))
        else:
            _print_rule_table(sys.stdout.isatty())
        return
    found = find_rule(selector)
    if found is None:
        fail(f"unknown rule {selector!r}{did_you_mean(selector)} (see `fraglint rule --all`)")
    if output_format == "json":
        click.echo(json.dumps(_rule_json(found), indent=2))
    elif sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(found.documentation()))
    else:
        click.echo(found.documentation().rstrip("\n"))


def _rule_rows() -> list[tuple[str, str, str, str, str]]:
    rows = [(kind.code, name, kind.severity.value, "all", kind.summary) for name, kind in INPUT_DIAGNOSTICS.items()]
    rows += [(r.code, r.name, r.severity.value, r.version_range(), r.summary()) for r in ALL_RULES]
    return rows


def _print_rule_table(terminal: bool) -> None:
    """A rich table on a wide terminal; on a narrow one (80 columns), each rule's line with its
    summary wrapped below it; when piped, one rule per line in aligned columns. Names are pasted
    into configuration: never cut."""
    rows = _rule_rows()
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    if not terminal:
        for row in rows:
            click.echo("  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4])
        return
    from rich.console import Console
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    console = Console()
    if console.width - (sum(widths) + 3 * 5 + 1) < SUMMARY_COLUMN_MIN:
        for row in rows:
            console.print(Text("  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)).rstrip(), style="bold"))
            console.print(Padding(Text(row[4]), (0, 0, 1, 8)))
        return
    table = Table(title="fraglint rules")
    for index, column in enumerate(("code", "name", "severity", "versions", "summary")):
        table.add_column(column, no_wrap=index < 4, min_width=widths[index] if index < 4 else SUMMARY_COLUMN_MIN)
    for row in rows:
        table.add_row(*row)
    console.print(table)


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
    """Run the language server over stdio (diagnostics, quick fixes, hover). Needs `fraglint[lsp]`."""
    try:
        from fraglint.lsp import serve
    except ImportError as problem:
        if (problem.name or "").split(".")[0] not in LSP_MODULES:
            raise
        fail(
            f"the language server needs the `lsp` extra ({problem.name} is not installed): "
            "pip install 'fraglint[lsp]' (or: pipx install 'fraglint[lsp]', uv tool install 'fraglint[lsp]')"
        )
    serve()
