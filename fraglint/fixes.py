"""Applying fixes: the one place that turns a fix's edits into new text, or a file's new bytes.

The CLI's `--fix`, the language server's quick fixes and the engine (which makes the edits)
all go through here, so that they agree on what a span means: lines and columns as
`fraglint.source_text` counts them, in the text the check parsed.

Everything the fix does not replace comes out byte for byte as it went in: the BOM, the
encoding, the line endings. A fix that overlaps another, cannot be encoded in the file's
encoding, or leaves code that no longer parses is refused with a reason, never half-applied.
A file is replaced atomically, and only while its bytes are still the ones the check read.
"""

from __future__ import annotations

import ast
import functools
import io
import os
import stat
import tokenize
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

from fraglint.diagnostics import Diagnostic, Fix
from fraglint.index.loader import InputProblem, decode_source, read_source
from fraglint.source_text import offset_of, source_digest

CHANGED = "changed since it was checked"  # the file, between the check and the fix


# -- applying fixes to text -----------------------------------------------------------------


@dataclass(frozen=True)
class Replacement:
    """An edit resolved to offsets in one text: `text[start:end]` becomes `new`."""

    start: int
    end: int
    new: str

    def conflicts(self, other: Replacement) -> bool:
        """Overlapping ranges, or two changes at one point (whose order would be a guess)."""
        return (self.start < other.end and other.start < self.end) or self.start == other.start


@dataclass(frozen=True)
class Plan:
    """What applying some fixes to a text does: the replacements made and the fixes refused."""

    text: str  # the text after the replacements
    replacements: tuple[Replacement, ...]  # in text order, offsets into the original text
    applied: tuple[Fix, ...]
    refused: tuple[tuple[Fix, str], ...]


def plan_fixes(text: str, fixes: Sequence[Fix], encoding: str | None = None) -> Plan:
    """Apply `fixes` to `text`, in order, refusing each that cannot be applied cleanly.

    A fix is refused when one of its edits lies outside the text, overlaps an edit already
    taken (an identical edit is simply shared), cannot be encoded in `encoding`, or when the
    result no longer parses.
    """
    return _plan(text, tuple(fixes), encoding)


@functools.lru_cache(maxsize=32)  # the language server asks again for every cursor move
def _plan(text: str, fixes: tuple[Fix, ...], encoding: str | None) -> Plan:
    taken: list[Replacement] = []
    accepted: list[tuple[Fix, list[Replacement]]] = []
    refused: list[tuple[Fix, str]] = []
    for fix in fixes:
        found = _replacements(text, fix, taken, encoding)
        if isinstance(found, str):
            refused.append((fix, found))
            continue
        accepted.append((fix, found))
        taken.extend(found)
    plan = _splice(text, accepted, refused)
    if _parses_like(text, plan.text):
        return plan
    return _plan_parsing_each(text, accepted, refused)


def _replacements(text: str, fix: Fix, taken: list[Replacement], encoding: str | None) -> list[Replacement] | str:
    """The fix's edits as replacements new to `taken`, or why the fix cannot be applied."""
    found: list[Replacement] = []
    for edit in fix.edits:
        start = offset_of(text, edit.span.line, edit.span.column)
        end = offset_of(text, edit.span.end_line, edit.span.end_column)
        if start is None or end is None or end < start:
            return "its range is not in the file as it was checked"
        replacement = Replacement(start, end, edit.replacement)
        if replacement in taken:
            continue  # another fix makes the very same change
        if any(replacement.conflicts(other) for other in taken + found):
            return "it overlaps another fix (run the fix again to apply it)"
        if encoding is not None and not _encodable(edit.replacement, encoding):
            return f"{edit.replacement!r} cannot be written in the file's encoding ({encoding})"
        found.append(replacement)
    return found


def _encodable(value: str, encoding: str) -> bool:
    try:
        value.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _splice(text: str, accepted: list[tuple[Fix, list[Replacement]]], refused: list[tuple[Fix, str]]) -> Plan:
    replacements = sorted((r for _, found in accepted for r in found), key=lambda r: (r.start, r.end))
    pieces, at = [], 0
    for replacement in replacements:
        pieces += [text[at : replacement.start], replacement.new]
        at = replacement.end
    pieces.append(text[at:])
    return Plan("".join(pieces), tuple(replacements), tuple(fix for fix, _ in accepted), tuple(refused))


def _plan_parsing_each(text: str, accepted: list[tuple[Fix, list[Replacement]]], refused: list[tuple[Fix, str]]) -> Plan:
    """The fixes together break the code: take them one at a time, each only if it still parses."""
    kept: list[tuple[Fix, list[Replacement]]] = []
    for fix, found in accepted:
        if _parses_like(text, _splice(text, [*kept, (fix, found)], []).text):
            kept.append((fix, found))
        else:
            refused.append((fix, "the code would no longer parse"))
    return _splice(text, kept, refused)


def _parses_like(before: str, after: str) -> bool:
    """Does `after` parse, by CPython's parser (or libcst's, for syntax newer than this Python)?"""
    if before == after or _ast_parses(after):
        return True
    if _ast_parses(before):
        return False  # CPython accepted the code before the fix and rejects it after
    return _libcst_parses(after)


