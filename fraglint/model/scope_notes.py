"""What a finding's scope note states about the rerun model, as data (phrased by `report.narrate`).

A rule that explains a finding by what reruns and what does not (the `= scope:` lines of the
`full` format) hands over one of these instead of a sentence, so that every front-end says
reruns in the same words: `fraglint.report.narrate.scope_note` is the one place that phrases
them, beside the hover's and the `scopes` format's sentences. Each note is frozen and
hashable: the `full` format says an equal note once per run and points back to it after.
"""

from __future__ import annotations

from dataclasses import dataclass

from fraglint.model.own_reruns import OwnRerun


@dataclass(frozen=True)
class OutsideContainerKept:
    """A fragment's rerun clears only its own container; one made outside it is kept (and piles up)."""

    fragment: str  # the fragment's name
    container: str  # how messages name the container ("`log`", "the sidebar", ...)


@dataclass(frozen=True)
class OutsideSlotNeedsFullRun:
    """A fragment's rerun may draw into an outside container only where the last full run reserved it a slot."""

    fragment: str
    container: str


@dataclass(frozen=True)
class CallerNotRerun:
    """A fragment reruns alone (for `cause`); the function that called it and uses its value does not."""

    fragment: str
    cause: OwnRerun
    caller: str  # the calling function's qualified name


@dataclass(frozen=True)
class ArgumentsNotReevaluated:
    """A fragment's arguments are evaluated by its caller, which only a full run runs again."""

    fragment: str
    caller: str
    writers: tuple[str, ...]  # the fragments whose reruns alone change the argument's value


ScopeNote = OutsideContainerKept | OutsideSlotNeedsFullRun | CallerNotRerun | ArgumentsNotReevaluated
