"""What a check or an interpretation hands to the renderers: plain typed data.

Kept apart from the engine so that `fraglint.report` depends on the shape of a result, not on
the pipeline that makes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from packaging.version import Version

from fraglint.config import Settings
from fraglint.diagnostics import Diagnostic

if TYPE_CHECKING:
    from fraglint.index.facts import FileFacts
    from fraglint.index.loader import InputProblem
    from fraglint.index.project import FunctionKey, ProjectIndex
    from fraglint.index.sources import Sources
    from fraglint.index.summary import FunctionSummary, ModuleSummary
    from fraglint.model.fragment_model import FragmentModel
    from fraglint.model.interpreter import Interpretation
    from fraglint.release_check import Floor


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic]
    files_checked: int
    missing_paths: list[str] = field(default_factory=list)
    empty_dirs: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)  # named on the command line, not checked
    version: Version | None = None
    version_source: str = ""
    project: Project | None = field(default=None, repr=False)  # what the check was run on
    # The digest of the bytes each reported file was read as, by path: `--fix` and `--add-noqa`
    # write a file only while it still has these bytes (see `fraglint.fixes`).
    source_digests: dict[str, str] = field(default_factory=dict, repr=False)
    # The releases each group of files was checked against, and how many files it holds
    # (one entry unless sub-folders declare their own; see `fraglint.settings`).
    targets: list[tuple[str, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the releases each folder targets
    # Each `streamlit-floor-too-low` diagnostic with the floor it says (its uses, by site): the
    # language server joins those of the files it checked (`fraglint.declaration_findings`).
    floors: list[tuple[Diagnostic, Floor]] = field(default_factory=list, repr=False)


@dataclass
class Project:
    """Everything known about the checked files before any rule runs."""

    settings: Settings
    files: list[str]  # the files named by the check (reported on)
    summaries: dict[str, ModuleSummary]  # grows as imports pull in more project modules
    problems: dict[str, InputProblem]
    index: ProjectIndex
    model: FragmentModel
    missing_paths: list[str]
    empty_dirs: list[str]
    buffers: dict[str, str]
    sources: Sources
    whole_project: bool = False  # every Python file under the root was summarised
    # Each settings group's rule findings, (group, files, ranged, floor), as `engine.run_check`
    # found them: the next check over the very same summaries reports them again unchanged.
    findings: list[tuple] = field(default_factory=list, repr=False)
    # The project's other files as discovered (None: not a whole-project check); the very same
    # list object in the next check means no file appeared or went in between.
    discovered: list[str] | None = field(default=None, repr=False)


@dataclass
class ScopesReport:
    """The interpreter's answer for a project, and what is needed to place it in the files."""

    version: Version
    interpretation: Interpretation
    facts: dict[str, FileFacts | None]  # of the files the scopes run
    function: Callable[[FunctionKey], FunctionSummary | None]  # a function's summary by key
