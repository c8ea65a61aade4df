"""Where things are in one file: the spans of its sites and its suppression comments.

Summaries are position-free (a site is a number in walk order), so they stay cheap and
cacheable. A reported site is placed by parsing again only the top-level statement that
holds it (the summary says where each starts), with libcst's positions for that statement
alone: libcst computes positions by generating the code of the whole tree, which costs
twice its parse, so doing it for whole files was most of a warm check. When that cannot be
done (no statement lines, a statement that does not parse alone) the file is walked once
more, whole, with positions. `FileFacts` holds the spans; the reports turn sites into lines
and columns with them.
"""

from __future__ import annotations

import bisect
import io
import sys
import tokenize
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fraglint.diagnostics import Span
from fraglint.index.loader import InputProblem, compute_positions, decode_source, parse_admitted, read_source, summarize_source
from fraglint.index.summary import STATEMENT_STRIDE, ModuleSummary
from fraglint.source_text import line_starts, source_digest
from fraglint.suppressions import suppression

if TYPE_CHECKING:
    from fraglint.index.span_cache import Placed, SpanCache
    from fraglint.index.visitor import SummaryVisitor

Suppressions = dict[int, tuple[set[str] | None, set[str] | None]]  # line -> (noqa codes, ignore names)


@dataclass
class FileFacts:
    text: str
    spans: Mapping[int, tuple[Span, ...]]  # site -> spans (1-based): the node, then its name
    suppressions: Suppressions
    digest: str | None = None  # of the bytes `text` was decoded from (`source_text.source_digest`); None for a buffer


def read_facts(
    path: str, text: str | None = None, summary: ModuleSummary | None = None, stored: SpanCache | None = None
) -> FileFacts | None:
    """Facts of the file at `path` (`text` overrides the disk); None when it cannot be parsed.

    With the file's `summary` (of the same text), spans are found statement by statement,
    when first asked for; with `stored`, those of a file on disk placed by an earlier run are
    read from there, and the ones this run places are stored.
    """
    digest, data = None, None
    if text is None:
        read = read_source(path)
        if isinstance(read, InputProblem):
            return None
        loaded = decode_source(path, read)
        if isinstance(loaded, InputProblem):
            return None
        text, digest, data = loaded, source_digest(read), read  # a fix is written only while the file has these bytes
    if summary is not None and summary.statement_lines:
        known = stored.get(path, data) if stored is not None and data is not None else None
        spans = StatementSpans(path, text, summary.statement_lines, summary.statement_ends, known)
        if stored is not None and data is not None:
            stored.track(path, data, spans)
        return FileFacts(text, spans, suppressions_in(text), digest)
    spans_of_file = whole_file_spans(path, text)
    if spans_of_file is None:
        return None
    return FileFacts(text, spans_of_file, suppressions_in(text), digest)


def whole_file_spans(path: str, text: str) -> dict[int, tuple[Span, ...]] | None:
    """Spans of every site, from a walk of the whole file with positions (None: no parse)."""
    result = summarize_source(path, text, with_positions=True)
    if isinstance(result, InputProblem):
        return None
    return _visitor_spans(result[1], result[1].positions or {})


def facts_from_visitor(text: str, visitor: SummaryVisitor) -> FileFacts:
    """Spans of every site and the suppression comments, from a walk made with positions."""
    return FileFacts(text, _visitor_spans(visitor, visitor.positions or {}), suppressions_in(text))


