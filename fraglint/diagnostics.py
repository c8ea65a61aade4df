"""The one list every front-end renders: diagnostics, their locations and fixes.

Renderers (`fraglint.report`), the language server and the tests all consume these plain
data classes; nothing downstream of the rules ever looks at a syntax tree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fraglint.model.scope_notes import ScopeNote


class Severity(str, enum.Enum):
    """ERROR: Streamlit raises at runtime. WARNING: the app misbehaves silently."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Span:
    """A 1-based, end-inclusive-line / end-exclusive-column range in a file."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Location:
    path: str
    span: Span
    message: str = ""


@dataclass(frozen=True)
class Edit:
    span: Span
    replacement: str


class Applicability(str, enum.Enum):
    """As ruff's: `--fix` applies SAFE fixes, which keep what the code means (only what the rule
    reports changes); UNSAFE fixes may change more, and need `--unsafe-fixes`."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Fix:
    message: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE


@dataclass(frozen=True)
class ReleaseRange:
    """On which of the target's releases a finding holds, when the target is more than one release.

    `target` is the set as written (`>=1.28`); `holds_on` names the releases as runs
    (`1.45-1.58`); `everywhere`: on every release of the set (the message then says nothing more).
    """

    target: str
    holds_on: str
    first: str
    last: str
    everywhere: bool

    def as_dict(self) -> dict:
        """The shape JSON, SARIF and the language server carry."""
        return {"target": self.target, "holds_on": self.holds_on, "first": self.first, "last": self.last, "everywhere": self.everywhere}


@dataclass(frozen=True)
class Diagnostic:
    path: str
    span: Span
    code: str
    name: str
    severity: Severity
    message: str
    related: tuple[Location, ...] = ()
    fix: Fix | None = None
    scope_facts: tuple[ScopeNote, ...] = field(default=(), compare=False)  # phrased by report.narrate
    releases: ReleaseRange | None = field(default=None, compare=False)  # None: a one-release target

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code, self.message)
