"""FRG113 duplicate-fragment-key."""

from __future__ import annotations

from typing import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.fragments import Fragment, Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class DuplicateFragmentKey(Rule):
    """Two fragment functions share one key.

    ## What it does
    Flags the second and later fragment functions declared with a `key=` that another fragment
    function called in the same script run already uses. Two pages of a multipage app (separate
    runs) may use one key; fraglint follows each entry script's run with its rerun interpreter
    to tell.

    ## Why is this bad?
    `st.rerun("<key>")` must name exactly one fragment. Streamlit 1.63+ raises a duplicate-key
    error when the second fragment with the same key is called in a run.

    ## Example
    ```python
    @st.fragment(key="charts")
    def sales(): ...

    @st.fragment(key="charts")
    def costs(): ...
    ```

    ## Use instead
    Give each fragment function its own key.
    """

    code = "FRG113"
    name = "duplicate-fragment-key"
    severity = Severity.ERROR
    facts = ("fragment-key-duplicate-raises",)

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment(key="sales")
def sales():
    st.write("x")

@st.fragment(key="costs")
def costs():
    st.write("y")

sales()
costs()
"""
        ),
        Example(
            """
import streamlit as st

@st.fragment(key="charts")
def sales():
    st.write("x")

@st.fragment(key="charts")
def costs_for_another_page():
    st.write("y")

sales()
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment(key="charts")
def sales():
    st.write("x")

@st.fragment(key="charts")
def costs():
    st.write("y")

sales()
costs()
""",
            lines=(7,),
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        by_key: dict[str, list[Fragment]] = {}
        ordered = sorted(ctx.model.fragments.values(), key=lambda f: (f.site.path, f.site.site))
        for fragment in ordered:
            value = fragment.kwarg("key")
            if value is not None and value.kind in ("str", "num"):
                by_key.setdefault(str(value.literal), []).append(fragment)
        shared = {key: fragments for key, fragments in by_key.items() if len(fragments) > 1}
        if not shared:
            return
        runs = _runs_calling(ctx)
        for key, fragments in shared.items():
            for position, fragment in enumerate(fragments):
                earlier = next((f for f in fragments[:position] if runs.get(f.function, set()) & runs.get(fragment.function, set())), None)
                if earlier is None:
                    continue
                value = fragment.kwarg("key")
                yield Finding(
                    Site(fragment.site.path, value.site or fragment.site.site),
                    f'fragment key "{key}" is already used by fragment `{earlier.name}`, called in the same run; '
                    "Streamlit raises a duplicate-key error",
                    related=((earlier.site, f"`{earlier.name}` declares the key here"),),
                )


def _runs_calling(ctx: CheckContext) -> dict:
    """Fragment function -> the entry scripts whose run calls it (from the rerun interpreter).

    The key collides only when both fragments are called in one run: two pages of a
    multipage app may each use it.
    """
    from fraglint.model.interpreter import interpret

    interpretation = interpret(ctx.index, ctx.model, ctx.version, list(ctx.index.summaries))
    runs: dict = {}
    for scope in interpretation.scopes.values():
        if scope.kind == "fragment":
            runs.setdefault(scope.function, set()).add(interpretation.app_of(scope.id))
    return runs
