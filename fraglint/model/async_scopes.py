"""Fragments and dialogs made from an `async def`: they start no scope at run time.

Streamlit calls the decorated function inside the fragment's scope and returns what it returns;
for an `async def` that is a coroutine nobody awaits there (fact `async-fragment-unsupported`,
oracle: async_fragment, every release 1.33-1.67). The body runs, if the caller awaits it, after
the scope has ended: in the caller's scope, where its widgets rerun the caller, and the
fragment's `run_every` never runs it. So the interpreter walks such a call as a plain call, and
the checks the runtime makes inside a fragment's scope do not apply to its body (the rule
`async-fragment` reports the decorator itself).
"""

from __future__ import annotations

from packaging.version import Version

from fraglint.index.project import ProjectIndex
from fraglint.model import versions
from fraglint.model.fragments import Fragment

FACT = "async-fragment-unsupported"


def is_async(index: ProjectIndex, fragment: Fragment) -> bool:
    """Is `fragment` made from an `async def`? (The interpreter then asks its `WalkFacts` for `FACT`.)"""
    function = index.function(fragment.function)
    return function is not None and function.is_async


def starts_no_scope(index: ProjectIndex, fragment: Fragment, version: Version) -> bool:
    """Is `fragment` an `async def`, whose call returns its coroutine instead of running a scope?"""
    return is_async(index, fragment) and versions.holds(FACT, version)
