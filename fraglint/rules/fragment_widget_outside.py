"""FRG106 fragment-widget-outside."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.entries import CodeScope
from fraglint.rules.base import CheckContext, Example, Finding, Rule, chain_related, fragments_and_dialogs


class FragmentWidgetOutside(Rule):
    """A fragment draws a widget into a container created outside it.

    ## What it does
    Flags a widget (button, slider, text input, ...) created while a fragment runs, in its body
    or in a helper it calls, inside a container made outside the fragment: a module-level
    `st.container()`, columns or tabs made outside, a container passed in as an argument.
    `st.sidebar` is reported by `fragment-sidebar-call`.
    An `@st.dialog` body runs as a fragment and is checked the same way.

    ## Why is this bad?
    A widget belongs to the scope that reruns when the user touches it. A widget in an outside
    container would belong to no scope that can redraw it, so Streamlit raises from 1.36 until
    1.59, where outside writes became supported: `StreamlitAPIException` ("Fragments cannot write
    to elements outside of their container."), from 1.39 `StreamlitFragmentWidgetsNotAllowedOutsideError`
    ("Fragments cannot write widgets to outside containers.").

    ## Example
    ```python
    left, right = st.columns(2)

    @st.fragment
    def controls():
        right.button("Refresh")
    ```

    ## Use instead
    Create the layout inside the fragment:
    ```python
    @st.fragment
    def controls():
        left, right = st.columns(2)
        right.button("Refresh")
    ```
    """

    code = "FRG106"
    name = "fragment-widget-outside"
    judges = CodeScope.ANYWHERE
    severity = Severity.ERROR
    facts = ("widget-outside-fragment-raises",)
    reads = ("dialog-exists", "experimental-dialog-exists")

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment
def controls():
    left, right = st.columns(2)
    right.button("Refresh")

controls()
""",
            version="1.45.0",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

toolbar = st.container()

@st.dialog("Edit")
def edit():
    toolbar.button("Save")  # [fragment-widget-outside]

if st.button("Edit"):
    edit()
""",
            version="1.45.0",
        ),
        Example(
            """
import streamlit as st

left, right = st.columns(2)

@st.fragment
def controls():
    right.button("Refresh")  # [fragment-widget-outside]
    with left:
        st.slider("Window", 1, 10)  # [fragment-widget-outside]

controls()
""",
            version="1.45.0",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        seen = set()
        for fragment in fragments_and_dialogs(ctx, reaching_reported=True):  # (the writes are in what it reaches)
            for write in ctx.model.writes(fragment):
                container = write.container
                if not write.is_widget or container is None or not container.outside:
                    continue
                if container.api in ("sidebar", "bottom"):
                    continue
                if write.site() in seen:
                    continue
                seen.add(write.site())
                related = chain_related(write.chain)
                if container.origin_site is not None:
                    related = ((container.origin_site, "container created here"),) + related
                yield Finding(
                    write.site(),
                    f"widget `{write.element}` inside {fragment.what} is drawn into {container.how}, "
                    f"created outside the {fragment.word}; Streamlit raises "
                    f"{ctx.exception('widget-outside-fragment')}",
                    related=related,
                )
