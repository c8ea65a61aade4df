"""Where things are in one file: the spans of its sites and its suppression comments.

Summaries are position-free (a site is a number in walk order), so they stay cheap and
cacheable. A file that reports something is walked once more with positions; `FileFacts`
holds what that walk found, and the reports turn sites into lines and columns with it.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass

from fraglint.diagnostics import Span
from fraglint.fixes import source_digest
from fraglint.index.loader import InputProblem, decode_source, read_source, summarize_source
from fraglint.suppressions import suppression

Suppressions = dict[int, tuple[set[str] | None, set[str] | None]]  # line -> (noqa codes, ignore names)


@dataclass
class FileFacts:
    text: str
    spans: Mapping[int, tuple[Span, ...]]  # site -> spans (1-based): the node, then its name
    suppressions: Suppressions
    digest: str | None = None  # of the bytes `text` was decoded from (`fixes.source_digest`); None for a buffer


def read_facts(path: str, text: str | None = None) -> FileFacts | None:
    """Facts of the file at `path` (`text` overrides the disk); None when it cannot be parsed."""
    digest = None
    if text is None:
        data = read_source(path)
        if isinstance(data, InputProblem):
            return None
        loaded = decode_source(path, data)
        if isinstance(loaded, InputProblem):
            return None
        text, digest = loaded, source_digest(data)  # a fix is written only while the file has these bytes
    result = summarize_source(path, text, with_positions=True)
    if isinstance(result, InputProblem):
        return None
    facts = facts_from_visitor(text, result[1])
    facts.digest = digest
    return facts


def facts_from_visitor(text: str, visitor) -> FileFacts:
    """Spans of every site and the suppression comments, from a walk made with positions."""
    positions = visitor.positions or {}
    spans: dict[int, tuple[Span, ...]] = {}
    for site, nodes in visitor.site_nodes.items():
        found = []
        for node in nodes:
            position = positions.get(node)
            if position is not None:
                found.append(Span(position.start.line, position.start.column + 1, position.end.line, position.end.column + 1))
        spans[site] = tuple(found)
    return FileFacts(text, spans, suppressions_in(text))


def suppressions_in(text: str) -> Suppressions:
    """Comments that suppress diagnostics, by line: (noqa codes or None for all, ignore names)."""
    lowered = text.lower()
    if "noqa" not in lowered and "fraglint" not in lowered:
        return {}  # tokenizing is the expensive part; most files have no such comment
    found: Suppressions = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return found
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        suppressed = suppression(token.string)
        if suppressed is not None:
            found[token.start[0]] = suppressed
    return found


def is_suppressed(facts: FileFacts, line: int, code: str, name: str) -> bool:
    entry = facts.suppressions.get(line)
    if entry is None:
        return False
    codes, names = entry
    if codes is None or names is None:
        return True
    return code in codes or name in names


def span_of(facts: FileFacts | None, site: int, part: str = "primary") -> Span | None:
    """The span of a site: "primary" is the whole node, "secondary" its name when it has one."""
    spans = facts.spans.get(site, ()) if facts else ()
    if not spans:
        return None
    if part == "secondary" and len(spans) > 1:
        return spans[1]
    return spans[0]
