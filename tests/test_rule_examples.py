"""Every rule's VALID and INVALID examples run as tests, with the version they name."""

from __future__ import annotations

import pytest

from fraglint.rules import ALL_RULES

CASES = [
    pytest.param(rule, kind, index, example, id=f"{rule.name}-{kind}-{index}")
    for rule in ALL_RULES
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize("rule, kind, index, example", CASES)
def test_example(project, rule, kind, index, example):
    diagnostics = project({"app.py": example.code}, version=example.version)
    lines = sorted(d.span.line for d in diagnostics if d.name == rule.name)
    if kind == "valid":
        assert lines == [], [d.message for d in diagnostics if d.name == rule.name]
    else:
        assert lines == sorted(example.lines), [(d.span.line, d.message) for d in diagnostics if d.name == rule.name]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.name)
def test_rule_is_documented(rule):
    docs = rule.documentation()
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Versions"):
        assert heading in docs, f"{rule.name} lacks {heading}"
    assert "## Use instead" in docs or "## Fix" in docs
    assert rule.VALID and rule.INVALID, f"{rule.name} needs valid and invalid examples"
    assert rule.code.startswith("FRG") and rule.name == rule.name.lower()


def test_codes_and_names_are_unique():
    assert len({r.code for r in ALL_RULES}) == len(ALL_RULES)
    assert len({r.name for r in ALL_RULES}) == len(ALL_RULES)
