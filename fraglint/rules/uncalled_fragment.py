"""FRG110 uncalled-fragment."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.index.project import FunctionKey
from fraglint.index.summary import display_name
from fraglint.model.decorators import returns_function
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class UncalledFragment(Rule):
    """A fragment function that is never called.

    ## What it does
    Flags a function decorated as a fragment that nothing in the project calls, passes on,
    stores or returns (a decorator factory's `return wrapper` passes its fragment on).
    Functions reached through names fraglint cannot resolve are given the benefit of the doubt,
    and so are fragments in tests and in a library nobody runs.

    ## Why is this bad?
    Decorating defines the fragment; only calling it draws it and registers its partial-rerun
    scope. The guide: "Just like with caching, remember to call your function after defining
    it." An uncalled fragment is usually a forgotten call, and its widgets never appear.

    ## Example
    ```python
    @st.fragment
    def live():
        st.metric("Users", count())
    # live() is never called
    ```

    ## Use instead
    ```python
    @st.fragment
    def live():
        st.metric("Users", count())

    live()
    ```
    """

    code = "FRG110"
    name = "uncalled-fragment"
    judges = CodeScope.APP_RUN
    facts = ()

    VALID = [
        Example(
            # called on an object the app keeps in session state, which fraglint cannot follow
            """
import streamlit as st

class Editor:
    @st.fragment
    def edit(self):
        st.text_input("name")

@st.dialog("Edit")
def edit_dialog():
    st.session_state.editor.edit()

st.session_state.editor = Editor()
if st.button("edit"):
    edit_dialog()
""",
            version="1.52.0",
        ),
        Example(
            """
import streamlit as st

@st.fragment
def live():
    st.write("x")

class Dashboard:
    @st.fragment
    def legend(self):
        st.write("legend")

    def render(self):
        self.legend()

live()
Dashboard().render()
"""
        ),
        Example(
            """
import streamlit as st

def live(render):
    @st.fragment
    def panel():
        st.button("Refresh")
        render()

    return panel

@live
def revenue():
    st.line_chart([1, 2])

revenue()
"""
        ),
        Example(
            # one name defined in two branches: fraglint keeps the last body, the first calls `inner`
            """
import streamlit as st

if st.query_params.get("mode") == "nested":
    @st.fragment
    def inner():
        st.write("inner")

    @st.fragment
    def outer():
        inner()
else:
    @st.fragment
    def outer():
        st.write("flat")

outer()
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment
def live():  # [uncalled-fragment]
    st.write("x")
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        referenced = ctx.model.discovery.referenced_functions
        for fragment in ctx.model.fragments.values():
            key = fragment.function
            if not ctx.reports(key.path):
                continue  # reported at its definition
            if fragment.wrapped_by_call or ctx.calls_of(fragment) or key in referenced:
                continue
            function = ctx.index.function(key)
            if function is None or _unresolved(ctx, function.name):
                continue
            if function.parent and returns_function(ctx.index, FunctionKey(key.path, function.parent), key):
                continue  # a decorator factory's `return wrapper`: passed on, called by whoever gets it
            if ctx.mentioned_elsewhere(function.name) or _redefines(ctx, key.path):
                continue
            yield Finding(
                Site(key.path, function.site),
                f"fragment `{display_name(function.qualname)}` is defined but never called; "
                "a fragment only draws and reruns once it is called",
            )


def _unresolved(ctx: CheckContext, name: str) -> bool:
    """Does a call named `name` resolve to nothing? A check of part of a project resolves only
    the calls so named; a whole one resolves every call once."""
    graph = ctx.model.graph
    return graph.unresolved_call_named(name) if ctx.narrowed() else name in graph.unresolved_call_names


def _redefines(ctx: CheckContext, path: str) -> bool:
    """The module defines one name twice in a scope (in two branches, say): the index keeps the
    last body only, and an earlier one may be what calls the fragment."""
    summary = ctx.index.module(path)
    for function in summary.functions.values() if summary else ():
        for bindings in function.bindings.values():
            if sum(1 for b in bindings if b.value.ref and b.value.ref[0] == "<def>") > 1:
                return True
    return False
