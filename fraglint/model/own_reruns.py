"""What can rerun a fragment on its own, without a full run.

A fragment that nothing reruns alone is only ever run by full runs: whatever it returns, every
caller gets it fresh. A fragment reruns alone when a widget it draws is used (a form's submit
button is one), when its `run_every` timer fires, when code it runs calls
`st.rerun(scope="fragment")`, or (1.63+) when some `st.rerun("<key>")` names its key. Widgets
and reruns inside a fragment it calls belong to that nested fragment, not to this one (the
call graph's reach stops at fragment calls). A fragment made from an `async def` runs its body
outside its scope (`model.async_scopes`): its widgets and `st.rerun(scope="fragment")` calls
rerun its caller's scope, not it.
"""

from __future__ import annotations

from packaging.version import Version

from fraglint.index.summary import Kind, ValueKind
from fraglint.model import versions
from fraglint.model.async_scopes import starts_no_scope
from fraglint.model.fragment_model import FragmentModel
from fraglint.model.fragments import Fragment
from fraglint.model.streamlit_api import RerunScope


class OwnRerun(Kind):
    """One cause of a fragment rerun, phrased for messages."""

    WIDGET = "a widget inside it"
    FORM = "a form inside it"
    TIMER = "its `run_every` timer"
    FRAGMENT_RERUN = '`st.rerun(scope="fragment")` inside it'
    KEYED_RERUN = "an `st.rerun` naming its key"


def own_reruns(model: FragmentModel, fragment: Fragment, version: Version) -> list[OwnRerun]:
    """The causes that can rerun `fragment` alone, in the order above (empty: only full runs run it)."""
    causes = []
    body_in_scope = not starts_no_scope(model.index, fragment, version)
    writes = model.writes(fragment) if body_in_scope else []
    if any(write.is_widget for write in writes):
        causes.append(OwnRerun.WIDGET)
    if any(write.element == "form" for write in writes):
        causes.append(OwnRerun.FORM)
    run_every = fragment.kwarg("run_every")
    if run_every is not None and run_every.kind != ValueKind.NONE:
        causes.append(OwnRerun.TIMER)
    reach = model.reach(fragment.function)
    if body_in_scope and any(r.request.scope is RerunScope.FRAGMENT and r.function in reach for r in model.reruns.all):
        causes.append(OwnRerun.FRAGMENT_RERUN)
    if fragment.key is not None and versions.holds("fragment-key-exists", version) and any(
        r.request.scope is RerunScope.KEY and r.request.key == fragment.key for r in model.reruns.all
    ):
        causes.append(OwnRerun.KEYED_RERUN)
    return causes
