"""Every rule's VALID and INVALID examples run as tests, with the version they name.

An INVALID example marks each line the rule must report with `# [rule-name]` at the line's
end, or its columns with a caret line under it (see `Example`); the test compares what the
rule reports, line by line and finding by finding, with what is marked, and applies the fixes
through `fraglint.fixes`, the one home for fix application, where the example shows the fixed code.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import astuple

import pytest

from fraglint.fixes import plan_fixes
from fraglint.rules import ALL_RULES
from fraglint.rules.base import Example

CASES = [
    pytest.param(rule, kind, index, example, id=f"{rule.name}-{kind}-{index}")
    for rule in ALL_RULES
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for index, example in enumerate(examples)
]


def marked_lines(example: Example) -> Counter[tuple[int, str]]:
    return Counter((mark.line, mark.rule) for mark in example.marks)


def marked_spans(example: Example) -> Counter[tuple[int, int, int, int, str]]:
    return Counter((m.line, m.columns[0], m.line, m.columns[1], m.rule) for m in example.marks if m.columns)


def marker_problems(example: Example, rule) -> list[str]:
    """Marks that name another rule (a typo would otherwise pass as "expects nothing")."""
    return [f"line {m.line}: `[{m.rule}]` is not this rule ({rule.name})" for m in example.marks if m.rule != rule.name]


@pytest.mark.parametrize("rule, kind, index, example", CASES)
def test_example(project, rule, kind, index, example):
    assert not marker_problems(example, rule), marker_problems(example, rule)
    assert bool(example.marks) == (kind == "invalid"), "an INVALID example marks its findings, a VALID one none"
    diagnostics = [d for d in project({"app.py": example.code}, version=example.version) if d.name == rule.name]
    assert Counter((d.span.line, d.name) for d in diagnostics) == marked_lines(example), [(d.span, d.message) for d in diagnostics]
    spans = Counter((*astuple(d.span), d.name) for d in diagnostics)
    assert not marked_spans(example) - spans, [d.span for d in diagnostics]
    fixes = [d.fix for d in diagnostics if d.fix is not None]
    assert bool(fixes) == (example.fixed is not None), "an example whose findings carry fixes shows the fixed code"
    if fixes:
        check_fixes(project, rule, example, fixes)


def check_fixes(project, rule, example: Example, fixes) -> None:
    """The fixes, applied as `--fix` and the language server apply them, give the fixed code, which is clean."""
    plan = plan_fixes(example.code, fixes)
    assert not plan.refused, plan.refused
    assert plan.text == example.fixed_code
    again = project({"app.py": plan.text}, version=example.version)
    assert not [d.message for d in again if d.name == rule.name], "the fixed code still has the finding"


def test_marks_give_lines_counts_and_columns_and_leave_the_code_alone():
    example = Example(
        """
        import streamlit as st  # a comment stays  # [some-rule]

        st.write("x")  #[some-rule , some-rule]
        #  ^^^^^ [other-rule]
        st.write("# [not-a-marker]")
        """
    )
    assert marked_lines(example) == Counter({(1, "some-rule"): 1, (3, "some-rule"): 2, (3, "other-rule"): 1})
    assert marked_spans(example) == Counter({(3, 4, 3, 9, "other-rule"): 1})
    assert example.code == 'import streamlit as st  # a comment stays\n\nst.write("x")\nst.write("# [not-a-marker]")\n'


def test_a_marker_naming_another_rule_is_reported():
    rule = next(r for r in ALL_RULES if r.name == "cached-fragment")
    example = Example("import streamlit as st  # [cached-fragmnet]\n")
    assert marker_problems(example, rule) == ["line 1: `[cached-fragmnet]` is not this rule (cached-fragment)"]


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
