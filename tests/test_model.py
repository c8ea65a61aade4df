"""The fragment model's queries, one concern at a time: small apps in, typed facts out.

Each test writes a few lines of Streamlit code, builds the real model over them (the engine's
`build_project`: summaries, index, model) and asks one question. Lines are 1-based, of the
snippet as written (dedented, leading newline dropped).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from helpers import run_cli, write_project

from fraglint.config import Settings
from fraglint.engine import build_project
from fraglint.index.facts import span_of
from fraglint.index.summary import literal_key
from fraglint.model import run_every
from fraglint.model.fragments import Site
from fraglint.model.session_state import WriteKind
from fraglint.model.streamlit_api import CALLBACK_KEYWORDS, RerunScope


class App:
    """A project of snippets and its fragment model."""

    def __init__(self, root, files: dict[str, str]) -> None:
        write_project(root, files)
        self.root = str(root)
        self.project = build_project([self.root], Settings(root=self.root, cache=False), jobs=1)
        self.model = self.project.model

    def path(self, name: str = "app.py") -> str:
        return f"{self.root}/{name}"

    def key(self, qualname: str, name: str = "app.py") -> tuple[str, str]:
        return (self.path(name), qualname)

    def line(self, site: Site) -> int:
        return span_of(self.project.sources.facts(site.path, {}), site.site).line

    def fragment(self, qualname: str, name: str = "app.py"):
        return self.model.fragments[self.key(qualname, name)]


def app(tmp_path, code: str, **more: str) -> App:
    return App(tmp_path, {"app.py": code, **more})


# -- fragments and dialogs ------------------------------------------------------------------


def test_fragments_by_decorator_alias_and_wrapping_dialogs_apart(tmp_path):
    found = app(tmp_path, """
        import streamlit as st
        from streamlit import experimental_fragment

        every_5s = st.fragment(run_every=5)

        @st.fragment(key="main", parallel=True)
        def plain(): ...

        @every_5s
        def ticking(): ...

        @experimental_fragment
        def old(): ...

        def wrapped(): ...

        shown = st.fragment(wrapped)

        @st.dialog("Edit")
        def edit(): ...

        def helper(): ...
    """)
    fragments = found.model.fragments
    assert {key[1] for key in fragments} == {"plain", "ticking", "old", "wrapped"}
    assert set(found.model.discovery.dialogs) == {found.key("edit")}
    plain, ticking, old, wrapped = (found.fragment(n) for n in ("plain", "ticking", "old", "wrapped"))
    assert (plain.api, plain.key, plain.parallel) == ("fragment", "main", True)
    assert ticking.kwarg("run_every").literal == 5 and not ticking.parallel and ticking.key is None
    assert old.api == "experimental_fragment"
    assert wrapped.wrapped_by_call and found.line(wrapped.site) == 17


def test_fragment_key_reads_an_int_as_its_string(tmp_path):
    found = app(tmp_path, """
        import streamlit as st

        @st.fragment(key=7)
        def seven(): ...

        @st.fragment(key=seven)
        def unknown(): ...
    """)
    assert found.fragment("seven").key == "7"
    assert found.fragment("unknown").key is None


def test_cache_decorators_on_a_fragment(tmp_path):
    found = app(tmp_path, """
        import streamlit as st

        @st.cache_data(ttl=60)
        @st.fragment
        def prices(): ...
    """)
    [(site, cache_api)] = found.model.discovery.cache_decorators(found.fragment("prices"))
    assert (found.line(site), cache_api) == (3, "cache_data")


# -- call graph -----------------------------------------------------------------------------


def test_edges_reach_and_app_reach_stop_at_fragment_calls(tmp_path):
    found = app(tmp_path, """
        import streamlit as st

        def row():
            st.write("row")

        def table():
            row()

        @st.fragment
        def inner():
            row()

        @st.fragment
        def outer():
            table()
            inner()

        def page():
            outer()

        page()
    """)
    graph, key = found.model.graph, found.key
    edges = graph.edges[key("outer")]
    assert [(e.callee, e.fragment and e.fragment.name) for e in edges] == [(key("table"), None), (None, "inner")]
    reach = graph.reach(key("outer"))
    assert set(reach) == {key("outer"), key("table"), key("row")}
    assert [step.caller for step in reach[key("row")]] == [key("outer"), key("table")]
    assert key("page") in graph.app_reach and key("outer") not in graph.app_reach
    assert [f.name for f in graph.fragment_reach[key("row")]] == ["inner", "outer"]  # in definition order
    [(nested, chain)] = graph.nested_calls(found.fragment("outer"))
    assert (nested.fragment.name, nested.caller, chain) == ("inner", key("outer"), ())
    assert graph.called_fragments == {key("outer"), key("inner")}


def test_fragment_calls_of_one_module_compute_only_its_edges(tmp_path):
    found = app(tmp_path, """
        import streamlit as st
        from panel import show

        @st.fragment
        def clock():
            return 1

        now = clock()
        show()
    """, **{"panel.py": """
        import streamlit as st

        def show():
            st.write("a")

        def other():
            show()
    """})
    graph, key = found.model.graph, found.key
    calls = found.model.fragment_calls_in({found.path()})
    assert [(c.caller, c.fragment.name) for c in calls] == [(key("<module>"), "clock")]
    assert graph.computed_edges == 2  # app.py's module code and `clock`: none of panel.py's
    assert [c.caller for c in graph.fragment_calls] == [key("<module>")]
    assert graph.computed_edges == 5


def test_repeated_fragment_calls(tmp_path):
    found = app(tmp_path, """
        import streamlit as st

        @st.fragment
        def card(title):
            st.button("Refresh")

        @st.fragment
        def once():
            st.button("Once")

        card("a")
        card("b")
        for name in ["c"]:
            once()
        if name:
            card("d")
    """)
    repeated = found.model.graph.repeated_calls()
    assert {key[1]: [found.line(c.site()) for c in calls] for key, calls in repeated.items()} == {
        "card": [11, 12],
        "once": [14],
    }
    [(call, widget)] = found.model.containers.literal_keyless_widgets(found.key("card"))
    assert widget == "button" and found.line(Site(found.path(), call.site)) == 5


# -- containers -----------------------------------------------------------------------------


def test_containers_of_writes(tmp_path):
    found = app(tmp_path, """
        import streamlit as st

        box = st.container()
        slot = st.empty()

        def show(target):
            target.write("through a helper")

        @st.fragment
        def panel():
            box.write("outside")
            slot.write("placeholder")
            st.sidebar.button("side")
            with box:
                st.caption("routed by with")
            st.write("own body")
            inner = st.container()
            inner.write("inside")
            show(box)

        panel()
    """)
    writes = {found.line(w.site()): w for w in found.model.containers.writes(found.fragment("panel"))}
    described = {line: (w.element, w.container and w.container.api, w.outside) for line, w in writes.items()}
    assert described[11] == ("write", "container", True)
    assert described[12] == ("write", "empty", True)
    assert described[13] == ("button", "sidebar", True)
    assert described[15] == ("caption", "container", True) and found.line(writes[15].via_with) == 14
    assert described[16] == ("write", None, False)
    assert described[18] == ("write", "container", False)
    assert described[7] == ("write", "container", True)  # `show(box)`: the parameter traced to its argument
    assert writes[11].container.how == "module-level `st.container()`"
    uses = found.model.containers.container_uses(found.fragment("panel"))
    assert (14, None) in {(found.line(u.site), u.element) for u in uses}


# -- session state --------------------------------------------------------------------------


def test_session_state_keys_writers_and_defaults(tmp_path):
    found = app(tmp_path, """
        import streamlit as st

        st.session_state.setdefault("days", 7)
        st.session_state.setdefault("shown")

        @st.fragment
        def controls():
            st.slider("Days", 1, 30, key="days")
            st.session_state["region"] = "EU"

        a = st.session_state.days
        b = st.session_state["region"]
        c = st.session_state.get("other")
        d = st.session_state.keys()
        controls()
    """)
    state, path = found.model.state, found.path()
    assert [state.state_key(path, "<module>", ref) for ref in (
        ("st", "session_state", "days"),
        ("st", "session_state", "['region']"),
        ("st", "session_state", "keys", "()"),
    )] == ["days", "region", None]
    writers = state.writers
    assert [(w.function[1], found.line(w.site), w.how) for w in writers["days"]] == [("controls", 8, WriteKind.WIDGET)]
    assert [(w.function[1], w.how) for w in writers["region"]] == [("controls", WriteKind.ASSIGNMENT)]
    assert [d.literal if d else None for d in state.defaults["days"]] == [7]
    assert state.defaults["shown"] == [None]
    assert state.fragments_alone_writing("days", found.key("<module>"), {}) == {"controls"}


def test_literal_subscript_keys():
    assert literal_key("['k']") == "k"
    assert literal_key('["a b"]') == "a b"
    assert literal_key("[]") is None
    assert literal_key("[0]") is None
    assert literal_key("k") is None


# -- callbacks ------------------------------------------------------------------------------


def test_callback_keywords_cover_buttons_value_widgets_chat_and_selections():
    assert CALLBACK_KEYWORDS == ("on_click", "on_change", "on_submit", "on_select")


def test_callbacks_and_the_reruns_they_reach(tmp_path):
    found = app(tmp_path, """
        import streamlit as st

        def refresh():
            st.rerun()

        def picked():
            refresh()

        @st.fragment
        def table():
            st.button("Reload", on_click=refresh)
            st.dataframe([1], on_select=picked, key="t")

        table()
        st.chat_input("Ask", on_submit=lambda: st.rerun())
        st.dataframe([2], on_select="rerun")
    """)
    callbacks, key = found.model.callbacks, found.key

    def short(function) -> str:
        return "lambda" if "<lambda" in function[1] else function[1]

    assert {short(f) for f in callbacks.functions} == {"refresh", "picked", "lambda"}
    assert callbacks.owners[key("picked")] == [key("table")]
    reached = callbacks.reruns_reached(found.model.reruns.all)
    summary = sorted((short(u.callback), found.line(u.widget), u.fragment, short(u.function)) for u in reached)
    assert summary == [
        ("lambda", 15, None, "lambda"),
        ("picked", 12, "table", "refresh"),
        ("refresh", 11, "table", "refresh"),
    ]


# -- st.rerun ---------------------------------------------------------------------------------


RERUNS = """
    import streamlit as st

    def f(name):
        st.rerun()
        st.rerun(scope="app")
        st.rerun("fragment")
        st.rerun(scope="fragment")
        st.rerun("charts")
        st.rerun(scope=5)
        st.rerun(1.5)
        st.rerun(name)
        st.rerun(None)
