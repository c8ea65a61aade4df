"""FRG116 stale-fragment-argument."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.index.summary import ValueKind
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule


class StaleFragmentArgument(Rule):
    """A fragment argument is read from session state that only a fragment's rerun changes.

    ## What it does
    Flags an argument of a fragment call that reads `st.session_state` (directly or through a
    local variable) when every write of that key (a widget's `key=`, an assignment) happens
    inside a fragment whose reruns do not rerun the calling code.

    ## Why is this bad?
    Arguments are evaluated by the caller. When a widget inside a fragment changes the key,
    only that fragment reruns: the caller does not, so the fragment keeps receiving the value
    from the last full run. The guide: "Fragments can't detect a change in input values."

    ## Example
    ```python
    @st.fragment
    def controls():
        st.slider("Days", 1, 30, key="days")

    @st.fragment
    def chart(days):
        st.line_chart(load(days))

    controls()
    chart(st.session_state.days)  # stale after the slider moves
    ```

    ## Use instead
    Read session state inside the fragment that needs it:
    ```python
    @st.fragment
    def chart():
        st.line_chart(load(st.session_state.days))
    ```
    """

    code = "FRG116"
    name = "stale-fragment-argument"
    judges = CodeScope.APP_RUN

    VALID = [
        Example(
            """
import streamlit as st

st.slider("Days", 1, 30, key="days")

@st.fragment
def chart(days):
    st.write(days)

chart(st.session_state.days)
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment
def controls():
    st.slider("Days", 1, 30, key="days")

@st.fragment
def chart(days, region):
    st.write(days, region)

controls()
region = st.session_state.get("region", "EU")
chart(st.session_state["days"], region=region)  # [stale-fragment-argument, stale-fragment-argument]

@st.fragment
def pick():
    st.session_state.region = st.selectbox("Region", ["EU", "US"])

pick()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        model = ctx.model
        writers = model.state.writers
        for fragment_call in model.fragment_calls:
            if fragment_call.fragment.dialog:
                continue  # not recorded for dialogs on real releases
            caller = fragment_call.caller
            values = list(fragment_call.call.args) + list(fragment_call.call.kwargs.values())
            for value in values:
                if value.kind != ValueKind.REF or value.ref is None or value.ref[0].startswith("<"):
                    continue
                key = model.state.state_key(caller[0], caller[1], value.ref)
                if key is None or key not in writers:
                    continue
                writer_fragments = model.state.fragments_alone_writing(key, caller, model.callbacks.functions)
                if not writer_fragments:
                    continue
                names = ", ".join(f"`{name}`" for name in sorted(writer_fragments))
                yield Finding(
                    Site(caller[0], value.site),
                    f"argument of fragment `{fragment_call.fragment.name}` reads `st.session_state[{key!r}]`, "
                    f"which only fragment {names} changes; those reruns do not re-evaluate this call, so the "
                    "fragment keeps the old value until the next full run (read session state inside the fragment)",
                    related=tuple((w.site, f"`{key}` written here ({w.how.value})") for w in writers[key]),
                    scope_facts=(
                        f"arguments of `{fragment_call.fragment.name}` are evaluated in `{caller[1]}`, "
                        f"which reruns only on a full run; {names} rerun alone",
                    ),
                )
