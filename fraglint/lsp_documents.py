"""The texts of the documents an editor has open, kept by the language server itself.

pygls applies an incremental change on the lines of `str.splitlines`, which also break at form
feeds, \\x1c-\\x1e, \\x85, U+2028 and U+2029: after such a character every later edit lands on
the wrong line, the server's buffer stops matching the editor's, and hover positions are read
on the wrong line. LSP's lines, like Python's, break at \\n, \\r\\n and \\r only. So the server
keeps its own copy of each open text and changes it by offsets on those lines
(`source_text.line_starts`), with columns in the client's position units (UTF-16 unless the client
chose another encoding).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types as lsp
from pygls.workspace import PositionCodec

from fraglint import source_text


@dataclass
class Document:
    """One open document: what pygls's `TextDocument` offered the server, on LSP's lines."""

    uri: str
    source: str
    version: int | None
    language_id: str | None
    position_codec: PositionCodec

    def apply(self, changes: Sequence[lsp.TextDocumentContentChangeEvent], version: int | None) -> None:
        """Apply a didChange's changes, in order (each is of the text the previous one left)."""
        for change in changes:
            if isinstance(change, lsp.TextDocumentContentChangePartial):
                start, end = self.offset_at(change.range.start), self.offset_at(change.range.end)
                self.source = self.source[:start] + change.text + self.source[max(start, end) :]
            else:
                self.source = change.text
        self.version = version

    def offset_at(self, position: lsp.Position) -> int:
        """The offset of an LSP position; past the end of a line is its end, past the last line the text's."""
        text = self.source
        starts = source_text.line_starts(text)
        if position.line >= len(starts):
            return len(text)
        start = starts[position.line]
        line = source_text.line_text(text, position.line + 1).rstrip("\r\n")  # at most one break: \n, \r\n or \r
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return start + index
            units += self.position_codec.client_num_units(char)
        return start + len(line)

    def line_and_column(self, position: lsp.Position) -> tuple[int, int]:
        """The 1-based line and column (in characters) of an LSP position."""
        offset = self.offset_at(position)
        return source_text.position_of(self.source, offset)
