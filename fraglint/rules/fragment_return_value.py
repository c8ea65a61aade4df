"""FRG103 fragment-return-value."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.index import summary
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Site
from fraglint.rules.base import CheckContext, Example, Finding, Rule

_USES = {
    summary.ASSIGNED: "assigned",
    summary.RETURNED: "returned",
    summary.CONDITION: "tested",
    summary.ARGUMENT: "passed on",
    summary.FORMATTED: "formatted",
    summary.EXPRESSION: "used",
}


class FragmentReturnValue(Rule):
    """The value a fragment returns is used.

    ## What it does
    Flags a call of a fragment whose result is assigned, tested, passed on, returned or
    formatted, when the fragment returns a value. A bare call statement is fine.

    ## Why is this bad?
    On a full run the call returns normally, but when a widget inside the fragment (or its
    `run_every` timer) fires, Streamlit reruns only the fragment and throws its return value
    away: the code that consumed it does not run again and keeps the old value. The guide:
    "Streamlit ignores fragment return values during fragment reruns."

    ## Example
    ```python
    @st.fragment
    def pick_city():
        return st.selectbox("City", cities)

    city = pick_city()
    st.map(load(city))  # stale after the user picks another city
    ```

    ## Use instead
    Share data through Session State, and draw what depends on it inside the fragment or
    trigger a full rerun:
    ```python
    @st.fragment
    def pick_city():
        st.selectbox("City", cities, key="city")

    pick_city()
    st.map(load(st.session_state.city))
    ```
    """

    code = "FRG103"
    name = "fragment-return-value"
    judges = CodeScope.APP_RUN
    facts = ("fragment-return-ignored",)

    VALID = [
        Example(
            """
import streamlit as st

@st.fragment
def pick_city():
    st.selectbox("City", ["Oslo", "Lima"], key="city")

pick_city()
_ = pick_city
"""
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

@st.fragment
def pick_city():
    return st.selectbox("City", ["Oslo", "Lima"])

city = pick_city()  # [fragment-return-value]
if pick_city():  # [fragment-return-value]
    st.write(f"{pick_city()}")  # [fragment-return-value]
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for fragment_call in ctx.model.fragment_calls:
            use = fragment_call.call.use
            if use == summary.DISCARDED:
                continue
            function = ctx.index.function(fragment_call.fragment.function)
            if function is None or not any(r.has_value for r in function.returns):
                continue  # it returns nothing: the caller always gets None, nothing vanishes
            name = fragment_call.fragment.name
            yield Finding(
                Site(fragment_call.caller[0], fragment_call.call.site),
                f"the return value of fragment `{name}` is {_USES.get(use, 'used')}, but Streamlit "
                "discards it on the fragment's reruns; share data through `st.session_state`",
                related=((fragment_call.fragment.site, f"fragment `{name}` defined here"),),
                scope_facts=(
                    f"a widget or timer inside `{name}` reruns only `{name}`; "
                    f"`{fragment_call.caller[1]}`, which uses the value, is not re-run",
                ),
            )
