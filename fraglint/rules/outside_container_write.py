"""FRG104 outside-container-write."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.model import versions
from fraglint.model.containers import Write
from fraglint.model.entries import CodeScope
from fraglint.model.scope_notes import OutsideContainerKept
from fraglint.rules.base import CheckContext, Example, Finding, Rule, fragments_and_dialogs, outside_write_related


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
        status.write(f"Last update: {time.time()}")  # one more line every 5 seconds

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

box = st.container()
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
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        widgets_raise = versions.holds("widget-outside-fragment-raises", ctx.version)
        sidebar_raises = versions.holds("sidebar-in-fragment-raises", ctx.version)
        parallel_raises = versions.holds("parallel-outside-write-raises", ctx.version)
        seen = set()
        for fragment in fragments_and_dialogs(ctx):
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
                yield self.finding(fragment, write)

    def finding(self, fragment, write: Write) -> Finding:
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
        )