def _ast_parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings about the user's code are not ours to print
            ast.parse(text, filename="<fraglint>")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _libcst_parses(text: str) -> bool:
    import libcst as cst

    try:
        cst.parse_module(text)
    except Exception:  # a syntax error, or nesting too deep for the recursion limit
        return False
    return True


# -- applying fixes to a file ---------------------------------------------------------------


def source_encoding(data: bytes) -> str | None:
    """The encoding Python reads `data` in (PEP 263 cookie or BOM, else UTF-8); None if invalid."""
    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError:
        return None


@dataclass(frozen=True)
class Refusal:
    """A fix (or a whole file's fixes) left unapplied, and why."""

    path: str
    line: int | None  # the fixed range's first line; None for the whole file
    message: str


@dataclass
class FileOutcome:
    path: str
    fixed: int = 0  # fixes applied and written
    refusals: list[Refusal] = field(default_factory=list)


def fix_source(path: str, data: bytes, fixes: Sequence[Fix]) -> tuple[bytes, Plan] | str:
    """The file's new bytes with `fixes` applied, and the plan; or why none can be applied.

    `data` is decoded by the loader's own `decode_source`, so the text is the one the spans
    were computed on, and encoded back in the same encoding (with the BOM it had).
    """
    text = decode_source(path, data)
    if isinstance(text, InputProblem):
        return f"cannot be decoded: {text.message}"
    encoding = source_encoding(data)
    if encoding is None or not _round_trips(text, encoding, data):
        return f"its text does not encode back to the same bytes in {encoding or 'its encoding'}"
    plan = plan_fixes(text, fixes, encoding)
    return plan.text.encode(encoding), plan


def _round_trips(text: str, encoding: str, data: bytes) -> bool:
    try:
        return text.encode(encoding) == data
    except (UnicodeEncodeError, LookupError):
        return False


def fix_file(path: str, digest: str | None, fixes: Sequence[Fix]) -> FileOutcome:
    """Apply `fixes` to the file at `path`, if its bytes still have `digest` (the check's)."""
    outcome = FileOutcome(path)
    real = os.path.realpath(path)  # replace a symlink's target, never the link itself
    data = read_source(real)
    if isinstance(data, InputProblem):
        return _refuse_all(outcome, data.message)
    if digest is None or source_digest(data) != digest:
        return _refuse_all(outcome, CHANGED)
    result = fix_source(path, data, fixes)
    if isinstance(result, str):
        return _refuse_all(outcome, result)
    new, plan = result
    for fix, reason in plan.refused:
        line = min((edit.span.line for edit in fix.edits), default=None)
        outcome.refusals.append(Refusal(path, line, f"fix not applied ({fix.message}): {reason}"))
    if plan.applied and new != data:
        problem = replace_file(real, digest, new)
        if problem is not None:
            return _refuse_all(outcome, problem)
    outcome.fixed = len(plan.applied)
    return outcome


def _refuse_all(outcome: FileOutcome, reason: str) -> FileOutcome:
    outcome.refusals.append(Refusal(outcome.path, None, f"{reason}; not fixed"))
    return outcome


def replace_file(path: str, digest: str, new: bytes) -> str | None:
    """Write `new` to `path` atomically, keeping its permission bits, if it still has `digest`.

    A temporary file in the same directory is written in full, then renamed over the file,
    so a reader never sees half a file. Returns None when written, else why not.
    """
    try:
        status = os.stat(path)
    except OSError as error:
        return f"cannot be written: {error.strerror or error}"
    if not os.access(path, os.W_OK):
        return "is read-only"
    import tempfile  # about 0.02 s of a check that writes nothing

    directory = os.path.dirname(path) or "."
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".fraglint-fix")
    except OSError as error:
        return f"cannot write in its directory ({error.strerror or error})"
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(new)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        _keep_owner(temporary, status)
        current = read_source(path)
        if isinstance(current, InputProblem) or source_digest(current) != digest:
            return CHANGED
        os.replace(temporary, path)
        temporary = ""
    except OSError as error:
        return f"cannot be written: {error.strerror or error}"
    finally:
        if temporary:
            _remove(temporary)
    return None


def _keep_owner(path: str, status: os.stat_result) -> None:
    """A file fixed by root (a container, a CI job) stays owned by whoever owned it."""
    if hasattr(os, "chown") and (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
        try:
            os.chown(path, status.st_uid, status.st_gid)
        except OSError:
            pass  # without the right to give it away, the file is now ours, as after an editor's save


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def fix_files(diagnostics: Sequence[Diagnostic], digests: dict[str, str]) -> list[FileOutcome]:
    """Apply the fixes of `diagnostics`, file by file; `digests` are the check's, by path."""
    by_path: dict[str, list[Fix]] = {}
    for diagnostic in diagnostics:
        if diagnostic.fix is not None:
            by_path.setdefault(diagnostic.path, []).append(diagnostic.fix)
    return [fix_file(path, digests.get(path), fixes) for path, fixes in by_path.items()]
