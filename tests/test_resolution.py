"""Import and alias resolution: Streamlit in every spelling, helpers across modules, look-alikes.

Each test writes a small project and runs the engine (`run_check`, through the `project`
fixture) against Streamlit 1.45, where a fragment that touches `st.sidebar` raises
(`fragment-sidebar-call`) and one that writes into an outside container piles up
(`outside-container-write`). Those two rules are the probes: they fire only if fraglint saw the
fragment, the call chain into the helper, and the Streamlit object the helper uses.
"""

from __future__ import annotations

import json
import os

import pytest
from helpers import run_cli, write_project

V = "1.45.0"
SIDEBAR = "fragment-sidebar-call"
OUTSIDE = "outside-container-write"


def triples(diagnostics, root) -> set[tuple[str, str, int]]:
    return {(d.name, os.path.relpath(d.path, root).replace(os.sep, "/"), d.span.line) for d in diagnostics}


def check(project, files, version=V):
    return triples(project(files, version=version), project.root)


# -- spellings of Streamlit -----------------------------------------------------------------


@pytest.mark.parametrize(
    "header, decorator, sidebar",
    [
        ("import streamlit as st", "@st.fragment", "st.sidebar"),
        ("import streamlit as stl", "@stl.fragment", "stl.sidebar"),
        ("import streamlit", "@streamlit.fragment", "streamlit.sidebar"),
        ("import streamlit.components.v1", "@streamlit.fragment", "streamlit.sidebar"),
        ("from streamlit import fragment, sidebar", "@fragment", "sidebar"),
        ("from streamlit import fragment as frag, sidebar as side", "@frag", "side"),
        ("import streamlit as st\nfrag = st.fragment", "@frag", "st.sidebar"),
        ("import streamlit as st\nfrag = st.fragment\nagain = frag", "@again", "st.sidebar"),
        ("import streamlit as st", "@st.fragment()", "st.sidebar"),
        ('import streamlit as st', '@st.fragment(run_every="5s")', "st.sidebar"),
        ('import streamlit as st\nlive = st.fragment(run_every="5s")', "@live", "st.sidebar"),
        ("import streamlit as st\nside = st.sidebar", "@st.fragment", "side"),
    ],
    ids=[
        "st", "stl", "plain", "submodule-import", "from-import", "from-import-as", "alias", "alias-of-alias",
        "called", "run_every", "called-alias", "sidebar-alias",
    ],
)
def test_streamlit_spellings(project, header, decorator, sidebar):
    source = f'{header}\n\n\n{decorator}\ndef filters():\n    {sidebar}.write("x")\n\n\nfilters()\n'
    line = source.splitlines().index(f'    {sidebar}.write("x")') + 1
    assert check(project, {"app.py": source}) == {(SIDEBAR, "app.py", line)}


def test_from_import_with_cache_data_and_session_state_as(project):
    source = """\
from streamlit import fragment, cache_data, session_state as state, sidebar


@cache_data
def load():
    return [1, 2]


@fragment
def panel():
    state.count = state.get("count", 0) + 1
    sidebar.write(load())


@cache_data
@fragment
def cached_panel():
    pass


panel()
cached_panel()
"""
    assert check(project, {"app.py": source}) == {(SIDEBAR, "app.py", 12), ("cached-fragment", "app.py", 15)}


def test_wrapped_by_call(project):
    source = """\
import streamlit as st


def render():
    st.sidebar.write("x")
    return 1


shown = st.fragment(render, run_every="5s")
shown()
value = shown()
render()
"""
    # render() called directly at line 12 is a plain call, outside any fragment; the timer
    # reruns the fragment alone, so the value read at line 11 goes stale
    assert check(project, {"app.py": source}) == {(SIDEBAR, "app.py", 5), ("fragment-return-value", "app.py", 11)}


def test_wrapped_by_call_of_called_decorator(project):
    source = """\
import streamlit as st


def render():
    st.sidebar.write("x")


st.fragment(run_every="5s")(render)()
"""
    assert check(project, {"app.py": source}) == {(SIDEBAR, "app.py", 5)}


