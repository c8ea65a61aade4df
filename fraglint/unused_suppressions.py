"""FRG125 unused-suppression: suppression comments of fraglint's own that suppress nothing.

A `# noqa: FRG105` goes stale when the Streamlit pin moves past the releases the rule covers,
or when the code it excused is fixed. Like ruff's RUF100, this needs what no rule sees: the
comments, and which of them the other rules' findings used. So the engine computes it after the
rules, from the suppressions it applied (`Used`).

Precision first: only what fraglint owns is ever reported: the codes and names of fraglint's
rules in a `# noqa: ...` list (another tool's `E501` is never touched), and `# fraglint:
ignore[...]`. A bare `# noqa` belongs to every tool and is left alone. A rule the
configuration turns off for the file (select, ignore, per-file-ignores) says nothing about its
suppressions, which are kept; input diagnostics (FRG001-FRG004) and FRG125 itself are never
reported. The fix removes exactly the unused part, and the whole comment when nothing else is
left in it; every other byte stays.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass

from fraglint.diagnostics import Diagnostic, Edit, Fix, Span
from fraglint.rules import BY_CODE, BY_NAME
from fraglint.rules.unused_suppression import UnusedSuppression
from fraglint.suppressions import IGNORE, NOQA

Used = set[tuple[str, int, str]]  # (path, line, rule code) of every finding a comment suppressed
_ITEM = re.compile(r"[^,\s\]]+")


@dataclass(frozen=True)
class _Comment:
    line: int
    column: int  # 0-based, of the `#`
    text: str  # from the `#` to the end of the line
    before: str  # the line's text before the comment


def unused_suppressions(
    path: str, text: str, used: Used, enabled_for: Callable[[str], bool]
) -> list[Diagnostic]:
    """FRG125 diagnostics for the comments in `text` (the file at `path`) that suppress nothing.

    `enabled_for(code)`: does the configuration run that rule on this file?
    """
    if UnusedSuppression.code not in BY_CODE or not enabled_for(UnusedSuppression.code):
        return []
    found = []
    for comment in _comments(text):
        unused = _unused_parts(comment, path, used, enabled_for)
        if unused:
            found.append(_diagnostic(path, comment, unused))
    return found


def _comments(text: str) -> list[_Comment]:
    lowered = text.lower()
    if "noqa" not in lowered and "fraglint" not in lowered:
        return []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    return [
        _Comment(t.start[0], t.start[1], t.string, t.line[: t.start[1]])
        for t in tokens
        if t.type == tokenize.COMMENT and (NOQA.search(t.string) or IGNORE.search(t.string))
    ]


def _unused_parts(comment: _Comment, path: str, used: Used, enabled_for: Callable[[str], bool]) -> list[tuple[int, int, str]]:
    """(start, end, label) of each unused item of fraglint's in the comment, offsets in its text."""
    here = {code for (p, line, code) in used if p == path and line == comment.line}
    if _suppresses_self(comment.text):
        return []
    unused = []
    noqa = NOQA.search(comment.text)
    if noqa is not None and noqa.group("codes"):
        start = noqa.start("codes")
        for item in _ITEM.finditer(noqa.group("codes")):
            rule = BY_CODE.get(item.group().upper())
            if rule is not None and enabled_for(rule.code) and rule.code not in here:
                unused.append((start + item.start(), start + item.end(), rule.code))
    ignore = IGNORE.search(comment.text)
    if ignore is not None:
        unused += _unused_names(ignore, here, enabled_for)
    return unused


def _unused_names(ignore: re.Match[str], here: set[str], enabled_for: Callable[[str], bool]) -> list[tuple[int, int, str]]:
    if ignore.group("names") is None:  # a bare ignore comment: fraglint's, for every rule on the line
        return [] if here else [(ignore.start(), ignore.end(), "fraglint: ignore")]
    start = ignore.start("names")
    unused = []
    for item in _ITEM.finditer(ignore.group("names")):
        rule = BY_NAME.get(item.group().lower())
        if rule is not None and enabled_for(rule.code) and rule.code not in here:
            unused.append((start + item.start(), start + item.end(), rule.name))
    return unused


def _suppresses_self(comment: str) -> bool:
    """A comment that names FRG125 keeps all of its items (the user asked for exactly that)."""
    noqa, ignore = NOQA.search(comment), IGNORE.search(comment)
    codes = {c.strip().upper() for c in noqa.group("codes").split(",")} if noqa and noqa.group("codes") else set()
    names = {n.strip().lower() for n in ignore.group("names").split(",")} if ignore and ignore.group("names") else set()
    return UnusedSuppression.code in codes or UnusedSuppression.name in names


def _diagnostic(path: str, comment: _Comment, unused: list[tuple[int, int, str]]) -> Diagnostic:
    labels = ", ".join(label for _, _, label in unused)
    span = Span(comment.line, comment.column + 1, comment.line, comment.column + len(comment.text) + 1)
    message = f"unused suppression ({labels}): nothing is reported here to suppress"
    new = _without(comment.text, unused)
    if new is None:  # nothing left: the comment goes, with the blanks before it
        start = len(comment.before.rstrip(" \t")) if comment.before.strip() else len(comment.before)
        edit = Edit(Span(comment.line, start + 1, span.end_line, span.end_column), "")
    else:
        edit = Edit(span, new)
    fix = Fix("Remove the unused suppression", (edit,))
    return Diagnostic(path, span, UnusedSuppression.code, UnusedSuppression.name, UnusedSuppression.severity, message, fix=fix)


def _without(text: str, unused: list[tuple[int, int, str]]) -> str | None:
    """The comment without its unused items (and their separators); None when nothing is left."""
    matches = [m for m in (IGNORE.search(text), NOQA.search(text)) if m is not None]
    for match in sorted(matches, key=lambda m: -m.start()):  # the later part of the text first, so offsets hold
        group = "names" if match.re is IGNORE else "codes"
        text = _drop_items(text, match, group, [(s, e) for s, e, _ in unused])
    rest = text.strip()
    if not rest or rest == "#":
        return None
    return rest if rest.startswith("#") else "# " + rest


def _drop_items(text: str, match: re.Match[str], group: str, unused: list[tuple[int, int]]) -> str:
    if match.group(group) is None:
        return text[: match.start()] + text[match.end() :] if (match.start(), match.end()) in unused else text
    start = match.start(group)
    items = [(start + m.start(), start + m.end()) for m in _ITEM.finditer(match.group(group))]
    kept = [item for item in items if item not in unused]
    if len(kept) == len(items):
        return text
    if not kept:  # the whole suppression comment goes
        return text[: match.start()] + text[match.end() :]
    pieces = [text[: items[0][0]]]
    for index, (begin, end) in enumerate(kept):
        separator = ""
        if index:  # the separator that followed the kept item before it in the original
            previous_end = kept[index - 1][1]
            following = next(b for b, _ in items if b > previous_end)
            separator = text[previous_end:following]
        pieces.append(separator + text[begin:end])
    pieces.append(text[items[-1][1] :])
    return "".join(pieces)
