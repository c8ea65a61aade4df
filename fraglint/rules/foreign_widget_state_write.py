"""FRG123 foreign-widget-state-write."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.index.project import FunctionKey
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Fragment
from fraglint.model.session_state import StateWriter, WriteKind
from fraglint.model.streamlit_api import RerunScope
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class ForeignWidgetStateWrite(Rule):
    """A fragment sets the session-state key of a widget another fragment draws.

    ## What it does
    Flags `st.session_state["k"] = ...` (or `st.session_state.k = ...`) run only by a fragment
    or dialog (in its body, a helper it calls, or the callback of a widget it draws) when `"k"`
    is the literal key of a widget that only another fragment (not a dialog) draws. Writes that also run on
    full runs, writes in a function that also calls `st.rerun()` (a full rerun follows), keys a
    widget outside fragments draws, and fragments that call the other one (their rerun redraws
    it) are not flagged.

    ## Why is this bad?
    A fragment's rerun redraws that fragment only. The other fragment is not redrawn, so its
    widget keeps showing the old value, and the next full run replaces the value written with
    the one the widget still shows: the write is lost.

    ## Example
    ```python
    @st.fragment
    def filters():
        st.selectbox("Region", REGIONS, key="region")

    @st.fragment
    def map_view():
        if st.button("Reset region"):
            st.session_state["region"] = REGIONS[0]  # `filters` is not redrawn
    ```

    ## Use instead
    Draw the widget and change its value in one fragment, or rerun the whole app after the
    write (`st.rerun()` in the script, or the write in a callback of a widget outside fragments).
    """

    code = "FRG123"
    name = "foreign-widget-state-write"
    judges = CodeScope.APP_RUN
    facts = ("foreign-widget-state-write-discarded",)

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment
def filters():
    st.selectbox("Region", ["north", "south"], key="region")
    if st.button("Reset"):
        st.session_state["region"] = "north"

@st.fragment
def map_view():
    if st.button("Reset region"):
        st.session_state["region_reset"] = True
        st.rerun()

filters()
map_view()
""",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment
def filters():
    st.selectbox("Region", ["north", "south"], key="region")

def reset():
    st.session_state.region = "north"  # [foreign-widget-state-write]

@st.fragment
def map_view():
    if st.button("Reset region"):
        st.session_state["region"] = "north"  # [foreign-widget-state-write]
    st.button("Reset", on_click=reset)

filters()
map_view()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        # a function that also calls `st.rerun()` reruns the whole app after its write
        rerun_app = {r.function for r in ctx.model.reruns.all if r.request.scope is RerunScope.APP}
        for key, writers in ctx.model.state.writers.items():
            drawers = _drawing_fragments(ctx, [w for w in writers if w.how is WriteKind.WIDGET])
            if not drawers:
                continue
            for writer in writers:
                if writer.how is not WriteKind.ASSIGNMENT or writer.function in rerun_app:
                    continue
                writing = _writing_fragments(ctx, writer.function)
                foreign = _foreign(ctx, writing, drawers)
                if foreign is None:
                    continue
                mine, theirs = foreign
                yield Finding(
                    writer.site,
                    f'{mine.what} sets `st.session_state["{key}"]`, the key of a widget {theirs.what} draws; '
                    f"a rerun of `{mine.name}` does not redraw `{theirs.name}`, and the next full run replaces "
                    "the value with the one the widget still shows",
                    related=((theirs.site, f"{theirs.what} defined here"),),
                )


def _drawing_fragments(ctx: CheckContext, widgets: list[StateWriter]) -> list[Fragment]:
    """The fragments that draw the widgets with this key; empty if any is drawn outside fragments
    or in a dialog (a closed dialog's widget is not drawn at all: not recorded on real releases)."""
    found: list[Fragment] = []
    for widget in widgets:
        inside = ctx.model.fragment_reach.get(widget.function)
        if not inside or widget.function in ctx.model.app_reach or any(f.dialog for f in inside):
            return []
        found.extend(inside)
    return found


def _writing_fragments(ctx: CheckContext, function: FunctionKey) -> list[Fragment] | None:
    """The fragments whose reruns alone run `function` (their body, or a callback of a widget they
    draw); None if it also runs on full runs or anywhere else."""
    model = ctx.model
    if function in model.app_reach:
        return None
    found = list(model.fragment_reach.get(function, ()))
    for callback, owners in model.callbacks.owners.items():
        if function not in model.graph.reach(callback):
            continue
        for owner in owners:
            inside = model.fragment_reach.get(owner)
            if not inside or owner in model.app_reach:
                return None
            found.extend(inside)
    return found or None


def _foreign(ctx: CheckContext, writing: list[Fragment] | None, drawers: list[Fragment]) -> tuple[Fragment, Fragment] | None:
    """(writer, drawer) when no writing fragment draws the widget or redraws a fragment that does."""
    if not writing:
        return None
    drawing = {fragment.function for fragment in drawers}
    for mine in writing:
        nested = {call.fragment.function for call, _ in ctx.model.graph.nested_calls(mine)}
        if mine.function in drawing or drawing & nested:
            return None
    for theirs in drawers:
        if any(theirs.function in ctx.model.graph.reach(mine.function) for mine in writing):
            return None
    return writing[0], drawers[0]
