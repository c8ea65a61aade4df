"""Which Streamlit release the project targets, read from its own declarations."""

from __future__ import annotations

from dataclasses import dataclass, field

from packaging.version import Version


@dataclass
class DetectedVersion:
    version: Version
    source: str
    line: int | None = None
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


def detect_target_version(start: str, root: str) -> DetectedVersion | None:
    return None
