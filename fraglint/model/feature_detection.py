"""Code that runs only where Streamlit lacks (or has) an attribute, from the `if` arms around it.

The index records the bodies of `if hasattr(st, "fragment"):` as feature checks (code that runs
only where the name exists). The other arm is the fallback of feature detection: the `else:` of
`if hasattr(st, "fragment"):` (an `elif` is an `if` in that arm) and the body of
`if not hasattr(st, "fragment"):` run only where Streamlit lacks the name. A rule about an old
spelling (`st.experimental_fragment`, deprecated from the release that added `st.fragment`)
must not claim that such a fallback warns or raises on releases that never run it. The arms are
read from a call's guards (`CallSite.guards`); a binding carries none, so an alias assigned in
a fallback arm is not seen here.
"""

from __future__ import annotations

from fraglint.index.project import ProjectIndex, TargetKind
from fraglint.index.summary import CallSite, FunctionSummary, Value, ValueKind
from fraglint.model.fragments import Reference, Site


def feature_checked(index: ProjectIndex, site: Site, name: str) -> bool:
    """Is the code at `site` feature detection of Streamlit's `name`: run only where it exists,
    or with its AttributeError caught? Then a release without it cannot fail there."""
    summary = index.module(site.path)
    return summary is not None and any(
        first <= site.site <= last and checked in ("*", name)
        for function in summary.functions.values()
        for first, last, checked in function.feature_checks
    )


def lacked_at(index: ProjectIndex, reference: Reference) -> set[str]:
    """The Streamlit attributes that do not exist wherever a call `reference` runs."""
    summary = index.module(reference.site.path)
    if reference.call is None or summary is None:
        return set()
    for function in summary.functions.values():
        if any(call is reference.call for call in function.calls):
            return lacked_names(index, reference.site.path, function, reference.call)
    return set()


def lacked_names(index: ProjectIndex, path: str, function: FunctionSummary, call: CallSite) -> set[str]:
    """The Streamlit attributes that do not exist wherever `call` runs."""
    lacked = set()
    for condition_site, arm in call.guards:
        condition = function.conditions.get(condition_site)
        if condition is None:
            continue
        # arm 1 of `if hasattr(...)` (the test alone), arm 0 of `if not hasattr(...)`
        tested = condition.requires if arm == 1 else condition.forbids
        if len(tested) == 1 and (arm == 0 or not condition.forbids):
            name = _hasattr_streamlit(index, path, function, tested[0])
            if name is not None:
                lacked.add(name)
    return lacked


def _hasattr_streamlit(index: ProjectIndex, path: str, function: FunctionSummary, value: Value) -> str | None:
    """`name` when `value` is the call `hasattr(st, "name")` with `st` the Streamlit module."""
    if value.call_site is None:
        return None
    call = next((c for c in function.calls if c.site == value.call_site), None)
    if call is None or call.func != ("hasattr",) or len(call.args) != 2 or call.kwargs:
        return None
    module, name = call.args
    if module.kind != ValueKind.REF or not isinstance(name.literal, str):
        return None
    target = index.resolve(path, function.qualname, module.ref)
    return name.literal if target.kind == TargetKind.STREAMLIT and not target.name else None
