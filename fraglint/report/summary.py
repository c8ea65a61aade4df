"""The closing line shared by the human-readable formats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fraglint.diagnostics import Applicability, Severity
from fraglint.result import CheckResult

if TYPE_CHECKING:
    from fraglint.report import RenderOptions


def summary_line(result: CheckResult, options: RenderOptions | None = None) -> str:
    files = f"{result.files_checked} file{'s' if result.files_checked != 1 else ''}"
    target = f"Streamlit {result.version}" if result.version else _targets(result)
    if not result.diagnostics and result.missing_paths:  # never "All checks passed" for a path that is not there
        missing = len(result.missing_paths)
        return f"No problems in the {files} checked, but {missing} path{'s' if missing != 1 else ''} not found (see above)."
    if not result.diagnostics and result.notebooks:  # a notebook was named but not read: not a pass
        return f"No problems in the {files} checked, but {_notebooks(result)} (see above)."
    if not result.diagnostics:
        return f"All checks passed ({files} checked, target {target})."
    errors = sum(1 for d in result.diagnostics if d.severity is Severity.ERROR)
    warnings = len(result.diagnostics) - errors
    count = len(result.diagnostics)
    text = (
        f"Found {count} problem{'s' if count != 1 else ''} ({errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}) in {files}, target {target}."
    )
    text += _fixable(result, options is not None and options.unsafe_fixes)
    return text + (f" {_notebooks(result)}." if result.notebooks else "")


def _notebooks(result: CheckResult) -> str:
    count = len(result.notebooks)
    return f"{count} notebook{'s' if count != 1 else ''} not checked (.ipynb: fraglint reads Python files)"


def _fixable(result: CheckResult, unsafe_fixes: bool) -> str:
    """How many findings `--fix` would fix, and how many more `--unsafe-fixes` would (as ruff says it)."""
    fixes = [d.fix for d in result.diagnostics if d.fix is not None]
    unsafe = sum(1 for fix in fixes if fix.applicability is Applicability.UNSAFE)
    fixable = len(fixes) if unsafe_fixes else len(fixes) - unsafe
    command = "fraglint check --fix --unsafe-fixes" if unsafe_fixes and unsafe else "fraglint check --fix"
    text = f" {fixable} with a fix (`{command}`)." if fixable else ""
    if unsafe and not unsafe_fixes:
        text += f" {unsafe} more with an unsafe fix (`--unsafe-fixes`)."
    return text


def _targets(result: CheckResult) -> str:
    """`Streamlit >=1.28 (1.28.0 to 1.67.0, 60 known releases)`; per group when folders differ."""
    if len(result.targets) == 1:
        return f"Streamlit {result.targets[0][0]}"
    if not result.targets:
        return "Streamlit"
    groups = "; ".join(f"{target} for {count} file{'s' if count != 1 else ''}" for target, count in result.targets)
    return f"Streamlit {groups}"
