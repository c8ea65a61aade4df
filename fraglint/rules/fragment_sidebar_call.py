"""FRG105 fragment-sidebar-call."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.index.rewrite_kinds import Rewrite
from fraglint.model import versions
from fraglint.model.containers import ContainerUse
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Fragment, Site
from fraglint.rules.base import (
    CheckContext,
    Example,
    Finding,
    RewriteSpec,
    Rule,
    chain_related,
    fragments_and_dialogs,
    only_call,
    unseen_elsewhere,
)


class FragmentSidebarCall(Rule):
    """`st.sidebar` is used inside a fragment.

    ## What it does
    Flags `st.sidebar.<element>(...)` and `with st.sidebar:` in a fragment's body or in any
    helper the fragment calls. Calling the fragment itself inside `with st.sidebar:` is the
    supported form and is not flagged. An `@st.dialog` body runs as a fragment and is checked
    the same way.

    ## Why is this bad?
    The sidebar lives outside every fragment's container. Until Streamlit 1.59 the runtime
    refuses it: the fragment raises "Calling `st.sidebar` in a function wrapped with
    `st.fragment` is not supported", on the full run as on reruns.

    ## Example
    ```python
    @st.fragment
    def filters():
        st.sidebar.selectbox("Region", regions)
    ```

    ## Use instead
    Put the whole fragment in the sidebar:
    ```python
    @st.fragment
    def filters():
        st.selectbox("Region", regions)

    with st.sidebar:
        filters()
    ```

    ## Fix safety
    The fix puts the whole fragment in the sidebar: it wraps the fragment's call in
    `with st.sidebar:` and takes the sidebar out of the body, where a body that is one
    `with st.sidebar:` block loses the block (its body is dedented) and each
    `st.sidebar.<element>(...)` becomes `st.<element>(...)` (a call already in
    `with st.sidebar:` is left as it is). The widgets stay in the fragment, so
    they still rerun only it, and what it draws lands at the same place in the sidebar, inside
    the fragment's own container (from 1.59, where the original runs, the page looks the same;
    before, the original raised). It is offered only where the sidebar is all the fragment draws
    and the call is its only use:
    - the fragment is a plain module-level `def` (not a dialog) called exactly once in the project,
      by a statement of its own file's module-level code that is only the call (`f(...)` or
      `x = f(...)`, not in a loop, with arguments that call nothing), and its name is read nowhere
      else (no other module imports it);
    - its body, after a docstring, is one `with st.sidebar:` block (no `as`, no comment after the
      colon), or statements that each draw with `st.sidebar.<element>(...)` (or assign what one
      returns) or call nothing at all.

    The fix is safe, but unsafe where an argument of a moved `st.sidebar.<element>(...)` calls
    something: whatever that call draws would move into the sidebar too.
    """

    code = "FRG105"
    name = "fragment-sidebar-call"
    judges = CodeScope.ANYWHERE
    severity = Severity.ERROR
    facts = ("sidebar-in-fragment-raises",)
    reads = ("dialog-exists", "experimental-dialog-exists")

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment
def filters():
    st.selectbox("Region", ["EU", "US"])

with st.sidebar:
    filters()
st.sidebar.write("outside any fragment")
""",
            version="1.45.0",
        ),
        Example(
            """
import streamlit as st

@st.fragment
def filters():
    st.sidebar.write("allowed from 1.59")

filters()
""",
            version="1.59.0",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.dialog("Settings")
def settings():
    st.sidebar.write("raises in a dialog too")  # [fragment-sidebar-call]

if st.button("Settings"):
    settings()
""",
            version="1.45.0",
        ),
        Example(
            """
import streamlit as st

def legend():
    st.sidebar.caption("Legend")  # [fragment-sidebar-call]

@st.fragment
def filters():
    with st.sidebar:  # [fragment-sidebar-call]
        st.write("Filters")
    legend()

filters()
""",
            version="1.45.0",
        ),
        Example(
            """
import streamlit as st

@st.fragment
def filters():
    with st.sidebar:  # [fragment-sidebar-call]
        region = st.selectbox("Region", ["EU", "US"])
        st.write(region)

filters()
""",
            version="1.45.0",
            fixed="""
import streamlit as st

@st.fragment
def filters():
    region = st.selectbox("Region", ["EU", "US"])
    st.write(region)

with st.sidebar:
    filters()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        seen: set[Site] = set()
        for fragment in fragments_and_dialogs(ctx, reaching_reported=True):  # (the uses are in what it reaches)
            uses = [use for use in ctx.model.containers.container_uses(fragment) if _sidebar_itself(use)]
            fix = _fix(ctx, fragment, uses) if any(ctx.reports(use.site.path) for use in uses) else None
            for use in uses:
                if use.site in seen:
                    continue
                seen.add(use.site)
                what = "`with st.sidebar:`" if use.element is None else f"`st.sidebar.{use.element}`"
                yield Finding(
                    use.site,
                    f"{what} inside {fragment.what} raises before Streamlit "
                    f"{versions.until('sidebar-in-fragment-raises')}; "
                    + ("draw into the sidebar outside the dialog" if fragment.dialog
                       else "call the fragment inside `with st.sidebar:` instead"),
                    related=chain_related(use.chain),
                    fix=fix,
                )


def _sidebar_itself(use: ContainerUse) -> bool:
    """`with st.sidebar:` or `st.sidebar.<element>(...)`, not a child container of the sidebar."""
    if use.container.api != "sidebar":
        return False
    if use.element is None and use.container.origin is not None:
        return False  # `with` a sidebar child container: not the sidebar itself
    return use.element is None or not use.container.made_inside  # else its `st.sidebar.container()` is reported


def _fix(ctx: CheckContext, fragment: Fragment, uses: list[ContainerUse]) -> RewriteSpec | None:
    """`with st.sidebar:` around the fragment's one call, where the sidebar is drawn only in the
    fragment's own body (the shape of that body is checked by the rewrite itself)."""
    if fragment.dialog or not fragment.certain or fragment.wrapped_by_call or "." in fragment.name:
        return None
    call = only_call(ctx, fragment)
    function = ctx.index.function(fragment.function)
    if call is None or function is None or any(use.chain for use in uses):
        return None
    if not unseen_elsewhere(ctx, fragment.function.path, fragment.name):
        return None
    sites = (Site(fragment.function.path, function.site), call.site(), *(use.site for use in uses))
    return RewriteSpec(Rewrite.SIDEBAR_AROUND_CALL, sites, f"Call `{fragment.name}` inside `with st.sidebar:`")
