"""Every Streamlit behaviour that depends on the release, as data, in one place.

Each `Fact` holds over a half-open range of releases [since, until) and names its evidence:
"oracle:<case>" when the oracle suite (tests/oracle) observed it on real releases, "source:"
when it was read from a release's wheel, "docs:" when only the documentation says so. Rules
ask `holds(fact_id, version)`; `docs/semantics.md` is generated from this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from fraglint.model import target

# The newest release fraglint knows: the last one `model.target` lists (its one home).
NEWEST_KNOWN = target.NEWEST_KNOWN
FIRST_WITH_FRAGMENTS = Version("1.33.0")


@dataclass(frozen=True)
class Fact:
    id: str
    summary: str
    since: Version | None
    until: Version | None  # first release where the behaviour no longer holds
    evidence: tuple[str, ...]

    def holds(self, version: Version) -> bool:
        started = self.since is None or version >= self.since
        ended = self.until is not None and version >= self.until
        return started and not ended

    def range_text(self) -> str:
        if self.since and self.until:
            return f"{self.since} to {_before(self.until)}"
        if self.since:
            return f"{self.since} and later"
        if self.until:
            return f"before {self.until}"
        return "all releases"


def _before(version: Version) -> str:
    major, minor = version.release[:2]
    return f"{major}.{minor - 1}.x" if minor else f"< {version}"


def _v(text: str | None) -> Version | None:
    return Version(text) if text else None


def _fact(id: str, summary: str, since: str | None, until: str | None, *evidence: str) -> Fact:
    return Fact(id, summary, _v(since), _v(until), evidence)


FACTS: dict[str, Fact] = {
    fact.id: fact
    for fact in (
        _fact(
            "experimental-fragment-exists",
            "`st.experimental_fragment` exists.",
            "1.33.0", "1.49.0",
            "oracle: experimental_fragment (works 1.33.0-1.48.1, AttributeError from 1.49.1)",
        ),
        _fact(
            "experimental-fragment-deprecated",
            "`st.experimental_fragment` shows a deprecation warning when used.",
            "1.37.0", "1.49.0",
            "oracle: experimental_fragment (warning alert from 1.37.1; none in 1.33.0-1.36.0)",
        ),
        _fact(
            "fragment-exists",
            "`st.fragment` exists.",
            "1.37.0", None,
            "oracle: fragment_api (AttributeError in 1.33.0-1.36.0)",
        ),
        _fact(
            "dialog-exists",
            "`st.dialog` exists.",
            "1.37.0", None,
            "source: absent from 1.36.0's `streamlit/__init__.py` (only `experimental_dialog`); "
            "`dialog = _dialog_decorator` in 1.37.1, 1.45.0 and 1.67.0",
            "oracle: dialog_api (run from 1.37.1 on 1.37.1-1.67.0 as recorded so far)",
        ),
        _fact(
            "experimental-dialog-exists",
            "`st.experimental_dialog` exists.",
            "1.34.0", "1.49.0",
            "source: absent from 1.33.0's `streamlit/__init__.py`, present in 1.34.0-1.45.0, absent in 1.67.0; "
            "1.49.0 release notes: 'Clean up experimental dialog, fragment and widget replay' (#12167)",
            "oracle: experimental_dialog_api (AttributeError on 1.33.0; runs 1.34.0-1.45.1; AttributeError "
            "on 1.58.0 and 1.67.0; 1.46-1.57 not yet recorded)",
        ),
        _fact(
            "experimental-dialog-deprecated",
            "`st.experimental_dialog` shows a deprecation warning when used.",
            "1.37.0", "1.49.0",
            "source: plain alias of the dialog decorator in 1.34.0-1.36.0; `_deprecate_func_name(..., "
            "name_override=\"dialog\")` in 1.37.1, `should_show_deprecation_warning=True` in 1.45.0",
            "oracle: experimental_dialog_api (no alert 1.34.0-1.36.0; \"Please replace st.experimental_dialog "
            "with st.dialog\" from 1.37.1)",
        ),
        _fact(
            "nested-dialog-raises",
            "Opening a dialog while another dialog's body runs raises \"Dialogs may not be nested inside "
            "other dialogs.\" (StreamlitAPIException; StreamlitInvalidLayoutContextError in 1.67). Opening "
            "one from inside `with st.sidebar:` escapes the check.",
            "1.34.0", None,
            "source: `_assert_no_nested_dialogs` in dialog_decorator.py of 1.34.0, 1.36.0, 1.45.0 and 1.67.0 "
            "(it reads the innermost `with` container only)",
            "oracle: dialog_in_dialog (raises at the inner call on every release recorded, 1.34.0-1.67.0: "
            "StreamlitAPIException through 1.45.1, StreamlitInvalidLayoutContextError on 1.67.0)",
        ),
        _fact(
            "dialog-in-fragment-nested",
            "A dialog opened from a fragment is a fragment nested in it: the dialog's widgets rerun the outer "
            "fragment, and the dialog's body is not drawn again.",
            "1.34.0", "1.37.0",
            "source: 1.34.0-1.36.0 wrap the dialog body with the fragment decorator, and nested fragments are "
            "unsupported before 1.37.0 (see nested-fragments-unsupported)",
            "oracle: dialog_from_fragment (a click in the dialog reruns the fragment and the dialog body is gone "
            "on 1.34.0-1.36.0; reruns the dialog alone from 1.37.1)",
        ),
        _fact(
            "duplicate-widget-key-raises",
            "Two widgets drawn with one key in one run raise (DuplicateWidgetID, StreamlitDuplicateElementKey "
            "in later releases), also when two fragments draw them.",
            "1.33.0", None,
            "source: widget registration checks keys across the whole run in 1.33.0-1.67.0",
            "oracle: widget_key_two_fragments (DuplicateWidgetID on 1.33.0, StreamlitDuplicateElementKey by "
            "1.40.2, on every release recorded)",
        ),
        _fact(
            "foreign-widget-state-write-discarded",
            "A fragment (its body or its widget's callback) that sets the session-state key of a widget "
            "another fragment draws does not redraw that widget: it keeps showing its old value, and the next "
            "full run replaces the value written with the widget's own.",
            "1.33.0", None,
            "source: a fragment rerun runs only that fragment's function (runtime/fragment.py, 1.33.0-1.67.0)",
            "oracle: foreign_widget_state_write (the writer sees True, the owner's checkbox stays False and the "
            "next full run reads False, from the body and from the callback, 1.33.0-1.67.0 as recorded)",
        ),
        _fact(
            "rerun-scope-exists",
            "`st.rerun(scope=...)` accepts a scope.",
            "1.37.0", None,
            "oracle: rerun_scope_outside, rerun_scope_in_fragment (TypeError before 1.37.0)",
        ),
        _fact(
            "fragment-parallel-exists",
            "`@st.fragment(parallel=True)` is accepted.",
            "1.58.0", None,
            "oracle: parallel_fragment (TypeError through 1.57.0)",
        ),
        _fact(
            "fragment-key-exists",
            "`@st.fragment(key=...)` and `st.rerun(\"<key>\")` are accepted.",
            "1.63.0", None,
            "oracle: fragment_key_rerun (TypeError through 1.62.0)",
        ),
        _fact(
            "nested-fragments-unsupported",
            "A fragment called while another fragment runs breaks the outer fragment: after the inner one "
            "returns, the runtime forgets the outer fragment, so widgets the outer fragment draws after that "
            "call rerun the whole app instead of the fragment.",
            "1.33.0", "1.37.0",
            "docs: 1.33 'Calling fragments within fragments is unsupported'",
            "oracle: nested_fragments (whole-app rerun from the outer's later widget 1.33.0-1.36.0; outer rerun from 1.37.1)",
        ),
        _fact(
            "sidebar-in-fragment-raises",
            "`st.sidebar` used inside a fragment raises StreamlitAPIException.",
            "1.33.0", "1.59.0",
            "oracle: sidebar_write_in_fragment, sidebar_with_in_fragment (raise 1.33.0-1.58.0, allowed from 1.59.2)",
        ),
        _fact(
            "widget-outside-fragment-raises",
            "A widget written from a fragment into a container created outside it raises (StreamlitAPIException, "
            "StreamlitFragmentWidgetsNotAllowedOutsideError from 1.39).",
            "1.36.0", "1.59.0",
            "oracle: widget_outside (raises 1.36.0-1.58.0; piles up silently in 1.33.0-1.35.0; allowed from 1.59.2)",
        ),
        _fact(
            "outside-writes-pile-up",
            "Elements written from a fragment into a container created outside it are not cleared by the "
            "fragment's reruns: they accumulate until the next full run. `st.empty` placeholders replace instead.",
            "1.33.0", "1.59.0",
            "oracle: outside_writes, outside_empty (1, 2, 3 copies over two reruns through 1.58.0; 1 from 1.59.2)",
        ),
        _fact(
            "outside-first-write-in-rerun-raises",
            "A fragment rerun that draws into a container created outside the fragment (an `st.empty` "
            "placeholder, `st.sidebar` and `with container:` included) raises unless the fragment itself drew "
            "into that container during the last full run, which reserves the fragment's slot there; the app's "
            "own writes into the container reserve nothing. StreamlitAPIException, "
            "StreamlitInvalidLayoutContextError from 1.63.",
            "1.59.0", None,
            "oracle: outside_first_write_in_rerun, outside_first_write_app_written, outside_first_write_variants "
            "(pile up through 1.58.0, raise from 1.59.2)",
            "source: 1.59.0 and 1.67.0 delta_generator._get_or_create_outside_wrapper (slots keyed by "
            "fragment and container, cleared at every full run; st.bottom takes the same path as st.sidebar)",
        ),
        _fact(
            "rerun-fragment-scope-outside-raises",
            "`st.rerun(scope=\"fragment\")` raises when it runs outside a fragment rerun.",
            "1.37.0", None,
            "oracle: rerun_scope_outside, rerun_scope_full_run (from 1.37.1)",
        ),
        _fact(
            "rerun-fragment-scope-app-callback-raises",
            "`st.rerun(scope=\"fragment\")` in the callback of a widget drawn outside every fragment raises, "
            "as in the script body.",
            "1.37.0", None,
            "oracle: rerun_in_callback (StreamlitAPIException 1.37.1-1.62.0, StreamlitInvalidLayoutContextError "
            "from 1.63.0)",
        ),
        _fact(
            "rerun-fragment-scope-fragment-callback-raises",
            "`st.rerun(scope=\"fragment\")` in the callback of a widget drawn inside a fragment raises "
            "\"Could not find current_fragment_id in fragment_id_queue\": the callback runs before the "
            "fragment and does not know it.",
            "1.37.0", "1.62.0",
            "oracle: rerun_in_callback (AssertionError 1.37.1-1.45.1, RuntimeError 1.46.1-1.61.1; still raises "
            "on 1.60.0 and 1.61.1; a no-op with a warning on 1.62.0)",
        ),
        _fact(
            "rerun-fragment-scope-fragment-callback-no-op",
            "`st.rerun(scope=\"fragment\")` in the callback of a widget drawn inside a fragment does nothing but "
            "show the warning \"Calling st.rerun() within a callback is a no-op.\"; the widget's fragment "
            "reruns as usual. From 1.63 it reruns that fragment, silently.",
            "1.62.0", "1.63.0",
            "oracle: rerun_in_callback (warning and fragment rerun on 1.62.0; fragment rerun without a warning "
            "from 1.63.0)",
        ),
        _fact(
            "rerun-invalid-scope-raises",
            "`st.rerun(scope=...)` with a scope other than \"app\" or \"fragment\" raises StreamlitAPIException "
            "(\"'x' is not a valid rerun scope\"; StreamlitValueError \"Invalid scope value\" in 1.62). "
            "1.37-1.40 accept it silently: the call returns, the body goes on and the fragment reruns "
            "afterwards; from 1.63 the string is read as a fragment key.",
            "1.41.0", "1.63.0",
            "oracle: rerun_scope_invalid (accepted 1.37.1-1.40.2, raises 1.41.1-1.62.0, fragment key from 1.63.0)",
        ),
        _fact(
            "parallel-outside-write-raises",
            "A `parallel=True` fragment that writes to a container created outside it (st.sidebar and "
            "st.bottom included) raises (StreamlitAPIException, StreamlitInvalidLayoutContextError from 1.63).",
            "1.58.0", None,
            "oracle: parallel_outside_write, parallel_sidebar, parallel_bottom (initial load from 1.58.0, "
            "every rerun from 1.59.2)",
        ),
        _fact(
            "parallel-unsafe-api-raises",
            "`@st.dialog` and `st.switch_page` called from a `parallel=True` fragment on the full run that "
            "draws it raise (StreamlitAPIException, StreamlitInvalidLayoutContextError from 1.63); behind a "
            "widget interaction they run in a sequential fragment rerun and work.",
            "1.58.0", None,
            "oracle: parallel_dialog, parallel_switch_page (raise on the initial load from 1.58.0, "
            "StreamlitAPIException through 1.62.0; the fragment's own button then opens the dialog or switches "
            "page), parallel_dialog_nested (through an ordinary fragment it calls, on the same worker), "
            "parallel_dialog_gated (a dialog behind the fragment's button works); TypeError on "
            "`parallel=` through 1.57.0",
            "source: runtime/fragment.py `_check_not_parallel_worker`, called by elements/dialog_decorator.py "
            "and commands/execution_control.py (switch_page), 1.58.0-1.67.0; Streamlit's own e2e app "
            "e2e_playwright/st_fragment_parallel_restrictions.py",
        ),
        _fact(
            "fragment-key-reserved-raises",
            "The fragment keys \"app\" and \"fragment\" are reserved: the decorator raises.",
            "1.63.0", None,
            "oracle: fragment_key_reserved, fragment_key_reserved_fragment",
        ),
        _fact(
            "fragment-key-duplicate-raises",
            "Two fragment functions with one key raise a duplicate-key error when the second one is called.",
            "1.63.0", None,
            "oracle: fragment_key_duplicate (StreamlitDuplicateElementKey)",
        ),
        _fact(
            "rerun-key-outside-callback-raises",
            "`st.rerun(\"<key>\")` raises unless it is called from a widget callback.",
            "1.63.0", None,
            "oracle: rerun_key_outside_callback; fragment_key_rerun (from a callback only the keyed fragment runs)",
        ),
        _fact(
            "callback-keyed-rerun-replaces-rerun",
            "`st.rerun(\"<key>\")` in a widget callback replaces the interaction's own rerun: only the keyed "
            "fragment reruns, not the widget's scope (when the callback returns without calling it, the "
            "widget's scope reruns as usual).",
            "1.63.0", None,
            "oracle: fragment_key_rerun, rerun_key_in_callback (a widget in fragment `other` reruns only `panel`)",
        ),
        _fact(
            "rerun-in-callback-no-op",
            "`st.rerun()` in a widget callback does nothing but show the warning \"Calling st.rerun() within "
            "a callback is a no-op.\" in the page; the widget's own scope reruns as usual.",
            "1.33.0", "1.63.0",
            "oracle: rerun_in_callback (app_plain, frag_plain: the warning and no extra rerun on every "
            "release 1.33.0-1.62.0; a full rerun without a warning from 1.63.0)",
        ),
        _fact(
            "callback-rerun-reruns-app",
            "`st.rerun()` in a widget callback reruns the whole app, also for a widget inside a fragment. "
            "Before 1.63 it is a no-op with a warning and the widget's own scope reruns.",
            "1.63.0", None,
            "oracle: rerun_in_callback (no-op warning 1.33.0-1.62.0, full run from 1.63.0)",
        ),
        _fact(
            "stop-ends-current-run",
            "`st.stop()` ends the run it is called in. Called by a fragment during a full run it ends the "
            "whole run (nothing after the fragment call runs); during a fragment rerun it ends that rerun "
            "only, and the rest of the page keeps what it showed.",
            None, None,
            "oracle: stop_in_fragment, stop_always_in_fragment (the same on every recorded release, 1.33.0-1.67.0)",
        ),
        _fact(
            "stop-in-callback-cancels-rerun",
            "`st.stop()` in a widget callback cancels that interaction's rerun: no part of the script runs. For "
            "a widget outside fragments the page is left empty; for a widget inside a fragment the page keeps "
            "what it showed (1.33-1.37: the fragment's elements are cleared).",
            None, None,
            "oracle: stop_in_callback (fragment elements cleared 1.33.0-1.37.1, kept from 1.38.0)",
        ),
        _fact(
            "stop-in-fragment-callback-clears-fragment",
            "`st.stop()` in the callback of a widget inside a fragment clears that fragment's elements from the "
            "page (the rest of the page keeps what it showed); later releases keep the fragment's elements too.",
            "1.33.0", "1.38.0",
            "oracle: stop_in_callback (`frag-body` gone after the click on 1.33.0-1.37.1, kept from 1.38.0)",
        ),
        _fact(
            "switch-page-runs-target-page",
            "`st.switch_page()` called from a fragment ends the fragment's rerun and runs the whole target page.",
            None, None,
            "oracle: switch_page_fragment (the same on every recorded release)",
        ),
        _fact(
            "switch-page-in-callback-no-op",
            "`st.switch_page()` in a widget callback ends the callback there but does not switch page: the "
            "widget's own scope reruns as usual (a widget outside fragments shows the warning \"Calling "
            "st.rerun() within a callback is a no-op.\").",
            "1.33.0", "1.63.0",
            "oracle: switch_page_callback, switch_page_callback_fragment (no switch 1.33.0-1.62.0)",
        ),
        _fact(
            "callback-switch-page-runs-target-page",
            "`st.switch_page()` in a widget callback ends the callback and the interaction runs the whole "
            "target page instead of the widget's scope, also for a widget inside a fragment.",
            "1.63.0", None,
            "oracle: switch_page_callback, switch_page_callback_fragment (the target page from 1.63.0)",
        ),
        _fact(
            "orphaned-timer-keeps-running",
            "A `run_every` fragment that its outer fragment stops calling keeps rerunning on its timer, and its "
            "elements stay on the page; later releases drop the timer and the elements with the outer rerun.",
            "1.33.0", "1.58.0",
            "oracle: orphaned_timer (ticks after the outer rerun 1.33.0-1.57.0; stops from 1.58.0)",
        ),
        _fact(
            "fragment-rerun-first-run-arguments",
            "A fragment rerun calls the fragment with the arguments of the session's first full run, not the "
            "last one's.",
            "1.37.0", "1.38.0",
            "oracle: fragment_first_run_args (1.37.1 only; the last full run's arguments on every other release)",
        ),
        _fact(
            "cache-plus-fragment-unsupported",
            "A function that is both cached and a fragment: full reruns replay the cached elements instead of "
            "running the body, and a `run_every` timer stops for good after a full rerun; with the fragment "
            "decorator outermost the body never runs again after the first run. 1.33.0 raises AttributeError "
            "for a widget inside; later releases only show CachedWidgetWarning.",
            "1.33.0", None,
            "docs: 1.33 'Using caching and fragments on the same function is unsupported'",
            "oracle: cache_over_fragment, fragment_over_cache, cache_over_fragment_timer, fragment_over_cache_timer",
        ),
        _fact(
            "async-fragment-unsupported",
            "A fragment or dialog made from an `async def` only creates its coroutine: the body runs, if "
            "anything awaits it, after the fragment's scope has ended, and a fragment rerun gets back a "
            "coroutine nobody awaits, so it draws nothing.",
            "1.33.0", None,
            "source: runtime/fragment.py of 1.33.0-1.48.1 and 1.67.0 (wrapped_fragment returns "
            "`non_optional_func(*args, **kwargs)` unawaited; no release checks for a coroutine function)",
            "oracle: async_fragment (every release 1.33-1.67: the call returns a coroutine, the body's widget "
            "reruns the whole script, timer reruns never run the body and the server logs 'coroutine was never "
            "awaited')",
        ),
        _fact(
            "fragment-return-ignored",
            "The return value of a fragment is discarded during fragment reruns.",
            "1.33.0", None,
            "docs: 1.33 guide", "oracle: fragment_return (the caller sees the value on full runs only)",
        ),
        _fact(
            "run-every-validated",
            "A malformed `run_every` time string raises (BadTimeStringError, StreamlitBadTimeStringError from "
            "1.39) when the fragment is called; a negative interval is accepted silently and reruns the "
            "fragment in a tight loop.",
            "1.33.0", None,
            "oracle: run_every_bad_string, run_every_negative (30-230 reruns in 2 s), run_every_valid",
        ),
        _fact(
            "duplicate-widget-id-raises",
            "Two widgets with the same type, label and arguments and no key raise DuplicateWidgetID "
            "(StreamlitDuplicateElementId from 1.39).",
            "1.33.0", None,
            "oracle: duplicate_widget (DuplicateWidgetID through 1.38.0, StreamlitDuplicateElementId from 1.39.1)",
        ),
    )
}


@dataclass(frozen=True)
class ExceptionType:
    """The exception one runtime check raises, whose type name changed between releases.

    Messages name the type the target release raises; `names` lists (first release, type name),
    oldest first, each holding until the next one's release.
    """

    id: str
    names: tuple[tuple[Version, str], ...]
    evidence: str

    def name(self, version: Version) -> str:
        current = self.names[0][1]
        for first, name in self.names:
            if version >= first:
                current = name
        return current

    def range_text(self) -> str:
        parts = []
        for (first, name), nxt in zip(self.names, (*self.names[1:], None), strict=True):
            until = f" to {_before(nxt[0])}" if nxt else " and later"
            parts.append(f"`{name}` {first}{until}")
        return "; ".join(parts)


def _exception(id: str, evidence: str, *names: tuple[str, str]) -> ExceptionType:
    return ExceptionType(id, tuple((Version(first), name) for first, name in names), evidence)


EXCEPTIONS: dict[str, ExceptionType] = {
    kind.id: kind
    for kind in (
        _exception(
            "widget-outside-fragment",
            "oracle: widget_outside",
            ("1.36.0", "StreamlitAPIException"), ("1.39.0", "StreamlitFragmentWidgetsNotAllowedOutsideError"),
        ),
        _exception(
            "duplicate-widget-id",
            "oracle: duplicate_widget",
            ("1.33.0", "DuplicateWidgetID"), ("1.39.0", "StreamlitDuplicateElementId"),
        ),
        _exception(
            "bad-run-every-string",
            "oracle: run_every_bad_string",
            ("1.33.0", "BadTimeStringError"), ("1.39.0", "StreamlitBadTimeStringError"),
        ),
        _exception(
            "duplicate-widget-key",
            "oracle: widget_key_two_fragments",
            ("1.33.0", "DuplicateWidgetID"), ("1.39.0", "StreamlitDuplicateElementKey"),
        ),
        _exception(
            "rerun-fragment-scope-outside",
            "oracle: rerun_scope_outside, rerun_scope_full_run, rerun_in_callback",
            ("1.37.0", "StreamlitAPIException"), ("1.63.0", "StreamlitInvalidLayoutContextError"),
        ),
        _exception(
            "fragment-callback-rerun-lookup",
            "oracle: rerun_in_callback",
            ("1.37.0", "AssertionError"), ("1.46.0", "RuntimeError"),
        ),
        _exception(
            "invalid-rerun-scope",
            "oracle: rerun_scope_invalid",
            ("1.41.0", "StreamlitAPIException"), ("1.62.0", "StreamlitValueError"),
        ),
        _exception(
            "parallel-outside-write",
            "oracle: parallel_outside_write, parallel_sidebar, parallel_bottom",
            ("1.58.0", "StreamlitAPIException"), ("1.63.0", "StreamlitInvalidLayoutContextError"),
        ),
        _exception(
            "parallel-unsafe-call",
            "oracle: parallel_dialog, parallel_switch_page",
            ("1.58.0", "StreamlitAPIException"), ("1.63.0", "StreamlitInvalidLayoutContextError"),
        ),
        _exception(
            "nested-dialog",
            "oracle: dialog_in_dialog",
            ("1.34.0", "StreamlitAPIException"), ("1.63.0", "StreamlitInvalidLayoutContextError"),
        ),
    )
}


def exception(kind: str, version: Version) -> str:
    """The exception type name `version` raises for one runtime check (`EXCEPTIONS`)."""
    return EXCEPTIONS[kind].name(version)


def holds(fact_id: str, version: Version) -> bool:
    return FACTS[fact_id].holds(version)


def release(version: Version) -> str:
    """A release as messages name it: `1.37`."""
    return f"{version.major}.{version.minor}"


def _bound(version: Version | None, fact_id: str) -> Version:
    """A fact's since/until, which messages only ask of facts that have it."""
    if version is None:
        raise ValueError(f"fact {fact_id!r} has no such bound")
    return version


def since(fact_id: str) -> str:
    """The release a fact starts to hold in, for messages ("added in 1.37")."""
    return release(_bound(FACTS[fact_id].since, fact_id))


def until(fact_id: str) -> str:
    """The first release a fact no longer holds in, for messages ("before 1.59")."""
    return release(_bound(FACTS[fact_id].until, fact_id))


def parse_version(text: str) -> Version:
    """Parse `X.Y` or `X.Y.Z`; raises ValueError with a readable message."""
    try:
        version = Version(text.strip())
    except InvalidVersion:
        raise ValueError(f"not a Streamlit release: {text!r} (expected X.Y or X.Y.Z, e.g. 1.45.0)") from None
    if len(version.release) < 3 and not version.pre and not version.dev:
        version = Version(".".join(str(p) for p in (version.release + (0, 0))[:3]))
    return version
