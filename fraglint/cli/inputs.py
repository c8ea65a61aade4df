"""Inputs that are not plain files on disk: standard input (`-`) and Jupyter notebooks.

`fraglint check - --stdin-filename app.py` checks the text piped in as if it were that file of
the project (editors and tools that pipe a buffer), through the engine's unsaved buffers; with
`--fix` it prints the fixed text, as `ruff check --fix -` does, and with `--diff` what `--fix`
would change. A notebook named on the command
line is not read as Python (its JSON would parse as one expression and pass): it is skipped, and
the user told so.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import click

from fraglint.cli.app import EXIT_FINDINGS, fail
from fraglint.config import Settings
from fraglint.result import CheckResult

STDIN_DEFAULT_NAME = "stdin.py"
NOTEBOOK_SUFFIX = ".ipynb"


@dataclass(frozen=True)
class Stdin:
    path: str  # absolute: the file the text stands for
    text: str


def read_stdin(paths: tuple[str, ...], filename: str | None) -> Stdin | None:
    """The text on standard input when the only path is `-`, decoded as Python decodes source."""
    if paths != ("-",):
        return None
    from fraglint.index.loader import InputProblem, decode_source

    path = os.path.abspath(filename or STDIN_DEFAULT_NAME)
    text = decode_source(path, sys.stdin.buffer.read())
    if isinstance(text, InputProblem):
        fail(f"standard input ({os.path.basename(path)}): {text.message}")
    return Stdin(path, text)


def fix_stdin(result: CheckResult, stdin: Stdin, settings: Settings, unsafe: bool) -> int:
    """`--fix` on standard input: the fixed text on stdout, what remains on stderr; the exit code."""
    from fraglint.cli.fixing import applicable
    from fraglint.engine import run_check
    from fraglint.fixes import plan_fixes
    from fraglint.report import RenderOptions, concise

    fixes = [d.fix for d in applicable(result.diagnostics, unsafe) if d.fix is not None]
    text = plan_fixes(stdin.text, fixes).text if fixes else stdin.text
    sys.stdout.write(text)
    sys.stdout.flush()
    remaining = run_check([stdin.path], settings, buffers={stdin.path: text}, jobs=1)
    if remaining.diagnostics:
        concise.render(remaining, sys.stderr, RenderOptions(quiet=True))
    return EXIT_FINDINGS if remaining.diagnostics else 0


def notebooks(names: list[str]) -> list[str]:
    return [name for name in names if name.lower().endswith(NOTEBOOK_SUFFIX) and not os.path.isdir(name)]


def without_notebooks(names: list[str]) -> list[str]:
    skipped = set(notebooks(names))
    return [name for name in names if name not in skipped]


def diff_stdin(result: CheckResult, stdin: Stdin, unsafe: bool, quiet: bool) -> int:
    """`--diff` on standard input: what `--fix -` would change, as a diff named after
    `--stdin-filename`; how many fixes on stderr; 1 if anything would change."""
    from fraglint.cli.fixing import applicable, unified_diff
    from fraglint.fixes import plan_fixes
    from fraglint.report import RenderOptions

    fixes = [d.fix for d in applicable(result.diagnostics, unsafe) if d.fix is not None]
    plan = plan_fixes(stdin.text, fixes) if fixes else None
    if plan is None or plan.text == stdin.text:
        if not quiet:
            click.echo("fraglint: No fixes to apply.", err=True)
        return 0
    sys.stdout.writelines(unified_diff(stdin.text, plan.text, RenderOptions().display_path(stdin.path)))
    sys.stdout.flush()
    if not quiet:
        shown = len(plan.applied)
        click.echo(f"fraglint: Would fix {shown} problem{'s' if shown != 1 else ''}.", err=True)
    return EXIT_FINDINGS