def test_fragment_methods(project):
    source = """\
import streamlit as st


class Dashboard:
    @st.fragment
    def legend(self):
        st.sidebar.caption("legend")

    @st.fragment
    def chart(self):
        self.helper()

    def helper(self):
        st.sidebar.write("via self.helper")

    def render(self):
        self.legend()
        self.chart()


Dashboard().render()
"""
    assert check(project, {"app.py": source}) == {(SIDEBAR, "app.py", 7), (SIDEBAR, "app.py", 14)}


def test_import_inside_a_function(project):
    source = """\
def main():
    import streamlit as st

    @st.fragment
    def panel():
        st.sidebar.write("local import")

    panel()


main()
"""
    assert check(project, {"app.py": source}) == {(SIDEBAR, "app.py", 6)}


def test_star_import_of_streamlit(project):
    source = 'from streamlit import *\n\n\n@fragment\ndef panel():\n    sidebar.write("star")\n\n\npanel()\n'
    assert check(project, {"app.py": source}) == {(SIDEBAR, "app.py", 6)}


def test_compat_import_fallback(project):
    source = """\
try:
    from streamlit import fragment
except ImportError:
    from streamlit import experimental_fragment as fragment
import streamlit as st


@fragment
def panel():
    st.sidebar.write("x")


panel()
"""
    found = check(project, {"app.py": source})
    assert (SIDEBAR, "app.py", 10) in found


# -- helpers in other modules ---------------------------------------------------------------

PANELS = """\
import streamlit as st


def draw_filters():
    st.sidebar.subheader("Filters")


def draw_totals(target):
    target.write("Total")
"""
PANELS_LINES = {(SIDEBAR, "components/panels.py", 5), (OUTSIDE, "components/panels.py", 9)}


@pytest.mark.parametrize(
    "imports, filters, totals",
    [
        ("from components.panels import draw_filters, draw_totals", "draw_filters()", "draw_totals(box)"),
        ("from components.panels import draw_filters as f, draw_totals as t", "f()", "t(box)"),
        ("import components.panels", "components.panels.draw_filters()", "components.panels.draw_totals(box)"),
        ("import components.panels as panels", "panels.draw_filters()", "panels.draw_totals(box)"),
        ("from components import panels", "panels.draw_filters()", "panels.draw_totals(box)"),
        ("from components import panels as p", "p.draw_filters()", "p.draw_totals(box)"),
        ("import components", "components.draw_filters()", "components.draw_totals(box)"),  # re-exported
        ("from components import draw_filters, draw_totals", "draw_filters()", "draw_totals(box)"),  # re-exported
    ],
    ids=["from-import", "from-import-as", "import-dotted", "import-as", "from-package", "from-package-as",
         "package-reexport-attr", "package-reexport"],
)
def test_helpers_across_modules(project, imports, filters, totals):
    app = f"""\
import streamlit as st

{imports}

box = st.container()


@st.fragment
def dashboard():
    {filters}
    {totals}


dashboard()
"""
    files = {
        "app.py": app,
        "components/__init__.py": "from .panels import draw_filters, draw_totals\n",
        "components/panels.py": PANELS,
    }
    assert check(project, files) == PANELS_LINES


def test_relative_imports_inside_a_package(project):
    files = {
        "app.py": """\
import streamlit as st

from ui.pages.home import home

home()
""",
        "ui/__init__.py": "",
        "ui/pages/__init__.py": "",
        "ui/pages/home.py": """\
import streamlit as st

from . import cards
from .cards import card as make_card
from ..theme import themed_sidebar


@st.fragment
def home():
    cards.card()
    make_card()
    themed_sidebar()
""",
        "ui/pages/cards.py": """\
import streamlit as st


def card():
    st.sidebar.write("card")
""",
        "ui/theme.py": """\
import streamlit as st


def themed_sidebar():
    with st.sidebar:
        st.write("themed")
""",
    }
    assert check(project, files) == {(SIDEBAR, "ui/pages/cards.py", 5), (SIDEBAR, "ui/theme.py", 5)}


def test_star_reexport(project):
    files = {
        "app.py": """\
import streamlit as st

from widgets import sidebar_note


@st.fragment
def panel():
    sidebar_note()


panel()
""",
        "widgets/__init__.py": "from .notes import *\n",
        "widgets/notes.py": """\
import streamlit as st

__all__ = ["sidebar_note"]


def sidebar_note():
    st.sidebar.info("note")
""",
    }
    assert check(project, files) == {(SIDEBAR, "widgets/notes.py", 7)}


