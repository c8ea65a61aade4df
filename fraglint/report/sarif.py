"""SARIF 2.1.0 (`--output-format sarif`) for GitHub code scanning and other SARIF viewers.

One run: the driver lists every rule (id = code, the docs as help, the default level), and
each result points at its rule by id and index. Paths are relative to the working directory
under the `%SRCROOT%` base (code scanning resolves them against the checkout); the call
chain becomes `relatedLocations` and a fix becomes a SARIF `fix` with its replacements.
Columns count Unicode code points, as fraglint's do, and the run says so (`columnKind`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from fraglint import __version__
from fraglint.diagnostics import Diagnostic, Severity, Span
from fraglint.links import HOMEPAGE as INFORMATION_URI
from fraglint.links import rule_url
from fraglint.report import RenderOptions
from fraglint.result import CheckResult
from fraglint.rules import ALL_RULES, INPUT_DIAGNOSTICS
from fraglint.safe_text import valid_unicode_data

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def rule_descriptors() -> list[dict]:
    """Every diagnostic fraglint can emit: the input problems first, then the rules."""
    descriptors = []
    for name, kind in INPUT_DIAGNOSTICS.items():
        descriptors.append(
            {
                "id": kind.code,
                "name": name,
                "shortDescription": {"text": kind.summary},
                "fullDescription": {"text": kind.summary},
                "help": {"text": kind.summary, "markdown": kind.summary},
                "defaultConfiguration": {"level": LEVEL[kind.severity]},
                "properties": {"tags": ["input"]},
            }
        )
    for rule in ALL_RULES:
        docs = rule.documentation()
        descriptors.append(
            {
                "id": rule.code,
                "name": rule.name,
                "helpUri": rule_url(rule.name, rule.code),
                "shortDescription": {"text": rule.summary()},
                "fullDescription": {"text": docs},
                "help": {"text": docs, "markdown": docs},
                "defaultConfiguration": {"level": LEVEL[rule.severity]},
                "properties": {"tags": ["streamlit", "fragments"], "versions": rule.version_range()},
            }
        )
    return descriptors


def artifact_location(path: str, options: RenderOptions) -> dict:
    shown = options.display_path(path)
    if os.path.isabs(shown):
        return {"uri": Path(shown).as_uri()}
    # The bytes of the name, percent-encoded: right for a name that is not UTF-8 (PEP 383) too.
    return {"uri": quote(shown.replace(os.sep, "/").encode("utf-8", "surrogateescape")), "uriBaseId": SRCROOT}


def region(span: Span) -> dict:
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line, "endColumn": span.end_column}


def physical(path: str, span: Span, options: RenderOptions) -> dict:
    return {"physicalLocation": {"artifactLocation": artifact_location(path, options), "region": region(span)}}


def result_of(d: Diagnostic, rule_index: dict[str, int], options: RenderOptions) -> dict:
    result: dict = {
        "ruleId": d.code,
        "level": LEVEL[d.severity],
        "message": {"text": d.message},
        "locations": [physical(d.path, d.span, options)],
    }
    if d.code in rule_index:
        result["ruleIndex"] = rule_index[d.code]
    if d.releases is not None:  # the target is several releases: on which of them it holds
        result["properties"] = {"releases": d.releases.as_dict()}
    if d.related:
        result["relatedLocations"] = [
            {"id": number, **physical(r.path, r.span, options), "message": {"text": r.message or "related"}}
            for number, r in enumerate(d.related)
        ]
    if d.fix is not None:
        result["fixes"] = [
            {
                "description": {"text": d.fix.message},
                "artifactChanges": [
                    {
                        "artifactLocation": artifact_location(d.path, options),
                        "replacements": [
                            {"deletedRegion": region(edit.span), "insertedContent": {"text": edit.replacement}}
                            for edit in d.fix.edits
                        ],
                    }
                ],
            }
        ]
    return result


def sarif_log(result: CheckResult, options: RenderOptions) -> dict:
    rules = rule_descriptors()
    rule_index = {rule["id"]: number for number, rule in enumerate(rules)}
    root = Path(options.cwd).resolve().as_uri().rstrip("/") + "/"
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fraglint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": root}},
                "columnKind": "unicodeCodePoints",
                "results": [result_of(d, rule_index, options) for d in result.diagnostics],
                "properties": {"targetStreamlitVersion": str(result.version) if result.version else None},
            }
        ],
    }


def render(result: CheckResult, out: TextIO, options: RenderOptions) -> None:
    json.dump(valid_unicode_data(sarif_log(result, options)), out, indent=2)
    out.write("\n")