class StatementSpans(Mapping):
    """Site -> spans, each top-level statement parsed alone with positions when first asked for.

    Statement k holds the sites from where statement k - 1 ended (at least k *
    `STATEMENT_STRIDE` + 1) to `ends[k]`, and its text runs from `lines[k]` to the next
    statement's first line (comments between the two parse as its tail). A statement whose
    text does not parse alone into one statement with exactly its sites, which would mean the
    lines were not where the summary says, sends every site to one walk of the whole file.
    `known`: statements placed by an earlier run of the same text (`span_cache`), not parsed
    again; `placed` keeps the ones this run parses, for the next.
    """

    def __init__(
        self, path: str, text: str, lines: tuple[int, ...], ends: tuple[int, ...], known: Placed | None = None
    ) -> None:
        self._path, self._text, self._lines, self._ends = path, text, lines, ends
        self.known: Placed = known or {}
        self.placed: Placed = {}
        self._bases = [max(end, index * STATEMENT_STRIDE + 1) for index, end in enumerate((1, *ends[:-1]))]
        self._done: dict[int, tuple[Span, ...]] = {}
        self._parsed: set[int] = set()
        self._whole: dict[int, tuple[Span, ...]] | None = None
        self._starts: tuple[int, ...] | None = None

    def __getitem__(self, site: int) -> tuple[Span, ...]:
        if self._whole is not None:
            return self._whole[site]
        index = bisect.bisect_right(self._bases, site) - 1
        if index < 0 or site >= self._ends[index]:
            raise KeyError(site)
        if index not in self._parsed:
            self._parsed.add(index)
            if site in self.known.get(index, ()):
                self._done.update(self.known[index])
            elif not self._place_statement(index):
                return self._whole_file()[site]
        stored_without_it = site not in self._done and index in self.known and index not in self.placed
        if stored_without_it and not self._place_statement(index):  # not what a parse places: parse it
            return self._whole_file()[site]
        return self._done[site]

    def __iter__(self) -> Iterator[int]:
        return iter(self._whole_file())

    def __len__(self) -> int:
        return len(self._whole_file())

    def _whole_file(self) -> dict[int, tuple[Span, ...]]:
        if self._whole is None:
            self._whole = whole_file_spans(self._path, self._text) or {}
        return self._whole

    def _place_statement(self, index: int) -> bool:
        if self._starts is None:
            self._starts = line_starts(self._text)
        starts, first = self._starts, self._lines[index]
        last = self._lines[index + 1] if index + 1 < len(self._lines) else len(starts) + 1
        if not 1 <= first < last <= len(starts) + 1:
            return False
        chunk = self._text[starts[first - 1] : starts[last - 1] if last <= len(starts) else len(self._text)]
        found = _statement_spans(chunk, index, self._bases[index], self._ends[index], first - 1)
        if found is None:
            return False
        self._done.update(found)
        self.placed[index] = found
        return True


def _statement_spans(chunk: str, index: int, base: int, end: int, shift: int) -> dict[int, tuple[Span, ...]] | None:
    """Spans of the sites of `chunk`, top-level statement `index` of its file, whose first line
    is `shift` + 1; None unless it parses alone into one statement whose sites end at `end`."""
    module = parse_admitted(chunk)
    if module is None or len(module.body) != 1:
        return None
    from fraglint.index.visitor import SummaryVisitor  # with libcst: only once a site is placed
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 6000))  # as loader._RECURSION_LIMIT: the guard bounds the depth
    try:
        positions = compute_positions(module)
        visitor = SummaryVisitor("", positions, base)
        visitor.walk_top_level(module.body, index)
    except RecursionError:
        return None
    finally:
        sys.setrecursionlimit(old_limit)
    return _visitor_spans(visitor, positions, shift) if visitor.next_site == end else None


def _visitor_spans(visitor: SummaryVisitor, positions: Mapping, shift: int = 0) -> dict[int, tuple[Span, ...]]:
    """Site -> spans (1-based) of the nodes the visitor recorded: the node, then its name."""
    spans: dict[int, tuple[Span, ...]] = {}
    for site, nodes in visitor.site_nodes.items():
        found = (positions.get(node) for node in nodes)
        spans[site] = tuple(
            Span(p.start.line + shift, p.start.column + 1, p.end.line + shift, p.end.column + 1) for p in found if p is not None
        )
    return spans


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