def test_a_long_chain_through_three_modules(project):
    files = {
        "app.py": "import streamlit as st\nfrom a import step_a\n\n\n@st.fragment\ndef top():\n    step_a()\n\n\ntop()\n",
        "a.py": "from b import step_b\n\n\ndef step_a():\n    step_b()\n",
        "b.py": "from c import step_c as final\n\n\ndef step_b():\n    final()\n",
        "c.py": "import streamlit as st\n\n\ndef step_c():\n    st.sidebar.write('deep')\n",
    }
    diagnostics = project(files, version=V)
    assert triples(diagnostics, project.root) == {(SIDEBAR, "c.py", 5)}
    # the call chain is named: app.py:7 -> a.py:5 -> b.py:5
    related = {(os.path.basename(r.path), r.span.line) for r in diagnostics[0].related}
    assert {("app.py", 7), ("a.py", 5), ("b.py", 5)} <= related


def test_fragment_defined_in_another_module(project):
    files = {
        "app.py": "from parts import live, quiet\nimport parts\n\nlive()\nvalue = live()\nx = parts.live()\ny = quiet()\n",
        "parts.py": (
            "import streamlit as st\n\n\n@st.fragment(run_every=5)\ndef live():\n    st.sidebar.write('x')\n    return 1\n\n\n"
            "@st.fragment\ndef quiet():\n    st.write('returns nothing')\n"
        ),
    }
    # `y = quiet()` is fine: a fragment without a return value has nothing to go stale
    assert check(project, files) == {
        (SIDEBAR, "parts.py", 6), ("fragment-return-value", "app.py", 5), ("fragment-return-value", "app.py", 6),
    }


def test_import_cycle_terminates(project):
    files = {
        "app.py": "import streamlit as st\nfrom pkg.one import one\n\n\n@st.fragment\ndef f():\n    one()\n\n\nf()\n",
        "pkg/__init__.py": "",
        "pkg/one.py": "import streamlit as st\nfrom pkg.two import two\n\n\ndef one():\n    two()\n",
        "pkg/two.py": "import streamlit as st\nfrom pkg.one import one\n\n\ndef two():\n    st.sidebar.write('x')\n",
    }
    assert check(project, files) == {(SIDEBAR, "pkg/two.py", 6)}


def test_recursive_helpers_terminate(project):
    source = """\
import streamlit as st


def ping(n):
    st.sidebar.write(n)
    if n:
        pong(n - 1)


def pong(n):
    ping(n)


@st.fragment
def f():
    ping(3)


f()
"""
    assert check(project, {"app.py": source}) == {(SIDEBAR, "app.py", 5)}


# -- things that only look like fragments ---------------------------------------------------


def test_own_decorator_named_fragment(project):
    source = """\
import streamlit as st


def fragment(func):
    return func


@fragment
def panel():
    st.sidebar.write("not a fragment")
    return 1


value = panel()
"""
    assert check(project, {"app.py": source}) == set()


@pytest.mark.parametrize(
    "imports, decorator",
    [
        ("from mylib import fragment", "@fragment"),
        ("from mylib import fragment", "@fragment()"),
        ("import mylib", "@mylib.fragment"),
        ("import mylib as st", "@st.fragment"),  # a module that is *called* st, but is not Streamlit
        ("from mylib.sub import fragment", "@fragment"),
        ("from thirdparty import fragment", "@fragment"),  # not in the project: unresolved
    ],
    ids=["from-project-lib", "called", "module-attr", "named-st", "submodule", "third-party"],
)
def test_other_libraries_fragment(project, imports, decorator):
    files = {
        "app.py": f"""\
import streamlit
{imports}


{decorator}
def panel():
    streamlit.sidebar.write("x")
    return 1


value = panel()
""",
        "mylib/__init__.py": "def fragment(func=None, **kw):\n    return func if func else (lambda f: f)\n",
        "mylib/sub.py": "def fragment(func):\n    return func\n",
    }
    assert check(project, files) == set()


def test_method_named_fragment(project):
    source = """\
import streamlit as st


class Page:
    def fragment(self, func):
        return func


page = Page()


@page.fragment
def panel():
    st.sidebar.write("x")


panel()
"""
    assert check(project, {"app.py": source}) == set()


def test_streamlit_import_shadowed_by_a_later_definition(project):
    source = """\
import streamlit as st
from streamlit import fragment


def fragment(func):
    return func


@fragment
def panel():
    st.sidebar.write("x")


panel()
"""
    assert check(project, {"app.py": source}) == set()


