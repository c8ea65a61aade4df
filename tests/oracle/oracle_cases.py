"""The oracle's cases: which app, how to drive it, what each release is expected to do,
and which fraglint rules each release range should report for the app's source.

Steps are ``(name, action)`` with action ``("click", label)``, ``("check", label)``,
``("wait", seconds)`` or ``("press", key)`` (e.g. Escape, to close a dialog). The harness always records an ``initial`` step first.

Expectations (``expect``) map a version specifier ("<1.37", ">=1.59", "" = all) to a dict
``{step_name: {...}}`` where a step may pin:
  markers : list of marker lines, in order (click steps) -- or, for ``wait`` steps,
            ``ticks`` : {marker: minimum count} and ``only`` : allowed set of markers
  exc     : list of substrings, one per exception shown in the page, in order ([] = none)
  counts  : {text: number of markdown elements with exactly that text}
  widget_counts : {label: number of widgets with that label}
  exc_optional : exceptions containing one of these substrings are ignored (races)
  from_full : the markers from the first `full-run` on (a timer tick may come before it)
  alert / no_alerts : a substring one non-exception alert must contain / no such alert
  sidebar_counts : same, inside the sidebar
Later matching entries override earlier ones key by key, so a case states the common
behaviour under "" and the differences under narrower ranges.

``fraglint`` maps version specifiers to the set of rule names fraglint should report for the
case's source file (the original, un-adapted file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import Version


@dataclass
class Case:
    name: str
    app: str
    steps: list = field(default_factory=list)
    count: list[str] = field(default_factory=list)
    sidebar_count: list[str] = field(default_factory=list)
    widget_count: list[str] = field(default_factory=list)  # widgets with this label in the page
    files: list[str] = field(default_factory=list)  # other files under cases/ the app needs
    expect: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    fraglint: dict[str, set[str]] = field(default_factory=dict)
    doc: str = ""
    settle_timeout: float = 15.0  # run_every cases never go quiet: keep this short there

    def expected(self, release: str) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for spec, steps in self.expect.items():
            if Version(release) in SpecifierSet(spec):
                for step, fields in steps.items():
                    out.setdefault(step, {}).update(fields)
        return out

    def fraglint_rules(self, release: str) -> set[str]:
        rules: set[str] = set()
        for spec, names in self.fraglint.items():
            if Version(release) in SpecifierSet(spec):
                rules = set(names)  # the last matching entry wins
        return rules


CLICK = "click"
F = "fragment:frag"
FULL = ["full-run", F, "end"]

# exception texts (substrings of "<Type>: <message>")
NO_FRAGMENT = "AttributeError: module 'streamlit' has no attribute 'fragment'"
NO_EXPERIMENTAL = "AttributeError: module 'streamlit' has no attribute 'experimental_fragment'"
NO_SCOPE = "TypeError: rerun() got an unexpected keyword argument 'scope'"
NO_PARALLEL = "TypeError: fragment() got an unexpected keyword argument 'parallel'"
NO_KEY = "TypeError: fragment() got an unexpected keyword argument 'key'"
OUTSIDE_NO_FULL_WRITE = "A fragment tried to write to a container created outside"
SCOPE_OUTSIDE = 'scope="fragment" can only be specified from @st.fragment-decorated functions'
SIDEBAR_EXP = "StreamlitAPIException: Calling st.sidebar in a function wrapped with st.experimental_fragment is not supported"
CACHED_WIDGET = "CachedWidgetWarning: Your script uses a widget command in a cached function"
SIDEBAR = "StreamlitAPIException: Calling st.sidebar in a function wrapped with st.fragment is not supported"
CALLBACK_RERUN_NO_OP = "Calling st.rerun() within a callback is a no-op."

API = "fragment-api-unavailable"
PRE_FRAGMENT = "<1.37"        # st.fragment missing: adapted cases run with st.experimental_fragment
PRE_PARALLEL = ">=1.37,<1.58"
PRE_KEY = ">=1.37,<1.63"
RERUN_ONLY = "rerun-only-outside-write"


def broken(exc: str, *later_steps: str) -> dict[str, dict[str, Any]]:
    """The decorator raised on the first run: nothing after it ran, and the page keeps the
    exception (the later steps find no widget to click, so nothing reruns)."""
    out = {"initial": {"markers": ["full-run"], "exc": [exc]}}
    for step in later_steps:
        out[step] = {"markers": [], "exc": [exc]}
    return out


def merge(*parts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for part in parts:
        for step, fields in part.items():
            out.setdefault(step, {}).update(fields)
    return out


def every_step(steps, **fields) -> dict[str, dict[str, Any]]:
    return {s: dict(fields) for s in steps}

CASES: list[Case] = []


def case(**kw) -> Case:
    c = Case(**kw)
    CASES.append(c)
    return c


def by_name(name: str) -> Case:
    for c in CASES:
        if c.name == name:
            return c
    raise KeyError(name)


# ---------------------------------------------------------------- API availability
case(name="experimental_fragment", app="experimental_fragment.py",
     doc="@st.experimental_fragment: exists 1.33-1.48, deprecated 1.37, removed 1.49",
     steps=[("click_frag", (CLICK, "Frag button")), ("click_outside", (CLICK, "Outside button"))],
     expect={
         "<1.49": {"initial": {"markers": FULL, "exc": []}, "click_frag": {"markers": [F]},
                   "click_outside": {"markers": FULL, "exc": []}},
         "<1.37": {"initial": {"no_alerts": True}},
         ">=1.37,<1.49": {"initial": {"alert": "Please replace st.experimental_fragment with st.fragment"}},
         ">=1.49": broken(NO_EXPERIMENTAL, "click_frag", "click_outside"),
         ">=1.67": {"initial": {"exc": [NO_EXPERIMENTAL + ". st.experimental_fragment has been removed"]}},
     },
     fraglint={"": set(), ">=1.37": {"experimental-fragment"}})

case(name="fragment_api", app="fragment_api.py",
     doc="@st.fragment: AttributeError before 1.37",
     steps=[("click_frag", (CLICK, "Frag button")), ("click_outside", (CLICK, "Outside button"))],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT, "click_frag", "click_outside"),
         ">=1.37": {"initial": {"markers": FULL, "exc": []}, "click_frag": {"markers": [F], "exc": []},
                    "click_outside": {"markers": FULL, "exc": []}},
     },
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="rerun_scope_in_fragment", app="rerun_scope_in_fragment.py",
     doc="st.rerun(scope='fragment') from a fragment during a fragment rerun; st.rerun() from one",
     steps=[("click_frag_rerun", (CLICK, "Frag rerun")),
            ("click_frag_full_rerun", (CLICK, "Frag full rerun"))],
     expect={
         "": {"initial": {"markers": FULL, "exc": []}},
         PRE_FRAGMENT: {"click_frag_rerun": {"markers": [F, "calling-rerun-fragment"], "exc": [NO_SCOPE]},
                        "click_frag_full_rerun": {"markers": [], "exc": [NO_SCOPE]}},
         ">=1.37": {"click_frag_rerun": {"markers": [F, "calling-rerun-fragment", F], "exc": []},
                    "click_frag_full_rerun": {"markers": [F, "calling-rerun-app", "full-run", F, "end"],
                                              "exc": []}},
     },
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="rerun_scope_outside", app="rerun_scope_outside.py",
     doc="st.rerun(scope='fragment') in the main script body",
     steps=[("click_rerun_outside", (CLICK, "Rerun outside"))],
     expect={
         "": {"initial": {"markers": FULL, "exc": []},
              "click_rerun_outside": {"markers": ["full-run", F, "calling-rerun-fragment"]}},
         PRE_FRAGMENT: {"click_rerun_outside": {"exc": [NO_SCOPE]}},
         ">=1.37": {"click_rerun_outside": {"exc": [SCOPE_OUTSIDE]}},
     },
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": {"rerun-scope-outside-fragment"}})

case(name="rerun_scope_full_run", app="rerun_scope_full_run.py",
     doc="st.rerun(scope='fragment') inside a fragment while it runs as part of a full run "
         "(guarded by session state, so only on the first run)",
     steps=[("click_frag", (CLICK, "Frag button"))],
     expect={
         "": {"initial": {"markers": ["full-run", F, "calling-rerun-fragment"]},
              "click_frag": {"markers": [F]}},
         PRE_FRAGMENT: {"initial": {"exc": [NO_SCOPE]},
                        # the fragment rerun does not clear the exception shown by the full run
                        "click_frag": {"exc": [NO_SCOPE]}},
         ">=1.37": {"initial": {"exc": [SCOPE_OUTSIDE]}, "click_frag": {"exc": []}},
     },
     # which run the call happens in is not visible statically: no rule is expected
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="parallel_fragment", app="parallel_fragment.py",
     doc="@st.fragment(parallel=True): 1.58+",
     count=["inside-parallel"],
     steps=[("click_frag", (CLICK, "Frag button")), ("click_outside", (CLICK, "Outside button"))],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT, "click_frag", "click_outside"),
         PRE_PARALLEL: broken(NO_PARALLEL, "click_frag", "click_outside"),
         # the parallel fragment runs in a thread: its marker may come before or after `end`
         ">=1.58": {"initial": {"has": FULL, "exc": [], "counts": {"inside-parallel": 1}},
                    "click_frag": {"markers": [F], "exc": [], "counts": {"inside-parallel": 1}},
                    "click_outside": {"has": FULL, "exc": [], "counts": {"inside-parallel": 1}}},
     },
     fraglint={PRE_FRAGMENT: {API}, PRE_PARALLEL: {API}, ">=1.58": set()})

case(name="parallel_outside_write", app="parallel_outside_write.py",
     doc="parallel fragment writing to a container created outside it",
     count=["pile-parallel"],
     steps=[("click_frag", (CLICK, "Frag button"))],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT, "click_frag"),
         PRE_PARALLEL: broken(NO_PARALLEL, "click_frag"),
         ">=1.58": {"initial": {"has": ["full-run", F, "end"], "lacks": ["fragment:frag:after-write"],
                                "exc": ["outside a parallel fragment"],
                                "counts": {"pile-parallel": 0}}},
         # 1.58: only the initial (parallel) run is refused; a fragment rerun writes outside fine
         ">=1.58,<1.59": {"click_frag": {"markers": [F, "fragment:frag:after-write"], "exc": [],
                                         "counts": {"pile-parallel": 1}}},
         # from 1.59 the rerun is refused too: the container got no write on the full run
         ">=1.59": {"click_frag": {"markers": [F], "exc": [OUTSIDE_NO_FULL_WRITE],
                                   "counts": {"pile-parallel": 0}}},
     },
     fraglint={PRE_FRAGMENT: {API, "outside-container-write"},
               PRE_PARALLEL: {API, "outside-container-write"},
               ">=1.58": {"parallel-fragment-outside-write"}})

case(name="parallel_sidebar", app="parallel_sidebar.py",
     doc="parallel fragment writing to st.sidebar",
     sidebar_count=["pile-sidebar"],
     steps=[("click_frag", (CLICK, "Frag button"))],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT, "click_frag"),
         PRE_PARALLEL: broken(NO_PARALLEL, "click_frag"),
         ">=1.58": {"initial": {"has": ["full-run", F, "end"], "lacks": ["fragment:frag:after-write"],
                                "sidebar_counts": {"pile-sidebar": 0}}},
         # 1.58: the (older) sidebar check fires first; from 1.59 the parallel check
         ">=1.58,<1.59": every_step(("initial", "click_frag"), exc=[SIDEBAR]),
         ">=1.59": {"initial": {"exc": ["outside a parallel fragment"]},
                    "click_frag": {"markers": [F], "exc": [OUTSIDE_NO_FULL_WRITE]}},
     },
     fraglint={PRE_FRAGMENT: {API, "fragment-sidebar-call"},
               PRE_PARALLEL: {API, "fragment-sidebar-call"},
               # 1.58 raises the sidebar error first, so fraglint names that one
               ">=1.58,<1.59": {"fragment-sidebar-call"},
               ">=1.59": {"parallel-fragment-outside-write"}})

case(name="parallel_bottom", app="parallel_bottom.py",
     doc="parallel fragment writing to st.bottom",
     count=["pile-bottom"],
     steps=[("click_frag", (CLICK, "Frag button"))],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT, "click_frag"),
         PRE_PARALLEL: broken(NO_PARALLEL, "click_frag"),
         ">=1.58": {"initial": {"has": ["full-run", F, "end"], "lacks": ["fragment:frag:after-write"],
                                "exc": ["outside a parallel fragment"], "counts": {"pile-bottom": 0}}},
         ">=1.58,<1.59": {"click_frag": {"markers": [F, "fragment:frag:after-write"], "exc": [],
                                         "counts": {"pile-bottom": 1}}},
         ">=1.59": {"click_frag": {"markers": [F], "exc": [OUTSIDE_NO_FULL_WRITE],
                                   "counts": {"pile-bottom": 0}}},
     },
     # before 1.58 the decorator itself fails; writes to st.bottom from an ordinary fragment
     # are not treated as outside-container writes by fraglint (not observed by the oracle)
     fraglint={PRE_FRAGMENT: {API}, PRE_PARALLEL: {API},
               ">=1.58": {"parallel-fragment-outside-write"}})

# a dialog or st.switch_page on a parallel fragment's worker thread (the full run that draws it)
PARALLEL_UNSAFE = "cannot be called from a parallel fragment during the initial page load"
PARALLEL_UNSAFE_TYPES = {">=1.58,<1.63": "StreamlitAPIException: ", ">=1.63": "StreamlitInvalidLayoutContextError: "}


def parallel_unsafe(api: str, *then: str) -> dict[str, dict[str, dict[str, Any]]]:
    """The initial step's exception, `api` named in it, typed per release (`then`: the ones
    shown after it)."""
    return {spec: {"initial": {"exc": [f"{kind}{api} {PARALLEL_UNSAFE}", *then]}}
            for spec, kind in PARALLEL_UNSAFE_TYPES.items()}


case(name="parallel_dialog", app="parallel_dialog.py",
     doc="a parallel fragment that always opens a dialog",
     count=["dialog-body"],
     steps=[("click_frag", (CLICK, "Frag button"))],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT, "click_frag"),
         PRE_PARALLEL: broken(NO_PARALLEL, "click_frag"),
         # the full run draws the fragment on a worker thread: the dialog raises there and the
         # rest of the fragment is not drawn (the fragment's markers may come after `end`) ...
         ">=1.58": {"initial": {"has": [*FULL, "calling-dialog"],
                                "lacks": ["dialog:dlg", "fragment:frag:after-dialog"],
                                "counts": {"dialog-body": 0}},
                    # ... while a fragment rerun is sequential: the same call opens the dialog
                    "click_frag": {"markers": [F, "calling-dialog", "dialog:dlg", "fragment:frag:after-dialog"],
                                   "exc": [], "counts": {"dialog-body": 1}}},
         **parallel_unsafe("@st.dialog"),
     },
     fraglint={PRE_FRAGMENT: {API}, PRE_PARALLEL: {API}, ">=1.58": {"parallel-fragment-unsafe-call"}})

case(name="parallel_dialog_gated", app="parallel_dialog_gated.py",
     doc="a parallel fragment that opens a dialog behind its button",
     count=["dialog-body"],
     steps=[("open_dialog", (CLICK, "Open dialog"))],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT, "open_dialog"),
         PRE_PARALLEL: broken(NO_PARALLEL, "open_dialog"),
         ">=1.58": {"initial": {"has": [*FULL, "fragment:frag:after-dialog"], "lacks": ["calling-dialog"],
                                "exc": [], "counts": {"dialog-body": 0}},
                    "open_dialog": {"markers": [F, "calling-dialog", "dialog:dlg", "fragment:frag:after-dialog"],
                                    "exc": [], "counts": {"dialog-body": 1}}},
     },
     fraglint={PRE_FRAGMENT: {API}, PRE_PARALLEL: {API}, ">=1.58": set()})

case(name="parallel_dialog_nested", app="parallel_dialog_nested.py",
     doc="a parallel fragment calling an ordinary fragment that always opens a dialog",
     count=["dialog-body"],
     steps=[("click_frag", (CLICK, "Frag button"))],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT, "click_frag"),
         PRE_PARALLEL: broken(NO_PARALLEL, "click_frag"),
         # the nested fragment runs on the parallel fragment's worker: the dialog raises there,
         # and the outer fragment shows it again as it unwinds
         ">=1.58": {"initial": {"has": [*FULL, "fragment:inner", "calling-dialog"],
                                "lacks": ["dialog:dlg", "fragment:inner:after-dialog", "fragment:frag:after-inner"],
                                "counts": {"dialog-body": 0}},
                    "click_frag": {"markers": [F, "fragment:inner", "calling-dialog", "dialog:dlg",
                                               "fragment:inner:after-dialog", "fragment:frag:after-inner"],
                                   "exc": [], "counts": {"dialog-body": 1}}},
         **parallel_unsafe("@st.dialog", "FragmentHandledException: `@st.dialog` " + PARALLEL_UNSAFE),
     },
     # before 1.37 a fragment called in a fragment is also a nested fragment (as in fragment_key_rerun)
     fraglint={PRE_FRAGMENT: {API, "nested-fragment"}, PRE_PARALLEL: {API},
               ">=1.58": {"parallel-fragment-unsafe-call"}})

case(name="parallel_switch_page", app="parallel_switch_page.py",
     doc="a parallel fragment that always calls st.switch_page (multipage app with pages/)",
     files=["pages/switch_target.py"],
     count=["target-page"],
     steps=[("click_frag", (CLICK, "Frag button"))],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT, "click_frag"),
         PRE_PARALLEL: broken(NO_PARALLEL, "click_frag"),
         ">=1.58": {"initial": {"has": [*FULL, "calling-switch-page"], "lacks": ["fragment:frag:after-switch"],
                                "counts": {"target-page": 0}},
                    # a fragment rerun switches: the whole target page runs
                    "click_frag": {"markers": [F, "calling-switch-page", "page:target", "page:target:end"],
                                   "exc": [], "counts": {"target-page": 1}}},
         **parallel_unsafe("st.switch_page"),
     },
     fraglint={PRE_FRAGMENT: {API}, PRE_PARALLEL: {API}, ">=1.58": {"parallel-fragment-unsafe-call"}})

case(name="fragment_key_rerun", app="fragment_key_rerun.py",
     doc="@st.fragment(key=...) and st.rerun('<key>') from a widget callback",
     steps=[("click_panel", (CLICK, "Panel button")),
            ("click_rerun_panel", (CLICK, "Rerun panel"))],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT, "click_panel", "click_rerun_panel"),
         PRE_KEY: broken(NO_KEY, "click_panel", "click_rerun_panel"),
         ">=1.63": {"initial": {"markers": ["full-run", "fragment:panel", "fragment:other", "end"],
                                "exc": []},
                    "click_panel": {"markers": ["fragment:panel"], "exc": []},
                    # the keyed rerun replaces the button's full rerun: only the named fragment
                    "click_rerun_panel": {"markers": ["callback", "fragment:panel"], "exc": []}},
     },
     fraglint={PRE_FRAGMENT: {API}, PRE_KEY: {API}, ">=1.63": set()})

case(name="fragment_key_reserved", app="fragment_key_reserved.py",
     doc="@st.fragment(key='app') (reserved)",
     steps=[],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT),
         PRE_KEY: broken(NO_KEY),
         ">=1.63": broken("StreamlitAPIException: app is a reserved name and cannot be used as a fragment key"),
     },
     fraglint={PRE_FRAGMENT: {API}, PRE_KEY: {API}, ">=1.63": {"fragment-key-reserved"}})

case(name="fragment_key_reserved_fragment", app="fragment_key_reserved_fragment.py",
     doc="@st.fragment(key='fragment') (reserved)",
     steps=[],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT),
         PRE_KEY: broken(NO_KEY),
         ">=1.63": broken("StreamlitAPIException: fragment is a reserved name and cannot be used as a fragment key"),
     },
     fraglint={PRE_FRAGMENT: {API}, PRE_KEY: {API}, ">=1.63": {"fragment-key-reserved"}})

case(name="fragment_key_duplicate", app="fragment_key_duplicate.py",
     doc="two fragment functions with one key",
     steps=[],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT),
         PRE_KEY: broken(NO_KEY),
         # raised when the second fragment is called, not at decoration
         ">=1.63": {"initial": {"markers": ["full-run", "fragment:first"], "exc": [
             "StreamlitDuplicateElementKey: There are multiple elements with the same key='dup'"]}},
     },
     fraglint={PRE_FRAGMENT: {API}, PRE_KEY: {API}, ">=1.63": {"duplicate-fragment-key"}})

case(name="rerun_key_outside_callback", app="rerun_key_outside_callback.py",
     doc="st.rerun('<key>') from the script body, not a callback",
     steps=[("click_rerun_panel", (CLICK, "Rerun panel"))],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT, "click_rerun_panel"),
         PRE_KEY: broken(NO_KEY, "click_rerun_panel"),
         ">=1.63": {"initial": {"markers": ["full-run", "fragment:panel", "end"], "exc": []},
                    "click_rerun_panel": {
                        "markers": ["full-run", "fragment:panel", "calling-rerun-key"],
                        "exc": ["StreamlitAPIException: Passing a fragment key to st.rerun() is only "
                                "allowed from a widget callback"]}},
     },
     fraglint={PRE_FRAGMENT: {API}, PRE_KEY: {API}, ">=1.63": {"rerun-key-outside-callback"}})

case(name="rerun_unknown_key", app="rerun_unknown_key.py",
     doc="st.rerun('<key>') from a callback with a key no fragment has",
     steps=[("click_rerun_missing", (CLICK, "Rerun missing"))],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT, "click_rerun_missing"),
         PRE_KEY: broken(NO_KEY, "click_rerun_missing"),
         ">=1.63": {"initial": {"markers": ["full-run", "fragment:panel", "end"], "exc": []},
                    # raised in the callback: the script itself does not run
                    "click_rerun_missing": {"markers": ["callback"], "exc": [
                        "StreamlitAPIException: No fragment found for target 'missing'"]}},
     },
     # no fraglint rule covers unknown keys (yet)
     fraglint={PRE_FRAGMENT: {API}, PRE_KEY: {API}, ">=1.63": set()})

case(name="rerun_in_callback", app="rerun_in_callback.py",
     doc="st.rerun() and st.rerun(scope='fragment') from widget callbacks, for a widget inside "
         "a fragment and one outside",
     steps=[("app_plain", (CLICK, "App plain rerun")), ("frag_plain", (CLICK, "Frag plain rerun")),
            ("frag_fragment", (CLICK, "Frag fragment rerun")),
            ("app_fragment", (CLICK, "App fragment rerun"))],
     expect={
         "": {"initial": {"markers": ["full-run", F, "end"], "exc": []},
              "app_plain": {"markers": ["callback", "full-run", F, "end"], "exc": []},
              "app_fragment": {"markers": ["callback"]}},
         # st.rerun() in a callback is a no-op (with a warning): the widget's own scope reruns
         "<1.63": {"app_plain": {"alert": CALLBACK_RERUN_NO_OP},
                   "frag_plain": {"markers": ["callback", F], "exc": [], "alert": CALLBACK_RERUN_NO_OP}},
         # from 1.63 it reruns the whole app, also for a widget inside a fragment; scope="fragment"
         # reruns the widget's fragment, and raises for a widget outside fragments
         ">=1.63": {"app_plain": {"no_alerts": True},
                    "frag_plain": {"markers": ["callback", "full-run", F, "end"], "exc": [], "no_alerts": True},
                    "frag_fragment": {"markers": ["callback", F], "exc": []},
                    "app_fragment": {"exc": ["StreamlitInvalidLayoutContextError: " + SCOPE_OUTSIDE]}},
         PRE_FRAGMENT: {"frag_fragment": {"markers": ["callback"], "exc": [NO_SCOPE]},
                        "app_fragment": {"exc": [NO_SCOPE]}},
         # scope="fragment" from the callback of a fragment's widget raises through 1.59 (the
         # callback does not know its fragment), is a no-op in 1.62, reruns the fragment from 1.63
         ">=1.37,<1.46": {"frag_fragment": {"markers": ["callback"], "exc": [
             "AssertionError: Could not find current_fragment_id in fragment_id_queue"]}},
         ">=1.46,<1.62": {"frag_fragment": {"markers": ["callback"], "exc": [
             "RuntimeError: Could not find current_fragment_id in fragment_id_queue"]}},
         ">=1.62,<1.63": {"frag_fragment": {"markers": ["callback", F], "exc": [],
                                            "alert": CALLBACK_RERUN_NO_OP}},
         # from the callback of a widget outside fragments it raises like in the script body
         ">=1.37,<1.63": {"app_fragment": {"exc": ["StreamlitAPIException: " + SCOPE_OUTSIDE]}},
     },
     # the app widget's callback raises from 1.37 on: one finding for the shared callback
     fraglint={PRE_FRAGMENT: {API, "rerun-in-callback-no-op"},
               ">=1.37,<1.63": {"rerun-fragment-scope-in-callback", "rerun-in-callback-no-op"},
               ">=1.63": {"rerun-fragment-scope-in-callback"}})

case(name="rerun_key_in_callback", app="rerun_key_in_callback.py",
     doc="st.rerun('<key>') from the callback of a widget in another fragment, unconditionally "
         "and inside an if",
     steps=[("other_reruns_panel", (CLICK, "Other reruns panel")),
            ("maybe_keyed", (CLICK, "Other maybe reruns panel")),
            ("stop_keying", (CLICK, "Other stops keying")),
            ("maybe_not_keyed", (CLICK, "Other maybe reruns panel"))],
     expect={
         PRE_FRAGMENT: broken(NO_FRAGMENT, "other_reruns_panel", "maybe_keyed", "stop_keying",
                              "maybe_not_keyed"),
         PRE_KEY: broken(NO_KEY, "other_reruns_panel", "maybe_keyed", "stop_keying", "maybe_not_keyed"),
         # the keyed rerun replaces the widget's own fragment rerun: `other` does not run; when
         # the callback returns without calling st.rerun, `other` reruns as usual
         ">=1.63": {"initial": {"markers": ["full-run", "fragment:panel", "fragment:other", "end"], "exc": []},
                    "other_reruns_panel": {"markers": ["callback", "fragment:panel"], "exc": []},
                    "maybe_keyed": {"markers": ["callback", "fragment:panel"], "exc": []},
                    "stop_keying": {"markers": ["fragment:other"], "exc": []},
                    "maybe_not_keyed": {"markers": ["callback", "fragment:other"], "exc": []}},
     },
     fraglint={PRE_FRAGMENT: {API}, PRE_KEY: {API}, ">=1.63": set()})

# ---------------------------------------------------------------- st.stop
_STOP_FULL = ["full-run", F, "fragment:frag:after-stop", "after-fragment", "end"]
case(name="stop_in_fragment", app="stop_in_fragment.py",
     doc="st.stop() inside an if in a fragment: armed and disarmed by fragment widgets, "
         "on fragment reruns and on a full run",
     count=["frag-tail", "app-tail"],
     steps=[("arm", (CLICK, "Arm stop")), ("full_armed", (CLICK, "Outside button")),
            ("disarm", (CLICK, "Disarm stop")), ("full_disarmed", (CLICK, "Outside button"))],
     expect={"": {
         "initial": {"markers": _STOP_FULL, "exc": [], "counts": {"frag-tail": 1, "app-tail": 1}},
         # a fragment rerun ends at st.stop(); the rest of the page keeps what it showed
         "arm": {"markers": [F, "fragment:frag:stopping"], "exc": [], "counts": {"frag-tail": 0, "app-tail": 1}},
         # in a full run, st.stop() in the fragment ends the whole run: nothing after the call runs
         "full_armed": {"markers": ["full-run", F, "fragment:frag:stopping"], "exc": [],
                        "counts": {"frag-tail": 0, "app-tail": 0}},
         # a fragment rerun does not bring back what the stopped full run left out
         "disarm": {"markers": [F, "fragment:frag:after-stop"], "exc": [], "counts": {"frag-tail": 1, "app-tail": 0}},
         "full_disarmed": {"markers": _STOP_FULL, "exc": [], "counts": {"frag-tail": 1, "app-tail": 1}},
     }},
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="stop_always_in_fragment", app="stop_always_in_fragment.py",
     doc="an unconditional st.stop() in a fragment, on a fragment rerun and on a full run",
     count=["app-tail"],
     widget_count=["Unreachable button"],
     steps=[("click_frag", (CLICK, "Frag button")), ("click_outside", (CLICK, "Outside button"))],
     expect={"": {
         "initial": {"markers": ["full-run", F], "exc": [], "counts": {"app-tail": 0},
                     "widget_counts": {"Unreachable button": 0}},
         "click_frag": {"markers": [F], "exc": [], "counts": {"app-tail": 0},
                        "widget_counts": {"Unreachable button": 0}},
         "click_outside": {"markers": ["full-run", F], "exc": [], "counts": {"app-tail": 0},
                           "widget_counts": {"Unreachable button": 0}},
     }},
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

# ---------------------------------------------------------------- sidebar / outside widgets
_SB_STEPS = ("initial", "click_frag_1", "click_frag_2")
case(name="sidebar_write_in_fragment", app="sidebar_write_in_fragment.py",
     doc="st.sidebar.write inside a fragment",
     sidebar_count=["pile-sidebar"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button"))],
     expect={
         "<1.59": {"initial": {"markers": ["full-run", F]}, "click_frag_1": {"markers": [F]},
                   "click_frag_2": {"markers": [F]}},
         "<1.37": every_step(_SB_STEPS, exc=[SIDEBAR_EXP], sidebar_counts={"pile-sidebar": 0}),
         ">=1.37,<1.59": every_step(_SB_STEPS, exc=[SIDEBAR], sidebar_counts={"pile-sidebar": 0}),
         ">=1.59": merge(every_step(_SB_STEPS, exc=[], sidebar_counts={"pile-sidebar": 1}), {
             "initial": {"markers": ["full-run", F, "fragment:frag:after-sidebar", "end"]},
             "click_frag_1": {"markers": [F, "fragment:frag:after-sidebar"]},
             "click_frag_2": {"markers": [F, "fragment:frag:after-sidebar"]}}),
     },
     fraglint={PRE_FRAGMENT: {API, "fragment-sidebar-call"},
               ">=1.37,<1.59": {"fragment-sidebar-call"}, ">=1.59": set()})

case(name="sidebar_with_in_fragment", app="sidebar_with_in_fragment.py",
     doc="with st.sidebar: inside a fragment",
     sidebar_count=["pile-sidebar"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button"))],
     expect=None,  # same as sidebar_write_in_fragment, filled below
     fraglint={PRE_FRAGMENT: {API, "fragment-sidebar-call"},
               ">=1.37,<1.59": {"fragment-sidebar-call"}, ">=1.59": set()})
CASES[-1].expect = CASES[-2].expect

case(name="fragment_in_sidebar", app="fragment_in_sidebar.py",
     doc="a fragment called inside with st.sidebar:",
     sidebar_count=["in-sidebar"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button"))],
     expect={"": {"initial": {"markers": FULL, "exc": [], "sidebar_counts": {"in-sidebar": 1}},
                  "click_frag_1": {"markers": [F], "exc": [], "sidebar_counts": {"in-sidebar": 1}},
                  "click_frag_2": {"markers": [F], "exc": [], "sidebar_counts": {"in-sidebar": 1}}}},
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="widget_outside", app="widget_outside.py",
     doc="a widget written from a fragment into a container created outside it",
     widget_count=["Outside checkbox"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button")),
            ("check_outside", ("check", "Outside checkbox"))],
     expect={
         # 1.33-1.35: no check yet; the widget piles up like any outside element, and clicking
         # one of the copies reruns the fragment
         "<1.36": {"initial": {"markers": [*FULL[:2], "fragment:frag:after-widget", "end"], "exc": [],
                               "widget_counts": {"Outside checkbox": 1}},
                   "click_frag_1": {"markers": [F, "fragment:frag:after-widget"], "exc": [],
                                    "widget_counts": {"Outside checkbox": 2}},
                   "click_frag_2": {"markers": [F, "fragment:frag:after-widget"], "exc": [],
                                    "widget_counts": {"Outside checkbox": 3}},
                   "check_outside": {"markers": [F, "fragment:frag:after-widget"], "exc": [],
                                     "widget_counts": {"Outside checkbox": 4}}},
         ">=1.36,<1.59": {"initial": {"markers": ["full-run", F], "widget_counts": {"Outside checkbox": 0}},
                          "click_frag_1": {"markers": [F]}, "click_frag_2": {"markers": [F]},
                          "check_outside": {"markers": []}},
         ">=1.36,<1.39": every_step(("initial", "click_frag_1", "click_frag_2"), exc=[
             "StreamlitAPIException: Fragments cannot write to elements outside of their container."]),
         ">=1.39,<1.59": every_step(("initial", "click_frag_1", "click_frag_2"), exc=[
             "StreamlitFragmentWidgetsNotAllowedOutsideError: Fragments cannot write widgets to outside containers."]),
         # from 1.59: redrawn in place, and the outside widget belongs to the fragment
         ">=1.59": {"initial": {"markers": [*FULL[:2], "fragment:frag:after-widget", "end"], "exc": [],
                                "widget_counts": {"Outside checkbox": 1}},
                    **every_step(("click_frag_1", "click_frag_2", "check_outside"),
                                 markers=[F, "fragment:frag:after-widget"], exc=[],
                                 widget_counts={"Outside checkbox": 1})},
     },
     # 1.33-1.35 the widget piles up silently: that is outside-container-write's behaviour
     fraglint={"<1.36": {API, "outside-container-write"},
               ">=1.36,<1.37": {API, "fragment-widget-outside"},
               ">=1.37,<1.59": {"fragment-widget-outside"}, ">=1.59": set()})

# ---------------------------------------------------------------- pile-up
_PILE = ["pile-container", "pile-columns", "pile-argument"]


def _piles(n: int) -> dict[str, int]:
    return {**{k: n for k in _PILE}, "pile-empty": 1, "pile-body": 1}


case(name="outside_writes", app="outside_writes.py",
     doc="non-widget writes from a fragment into module-level container, columns, "
         "a container argument, and st.empty; two fragment reruns then a full rerun",
     count=["pile-container", "pile-columns", "pile-argument", "pile-empty", "pile-body"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button")),
            ("click_full", (CLICK, "Full rerun"))],
     expect={
         "": {"initial": {"markers": FULL, "exc": [], "counts": _piles(1)},
              "click_frag_1": {"markers": [F], "exc": []}, "click_frag_2": {"markers": [F], "exc": []},
              "click_full": {"markers": FULL, "exc": [], "counts": _piles(1)}},
         "<1.59": {"click_frag_1": {"counts": _piles(2)}, "click_frag_2": {"counts": _piles(3)}},
         ">=1.59": {"click_frag_1": {"counts": _piles(1)}, "click_frag_2": {"counts": _piles(1)}},
     },
     fraglint={PRE_FRAGMENT: {API, "outside-container-write"},
               ">=1.37,<1.59": {"outside-container-write"}, ">=1.59": set()})

case(name="outside_empty", app="outside_empty.py",
     doc="writes only into an st.empty() placeholder",
     count=["pile-empty"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button"))],
     expect={"": {"initial": {"markers": FULL, "exc": [], "counts": {"pile-empty": 1}},
                  "click_frag_1": {"markers": [F], "exc": [], "counts": {"pile-empty": 1}},
                  "click_frag_2": {"markers": [F], "exc": [], "counts": {"pile-empty": 1}}}},
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="outside_first_write_in_rerun", app="outside_first_write_in_rerun.py",
     doc="outside container first written during a fragment rerun (no write on the full run)",
     count=["pile-late"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button"))],
     expect={
         "": {"initial": {"markers": FULL, "exc": [], "counts": {"pile-late": 0}},
              "click_frag_1": {"markers": [F]}, "click_frag_2": {"markers": [F]}},
         "<1.59": {"click_frag_1": {"exc": [], "counts": {"pile-late": 1}},
                   "click_frag_2": {"exc": [], "counts": {"pile-late": 2}}},
         ">=1.59": every_step(("click_frag_1", "click_frag_2"), counts={"pile-late": 0},
                              exc=[OUTSIDE_NO_FULL_WRITE]),
     },
     # pile-up before 1.59; from 1.59 the runtime raises
     fraglint={PRE_FRAGMENT: {API, "outside-container-write"},
               ">=1.37,<1.59": {"outside-container-write"}, ">=1.59": {RERUN_ONLY}})

case(name="outside_first_write_app_written", app="outside_first_write_app_written.py",
     doc="outside container that the app writes on every full run, and the fragment only "
         "under its button (so only during its reruns)",
     count=["pile-late", "app-write"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button")),
            ("click_full", (CLICK, "Full rerun"))],
     expect={
         "": {"initial": {"markers": FULL, "exc": [], "counts": {"pile-late": 0, "app-write": 1}},
              "click_frag_1": {"markers": [F]}, "click_frag_2": {"markers": [F]},
              "click_full": {"markers": FULL, "exc": [], "counts": {"pile-late": 0, "app-write": 1}}},
         "<1.59": {"click_frag_1": {"exc": [], "counts": {"pile-late": 1, "app-write": 1}},
                   "click_frag_2": {"exc": [], "counts": {"pile-late": 2, "app-write": 1}}},
         # the app's own write reserves nothing for the fragment: the slot is per fragment
         ">=1.59": every_step(("click_frag_1", "click_frag_2"), exc=[OUTSIDE_NO_FULL_WRITE],
                              counts={"pile-late": 0, "app-write": 1}),
     },
     fraglint={PRE_FRAGMENT: {API, "outside-container-write"},
               ">=1.37,<1.59": {"outside-container-write"}, ">=1.59": {RERUN_ONLY}})

case(name="outside_first_write_variants", app="outside_first_write_variants.py",
     doc="first writes during a fragment rerun into an outside container through `with`, into "
         "an outside st.empty() and into st.sidebar; and a slot claimed on every run with "
         "`claimed.empty()`",
     count=["late-claimed", "late-with", "late-empty"],
     sidebar_count=["late-sidebar"],
     steps=[("click_claim", (CLICK, "Claim button")), ("click_with", (CLICK, "With button")),
            ("click_empty", (CLICK, "Empty button")), ("click_sidebar", (CLICK, "Sidebar button"))],
     expect={
         "": {"initial": {"markers": ["full-run", "fragment:claim", "fragment:with_block",
                                      "fragment:placeholder", "fragment:sidebar", "end"], "exc": [],
                          "counts": {"late-claimed": 0, "late-with": 0, "late-empty": 0},
                          "sidebar_counts": {"late-sidebar": 0}},
              "click_claim": {"markers": ["fragment:claim"], "exc": [],
                              "counts": {"late-claimed": 1, "late-with": 0, "late-empty": 0}},
              "click_with": {"markers": ["fragment:with_block"]},
              "click_empty": {"markers": ["fragment:placeholder"]},
              "click_sidebar": {"markers": ["fragment:sidebar"]}},
         "<1.59": {"click_with": {"exc": [], "counts": {"late-claimed": 1, "late-with": 1, "late-empty": 0}},
                   "click_empty": {"exc": [], "counts": {"late-claimed": 1, "late-with": 1, "late-empty": 1}},
                   "click_sidebar": {"exc": [SIDEBAR], "sidebar_counts": {"late-sidebar": 0}}},
         # served with st.experimental_fragment: the sidebar error names that decorator
         "<1.37": {"click_sidebar": {"exc": [SIDEBAR_EXP], "sidebar_counts": {"late-sidebar": 0}}},
         # a claimed slot takes the write; every other first write in a rerun raises, and each
         # fragment keeps showing its own exception
         ">=1.59": {"click_with": {"exc": [OUTSIDE_NO_FULL_WRITE],
                                   "counts": {"late-claimed": 1, "late-with": 0, "late-empty": 0}},
                    "click_empty": {"exc": [OUTSIDE_NO_FULL_WRITE] * 2,
                                    "counts": {"late-claimed": 1, "late-with": 0, "late-empty": 0}},
                    "click_sidebar": {"exc": [OUTSIDE_NO_FULL_WRITE] * 3,
                                      "sidebar_counts": {"late-sidebar": 0}}},
     },
     fraglint={PRE_FRAGMENT: {API, "outside-container-write", "fragment-sidebar-call"},
               ">=1.37,<1.59": {"outside-container-write", "fragment-sidebar-call"},
               ">=1.59": {RERUN_ONLY}})

# ---------------------------------------------------------------- nesting, caching, return
_NEST = ["fragment:outer", "fragment:inner", "fragment:outer:after-inner"]
case(name="nested_fragments", app="nested_fragments.py",
     doc="outer fragment calling an inner fragment, with elements after the inner call",
     count=["outer-after"],
     steps=[("click_inner", (CLICK, "Inner button")), ("click_outer", (CLICK, "Outer button")),
            ("click_outer_after", (CLICK, "Outer after button"))],
     expect={
         "": {"initial": {"markers": ["full-run"] + _NEST + ["end"], "exc": [],
                          "counts": {"outer-after": 1}},
              "click_inner": {"markers": ["fragment:inner"], "exc": [], "counts": {"outer-after": 1}},
              "click_outer": {"markers": _NEST, "exc": [], "counts": {"outer-after": 1}},
              "click_outer_after": {"exc": [], "counts": {"outer-after": 1}}},
         # before 1.37 a widget drawn after the inner fragment returned is not tagged with the
         # outer fragment: clicking it reruns the whole app
         "<1.37": {"click_outer_after": {"markers": ["full-run"] + _NEST + ["end"]}},
         ">=1.37": {"click_outer_after": {"markers": _NEST}},
     },
     fraglint={PRE_FRAGMENT: {API, "nested-fragment"}, ">=1.37": set()})

case(name="cache_over_fragment", app="cache_over_fragment.py",
     doc="@st.cache_data above @st.fragment",
     count=["cached-body"],
     steps=[("click_frag", (CLICK, "Frag button")), ("click_full", (CLICK, "Full rerun"))],
     expect={
         # 1.33: a widget in a cached function breaks the cache's replay (bare AttributeError)
         "<1.34": {"initial": {"markers": ["full-run", F], "exc": [
             "CachedStFunctionWarning: Your script uses st.button()", "AttributeError"]}},
         # the fragment rerun calls the fragment directly (body runs, no cache); the full rerun
         # hits the cache: the body does not run, its elements are replayed
         ">=1.34": {"initial": {"markers": FULL, "exc": [CACHED_WIDGET], "counts": {"cached-body": 1}},
                    "click_frag": {"markers": [F], "exc": [], "counts": {"cached-body": 1}},
                    "click_full": {"markers": ["full-run", "end"], "exc": [CACHED_WIDGET],
                                   "counts": {"cached-body": 1}}},
     },
     fraglint={PRE_FRAGMENT: {API, "cached-fragment"}, ">=1.37": {"cached-fragment"}})

case(name="fragment_over_cache", app="fragment_over_cache.py",
     doc="@st.fragment above @st.cache_data",
     count=["cached-body"],
     steps=[("click_frag", (CLICK, "Frag button")), ("click_full", (CLICK, "Full rerun"))],
     expect={
         "<1.34": {"initial": {"markers": ["full-run", F], "exc": [
             "CachedStFunctionWarning: Your script uses st.button()", "AttributeError"]}},
         # the fragment rerun hits the cache: the body never runs again
         ">=1.34": {"initial": {"markers": FULL, "exc": [CACHED_WIDGET], "counts": {"cached-body": 1}},
                    "click_frag": {"markers": [], "exc": [CACHED_WIDGET], "counts": {"cached-body": 1}},
                    "click_full": {"markers": ["full-run", "end"], "exc": [CACHED_WIDGET],
                                   "counts": {"cached-body": 1}}},
     },
     fraglint={PRE_FRAGMENT: {API, "cached-fragment"}, ">=1.37": {"cached-fragment"}})

case(name="cache_over_fragment_timer", app="cache_over_fragment_timer.py", settle_timeout=3.0,
     doc="@st.cache_data above @st.fragment(run_every=1), no widget in the body",
     count=["cached-body"],
     steps=[("wait_2_5s", ("wait", 2.5)), ("click_full", (CLICK, "Full rerun")),
            ("wait_2_5s_after_full", ("wait", 2.5))],
     expect={"": {
         "initial": {"has": FULL, "exc": [], "counts": {"cached-body": 1}},
         # ticks run the body (the timer calls the fragment, not the cache) ...
         "wait_2_5s": {"ticks": {F: 2}, "lacks": ["full-run"], "exc": [], "counts": {"cached-body": 1}},
         # ... the full rerun is a cache hit: body skipped, elements replayed ...
         "click_full": {"from_full": ["full-run", "end"], "exc": [], "counts": {"cached-body": 1}},
         # ... and the timer is gone: nothing reruns any more
         "wait_2_5s_after_full": {"markers": [], "exc": [], "counts": {"cached-body": 1}}},
         # through 1.37 a tick already requested when the full rerun (cache hit, fragment not
         # registered) happens may raise "RuntimeError: Could not find fragment with id ...";
         # from 1.45 such a tick is skipped (streamlit issue 9080). It is a race: optional.
         "<1.45": every_step(("click_full", "wait_2_5s_after_full"),
                             exc_optional=["RuntimeError: Could not find fragment with id"])},
     fraglint={PRE_FRAGMENT: {API, "cached-fragment"}, ">=1.37": {"cached-fragment"}})

case(name="fragment_over_cache_timer", app="fragment_over_cache_timer.py", settle_timeout=3.0,
     doc="@st.fragment(run_every=1) above @st.cache_data, no widget in the body",
     count=["cached-body"],
     steps=[("wait_2_5s", ("wait", 2.5)), ("click_full", (CLICK, "Full rerun")),
            ("wait_2_5s_after_full", ("wait", 2.5))],
     # every rerun, timer or full, is a cache hit: the body runs once, on the first run only
     expect={"": {
         "initial": {"markers": FULL, "exc": [], "counts": {"cached-body": 1}},
         "wait_2_5s": {"markers": [], "exc": [], "counts": {"cached-body": 1}},
         "click_full": {"from_full": ["full-run", "end"], "exc": [], "counts": {"cached-body": 1}},
         "wait_2_5s_after_full": {"markers": [], "exc": [], "counts": {"cached-body": 1}}}},
     fraglint={PRE_FRAGMENT: {API, "cached-fragment"}, ">=1.37": {"cached-fragment"}})

case(name="fragment_return", app="fragment_return.py",
     doc="fragment return value on full runs vs fragment reruns",
     steps=[("click_frag", (CLICK, "Frag button")), ("click_full", (CLICK, "Full rerun"))],
     expect={"": {"initial": {"markers": ["full-run", F, "returned:0", "end"], "exc": []},
                  # a fragment rerun runs only the body: the caller never sees the value
                  "click_frag": {"markers": [F], "exc": []},
                  "click_full": {"markers": ["full-run", F, "returned:1", "end"], "exc": []}}},
     fraglint={PRE_FRAGMENT: {API, "fragment-return-value"}, ">=1.37": {"fragment-return-value"}})

# ---------------------------------------------------------------- run_every
_TICKS = ["fragment:int", "fragment:float", "fragment:str", "fragment:timedelta"]
case(name="run_every_valid", app="run_every_valid.py", settle_timeout=3.0,
     doc="run_every as int 1, float 1.0, '1s', timedelta(seconds=1)",
     steps=[("wait_3s", ("wait", 3.0))],
     expect={"": {"initial": {"has": ["full-run"] + _TICKS + ["end"], "exc": []},
                  "wait_3s": {"ticks": {t: 2 for t in _TICKS}, "lacks": ["full-run"], "exc": []}}},
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="run_every_bad_string", app="run_every_bad_string.py", settle_timeout=3.0,
     doc="run_every='every second'",
     steps=[("wait_2s", ("wait", 2.0))],
     expect={
         # raised when the fragment is called (after decoration), on every release
         "": {"initial": {"markers": ["full-run", "decorated"],
                          "exc": ["BadTimeStringError: Time string doesn't look right"]},
              "wait_2s": {"markers": []}},
         ">=1.39": {"initial": {"exc": ["StreamlitBadTimeStringError: Time string doesn't look right"]}},
     },
     fraglint={PRE_FRAGMENT: {API, "invalid-run-every"}, ">=1.37": {"invalid-run-every"}})

case(name="run_every_negative", app="run_every_negative.py", settle_timeout=3.0,
     doc="run_every=-1",
     steps=[("wait_2s", ("wait", 2.0))],
     expect={
         # accepted silently; the fragment then reruns in a tight loop (dozens per second on an
         # idle machine, 9 in 2 s at the least on a loaded one; a 1 s timer ticks twice)
         "": {"initial": {"has": ["full-run", "decorated", "fragment:tick", "end"], "exc": []},
              "wait_2s": {"ticks": {"fragment:tick": 6}, "lacks": ["full-run"], "exc": []}},
     },
     fraglint={PRE_FRAGMENT: {API, "invalid-run-every"}, ">=1.37": {"invalid-run-every"}})

# ---------------------------------------------------------------- misc
case(name="duplicate_widget", app="duplicate_widget.py",
     doc="fragment with a keyless button called twice per run",
     steps=[],
     expect={"": {"initial": {"markers": ["full-run", F, F], "exc": ["There are multiple"]}},
             "<1.39": {"initial": {"exc": ["DuplicateWidgetID: There are multiple identical st.button widgets"]}},
             ">=1.39": {"initial": {"exc": ["StreamlitDuplicateElementId: There are multiple button elements"]}}},
     fraglint={PRE_FRAGMENT: {API, "fragment-duplicate-widget"},
               ">=1.37": {"fragment-duplicate-widget"}})

case(name="uncalled_fragment", app="uncalled_fragment.py",
     doc="a fragment defined and never called",
     steps=[("click_outside", (CLICK, "Outside button"))],
     expect={"": {"initial": {"markers": ["full-run", "end"], "exc": []},
                  "click_outside": {"markers": ["full-run", "end"], "exc": []}}},
     fraglint={PRE_FRAGMENT: {API, "uncalled-fragment"}, ">=1.37": {"uncalled-fragment"}})

_GUIDE_FULL = ["full-run", "fragment:toggle_and_text", "between", "fragment:filter_and_file", "end"]
case(name="guide_scopes", app="guide_scopes.py",
     doc="the guide's toggle_and_text / filter_and_file example",
     steps=[("toggle", ("check", "Toggle")), ("filter", ("check", "Filter")),
            ("update", (CLICK, "Update"))],
     expect={"": {"initial": {"markers": _GUIDE_FULL, "exc": []},
                  "toggle": {"markers": ["fragment:toggle_and_text"], "exc": []},
                  "filter": {"markers": ["fragment:filter_and_file"], "exc": []},
                  "update": {"markers": _GUIDE_FULL, "exc": []}}},
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="guide_run_every", app="guide_run_every.py", settle_timeout=3.0,
     doc="a run_every=1 fragment beside a plain fragment and an outside button",
     steps=[("wait_2_5s", ("wait", 2.5)), ("other_box", ("check", "Other box")),
            ("update", (CLICK, "Update"))],
     expect={"": {"initial": {"has": ["full-run", "fragment:auto_function", "fragment:other", "end"],
                              "exc": []},
                  "wait_2_5s": {"ticks": {"fragment:auto_function": 2},
                                "lacks": ["full-run", "fragment:other"], "exc": []},
                  "other_box": {"has": ["fragment:other"], "lacks": ["full-run"], "exc": []},
                  "update": {"has": ["full-run", "fragment:auto_function", "fragment:other", "end"],
                             "exc": []}}},
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

# ---------------------------------------------------------------- dialogs (issue 11)
# adapted dialog cases run with st.experimental_dialog before 1.37, which 1.33 lacks
NO_DIALOG = "AttributeError: module 'streamlit' has no attribute 'dialog'"
NO_EXP_DIALOG = "AttributeError: module 'streamlit' has no attribute 'experimental_dialog'"
DIALOG_NESTED = "Dialogs may not be nested inside other dialogs."
PRE_DIALOG = "<1.34"
DIALOG_OPEN = ["full-run", "dialog:dlg", "end"]
OPEN = ("open_dialog", (CLICK, "Open dialog"))
_DIALOG_WORKS = {"initial": {"markers": ["full-run", "end"], "exc": [], "counts": {"dialog-body": 0}},
                 "open_dialog": {"markers": DIALOG_OPEN, "exc": [], "counts": {"dialog-body": 1}},
                 # a dialog is a fragment: its widget reruns the dialog body only
                 "click_dialog": {"markers": ["dialog:dlg"], "exc": [], "counts": {"dialog-body": 1}}}

case(name="dialog_api", app="dialog_api.py",
     doc="@st.dialog: opened by a button, a widget inside it clicked",
     count=["dialog-body"],
     steps=[OPEN, ("click_dialog", (CLICK, "Dialog button"))],
     expect={"<1.37": broken(NO_DIALOG, "open_dialog", "click_dialog"), ">=1.37": _DIALOG_WORKS},
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="dialog_return", app="dialog_return.py",
     doc="the value a dialog's function returns, read by the caller that opens it",
     count=["dialog-body"],
     steps=[OPEN],
     expect={PRE_DIALOG: broken(NO_EXP_DIALOG, "open_dialog"),
             # the dialog's call returns None: Streamlit drops what the function returns
             ">=1.34": {"initial": {"markers": ["full-run", "end"], "exc": []},
                        "open_dialog": {"markers": ["full-run", "dialog:dlg", "returned:None", "end"],
                                        "exc": [], "counts": {"dialog-body": 1}}}},
     fraglint={PRE_FRAGMENT: {API, "fragment-return-value"}, ">=1.37": {"fragment-return-value"}})

case(name="rerun_in_dialog_callback", app="rerun_in_dialog_callback.py",
     doc="st.rerun() in the callback of a button inside a dialog (meant to close it)",
     count=["dialog-body"],
     steps=[OPEN, ("click_close", (CLICK, "Close"))],
     expect={PRE_DIALOG: broken(NO_EXP_DIALOG, "open_dialog", "click_close"),
             ">=1.34": {"initial": {"markers": ["full-run", "end"], "exc": []},
                        "open_dialog": {"markers": DIALOG_OPEN, "exc": [], "counts": {"dialog-body": 1}}},
             # a no-op with the warning: the dialog's body reruns and the dialog stays open
             ">=1.34,<1.63": {"click_close": {"markers": ["callback", "dialog:dlg"], "exc": [],
                                              "alert": CALLBACK_RERUN_NO_OP, "counts": {"dialog-body": 1}}},
             # from 1.63 the whole app reruns, which does not open the dialog again
             ">=1.63": {"click_close": {"markers": ["callback", "full-run", "end"], "exc": [],
                                        "no_alerts": True}}},
     fraglint={PRE_FRAGMENT: {API, "rerun-in-callback-no-op"}, ">=1.37,<1.63": {"rerun-in-callback-no-op"},
               ">=1.63": set()})

case(name="experimental_dialog_api", app="experimental_dialog_api.py",
     doc="@st.experimental_dialog: opened by a button, a widget inside it clicked",
     count=["dialog-body"],
     steps=[OPEN, ("click_dialog", (CLICK, "Dialog button"))],
     expect={
         PRE_DIALOG: broken(NO_EXP_DIALOG, "open_dialog", "click_dialog"),
         ">=1.34,<1.49": _DIALOG_WORKS,
         ">=1.34,<1.37": every_step(("initial", "open_dialog", "click_dialog"), no_alerts=True),
         # the warning shows once the decorated function is called (1.37: from decoration)
         ">=1.37,<1.49": every_step(("open_dialog", "click_dialog"),
                                    alert="Please replace st.experimental_dialog with st.dialog"),
         ">=1.37,<1.38": {"initial": {"alert": "Please replace st.experimental_dialog with st.dialog"}},
         ">=1.49": broken(NO_EXP_DIALOG, "open_dialog", "click_dialog"),
     },
     fraglint={PRE_DIALOG: {API}, ">=1.34,<1.37": set(), ">=1.37": {"experimental-fragment"}})

case(name="dialog_sidebar", app="dialog_sidebar.py",
     doc="st.sidebar.write inside a dialog body",
     sidebar_count=["pile-sidebar"],
     steps=[OPEN, ("click_dialog", (CLICK, "Dialog button"))],
     expect={
         PRE_DIALOG: broken(NO_EXP_DIALOG, "open_dialog", "click_dialog"),
         ">=1.34": {"initial": {"markers": ["full-run", "end"], "exc": [], "sidebar_counts": {"pile-sidebar": 0}}},
         # a dialog is a fragment: st.sidebar raises in its body as in a fragment's
         ">=1.34,<1.59": {"open_dialog": {"markers": ["full-run", "dialog:dlg"], "sidebar_counts": {"pile-sidebar": 0}},
                          "click_dialog": {"markers": ["dialog:dlg"], "sidebar_counts": {"pile-sidebar": 0}}},
         # served with st.experimental_dialog: the error names st.experimental_fragment
         ">=1.34,<1.37": {"open_dialog": {"exc": [SIDEBAR_EXP]}, "click_dialog": {"exc": [SIDEBAR_EXP] * 2}},
         ">=1.37,<1.59": every_step(("open_dialog", "click_dialog"), exc=[SIDEBAR]),
         ">=1.59": {"open_dialog": {"markers": ["full-run", "dialog:dlg", "dialog:dlg:after-sidebar", "end"],
                                    "exc": [], "sidebar_counts": {"pile-sidebar": 1}},
                    "click_dialog": {"markers": ["dialog:dlg", "dialog:dlg:after-sidebar"], "exc": [],
                                     "sidebar_counts": {"pile-sidebar": 1}}},
     },
     # fraglint reads the original file, whose `st.dialog` raises at the decorator before 1.37: it
     # reports that alone, not what the dialog body (which never runs there) would do.
     fraglint={PRE_FRAGMENT: {API},
               ">=1.37,<1.59": {"fragment-sidebar-call"}, ">=1.59": set()})

_WO_OLD = "StreamlitAPIException: Fragments cannot write to elements outside of their container."
_WO_NEW = "StreamlitFragmentWidgetsNotAllowedOutsideError: Fragments cannot write widgets to outside containers."
case(name="dialog_widget_outside", app="dialog_widget_outside.py",
     doc="a widget written from a dialog into a container created outside it",
     widget_count=["Outside checkbox"],
     steps=[OPEN, ("click_dialog", (CLICK, "Dialog button"))],
     expect={
         PRE_DIALOG: broken(NO_EXP_DIALOG, "open_dialog", "click_dialog"),
         ">=1.34": {"initial": {"markers": ["full-run", "end"], "exc": [],
                                "widget_counts": {"Outside checkbox": 0}}},
         # before the widget check (1.36) the widget piles up as from a fragment
         ">=1.34,<1.36": {"open_dialog": {"markers": ["full-run", "dialog:dlg", "dialog:dlg:after-widget", "end"],
                                          "exc": [], "widget_counts": {"Outside checkbox": 1}},
                          "click_dialog": {"markers": ["dialog:dlg", "dialog:dlg:after-widget"], "exc": [],
                                           "widget_counts": {"Outside checkbox": 2}}},
         ">=1.36,<1.59": {"open_dialog": {"markers": ["full-run", "dialog:dlg"],
                                          "widget_counts": {"Outside checkbox": 0}},
                          "click_dialog": {"markers": ["dialog:dlg"], "widget_counts": {"Outside checkbox": 0}}},
         # 1.36 keeps the first run's exception on the page beside the rerun's
         ">=1.36,<1.37": {"open_dialog": {"exc": [_WO_OLD]}, "click_dialog": {"exc": [_WO_OLD] * 2}},
         ">=1.37,<1.39": every_step(("open_dialog", "click_dialog"), exc=[_WO_OLD]),
         ">=1.39,<1.59": every_step(("open_dialog", "click_dialog"), exc=[_WO_NEW]),
         ">=1.59": {"open_dialog": {"markers": ["full-run", "dialog:dlg", "dialog:dlg:after-widget", "end"],
                                    "exc": [], "widget_counts": {"Outside checkbox": 1}},
                    "click_dialog": {"markers": ["dialog:dlg", "dialog:dlg:after-widget"], "exc": [],
                                     "widget_counts": {"Outside checkbox": 1}}},
     },
     # fraglint reads the original file, whose `st.dialog` raises at the decorator before 1.37: it
     # reports that alone, not what the dialog body (which never runs there) would do.
     fraglint={PRE_FRAGMENT: {API},
               ">=1.37,<1.59": {"fragment-widget-outside"}, ">=1.59": set()})

case(name="dialog_rerun_scope", app="dialog_rerun_scope.py",
     doc='st.rerun(scope="fragment") inside a dialog',
     count=["dialog-body"],
     steps=[OPEN, ("click_dialog_rerun", (CLICK, "Dialog rerun"))],
     expect={
         PRE_DIALOG: broken(NO_EXP_DIALOG, "open_dialog", "click_dialog_rerun"),
         ">=1.34": {k: v for k, v in _DIALOG_WORKS.items() if k != "click_dialog"},
         ">=1.34,<1.37": {"click_dialog_rerun": {"markers": ["dialog:dlg", "calling-rerun-fragment"],
                                                 "exc": [NO_SCOPE], "counts": {"dialog-body": 0}}},
         # the dialog is the fragment that reruns: no exception
         ">=1.37": {"click_dialog_rerun": {"markers": ["dialog:dlg", "calling-rerun-fragment", "dialog:dlg"],
                                           "exc": [], "counts": {"dialog-body": 1}}},
     },
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="dialog_from_fragment", app="dialog_from_fragment.py",
     doc="a dialog opened from a fragment's button; then the dialog's own widget",
     count=["dialog-body"],
     steps=[OPEN, ("click_dialog", (CLICK, "Dialog button"))],
     expect={
         PRE_DIALOG: broken(NO_EXP_DIALOG, "open_dialog", "click_dialog"),
         ">=1.34": {"initial": {"markers": ["full-run", F, "fragment:frag:after-dialog", "end"], "exc": [],
                                "counts": {"dialog-body": 0}},
                    "open_dialog": {"markers": [F, "dialog:dlg", "fragment:frag:after-dialog"], "exc": [],
                                    "counts": {"dialog-body": 1}}},
         # a nested fragment before 1.37: the dialog's widget reruns the outer fragment, whose
         # button is no longer pressed, so the dialog's body vanishes
         ">=1.34,<1.37": {"click_dialog": {"markers": [F, "fragment:frag:after-dialog"], "exc": [],
                                           "counts": {"dialog-body": 0}}},
         ">=1.37": {"click_dialog": {"markers": ["dialog:dlg"], "exc": [], "counts": {"dialog-body": 1}}},
     },
     # fraglint reads the original file, whose `st.dialog` raises at the decorator before 1.37: it
     # reports that alone, not what the dialog body (which never runs there) would do.
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="dialog_in_dialog", app="dialog_in_dialog.py",
     doc="a dialog opened from a button inside another dialog",
     count=["inner-body"],
     steps=[("open_outer", (CLICK, "Open outer")), ("open_inner", (CLICK, "Open inner"))],
     expect={
         PRE_DIALOG: broken(NO_EXP_DIALOG, "open_outer", "open_inner"),
         ">=1.34": {"initial": {"markers": ["full-run", "end"], "exc": [], "counts": {"inner-body": 0}},
                    "open_outer": {"markers": ["full-run", "dialog:outer", "dialog:outer:after-inner", "end"],
                                   "exc": [], "counts": {"inner-body": 0}},
                    "open_inner": {"markers": ["dialog:outer", "calling-inner"], "counts": {"inner-body": 0}}},
         ">=1.34,<1.63": {"open_inner": {"exc": ["StreamlitAPIException: " + DIALOG_NESTED]}},
         ">=1.63": {"open_inner": {"exc": ["StreamlitInvalidLayoutContextError: " + DIALOG_NESTED]}},
     },
     # fraglint reads the original file, whose `st.dialog` raises at the decorator before 1.37: it
     # reports that alone, not what the dialog body (which never runs there) would do.
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": {"nested-dialog"}})

# ---------------------------------------------------------------- widget keys and state across fragments
case(name="widget_key_two_fragments", app="widget_key_two_fragments.py",
     doc="two fragments drawing a widget with one key in the same run",
     widget_count=["First box", "Second box"],
     steps=[("check_first", ("check", "First box")), ("click_full", (CLICK, "Full rerun"))],
     expect={
         # the second fragment's widget raises on every full run; a rerun of the first fragment
         # alone does not clear the exception the full run left
         "": {"initial": {"markers": ["full-run", "fragment:first", "fragment:second"]},
              "check_first": {"markers": ["fragment:first"]},
              "click_full": {"markers": ["full-run", "fragment:first", "fragment:second"]},
              **every_step(("initial", "check_first", "click_full"),
                           widget_counts={"First box": 1, "Second box": 0})},
         "<1.39": every_step(("initial", "check_first", "click_full"),
                             exc=["DuplicateWidgetID: There are multiple widgets with the same key='shared'"]),
         ">=1.39": every_step(("initial", "check_first", "click_full"),
                              exc=["StreamlitDuplicateElementKey: There are multiple elements with the same key='shared'"]),
     },
     fraglint={PRE_FRAGMENT: {API, "widget-key-in-two-fragments"}, ">=1.37": {"widget-key-in-two-fragments"}})

_OWNER_FALSE = ["full-run", "fragment:owner", "owner:box=False", "fragment:writer", "writer:box=False", "end"]
case(name="foreign_widget_state_write", app="foreign_widget_state_write.py",
     doc="a fragment's widget callback, then its body, writing the session-state key of a "
         "widget another fragment draws; each followed by a full rerun",
     steps=[("write_callback", (CLICK, "Write in callback")), ("full_1", (CLICK, "Full rerun")),
            ("write_body", (CLICK, "Write in body")), ("full_2", (CLICK, "Full rerun"))],
     expect={"": {
         "initial": {"markers": _OWNER_FALSE, "exc": []},
         # the write lands (the writer reads it back) but the owner is not redrawn ...
         "write_callback": {"markers": ["callback", "fragment:writer", "writer:box=True"], "exc": []},
         # ... and the next full run discards it: the owner's widget keeps its own value
         "full_1": {"markers": _OWNER_FALSE, "exc": []},
         "write_body": {"markers": ["fragment:writer", "body-write", "writer:box=True"], "exc": []},
         "full_2": {"markers": _OWNER_FALSE, "exc": []}}},
     fraglint={PRE_FRAGMENT: {API, "foreign-widget-state-write"}, ">=1.37": {"foreign-widget-state-write"}})

# ---------------------------------------------------------------- rerun scope, timers, stop, pages
case(name="rerun_scope_invalid", app="rerun_scope_invalid.py",
     doc='st.rerun(scope="fragmnet") (a misspelt scope) inside a fragment',
     steps=[("click_bad_rerun", (CLICK, "Bad scope rerun"))],
     expect={
         "": {"initial": {"markers": [*FULL[:2], "fragment:frag:after-rerun", "end"], "exc": []}},
         PRE_FRAGMENT: {"click_bad_rerun": {"markers": [F, "calling-rerun-bad"], "exc": [NO_SCOPE]}},
         # accepted silently: the call returns, the body goes on, then the fragment reruns
         ">=1.37,<1.41": {"click_bad_rerun": {"markers": [F, "calling-rerun-bad", "fragment:frag:after-rerun",
                                                          F, "fragment:frag:after-rerun"], "exc": []}},
         ">=1.41,<1.62": {"click_bad_rerun": {"markers": [F, "calling-rerun-bad"], "exc": [
             "StreamlitAPIException: 'fragmnet'is not a valid rerun scope. Valid scopes are 'app' and 'fragment'."]}},
         ">=1.62,<1.63": {"click_bad_rerun": {"markers": [F, "calling-rerun-bad"], "exc": [
             "StreamlitValueError: Invalid scope value. Supported values: 'app', 'fragment'."]}},
         # from 1.63 a scope other than "app"/"fragment" is a fragment key
         ">=1.63": {"click_bad_rerun": {"markers": [F, "calling-rerun-bad"], "exc": [
             "StreamlitAPIException: Passing a fragment key to st.rerun() is only allowed from a widget callback"]}},
     },
     fraglint={PRE_FRAGMENT: {API}, ">=1.37,<1.63": {API}, ">=1.63": {"rerun-key-outside-callback"}})

case(name="orphaned_timer", app="orphaned_timer.py", settle_timeout=3.0,
     doc="an inner run_every=1 fragment that its outer fragment stops calling",
     count=["inner-tick"],
     steps=[("wait_2_5s", ("wait", 2.5)), ("stop_inner", (CLICK, "Stop inner")),
            ("wait_3s_after_stop", ("wait", 3.0))],
     expect={
         "": {"initial": {"has": ["full-run", "fragment:outer", "fragment:inner", "end"], "exc": []},
              "wait_2_5s": {"ticks": {"fragment:inner": 2}, "lacks": ["full-run"], "exc": []},
              # a tick may come just before the outer rerun
              "stop_inner": {"has": ["fragment:outer"], "lacks": ["full-run"], "exc": []}},
         # the outer rerun no longer calls it, yet the inner timer keeps running it
         # (right after the outer rerun the inner text may be gone until the next tick redraws it)
         "<1.58": {"wait_3s_after_stop": {"ticks": {"fragment:inner": 2}, "lacks": ["full-run"], "exc": [],
                                          "counts": {"inner-tick": 1}}},
         ">=1.58": {"stop_inner": {"counts": {"inner-tick": 0}},
                    "wait_3s_after_stop": {"markers": [], "exc": [], "counts": {"inner-tick": 0}}},
     },
     fraglint={PRE_FRAGMENT: {API, "nested-fragment"}, ">=1.37": set()})

case(name="stop_in_callback", app="stop_in_callback.py",
     doc="st.stop() in the callback of a widget inside a fragment, then of one outside fragments",
     count=["frag-body", "app-body"],
     steps=[("frag_stop", (CLICK, "Frag stop")), ("outside", (CLICK, "Outside button")),
            ("app_stop", (CLICK, "App stop"))],
     expect={"": {
         "initial": {"markers": FULL, "exc": [], "counts": {"frag-body": 1, "app-body": 1}},
         # the interaction's rerun is cancelled: nothing of the script runs; the page the rerun
         # would have redrawn is cleared for a widget outside fragments ...
         "frag_stop": {"markers": ["callback"], "exc": [], "counts": {"frag-body": 1, "app-body": 1}},
         "outside": {"markers": FULL, "exc": [], "counts": {"frag-body": 1, "app-body": 1}},
         "app_stop": {"markers": ["callback"], "exc": [], "counts": {"frag-body": 0, "app-body": 0}}},
         # ... and, through 1.37, the fragment's elements for a widget inside a fragment
         "<1.38": {"frag_stop": {"counts": {"frag-body": 0, "app-body": 1}}}},
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="switch_page_fragment", app="switch_page_fragment.py",
     doc="st.switch_page() from a fragment's button (multipage app with pages/)",
     files=["pages/switch_target.py"],
     count=["target-page"],
     steps=[("click_switch", (CLICK, "Switch page"))],
     expect={"": {
         "initial": {"markers": [*FULL[:2], "fragment:frag:after-switch", "end"], "exc": [],
                     "counts": {"target-page": 0}},
         # the fragment rerun stops at the call and the whole target page runs
         "click_switch": {"markers": [F, "calling-switch-page", "page:target", "page:target:end"], "exc": [],
                          "counts": {"target-page": 1}}}},
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="switch_page_callback", app="switch_page_callback.py",
     doc="st.switch_page() in the on_click callback of a button outside fragments (multipage app with pages/)",
     files=["pages/switch_target.py"],
     count=["target-page", "app-body"],
     steps=[("click_go", (CLICK, "Go"))],
     expect={
         "": {"initial": {"markers": ["full-run", "end"], "exc": [], "counts": {"target-page": 0, "app-body": 1}},
              # the callback ends at the call, the page does not switch and the app reruns (a no-op) ...
              "click_go": {"markers": ["callback", "full-run", "end"], "exc": [],
                           "counts": {"target-page": 0, "app-body": 1}}},
         "<1.63": {"click_go": {"alert": CALLBACK_RERUN_NO_OP}},
         # ... from 1.63 the whole target page runs instead
         ">=1.63": {"click_go": {"markers": ["callback", "page:target", "page:target:end"],
                                 "counts": {"target-page": 1, "app-body": 0}}}},
     fraglint={"": set()})

case(name="switch_page_callback_fragment", app="switch_page_callback_fragment.py",
     doc="st.switch_page() in the on_click callback of a button inside a fragment (multipage app with pages/)",
     files=["pages/switch_target.py"],
     count=["target-page", "frag-body", "app-body"],
     steps=[("click_go", (CLICK, "Go"))],
     expect={
         "": {"initial": {"markers": FULL, "exc": [], "counts": {"target-page": 0, "frag-body": 1, "app-body": 1}},
              # the callback ends at the call, the page does not switch and the fragment reruns ...
              "click_go": {"markers": ["callback", F], "exc": [],
                           "counts": {"target-page": 0, "frag-body": 1, "app-body": 1}}},
         # ... from 1.63 the whole target page runs instead, not the fragment
         ">=1.63": {"click_go": {"markers": ["callback", "page:target", "page:target:end"],
                                 "counts": {"target-page": 1, "frag-body": 0, "app-body": 0}}}},
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

_ARGS = {"initial": {"markers": ["full-run", "fragment:frag:n=0", "end"], "exc": []},
         "bump": {"markers": ["full-run", "fragment:frag:n=1", "end"], "exc": []},
         "bump_2": {"markers": ["full-run", "fragment:frag:n=2", "end"], "exc": []}}
case(name="fragment_first_run_args", app="fragment_first_run_args.py",
     doc="a fragment rerun after a full run that called it with a new argument",
     steps=[("bump", (CLICK, "Bump")), ("click_frag", (CLICK, "Frag button")),
            ("bump_2", (CLICK, "Bump")), ("click_frag_2", (CLICK, "Frag button"))],
     expect={
         # a fragment rerun uses the arguments of the last full run ...
         "": merge(_ARGS, {"click_frag": {"markers": ["fragment:frag:n=1"], "exc": []},
                           "click_frag_2": {"markers": ["fragment:frag:n=2"], "exc": []}}),
         # ... except on 1.37.x, where it keeps those of the first full run
         ">=1.37,<1.38": every_step(("click_frag", "click_frag_2"), markers=["fragment:frag:n=0"]),
     },
     fraglint={PRE_FRAGMENT: {API}, ">=1.37": set()})

case(name="async_fragment", app="async_fragment.py", settle_timeout=3.0,
     doc="@st.fragment(run_every=1.0) on an `async def`, awaited by asyncio.run(frag()) in the full run; "
         "a sync timer fragment beside it shows the timers tick",
     count=["async-body"],
     steps=[("wait_2_5s", ("wait", 2.5)), ("click_async", (CLICK, "Async button"))],
     expect={"": {
         # the decorator returns the coroutine unawaited; asyncio.run runs the body afterwards
         # (a pulse tick may follow `end`, so the markers are checked as a set)
         "initial": {"has": ["full-run", "returned:coroutine", "fragment:frag", "end"], "exc": [],
                     "counts": {"async-body": 1}},
         # the timer reruns get a coroutine nobody awaits: the body never runs again
         "wait_2_5s": {"ticks": {"fragment:pulse": 2}, "lacks": ["fragment:frag", "full-run"], "exc": []},
         # the body's widget is not the fragment's: its click reruns the whole script
         "click_async": {"has": ["full-run", "returned:coroutine", "fragment:frag", "end"], "exc": [],
                         "counts": {"async-body": 1}}}},
     fraglint={PRE_FRAGMENT: {API, "async-fragment"}, ">=1.37": {"async-fragment"}})
