"""The action's job summary: counts per rule and the target releases, read from fraglint's SARIF.

Only fraglint's own words reach the summary (rule names and codes, levels, counts, release
numbers); paths and messages, which come from the code under review, do not, so a pull
request cannot write markdown or links into the job's page.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter

SAFE = re.compile(r"[A-Za-z0-9 .,:;<>=!~*_/()\[\]'\"+-]{0,300}")


def _safe(value: object) -> str:
    text = str(value)
    return text if SAFE.fullmatch(text) else "(not shown)"


def summary(log: dict) -> str:
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    counts: Counter[tuple[str, str, str]] = Counter()
    for result in run["results"]:
        rule = rules[result["ruleIndex"]] if isinstance(result.get("ruleIndex"), int) else {}
        counts[(_safe(result.get("ruleId", "?")), _safe(rule.get("name", "?")), _safe(result.get("level", "warning")))] += 1
    lines = ["## fraglint", ""]
    for key, value in sorted((run.get("properties") or {}).items()):
        if key.startswith("target") or key.startswith("streamlit"):
            lines.append(f"- {_safe(key)}: `{_safe(value)}`")
    total = sum(counts.values())
    errors = sum(n for (_, _, level), n in counts.items() if level == "error")
    lines += ["", f"{total} finding{'s' if total != 1 else ''} ({errors} error{'s' if errors != 1 else ''})." if total else "All checks passed.", ""]
    if counts:
        lines += ["| code | rule | level | count |", "| --- | --- | --- | ---: |"]
        lines += [f"| {code} | `{name}` | {level} | {n} |" for (code, name, level), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return "\n".join(lines) + "\n"


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        sys.stdout.write(summary(json.load(handle)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