def test_local_name_st_that_is_not_streamlit(project):
    source = """\
import streamlit as st


def render(st):
    @st.fragment
    def inner():
        st.sidebar.write("x")

    inner()


class Fake:
    fragment = staticmethod(lambda f: f)
    sidebar = None


render(Fake())
"""
    assert check(project, {"app.py": source}) == set()


# -- containers reached through names -----------------------------------------------------------


def test_container_from_the_enclosing_function(project):
    source = """\
import streamlit as st


def page():
    box = st.container()

    @st.fragment
    def inner():
        box.write("enclosing")
        mine = st.container()
        mine.write("own")

    inner()


page()
"""
    assert check(project, {"app.py": source}) == {(OUTSIDE, "app.py", 9)}


def test_same_helper_names_in_different_modules(project):
    files = {
        "app.py": "import streamlit as st\nfrom comps import b\n\n\n@st.fragment\ndef f():\n    b.draw()\n\n\nf()\n",
        "comps/__init__.py": "",
        "comps/a.py": "import streamlit as st\n\n\ndef draw():\n    st.sidebar.write('a')\n",
        "comps/b.py": "import streamlit as st\n\n\ndef draw():\n    st.write('b')\n",
    }
    assert check(project, files) == set()


def test_same_method_names_in_different_classes(project):
    source = """\
import streamlit as st


class Sidebar:
    def legend(self):
        st.sidebar.write("A")


class Main:
    def legend(self):
        st.write("B")

    @st.fragment
    def panel(self):
        self.legend()


Main().panel()
Sidebar().legend()
"""
    assert check(project, {"app.py": source}) == set()


def test_container_made_inside_the_fragment_by_a_factory(project):
    source = """\
import streamlit as st


def card():
    return st.container(border=True)


@st.fragment
def f():
    box = card()
    box.write("own card")


f()
"""
    assert check(project, {"app.py": source}) == set()


def test_container_from_a_factory_at_module_level(project):
    source = """\
import streamlit as st


def card():
    return st.container(border=True)


made = card()


@st.fragment
def f():
    made.write("piles up")


f()
"""
    assert check(project, {"app.py": source}) == {(OUTSIDE, "app.py", 13)}


def test_container_in_a_dict(project):
    source = """\
import streamlit as st

areas = {"main": st.container(), "side": st.container()}


@st.fragment
def f():
    areas["main"].write("piles up")


f()
"""
    assert check(project, {"app.py": source}) == {(OUTSIDE, "app.py", 8)}


DICT_APP = """\
import streamlit as st
{imports}
areas = {{"main": st.container(), "side": st.empty(), "title": "Sales"}}
{mutation}

@st.fragment
def f():
    areas[{key}].write("x")


f()
"""


@pytest.mark.parametrize(
    "key, mutation, expected",
    [
        ('"main"', "", {(OUTSIDE, "app.py", 8)}),
        ('"side"', "", set()),  # an st.empty() placeholder is replaced, never piles up
        ('"title"', "", set()),  # not a container
        ('"other"', "", set()),  # no such entry
        ("key", "", set()),  # a key a static reader cannot know
        ('"main"', 'areas["main"] = st.empty()', set()),  # changed after the display: unknown
        ('"main"', "areas.update(main=st.empty())", set()),
    ],
    ids=["container", "empty", "string", "missing-key", "variable-key", "item-assigned", "updated"],
)
def test_dict_entries_are_resolved_only_when_certain(project, key, mutation, expected):
    source = DICT_APP.format(imports="key = 'main'", mutation=mutation, key=key)
    assert check(project, {"app.py": source}) == expected


def test_container_in_a_dict_from_another_module(project):
    files = {
        "layout.py": 'import streamlit as st\n\nAREAS = {"log": st.container()}\n',
        "app.py": "import streamlit as st\nfrom layout import AREAS\n\n\n@st.fragment\ndef f():\n    AREAS['log'].write('x')\n\n\nf()\n",
    }
    assert check(project, files) == {(OUTSIDE, "app.py", 7)}


def test_container_made_in_a_dict_inside_the_fragment_is_its_own(project):
    source = "import streamlit as st\n\n\n@st.fragment\ndef f():\n    areas = {'main': st.container()}\n    areas['main'].write('x')\n\n\nf()\n"
    assert check(project, {"app.py": source}) == set()


