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
            "oracle: experimental_fragment (works 1.33.0-1.48.0, AttributeError from 1.49.0)",
        ),
        _fact(
            "experimental-fragment-deprecated",
            "`st.experimental_fragment` shows a deprecation warning when used.",
            "1.37.0", "1.49.0",
            "oracle: experimental_fragment (warning alert from 1.37.0; none in 1.33.0-1.36.0)",
        ),
        _fact(
            "fragment-exists",
            "`st.fragment` exists.",
            "1.37.0", None,
            "oracle: fragment_api (AttributeError in 1.33.0-1.36.0)",
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
            "oracle: nested_fragments (whole-app rerun from the outer's later widget 1.33.0-1.36.0; outer rerun from 1.37.0)",
        ),
        _fact(
            "sidebar-in-fragment-raises",
            "`st.sidebar` used inside a fragment raises StreamlitAPIException.",
            "1.33.0", "1.59.0",
            "oracle: sidebar_write_in_fragment, sidebar_with_in_fragment (raise 1.33.0-1.58.0, allowed from 1.59.0)",
        ),
        _fact(
            "widget-outside-fragment-raises",
            "A widget written from a fragment into a container created outside it raises StreamlitAPIException.",
            "1.36.0", "1.59.0",
            "oracle: widget_outside (raises 1.36.0-1.58.0; piles up silently in 1.33.0-1.35.0; allowed from 1.59.0)",
        ),
        _fact(
            "outside-writes-pile-up",
            "Elements written from a fragment into a container created outside it are not cleared by the "
            "fragment's reruns: they accumulate until the next full run. `st.empty` placeholders replace instead.",
            "1.33.0", "1.59.0",
            "oracle: outside_writes, outside_empty (1, 2, 3 copies over two reruns before 1.59.0; 1 from 1.59.0)",
        ),
        _fact(
            "outside-first-write-in-rerun-raises",
            "A fragment rerun that draws into a container created outside the fragment (an `st.empty` "
            "placeholder, `st.sidebar` and `with container:` included) raises unless the fragment itself drew "
            "into that container during the last full run, which reserves the fragment's slot there; the app's "
            "own writes into the container reserve nothing. StreamlitAPIException, "
            "StreamlitInvalidLayoutContextError from 1.63.",
            "1.59.0", None,
            "oracle: outside_first_write_in_rerun (piles up through 1.58.0, raises from 1.59.0), "
            "outside_first_write_app_written, outside_first_write_variants (run on 1.58.0, 1.59.0, 1.67.0)",
            "source: 1.59.0 and 1.67.0 delta_generator._get_or_create_outside_wrapper (slots keyed by "
            "fragment and container, cleared at every full run; st.bottom takes the same path as st.sidebar)",
        ),
        _fact(
            "rerun-fragment-scope-outside-raises",
            "`st.rerun(scope=\"fragment\")` raises when it runs outside a fragment rerun.",
            "1.37.0", None,
            "oracle: rerun_scope_outside, rerun_scope_full_run (from 1.37.0)",
        ),
        _fact(
            "rerun-fragment-scope-app-callback-raises",
            "`st.rerun(scope=\"fragment\")` in the callback of a widget drawn outside every fragment raises, "
            "as in the script body.",
            "1.37.0", None,
            "oracle: rerun_in_callback (StreamlitAPIException 1.37.0-1.62.0, StreamlitInvalidLayoutContextError "
            "from 1.63.0)",
        ),
        _fact(
            "rerun-fragment-scope-fragment-callback-raises",
            "`st.rerun(scope=\"fragment\")` in the callback of a widget drawn inside a fragment raises "
            "\"Could not find current_fragment_id in fragment_id_queue\": the callback runs before the "
            "fragment and does not know it.",
            "1.37.0", "1.60.0",
            "oracle: rerun_in_callback (AssertionError 1.37.0-1.45.0, RuntimeError 1.48.0-1.59.0; 1.60 and "
            "1.61 not recorded)",
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
            "parallel-outside-write-raises",
            "A `parallel=True` fragment that writes to a container created outside it (st.sidebar and "
            "st.bottom included) raises StreamlitInvalidLayoutContextError.",
            "1.58.0", None,
            "oracle: parallel_outside_write, parallel_sidebar, parallel_bottom (initial load from 1.58.0, "
            "every rerun from 1.59.0)",
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
            "oracle: stop_in_fragment, stop_always_in_fragment (the same on all 14 releases, 1.33.0-1.67.0)",
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
            "1.45) when the fragment is called; a negative interval is accepted silently and reruns the "
            "fragment in a tight loop.",
            "1.33.0", None,
            "oracle: run_every_bad_string, run_every_negative (30-230 reruns in 2 s), run_every_valid",
        ),
        _fact(
            "duplicate-widget-id-raises",
            "Two widgets with the same type, label and arguments and no key raise DuplicateWidgetID.",
            "1.33.0", None,
            "oracle: duplicate_widget (DuplicateWidgetID through 1.37.0, StreamlitDuplicateElementId from 1.45.0)",
        ),
    )
}


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
