"""FRG104 outside-container-write."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Applicability
from fraglint.index.rewrite_kinds import Rewrite
from fraglint.index.summary import MODULE_SCOPE, ModuleSummary, ValueKind
from fraglint.model import streamlit_api as api
from fraglint.model.containers import Write
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Fragment, Site
from fraglint.model.scope_notes import OutsideContainerKept
from fraglint.rules.base import (
    CheckContext,
    Example,
    Finding,
    RewriteSpec,
    Rule,
    fragments_and_dialogs,
    only_call,
    outside_write_related,
    unseen_elsewhere,
)


class OutsideContainerWrite(Rule):
    """A fragment draws into a container created outside it, where elements pile up.

    ## What it does
    Flags an element drawn while a fragment runs (in its body or in any helper it calls) into
    a container created outside the fragment: a module-level or enclosing `st.container()`,
    columns, tabs or an expander made outside, or a container passed in as an argument.
    Writes into an `st.empty()` placeholder are fine. Uses of `st.sidebar` are reported by
    `fragment-sidebar-call`, and widgets by `fragment-widget-outside`, in the releases where
    Streamlit raises for them.
    An `@st.dialog` body runs as a fragment and is checked the same way.

    ## Why is this bad?
    A fragment rerun clears and redraws only the fragment's own main body. Before Streamlit
    1.59, elements it drew elsewhere are not cleared: every rerun appends another copy, and
    they accumulate until the next full run. Nothing raises; the page just fills up.

    ## Example
    ```python
    status = st.container()

    @st.fragment(run_every="5s")
    def poll():
        status.write(f"Last update: {time.time()}")  # a new line every 5 seconds

    poll()
    ```

    ## Use instead
    Draw into an `st.empty()` placeholder, which replaces its content:
    ```python
    status = st.empty()

    @st.fragment(run_every="5s")
    def poll():
        status.write(f"Last update: {time.time()}")
    ```

    ## Fix safety
    The fix makes the container a placeholder: `status = st.container()` becomes
    `status = st.empty()`. It is offered only where the fragment is the container's only writer
    and draws one element into it per run: a module-level `name = st.container()` without
    arguments (outside any loop, the name's only assignment) in the fragment's file; the fragment
    called once, by module-level code; and `name` read in exactly one place, an element call in
    the fragment's own body (`name.write(x)`: not in a loop, not a container such as
    `name.columns(2)`, at most one positional argument to `write`), with no other module
    importing it. `st.sidebar.container()` is left alone: where elements pile up, a fragment's
    sidebar writes raise (see `fragment-sidebar-call`).

    The fix is unsafe: an `st.empty()` holds one element, so a container meant to collect what
    each rerun adds (a growing log) would show only the latest one.
    """

    code = "FRG104"
    name = "outside-container-write"
    judges = CodeScope.ANYWHERE
    facts = ("outside-writes-pile-up",)
    reads = (
        "widget-outside-fragment-raises", "sidebar-in-fragment-raises", "parallel-outside-write-raises",
        "dialog-exists", "experimental-dialog-exists",
    )

    VALID = [
        Example(
            """
import streamlit as st

status = st.empty()

@st.fragment(run_every="5s")
def poll():
    status.write("tick")
    with st.container():
        st.write("inside")
    cols = st.columns(2)
    cols[0].metric("Users", 10)

poll()
""",
            version="1.45.0",
        ),
        Example(
            """
import streamlit as st

box = st.container()

@st.fragment
def poll():
    box.write("redrawn in place from 1.59")

poll()
""",
            version="1.59.0",
        ),
        Example(
            """
import streamlit as st

@st.fragment
def greet(name, target):
    st.write(name.title())
    target.write("drawn into a placeholder")

