"""The generated docs match the code, and every rule's docs render in the CLI."""

from __future__ import annotations

from helpers import REPO, run_cli

from fraglint.docs import rules_markdown, semantics_markdown


def test_generated_docs_are_up_to_date():
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), "run `python -m fraglint.docs`"
    assert (REPO / "docs" / "semantics.md").read_text(encoding="utf-8") == semantics_markdown(), "run `python -m fraglint.docs`"


def test_readme_lists_every_rule():
    from fraglint.rules import ALL_RULES

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for rule in ALL_RULES:
        assert rule.name in readme and rule.code in readme, rule.name


def test_rule_command_prints_docs_by_name_and_code():
    by_name = run_cli("rule", "cached-fragment")
    by_code = run_cli("rule", "FRG102")
    assert by_name.returncode == 0 and by_code.returncode == 0
    assert "Why is this bad?" in by_name.stdout and by_name.stdout == by_code.stdout
    assert run_cli("rule", "no-such-rule").returncode == 2


def test_rule_links_land_on_the_rules_heading():
    """LSP codeDescription and SARIF helpUri point at `#<anchor>`: GitHub's anchor of the rule's heading."""
    import re

    from fraglint.links import rule_anchor
    from fraglint.rules import ALL_RULES

    text = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    anchors = {re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-") for heading in re.findall(r"^## (.+)$", text, re.M)}
    assert {rule_anchor(rule.name, rule.code) for rule in ALL_RULES} <= anchors
