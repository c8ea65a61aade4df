"""Summaries of a sweep: the JSON the results folder keeps and the markdown table the README shows.

A summary counts files per kind and lists the culprits of each failing kind (path and what
happened), since those are what someone fixing fraglint starts from.
"""

from __future__ import annotations

from collections import Counter

from fuzz_runner import FAILURES, Kind, Outcome

COUNTED_CODES = ("FRG001", "FRG002", "FRG003", "FRG004")
CULPRITS_KEPT = 200


def summarize(label: str, outcomes: list[Outcome], extra: dict | None = None, display=str) -> dict:
    """Counts per kind, files with each input diagnostic, and the culprits of each failure kind.

    `display` turns a culprit's absolute path into what the summary shows.
    """
    kinds = Counter(o.kind for o in outcomes)
    return {
        "label": label,
        **(extra or {}),
        "files": len(outcomes),
        "compiles": sum(1 for o in outcomes if o.compiles),
        "kinds": {kind.value: kinds[kind] for kind in Kind},
        "files_with_code": {code: sum(1 for o in outcomes if o.codes.get(code)) for code in COUNTED_CODES},
        "culprits": {
            kind.value: [_shown(o, display) for o in outcomes if o.kind is kind][:CULPRITS_KEPT] for kind in FAILURES
        },
    }


def _shown(outcome: Outcome, display) -> dict:
    record = outcome.to_json()
    record["path"] = display(outcome.path)
    if outcome.together:
        record["together"] = [display(path) for path in outcome.together]
    return record


def failures(summary: dict) -> int:
    return sum(summary["kinds"][kind.value] for kind in FAILURES)


def markdown(summaries: list[dict], shown: int = 5) -> str:
    """One row per sweep, then the first culprits of each failing kind."""
    header = ["sweep", "files", "ok", *(kind.value for kind in FAILURES), *COUNTED_CODES]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for summary in summaries:
        row = [summary["label"], summary["files"], *summary["kinds"].values(), *summary["files_with_code"].values()]
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    lines.append("")
    lines.append("FRG001-FRG004 columns: files with that diagnostic (FRG001 where compile() also fails is expected).")
    for summary in summaries:
        for kind, culprits in summary["culprits"].items():
            if not culprits:
                continue
            lines.append("")
            lines.append(f"**{summary['label']}: {kind}** ({summary['kinds'][kind]}; first {min(shown, len(culprits))})")
            lines.append("")
            for culprit in culprits[:shown]:
                detail = culprit.get("detail", "").replace("|", "\\|").replace("\n", " ")
                lines.append(f"- `{culprit['path']}`: {detail[:160]}")
    return "\n".join(lines) + "\n"
