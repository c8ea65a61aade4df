"""`run_every` fragments that an outer fragment's rerun may stop calling.

A timer fragment started inside another fragment under a branch or loop is *orphaned* when a
rerun of the outer fragment takes the other way: on 1.33-1.57 its timer keeps rerunning it and
its elements stay on the page (fact `orphaned-timer-keeps-running`, oracle: orphaned_timer);
from 1.58 the outer rerun drops the timer and the elements. A full rerun always drops timers it
does not start, so only fragments nested in fragments are concerned. The interpreter's scopes
say which instance starts where; this module marks the timer triggers.
"""

from __future__ import annotations

from fraglint.model.interpretation import Scope, ScopeKind, Trigger, TriggerKind

FACT = "orphaned-timer-keeps-running"


def outer_that_may_drop(scopes: dict[str, Scope], scope: Scope) -> str | None:
    """The nearest enclosing fragment whose rerun may not start `scope` (a scope on the way is
    started under a branch or loop), or None."""
    current = scope
    while current.parent is not None:
        parent = scopes[current.parent]
        if parent.kind != ScopeKind.FRAGMENT:
            return None
        if current.branch_call:
            return parent.id
        current = parent
    return None


def mark_orphaned_timers(scopes: dict[str, Scope], triggers: list[Trigger]) -> None:
    for trigger in triggers:
        if trigger.kind == TriggerKind.TIMER:
            trigger.orphan_of = outer_that_may_drop(scopes, scopes[trigger.scope])
