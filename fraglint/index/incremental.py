"""Incremental parsing of an editor buffer, one top-level statement at a time.

An edit in an editor touches one function; re-parsing the whole buffer on every keystroke
would make each check cost the whole file. `ChunkedParser` cuts a buffer into top-level
statements, parses and walks each piece once (cached by its text), and joins the pieces'
parts into the module's summary and facts, so a check after an edit re-parses only what the
edit touched. It lives with the index because its output is the index's own: a
`ModuleSummary` and `FileFacts` equal to those of a whole-file parse.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping

import libcst as cst

from fraglint.diagnostics import Span
from fraglint.index.bounded_cache import BoundedCache
from fraglint.index.facts import FileFacts, suppressions_in
from fraglint.index.loader import admits_whole, compute_positions, parse_admitted
from fraglint.index.summary import ModuleSummary
from fraglint.index.visitor import ModulePart, SummaryVisitor, join_parts

# What is kept of chunks the open buffers no longer hold (an undo, a burst of edits to one
# function), in characters: about 12 MB of parsed trees (bounded_cache). And of the texts known
# not to parse alone (strings only).
_STALE_CHARS = 64 * 1024
_INCOMPLETE_CHARS = 1024 * 1024


class ChunkedParser:
    """Re-parse and re-walk only the top-level statements an edit touched.

    A buffer is cut into its top-level statements (a line scan, checked by the parse of each
    piece); each chunk is parsed by libcst and its positions computed once, cached by the
    chunk's text. Each chunk's statements are walked into a `ModulePart`, cached by the
    chunk's text and where its numbering starts (sites are numbered per top-level statement,
    so that is the same before and after an edit elsewhere), and the parts are joined into
    the module's summary; each chunk's positions are shifted to where the chunk sits now. An
    edit inside one function re-parses and re-walks that function only. A text that does
    not parse returns None: the caller parses it whole, for the syntax error.
    """

    def __init__(self, stale_chars: int = _STALE_CHARS) -> None:
        # Budgets in characters of chunk text (see bounded_cache): the open buffers' current
        # chunks are kept whatever their size, older versions up to `stale_chars`.
        self.stale_chars = stale_chars
        self._parsed: BoundedCache[str, tuple[cst.Module, dict]] = BoundedCache(stale_chars)
        self._walked: BoundedCache[tuple[str, int, int], tuple[ModulePart, dict]] = BoundedCache(stale_chars)
        self._incomplete: BoundedCache[str, bool] = BoundedCache(_INCOMPLETE_CHARS)  # pieces known to end mid-statement
        self._sizes: dict[str, int] = {}  # path -> length of its buffer's current text
        self._in_use: dict[str, set] = {}  # path -> the cache keys its current text uses
        self._pinned: set = set()  # the keys of the other buffers' current texts: never evicted

    def summarize(self, path: str, text: str) -> tuple[ModuleSummary, FileFacts] | None:
        self._budget_for(path, len(text))
        pieces = split_top_level(text)
        if pieces is None or len(pieces) < 2:
            return None
        parsed = self._parse_all(pieces)
        if parsed is None or len(parsed) < 2 or not admits_whole(text):
            return None
        parts, site_nodes, used = [], {}, set[object]()
        statement, next_site = 0, 1
        for _, chunk, (module, _) in parsed:
            walked = self._walk(chunk, module, statement, next_site)
            if walked is None:
                return None
            used.update((chunk, (chunk, statement, next_site)))
            part, nodes = walked
            parts.append(part)
            site_nodes.update(nodes)
            statement += len(module.body)
            next_site = part.next_site
        self._in_use[path] = used
        summary = join_parts(path, parts)
        return summary, _facts_from_sites(text, site_nodes, [(first, positions) for first, _, (_, positions) in parsed])

    def _budget_for(self, path: str, size: int) -> None:
        """Budget for every open buffer's current text plus `stale_chars`; pin the others' chunks."""
        self._sizes[path] = size
        self._in_use.pop(path, None)  # its previous text's chunks may go now
        self._pinned = set().union(*self._in_use.values())
        self._parsed.budget = self._walked.budget = sum(self._sizes.values()) + self.stale_chars

    def forget(self, path: str) -> None:
        """The buffer was closed: its chunks are stale now."""
        self._sizes.pop(path, None)
        self._in_use.pop(path, None)
        self._pinned = set().union(*self._in_use.values())
        self._parsed.budget = self._walked.budget = sum(self._sizes.values()) + self.stale_chars
        self._parsed.trim(self._pinned)
        self._walked.trim(self._pinned)

    def _walk(self, chunk: str, module, statement: int, next_site: int) -> tuple[ModulePart, dict] | None:
        key = (chunk, statement, next_site)
        found = self._walked.get(key)
        if found is not None:
            return found
        visitor = SummaryVisitor("", {}, next_site)  # positions non-None: record each site's nodes
        try:
            visitor.walk_top_level(module.body, statement)
        except RecursionError:
            return None
        found = (visitor.part(), visitor.site_nodes)
        self._walked.put(key, found, len(chunk), self._pinned)
        return found

    def _parse_all(self, pieces: list[tuple[int, str]]) -> list[tuple[int, str, tuple[cst.Module, dict]]] | None:
        """Parse each piece; one that does not parse alone ends mid-statement: join it to the next."""
        parsed: list[tuple[int, str, tuple[cst.Module, dict]]] = []
        index = 0
        while index < len(pieces):
            first, chunk = pieces[index]
            for joined in itertools.count():
                result = None if chunk in self._incomplete else self._try_parse(chunk)
                if result is not None:
                    break
                index += 1
                if index == len(pieces) or joined == _MAX_JOINED:
                    return None  # the text does not parse (or would be re-parsed too often): parse it whole
                chunk += pieces[index][1]
            if result is None:  # the loop above only ends with a result (or returns)
                return None
            parsed.append((first, chunk, result))
            index += 1
        return parsed

    def _try_parse(self, chunk: str) -> tuple[cst.Module, dict] | None:
        try:
            return self._parse(chunk)
        except Exception:  # a syntax error, or nesting too deep for the recursion limit
            self._incomplete.put(chunk, True, len(chunk))
            return None

    def _parse(self, chunk: str) -> tuple[cst.Module, dict]:
        found = self._parsed.get(chunk)
        if found is not None:
            return found
        module = parse_admitted(chunk)  # None: not parsed here; the whole buffer's parse says why
        if module is None:
            raise ValueError("not admitted")
        found = (module, dict(compute_positions(module)))
        self._parsed.put(chunk, found, len(chunk), self._pinned)
        return found


# Pieces joined to one that does not parse before the buffer is parsed whole instead: each
# join re-parses the growing chunk, quadratic in a statement with many lines in column 0.
_MAX_JOINED = 64
_CONTINUES = re.compile(r"(else|elif|except|finally)\b")
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_top_level(text: str) -> list[tuple[int, str]] | None:
    """(first line, text) of pieces that each start at a top-level statement, by a line scan.

    A piece starts at a line that begins in column 0 with code, except the clauses that
    continue a compound statement (`else`, `elif`, `except`, `finally`), closing brackets and
    the `def`/`class` under a decorator. A line in column 0 inside a string or a bracket may
    still start a piece by mistake; then the piece before it ends mid-statement, does not
    parse, and `ChunkedParser` joins the two.
    """
    lines = _LINES.findall(text)  # Python's own line breaks: not str.splitlines's \x0c, \u2028, ...
    if not lines:
        return None
    starts = [1]
    decorated = lines[0].startswith("@")
    for number, line in enumerate(lines[1:], 2):
        head = line[:1]
        if not head or head in " \t\r\n\f#)]}" or _CONTINUES.match(line):
            continue
        if decorated:
            decorated = head == "@"
            continue
        starts.append(number)
        decorated = head == "@"
    bounds = starts + [len(lines) + 1]
    return [(bounds[i], "".join(lines[bounds[i] - 1 : bounds[i + 1] - 1])) for i in range(len(starts))]


def _facts_from_sites(text: str, site_nodes: dict, chunks: list[tuple[int, dict]]) -> FileFacts:
    """Facts of a buffer parsed in chunks; spans are resolved when asked for."""
    return FileFacts(text, ChunkSpans(site_nodes, chunks), suppressions_in(text))


class ChunkSpans(Mapping):
    """Site -> spans, computed on first use: a check needs the spans of a few reported sites.

    A node's span is its position in its chunk, shifted by the chunk's first line. Sites
    are asked for mostly in walk order, so the search for a node's chunk starts where the
    last one was found.
    """

    def __init__(self, site_nodes: dict, chunks: list[tuple[int, dict]]) -> None:
        self._nodes = site_nodes
        self._chunks = chunks
        self._done: dict[int, tuple[Span, ...]] = {}
        self._hint = 0

    def __getitem__(self, site: int) -> tuple[Span, ...]:
        found = self._done.get(site)
        if found is None:
            found = self._done[site] = tuple(filter(None, map(self._span, self._nodes[site])))
        return found

    def __iter__(self):
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    def _span(self, node) -> Span | None:
        count = len(self._chunks)
        for step in range(count):
            index = (self._hint + step) % count
            first, positions = self._chunks[index]
            position = positions.get(node)
            if position is not None:
                self._hint = index
                shift = first - 1
                return Span(position.start.line + shift, position.start.column + 1, position.end.line + shift, position.end.column + 1)
        return None
