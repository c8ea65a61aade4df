"""The rule registry: every rule, by code and by name."""

from __future__ import annotations

from dataclasses import dataclass

from fraglint.diagnostics import Severity
from fraglint.rules.async_fragment import AsyncFragment
from fraglint.rules.base import Rule
from fraglint.rules.cached_fragment import CachedFragment
from fraglint.rules.duplicate_fragment_key import DuplicateFragmentKey
from fraglint.rules.experimental_fragment import ExperimentalFragment
from fraglint.rules.foreign_widget_state_write import ForeignWidgetStateWrite
from fraglint.rules.fragment_api_unavailable import FragmentApiUnavailable
from fraglint.rules.fragment_duplicate_widget import FragmentDuplicateWidget
from fraglint.rules.fragment_key_reserved import FragmentKeyReserved
from fraglint.rules.fragment_return_value import FragmentReturnValue
from fraglint.rules.fragment_sidebar_call import FragmentSidebarCall
from fraglint.rules.fragment_widget_outside import FragmentWidgetOutside
from fraglint.rules.invalid_run_every import InvalidRunEvery
from fraglint.rules.nested_dialog import NestedDialog
from fraglint.rules.nested_fragment import NestedFragment
from fraglint.rules.outside_container_write import OutsideContainerWrite
from fraglint.rules.parallel_fragment_outside_write import ParallelFragmentOutsideWrite
from fraglint.rules.parallel_fragment_unsafe_call import ParallelFragmentUnsafeCall
from fraglint.rules.rerun_fragment_scope_in_callback import RerunFragmentScopeInCallback
from fraglint.rules.rerun_in_callback_no_op import RerunInCallbackNoOp
from fraglint.rules.rerun_key_outside_callback import RerunKeyOutsideCallback
from fraglint.rules.rerun_only_outside_write import RerunOnlyOutsideWrite
from fraglint.rules.rerun_scope_outside_fragment import RerunScopeOutsideFragment
from fraglint.rules.stale_fragment_argument import StaleFragmentArgument
from fraglint.rules.streamlit_floor_too_low import StreamlitFloorTooLow
from fraglint.rules.uncalled_fragment import UncalledFragment
from fraglint.rules.unused_suppression import UnusedSuppression
from fraglint.rules.widget_key_in_two_fragments import WidgetKeyInTwoFragments

ALL_RULES: tuple[type[Rule], ...] = (
    NestedFragment,
    CachedFragment,
    FragmentReturnValue,
    OutsideContainerWrite,
    FragmentSidebarCall,
    FragmentWidgetOutside,
    RerunScopeOutsideFragment,
    ExperimentalFragment,
    FragmentApiUnavailable,
    UncalledFragment,
    ParallelFragmentOutsideWrite,
    FragmentKeyReserved,
    DuplicateFragmentKey,
    RerunKeyOutsideCallback,
    InvalidRunEvery,
    StaleFragmentArgument,
    FragmentDuplicateWidget,
    RerunOnlyOutsideWrite,
    RerunFragmentScopeInCallback,
    RerunInCallbackNoOp,
    NestedDialog,
    WidgetKeyInTwoFragments,
    ForeignWidgetStateWrite,
    StreamlitFloorTooLow,
    UnusedSuppression,
    AsyncFragment,
    ParallelFragmentUnsafeCall,
)


@dataclass(frozen=True)
class InputDiagnostic:
    """A diagnostic about the input itself, not about Streamlit."""

    code: str
    severity: Severity
    summary: str


# Diagnostics about the input itself: they cannot be deselected by name of a rule class, but
# they have codes so users can still select and ignore them.
INPUT_DIAGNOSTICS = {
    "syntax-error": InputDiagnostic(
        "FRG001", Severity.ERROR, "Python rejects the file (or cannot decode it), with Python's message: it was not analysed."
    ),
    "unreadable-file": InputDiagnostic("FRG002", Severity.ERROR, "The path could not be read."),
    "analysis-limit": InputDiagnostic(
        "FRG003", Severity.ERROR,
        "The file exceeds what fraglint can analyse (nesting depth, parse time) or crashed its parser: it was not analysed.",
    ),
    "parser-unsupported": InputDiagnostic(
        "FRG004", Severity.WARNING,
        "Python accepts the file but libcst, fraglint's parser, cannot parse it (e.g. tabs under spaces): it was not analysed.",
    ),
}

BY_CODE = {rule.code: rule for rule in ALL_RULES}
BY_NAME = {rule.name: rule for rule in ALL_RULES}


def find_rule(selector: str) -> type[Rule] | None:
    return BY_CODE.get(selector.upper()) or BY_NAME.get(selector.lower())


def did_you_mean(selector: str) -> str:
    """` (did you mean 'x'?)` with the closest rule name or code, as ruff and git suggest; "" if none is close."""
    import difflib  # only to name a rule the user misspelled

    choices = [*BY_NAME, *INPUT_DIAGNOSTICS, *(c.lower() for c in BY_CODE), *(k.code.lower() for k in INPUT_DIAGNOSTICS.values())]
    close = difflib.get_close_matches(selector.strip().lower(), choices, n=1, cutoff=0.6)
    if not close:
        return ""
    return f" (did you mean {close[0].upper() if close[0].startswith('frg') else close[0]!r}?)"
