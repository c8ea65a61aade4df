"""The oracle's cases: which app, how to drive it, what each release is expected to do,
and which fraglint rules each release range should report for the app's source.

Steps are ``(name, action)`` with action ``("click", label)``, ``("check", label)`` or
``("wait", seconds)``. The harness always records an ``initial`` step first.

Expectations (``expect``) map a version specifier ("<1.37", ">=1.59", "" = all) to a dict
``{step_name: {...}}`` where a step may pin:
  markers : list of marker lines, in order (click steps) -- or, for ``wait`` steps,
            ``ticks`` : {marker: minimum count} and ``only`` : allowed set of markers
  exc     : list of substrings, one per exception shown in the page, in order ([] = none)
  counts  : {text: number of markdown elements with exactly that text}
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
     steps=[("click_frag", (CLICK, "Frag button")), ("click_outside", (CLICK, "Outside button"))])

case(name="fragment_api", app="fragment_api.py",
     doc="@st.fragment: AttributeError before 1.37",
     steps=[("click_frag", (CLICK, "Frag button")), ("click_outside", (CLICK, "Outside button"))])

case(name="rerun_scope_in_fragment", app="rerun_scope_in_fragment.py",
     doc="st.rerun(scope='fragment') from a fragment during a fragment rerun; st.rerun() from one",
     steps=[("click_frag_rerun", (CLICK, "Frag rerun")),
            ("click_frag_full_rerun", (CLICK, "Frag full rerun"))])

case(name="rerun_scope_outside", app="rerun_scope_outside.py",
     doc="st.rerun(scope='fragment') in the main script body",
     steps=[("click_rerun_outside", (CLICK, "Rerun outside"))])

case(name="rerun_scope_full_run", app="rerun_scope_full_run.py",
     doc="st.rerun(scope='fragment') inside a fragment while it runs as part of a full run",
     steps=[("click_frag", (CLICK, "Frag button"))])

case(name="parallel_fragment", app="parallel_fragment.py",
     doc="@st.fragment(parallel=True): 1.58+",
     count=["inside-parallel"],
     steps=[("click_frag", (CLICK, "Frag button")), ("click_outside", (CLICK, "Outside button"))])

case(name="parallel_outside_write", app="parallel_outside_write.py",
     doc="parallel fragment writing to a container created outside it",
     count=["pile-parallel"],
     steps=[("click_frag", (CLICK, "Frag button"))])

case(name="parallel_sidebar", app="parallel_sidebar.py",
     doc="parallel fragment writing to st.sidebar",
     sidebar_count=["pile-sidebar"],
     steps=[("click_frag", (CLICK, "Frag button"))])

case(name="parallel_bottom", app="parallel_bottom.py",
     doc="parallel fragment writing to st.bottom",
     count=["pile-bottom"],
     steps=[("click_frag", (CLICK, "Frag button"))])

case(name="fragment_key_rerun", app="fragment_key_rerun.py",
     doc="@st.fragment(key=...) and st.rerun('<key>') from a widget callback",
     steps=[("click_panel", (CLICK, "Panel button")),
            ("click_rerun_panel", (CLICK, "Rerun panel"))])

case(name="fragment_key_reserved", app="fragment_key_reserved.py",
     doc="@st.fragment(key='app') (reserved)",
     steps=[])

case(name="fragment_key_duplicate", app="fragment_key_duplicate.py",
     doc="two fragment functions with one key",
     steps=[])

case(name="rerun_key_outside_callback", app="rerun_key_outside_callback.py",
     doc="st.rerun('<key>') from the script body, not a callback",
     steps=[("click_rerun_panel", (CLICK, "Rerun panel"))])

case(name="rerun_unknown_key", app="rerun_unknown_key.py",
     doc="st.rerun('<key>') from a callback with a key no fragment has",
     steps=[("click_rerun_missing", (CLICK, "Rerun missing"))])

# ---------------------------------------------------------------- sidebar / outside widgets
case(name="sidebar_write_in_fragment", app="sidebar_write_in_fragment.py",
     doc="st.sidebar.write inside a fragment",
     sidebar_count=["pile-sidebar"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button"))])

case(name="sidebar_with_in_fragment", app="sidebar_with_in_fragment.py",
     doc="with st.sidebar: inside a fragment",
     sidebar_count=["pile-sidebar"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button"))])

case(name="fragment_in_sidebar", app="fragment_in_sidebar.py",
     doc="a fragment called inside with st.sidebar:",
     sidebar_count=["in-sidebar"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button"))])

case(name="widget_outside", app="widget_outside.py",
     doc="a widget written from a fragment into a container created outside it",
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button"))])

# ---------------------------------------------------------------- pile-up
case(name="outside_writes", app="outside_writes.py",
     doc="non-widget writes from a fragment into module-level container, columns, "
         "a container argument, and st.empty; two fragment reruns then a full rerun",
     count=["pile-container", "pile-columns", "pile-argument", "pile-empty", "pile-body"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button")),
            ("click_full", (CLICK, "Full rerun"))])

case(name="outside_empty", app="outside_empty.py",
     doc="writes only into an st.empty() placeholder",
     count=["pile-empty"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button"))])

case(name="outside_first_write_in_rerun", app="outside_first_write_in_rerun.py",
     doc="outside container first written during a fragment rerun (no write on the full run)",
     count=["pile-late"],
     steps=[("click_frag_1", (CLICK, "Frag button")), ("click_frag_2", (CLICK, "Frag button"))])

# ---------------------------------------------------------------- nesting, caching, return
case(name="nested_fragments", app="nested_fragments.py",
     doc="outer fragment calling an inner fragment, with elements after the inner call",
     count=["outer-after"],
     steps=[("click_inner", (CLICK, "Inner button")), ("click_outer", (CLICK, "Outer button")),
            ("click_outer_after", (CLICK, "Outer after button"))])

case(name="cache_over_fragment", app="cache_over_fragment.py",
     doc="@st.cache_data above @st.fragment",
     count=["cached-body"],
     steps=[("click_frag", (CLICK, "Frag button")), ("click_full", (CLICK, "Full rerun"))])

case(name="fragment_over_cache", app="fragment_over_cache.py",
     doc="@st.fragment above @st.cache_data",
     count=["cached-body"],
     steps=[("click_frag", (CLICK, "Frag button")), ("click_full", (CLICK, "Full rerun"))])

case(name="fragment_return", app="fragment_return.py",
     doc="fragment return value on full runs vs fragment reruns",
     steps=[("click_frag", (CLICK, "Frag button")), ("click_full", (CLICK, "Full rerun"))])

# ---------------------------------------------------------------- run_every
case(name="run_every_valid", app="run_every_valid.py", settle_timeout=3.0,
     doc="run_every as int 1, float 1.0, '1s', timedelta(seconds=1)",
     steps=[("wait_3s", ("wait", 3.0))])

case(name="run_every_bad_string", app="run_every_bad_string.py", settle_timeout=3.0,
     doc="run_every='every second'",
     steps=[("wait_2s", ("wait", 2.0))])

case(name="run_every_negative", app="run_every_negative.py", settle_timeout=3.0,
     doc="run_every=-1",
     steps=[("wait_2s", ("wait", 2.0))])

# ---------------------------------------------------------------- misc
case(name="duplicate_widget", app="duplicate_widget.py",
     doc="fragment with a keyless button called twice per run",
     steps=[])

case(name="uncalled_fragment", app="uncalled_fragment.py",
     doc="a fragment defined and never called",
     steps=[("click_outside", (CLICK, "Outside button"))])

case(name="guide_scopes", app="guide_scopes.py",
     doc="the guide's toggle_and_text / filter_and_file example",
     steps=[("toggle", ("check", "Toggle")), ("filter", ("check", "Filter")),
            ("update", (CLICK, "Update"))])

case(name="guide_run_every", app="guide_run_every.py", settle_timeout=3.0,
     doc="a run_every=1 fragment beside a plain fragment and an outside button",
     steps=[("wait_2_5s", ("wait", 2.5)), ("other_box", ("check", "Other box")),
            ("update", (CLICK, "Update"))])
