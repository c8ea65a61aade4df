"""Which definitions of a redefined function can be the one a use of its name calls.

Apps define a function twice to support several Streamlit releases (`if hasattr(st,
"fragment"): @st.fragment def panel ... else: def panel ...`, or a `try`/`except` pair), and
test apps define one per `if`/`elif` arm. The index keeps every definition (the later ones
named `f@<site>`, see `summary.redefined_qualname`); a use of the name reaches the
definitions Python's rules allow, read from the arms of the binding scope's branching
statements (`FunctionSummary.arms`):

- a later definition replaces an earlier one when it always runs after it (its arms are a
  prefix of the earlier one's: the same arm or an enclosing one);
- a definition in an arm of an `if` (or `match`) that excludes the use's arm never reaches it
  (a `try` body and its handler, or a loop and its `else`, do not exclude each other);
- a use in the binding scope itself sees only the definitions made before it.

What is left may each be the one that runs: the model follows all of them.
"""

from __future__ import annotations

from fraglint.index.summary import MODULE_SCOPE, Binding, FunctionSummary, ModuleSummary
from fraglint.index.targets import UNKNOWN, Target, TargetKind

Arms = tuple[tuple[int, int, bool], ...]  # (branch, arm, exclusive), outermost first
Definition = tuple[str, int]  # (qualname, the site of its name in the binding scope)


def arms_at(function: FunctionSummary, site: int) -> Arms:
    """The arms of `function`'s own branching statements that hold `site`, outermost first."""
    holding = sorted(
        (first, -last, branch, arm, exclusive)
        for first, last, branch, arm, exclusive in function.arms
        if first <= site <= last
    )
    return tuple((branch, arm, exclusive) for _, _, branch, arm, exclusive in holding)


def _always_after(later: Arms, earlier: Arms) -> bool:
    """Does a definition in arms `later`, made after one in arms `earlier`, always replace it?"""
    return earlier[: len(later)] == later


def excluded(one: Arms, other: Arms) -> bool:
    """Can code in arms `one` and code in arms `other` never both run (different arms of one `if`)?"""
    for (branch, arm, exclusive), (other_branch, other_arm, _) in zip(one, other, strict=False):
        if branch != other_branch:
            return False  # sibling statements: both may run
        if arm != other_arm:
            return exclusive
    return False


def reaching(binder: FunctionSummary, definitions: list[Definition], use: Arms | None, before: int | None) -> list[str]:
    """The qualnames, in definition order, of `definitions` (of one name in `binder`) that a
    use in arms `use` (None: anywhere) made at site `before` (None: after all of them) may call."""
    candidates = [
        (qualname, site, arms_at(binder, site))
        for qualname, site in sorted(definitions, key=lambda d: d[1])
        if before is None or site < before
    ]
    if use is not None:
        candidates = [c for c in candidates if not excluded(c[2], use)]
    return [
        qualname
        for qualname, site, arms in candidates
        if not any(later_site > site and _always_after(later_arms, arms) for _, later_site, later_arms in candidates)
    ]


def use_position(summary: ModuleSummary, binder: FunctionSummary, scope: str, site: int | None) -> tuple[Arms | None, int | None]:
    """Where a use in function `scope` (at `site`, when known) stands in `binder`'s arms, and the
    site the definitions must precede (None when the use runs later, from a nested function)."""
    if scope == binder.qualname:
        return (arms_at(binder, site), site) if site is not None else (None, None)
    function = summary.functions.get(scope)
    while function is not None and (function.parent or MODULE_SCOPE) != binder.qualname:
        function = summary.functions.get(function.parent) if function.parent else None
    if function is None:
        return None, None
    return arms_at(binder, function.site), None


def definitions_of(bindings: list[Binding]) -> list[Definition] | None:
    """(qualname, site) of each binding of a name when every one is a `def`, else None."""
    found = [(b.value.ref[1], b.site) for b in bindings if b.value.ref and b.value.ref[0] == "<def>"]
    return found if found and len(found) == len(bindings) else None


def definitions_target(path: str, qualnames: list[str]) -> Target:
    """The function target of the definitions a use may call: the last, and the others."""
    if not qualnames:
        return UNKNOWN
    return Target(TargetKind.FUNCTION, name=qualnames[-1], path=path, alternatives=tuple(qualnames[:-1]))


def narrowed(summary: ModuleSummary, binder: str, name: str, scope: str, site: int | None, found: Target) -> Target:
    """`found`, every definition of `name` in `binder`, narrowed to those a use in `scope` (at
    `site`) can reach; `found` itself when `name` is bound elsewhere (an import of it)."""
    function = summary.functions.get(binder)
    definitions = definitions_of(function.bindings.get(name, [])) if function else None
    if function is None or not definitions or found.path is None:
        return found
    use, before = use_position(summary, function, scope, site)
    return definitions_target(found.path, reaching(function, definitions, use, before))
