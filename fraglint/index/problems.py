"""Why a file could not be analysed: one `InputProblem`, reported as a diagnostic for that file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputProblem:
    path: str
    name: str  # the diagnostic's name, a key of `fraglint.rules.INPUT_DIAGNOSTICS`
    message: str
    line: int = 1
    column: int = 1
