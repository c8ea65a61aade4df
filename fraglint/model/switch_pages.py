"""`st.switch_page(...)`: the run ends and the target page runs in full.

Called from a fragment (or the script), the switch ends the current run and Streamlit runs the
whole target page, not the fragment (fact `switch-page-runs-target-page`, oracle:
switch_page_fragment, every recorded release). The target is read from a string literal, a
path relative to the main script's folder as Streamlit resolves it; an `st.Page` object or a
computed value is kept as written.
"""

from __future__ import annotations

import os

from fraglint.index.project import FunctionKey, ProjectIndex
from fraglint.index.summary import CALL, ITEM, CallSite, ValueKind
from fraglint.model.fragments import Site
from fraglint.model.interpretation import Scope, SwitchPage

FACT = "switch-page-runs-target-page"


def switch_page(index: ProjectIndex, key: FunctionKey, call: CallSite, scope: Scope, conditional: bool) -> SwitchPage:
    """The switch one `st.switch_page(page)` call makes, with its target page when it is a file."""
    page = call.args[0] if call.args else call.kwargs.get("page")
    label, target = "?", None
    if page is not None and page.kind == ValueKind.STR and isinstance(page.literal, str):
        label = page.literal
        paths = [os.path.normpath(os.path.join(folder, label)) for folder in _main_folders(scope.entry or key.path)]
        target = next((path for path in paths if index.module(path) is not None), None)
    elif page is not None and page.ref is not None:
        label = ".".join(part for part in page.ref if part not in (CALL, ITEM))
    return SwitchPage(Site(key.path, call.site), target, label, conditional)


def _main_folders(entry: str) -> list[str]:
    """Where the main script may be: Streamlit reads the path relative to the main script's
    folder, so a script in `pages/` switches relative to the folder above it."""
    folder = os.path.dirname(entry)
    return [os.path.dirname(folder), folder] if os.path.basename(folder) == "pages" else [folder]
