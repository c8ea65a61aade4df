"""Code that feature detection keeps off some releases: no finding is real there.

Apps that support several Streamlit releases test for an API before using it (`if
hasattr(st, "fragment"): @st.fragment def panel ... else: def panel ...`). The `if` arm runs
only where Streamlit has the attribute, the `else` arm only where it lacks it (the index
records both as `FunctionSummary.feature_checks`), so a claim about code in either arm holds
only on the releases where that arm runs: `hasattr(st, "fragment")` is false before 1.37.
"""

from __future__ import annotations

from packaging.version import Version

from fraglint.index.project import ProjectIndex
from fraglint.index.summary import LACKING
from fraglint.model import versions
from fraglint.model.fragments import Site


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
