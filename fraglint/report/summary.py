"""The closing line shared by the human-readable formats."""

from __future__ import annotations

from fraglint.diagnostics import Severity
from fraglint.result import CheckResult


def summary_line(result: CheckResult) -> str:
    files = f"{result.files_checked} file{'s' if result.files_checked != 1 else ''}"
    target = f"Streamlit {result.version}" if result.version else _targets(result)
    if not result.diagnostics:
        return f"All checks passed ({files} checked, target {target})."
    errors = sum(1 for d in result.diagnostics if d.severity is Severity.ERROR)
    warnings = len(result.diagnostics) - errors
    fixable = sum(1 for d in result.diagnostics if d.fix is not None)
    count = len(result.diagnostics)
    text = (
        f"Found {count} problem{'s' if count != 1 else ''} ({errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}) in {files}, target {target}."
    )
    if fixable:
        text += f" {fixable} with a fix (`fraglint check --fix`)."
    return text


def _targets(result: CheckResult) -> str:
    """`Streamlit >=1.28 (1.28.0 to 1.67.0, 60 known releases)`; per group when folders differ."""
    if len(result.targets) == 1:
        return f"Streamlit {result.targets[0][0]}"
    if not result.targets:
        return "Streamlit"
    groups = "; ".join(f"{target} for {count} file{'s' if count != 1 else ''}" for target, count in result.targets)
    return f"Streamlit {groups}"