def test_container_on_self(project):
    source = """\
import streamlit as st


class Page:
    def __init__(self):
        self.header = st.container()

    @st.fragment
    def refresh(self):
        self.header.write("piles up")


Page().refresh()
"""
    assert check(project, {"app.py": source}) == {(OUTSIDE, "app.py", 10)}


def test_helper_called_with_two_different_containers(project):
    source = """\
import streamlit as st

box = st.container()


def show(target):
    target.write("x")


@st.fragment
def f():
    show(box)
    show(st.sidebar)


f()
"""
    assert check(project, {"app.py": source}) == {(OUTSIDE, "app.py", 7), (SIDEBAR, "app.py", 7)}


def test_duplicate_fragment_key_only_within_one_run(project):
    """Two pages of a multipage app are separate runs: each may use the key."""
    page = "import streamlit as st\n\n\n@st.fragment(key='chart')\ndef {name}():\n    st.bar_chart([1])\n\n\n{name}()\n"
    files = {
        "pages/1_sales.py": page.format(name="sales"),
        "pages/2_costs.py": page.format(name="costs"),
        "app.py": "import streamlit as st\n\nst.title('Home')\n",
    }
    assert check(project, files, version="1.67.0") == set()
    both = "import streamlit as st\nfrom lib.costs import costs\nfrom lib.sales import sales\n\nsales()\ncosts()\n"
    library = {
        "lib/__init__.py": "",
        "lib/sales.py": page.format(name="sales").rsplit("\n\n\n", 1)[0] + "\n",
        "lib/costs.py": page.format(name="costs").rsplit("\n\n\n", 1)[0] + "\n",
        "app.py": both,
    }
    assert check(project, library, version="1.67.0") == {("duplicate-fragment-key", "lib/sales.py", 4)}


# -- long chains: no arbitrary depth limit, no crash past the safety net ----------------------


def _alias_chain(length: int) -> tuple[str, int]:
    """`box0 = st.container()`, `box1 = box0`, ... and a fragment writing to the last alias."""
    aliases = "\n".join(f"box{i} = box{i - 1}" for i in range(1, length + 1))
    source = f"import streamlit as st\n\nbox0 = st.container()\n{aliases}\n\n\n@st.fragment\ndef f():\n    box{length}.write('x')\n\n\nf()\n"
    return source, length + 8


def test_a_chain_of_forty_aliases_resolves(project):
    """The old resolver gave up after 24 hops; memoisation, not a depth limit, bounds the cost now."""
    source, line = _alias_chain(40)
    assert check(project, {"app.py": source}) == {(OUTSIDE, "app.py", line)}


def test_a_chain_past_the_safety_net_is_unknown_not_a_crash(project):
    source, _ = _alias_chain(2000)
    assert check(project, {"app.py": source}) == set()


# -- a name bound more than once ------------------------------------------------------------

COLUMNS_BOUND_TWICE = """
import streamlit as st

cols = st.columns(2)
st.write("between")
cols = st.columns(2)


@st.fragment
def panel():
    cols[0].checkbox("filter")


panel()
"""


def test_a_name_bound_twice_to_the_same_streamlit_value_is_that_value(tmp_path):
    """streamlit#8458's shape: either binding of `cols` is module-level columns, so the
    fragment's widget in them raises (FRG106, 1.39-1.58), whichever binding the call sees."""
    write_project(tmp_path, {"app.py": COLUMNS_BOUND_TWICE})
    result = run_cli("check", "--no-cache", "--output-format", "json", "--streamlit-version", "1.45", str(tmp_path))
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)
    assert [(d["code"], d["line"]) for d in found] == [("FRG106", 10)]


def test_a_name_bound_to_different_streamlit_values_stays_unknown(tmp_path):
    """`cols` is columns or a sidebar container: no single claim holds, so FRG106 stays silent."""
    text = COLUMNS_BOUND_TWICE.replace('st.write("between")\ncols = st.columns(2)', 'cols = st.tabs(["a"])')
    write_project(tmp_path, {"app.py": text})
    result = run_cli("check", "--no-cache", "--output-format", "json", "--streamlit-version", "1.45", str(tmp_path))
    assert result.returncode == 0, result.stdout