"""


def test_rerun_scope_is_read_once_into_a_typed_request(tmp_path):
    found = app(tmp_path, RERUNS)
    requests = [(r.request.scope, r.request.key, r.request.keyword, r.request.positional) for r in found.model.reruns.all]
    assert requests == [
        (RerunScope.APP, None, False, False),
        (RerunScope.APP, None, True, False),
        (RerunScope.FRAGMENT, None, False, True),
        (RerunScope.FRAGMENT, None, True, False),
        (RerunScope.KEY, "charts", False, True),
        (RerunScope.KEY, "5", True, False),  # Streamlit reads an int key as its string
        (RerunScope.UNKNOWN, None, False, True),  # a float: Streamlit rejects it
        (RerunScope.UNKNOWN, None, False, True),
        (RerunScope.UNKNOWN, None, False, True),
    ]
    written = [r.request.written() for r in found.model.reruns.all[:4]]
    assert written == ["st.rerun()", 'st.rerun(scope="app")', 'st.rerun("fragment")', 'st.rerun(scope="fragment")']


def test_fragment_scoped_reruns_in_script_code(tmp_path):
    found = app(tmp_path, """
        import streamlit as st

        def refresh():
            st.rerun(scope="fragment")

        @st.fragment
        def ticker():
            st.rerun(scope="fragment")
            if st.button("Again"):
                st.rerun(scope="fragment")

        refresh()
        ticker()
    """)
    got = [(found.line(f.rerun.site), f.fragment and f.fragment.name) for f in found.model.reruns.fragment_scope_in_script]
    assert got == [(4, None), (8, "ticker")]


# -- run_every --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, literal, seconds, problem",
    [
        ("str", "10s", 10.0, None),
        ("str", "1h23s", 3623.0, None),
        ("str", "1.5 days", 129600.0, None),
        ("str", "500us", 0.0005, None),
        ("str", "250ms", 0.25, None),
        ("str", "00:00:10", 10.0, None),
        ("str", "PT10S", None, None),  # ISO 8601: accepted, interval not computed
        ("str", "ten seconds", None, 'has no number (write it like "10s", "1m30s" or "1.5 days")'),
        ("str", "3 fortnights", None, "uses the unknown unit 'fortnights'"),
        ("str", "1M", None, "uses the unit 'M', which pandas rejects as ambiguous (months and years)"),
        ("str", "-5s", None, "is negative"),
        ("str", " ", None, "is empty"),
        ("num", 2.5, 2.5, None),
        ("num", -5, None, None),
        ("num", 0, None, None),
        ("timedelta", timedelta(minutes=5), 300.0, None),
        ("none", None, None, None),
    ],
)
def test_run_every_grammar(kind, literal, seconds, problem):
    parsed = run_every.parse(kind, literal)
    assert (parsed.interval, parsed.problem) == (seconds, problem)


def test_run_every_negative_and_bool():
    assert run_every.parse("num", -5).tight_loop
    assert not run_every.parse("num", 5).tight_loop
    assert run_every.parse("bool", True).wrong_type


def test_run_every_500us_gets_its_interval_in_scopes_and_no_finding(tmp_path):
    """One grammar: the rule accepts "500us", so the scopes timer knows its interval too."""
    write_project(tmp_path, {"app.py": """
        import streamlit as st

        @st.fragment(run_every="500us")
        def fast():
            st.write("tick")

        fast()
    """})
    scopes = run_cli("scopes", "--format", "json", str(tmp_path / "app.py"))
    assert scopes.returncode == 0, scopes.stderr
    [timer] = [t for t in json.loads(scopes.stdout)["triggers"] if t["kind"] == "timer"]
    assert timer["interval_seconds"] == 0.0005
    check = run_cli("check", "--output-format", "json", str(tmp_path / "app.py"))
    assert check.returncode == 0 and json.loads(check.stdout) == []


def test_scopes_read_an_int_rerun_key_as_the_keyed_fragment(tmp_path):
    """`st.rerun(5)` in the script names the fragment with `key=5` (1.63+), as in callbacks."""
    write_project(tmp_path, {"app.py": """
        import streamlit as st

        @st.fragment(key=5)
        def panel():
            st.write("panel")

        panel()
        if st.button("Go"):
            st.rerun(5)
    """})
    result = run_cli("scopes", "--format", "json", str(tmp_path / "app.py"))
    assert result.returncode == 0, result.stderr
    [rerun] = [t for t in json.loads(result.stdout)["triggers"] if t["kind"] == "rerun"]
    assert (rerun["key"], rerun["note"], rerun["scope"]["name"]) == ("5", 'st.rerun("5")', "panel")


# -- full-run guards ----------------------------------------------------------------------------


def test_guards_find_draws_only_a_rerun_makes(tmp_path):
    found = app(tmp_path, """
        import streamlit as st

        box = st.container()
        always = st.container()

        @st.fragment
        def search():
            always.write("every run")
            if st.button("Search"):
                box.write("only in the click's rerun")
                always.write("reserved above")

        search()
    """)
    [only] = found.model.guards(found.fragment("search")).rerun_only_writes()
    assert (found.line(only.write.site()), found.line(only.condition)) == (10, 9)
    assert only.reason == '`st.button(...)` is true only in the fragment rerun that using it starts'