greet("ada", st.empty())
""",
            version="1.45.0",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

box = st.container(border=True)
left, right = st.columns(2)

def show(target):
    target.write("piles up")  # [outside-container-write]

@st.fragment
def poll(area):
    box.write("piles up")  # [outside-container-write]
    with right:
        st.write("piles up")  # [outside-container-write]
    show(left)
    area.markdown("piles up")  # [outside-container-write]

poll(st.container())
""",
            version="1.45.0",
        ),
        Example(
            """
import streamlit as st

status = st.container()

@st.fragment(run_every="5s")
def poll():
    status.write("tick")  # [outside-container-write]

poll()
""",
            version="1.45.0",
            fixed="""
import streamlit as st

status = st.empty()

@st.fragment(run_every="5s")
def poll():
    status.write("tick")

poll()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        widgets_raise = ctx.holds("widget-outside-fragment-raises")
        sidebar_raises = ctx.holds("sidebar-in-fragment-raises")
        parallel_raises = ctx.holds("parallel-outside-write-raises")
        seen = set()
        for fragment in fragments_and_dialogs(ctx, reaching_reported=True):  # (the writes are in what it reaches)
            if parallel_raises and fragment.parallel:
                continue
            for write in ctx.model.writes(fragment):
                container = write.container
                if container is None or not container.outside or container.api == "empty":
                    continue
                if container.api in ("sidebar", "bottom") and sidebar_raises:
                    continue
                if write.is_widget and widgets_raise:
                    continue
                if write.site() in seen:
                    continue
                seen.add(write.site())
                yield self.finding(fragment, write, _fix(ctx, fragment, write) if ctx.reports(write.function.path) else None)

    def finding(self, fragment, write: Write, fix: RewriteSpec | None = None) -> Finding:
        container = write.container
        assert container is not None  # the rule only reports writes into a known outside container
        word = fragment.word
        related = outside_write_related(write, word)
        return Finding(
            write.site(),
            scope_facts=(OutsideContainerKept(fragment.name, container.how),),
            message=f"`{write.element}` inside {fragment.what} draws into {container.how}, "
            f"created outside the {word}; each {word} rerun adds another copy until the next full run "
            "(use `st.empty()` to replace instead)",
            related=related,
            fix=fix,
        )


def _fix(ctx: CheckContext, fragment: Fragment, write: Write) -> RewriteSpec | None:
    """`box = st.container()` -> `box = st.empty()`, where the fragment, called once, is the only
    writer of `box` and draws exactly one element into it per run (the rewrite checks that the
    name is read nowhere else)."""
    container = write.container
    if container is None or container.origin_site is None or not _candidate(fragment, write):
        return None
    writes = [w for w in ctx.model.writes(fragment) if w.container is not None and w.container.origin_site == container.origin_site]
    name = _bound_name(ctx, container.origin_site)
    if len(writes) != 1 or name is None or only_call(ctx, fragment) is None:
        return None
    if not unseen_elsewhere(ctx, fragment.function.path, name):
        return None
    message = f"Make `{name}` an `st.empty()` placeholder (it then holds only the latest element)"
    return RewriteSpec(Rewrite.CONTAINER_TO_EMPTY, (container.origin_site, write.site()), message, Applicability.UNSAFE)


def _candidate(fragment: Fragment, write: Write) -> bool:
    """A fragment's own body drawing one element, once a run, into a module-level `st.container()`
    of the fragment's file."""
    container = write.container
    if container is None or container.api != "container" or container.origin != (fragment.function.path, MODULE_SCOPE):
        return False
    if fragment.dialog or not fragment.certain or write.function != fragment.function or write.chain:
        return False
    return not write.call.in_loop and _one_element(write)


def _one_element(write: Write) -> bool:
    """A call that draws one element: no container (its own writes would land inside), and
    `write` with at most one positional argument (`st.write(a, b)` draws one element each)."""
    if write.element in api.CONTAINERS or write.via_with is not None:
        return False
    unpacked = any(value.kind == ValueKind.UNPACKED for value in write.call.args)
    return not unpacked and (write.element not in ("write", "write_stream") or len(write.call.args) <= 1)


def _bound_name(ctx: CheckContext, creation: Site) -> str | None:
    """The name a module-level `name = st.container()` binds, from the summary of its file."""
    summary = ctx.index.summaries.get(creation.path)
    if not isinstance(summary, ModuleSummary):
        return None
    names = [
        name
        for name, bindings in summary.module_scope.bindings.items()
        if any(binding.value.call_site == creation.site and binding.unpack is None for binding in bindings)
    ]
    return names[0] if len(names) == 1 else None
