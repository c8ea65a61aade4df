"""The language server's code actions: quick fixes, `# noqa` suppressions and fix-all.

Built from what the server last published for a document (`Published`): each LSP diagnostic
beside the engine's `Diagnostic` it came from, whose fix is planned by `fixes.plan_fixes` as
`--fix` plans it and whose `# noqa` edit comes from `suppressions.noqa_edit`, the grammar the
check reads. Only a document whose text is still the one those spans were computed on gets
actions: the caller checks the version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types as lsp

from fraglint import fixes, source_text
from fraglint.diagnostics import Applicability, Diagnostic, Edit, Fix
from fraglint.suppressions import noqa_edit

FIX_ALL = "source.fixAll.fraglint"  # the code action kind that applies every fix of a document
KINDS = [lsp.CodeActionKind.QuickFix, FIX_ALL]  # the kinds the server registers


@dataclass
class Published:
    """What the server last published for a document: at which version, each LSP diagnostic with its source."""

    version: int | None
    items: list[tuple[lsp.Diagnostic, Diagnostic]]


def code_actions(uri: str, document, published: Published, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """The actions asked for (`context.only`): quick fixes of the diagnostics at the range, then fix-all."""
    only = params.context.only
    found: list[lsp.CodeAction] = []
    if _kind_wanted(lsp.CodeActionKind.QuickFix, only):
        found.extend(_quick_fixes(uri, document, published, params))
    if _kind_wanted(FIX_ALL, only):
        fix_all = _fix_all(uri, published, document)
        if fix_all is not None:
            found.append(fix_all)
    return found


def _kind_wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Is a code action of `kind` asked for? (`only` lists kinds, or their parents: "source")."""
    return not only or any(kind == asked or kind.startswith(asked + ".") for asked in only)


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    def key(p: lsp.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def _text_edits(document, fix_list: list[Fix]) -> list[lsp.TextEdit]:
    """The fixes as LSP edits of the buffer, planned by `fixes.plan_fixes` as `--fix` plans them.

    Offsets become positions on LSP's own lines (broken at \\n, \\r\\n and \\r, as the spans'
    are; pygls's `document.lines` also breaks at form feeds and \\u2028) in the client's
    position units (UTF-16 by default: an emoji counts twice).
    """
    text = document.source
    plan = fixes.plan_fixes(text, fix_list)

    def position(offset: int) -> lsp.Position:
        line, column = source_text.position_of(text, offset)
        before = text[offset - column + 1 : offset]
        return lsp.Position(line=line - 1, character=document.position_codec.client_num_units(before))

    return [lsp.TextEdit(lsp.Range(position(r.start), position(r.end)), r.new) for r in plan.replacements]


def _quick_fixes(uri: str, document, published: Published, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """The rule fixes, then the `# noqa` suppressions, of the diagnostics asked about or in the range."""
    wanted = {(c.code, c.range.start.line, c.range.start.character) for c in params.context.diagnostics}
    actions: list[lsp.CodeAction] = []
    suppress: list[lsp.CodeAction] = []
    for item, d in published.items:
        asked = (item.code, item.range.start.line, item.range.start.character) in wanted
        if not asked and not _overlaps(item.range, params.range):
            continue
        edits = _text_edits(document, [d.fix]) if d.fix is not None else []
        if edits and d.fix is not None:
            actions.append(
                lsp.CodeAction(
                    title=f"{d.fix.message} ({d.code})",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[item],
                    is_preferred=True,
                    edit=lsp.WorkspaceEdit(changes={uri: edits}),
                )
            )
        found = noqa_edit(source_text.line_text(document.source, d.span.line), d.span.line, d.code)
        edits = _text_edits(document, [Fix("noqa", (Edit(*found),))]) if found is not None else []
        if edits:
            suppress.append(
                lsp.CodeAction(
                    title=f"Suppress {d.code} ({d.name}) on this line with `# noqa: {d.code}`",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[item],
                    edit=lsp.WorkspaceEdit(changes={uri: edits}),
                )
            )
    return actions + suppress


def _fix_all(uri: str, published: Published, document) -> lsp.CodeAction | None:
    """Every safe fix of the document in one edit (`source.fixAll.fraglint`, as ruff offers: an
    editor may run it on save, so unsafe fixes stay quick fixes the user picks one at a time)."""
    safe = [d.fix for _, d in published.items if d.fix is not None and d.fix.applicability == Applicability.SAFE]
    edits = _text_edits(document, safe)
    if not edits:
        return None
    return lsp.CodeAction(title="fraglint: fix all auto-fixable problems", kind=FIX_ALL, edit=lsp.WorkspaceEdit(changes={uri: edits}))
