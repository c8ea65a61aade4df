"""Code that feature detection keeps off some releases: no finding is real there.

Apps that support several Streamlit releases test for an API before using it (`if
hasattr(st, "fragment"): @st.fragment def panel ... else: def panel ...`). The `if` arm runs
only where Streamlit has the attribute, the `else` arm only where it lacks it (the index
records both as `FunctionSummary.feature_checks`), so a claim about code in either arm holds
only on the releases where that arm runs: `hasattr(st, "fragment")` is false before 1.37
(`runs_on`, which every rule's findings pass through). A rule about an old spelling
(`st.experimental_fragment`) also asks which names a call's guards say are missing wherever it
runs (`lacked_at`), read from the call's guards (`CallSite.guards`); a binding carries none.
"""

from __future__ import annotations

from packaging.version import Version

from fraglint.index.project import ProjectIndex, TargetKind
from fraglint.index.summary import LACKING, CallSite, FunctionSummary, Value, ValueKind
from fraglint.model import versions
from fraglint.model.fragments import Reference, Site


def runs_on(index: ProjectIndex, site: Site, version: Version) -> bool:
    """Can the code at `site` run on `version`, as far as Streamlit feature tests around it say?"""
    summary = index.module(site.path)
    if summary is None:
        return True
    for function in summary.functions.values():
        for first, last, checked in function.feature_checks:
            if first <= site.site <= last:
                lacking = checked.startswith(LACKING)
                exists = api_exists(checked.removeprefix(LACKING), version)
                if exists is not None and exists == lacking:
                    return False
    return True


def api_exists(name: str, version: Version) -> bool | None:
    """Does Streamlit `version` have the attribute `name` (None: a name the facts do not cover)?"""
    fact = versions.FACTS.get(f"{name.replace('_', '-')}-exists")
    return None if fact is None else fact.holds(version)


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
