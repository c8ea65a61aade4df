"""Where fraglint and each rule's documentation live online: one home for the addresses.

Editors link a diagnostic's code to its rule (LSP `codeDescription`), SARIF viewers show
`helpUri`; both take the address from here. The anchor is the one GitHub gives the rule's
heading in `docs/rules.md` (`## nested-fragment (FRG101)` -> `#nested-fragment-frg101`).
"""

from __future__ import annotations

HOMEPAGE = "https://github.com/fraglint/fraglint"
RULES_PAGE = f"{HOMEPAGE}/blob/main/docs/rules.md"


def rule_anchor(name: str, code: str) -> str:
    """GitHub's anchor for the heading `## <name> (<code>)`: lower case, spaces to dashes, no brackets."""
    return f"{name}-{code.lower()}"


def rule_url(name: str, code: str, page: str = RULES_PAGE) -> str:
    """The rule's section in the rules page; `page` lets an editor point at a mirror or a fork."""
    return f"{page}#{rule_anchor(name, code)}"
