"""What a cold check spends above libcst's parse (issue 13), asserted as behaviour, not time.

A one-shot check's summaries live until the process ends: they are frozen out of the
garbage collector's view once loaded, while a long session's sources keep theirs collectable.
"""

from __future__ import annotations

import gc

from fraglint.index.sources import Sources
from fraglint.index.summary import ModuleSummary


def _summaries(sources: Sources, root) -> None:
    app = root / "app.py"
    app.write_text("import streamlit as st\n\nst.write('hi')\n")
    result = sources.summaries([str(app)], {}, jobs=1)
    assert isinstance(result[str(app)], ModuleSummary)


def test_one_checks_summaries_are_frozen_once_loaded(tmp_path):
    gc.unfreeze()
    try:
        _summaries(Sources.for_root(str(tmp_path), cache=False), tmp_path)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_sessions_summaries_stay_collectable(tmp_path):
    gc.unfreeze()
    _summaries(Sources(), tmp_path)
    assert gc.get_freeze_count() == 0


def test_the_summary_walk_does_not_descend_into_leaves(monkeypatch):
    """Names, literals and brackets (half the nodes) have no child the walk reads."""
    import libcst as cst

    from fraglint.index.visitor import SummaryVisitor
    from fraglint.index.walk_core import WalkCore

    descended: list[str] = []
    walk_children = WalkCore.walk_children

    def counting(self, node):
        descended.append(type(node).__name__)
        walk_children(self, node)

    monkeypatch.setattr(WalkCore, "walk_children", counting)
    module = cst.parse_module("total = prices[0] + 1.5\nlabel = f'{total}!'\n")
    SummaryVisitor("app.py").walk_top_level(module.body, 0)
    assert descended  # the walk still descends into the statements and expressions
    assert not {"Name", "Integer", "Float", "LeftSquareBracket", "FormattedStringText"} & set(descended)


def test_an_accepted_file_is_parsed_without_validating_each_node(monkeypatch, tmp_path):
    """libcst validates every node it builds; the tree of a file CPython accepts needs none.
    Nodes built afterwards (a fix's rewrite) are validated again."""
    import libcst as cst
    import pytest

    from fraglint.index.loader import summarize_file

    validated: list[str] = []
    validate = cst.Name._validate

    def counting(self):
        validated.append(self.value)
        validate(self)

    monkeypatch.setattr(cst.Name, "_validate", counting)
    app = tmp_path / "app.py"
    app.write_text("import streamlit as st\n\nst.write(total)\n")
    assert isinstance(summarize_file(str(app)), ModuleSummary)
    assert validated == []
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")


def test_positions_build_a_range_only_for_the_nodes_asked_for(monkeypatch):
    """A placed statement asks for a handful of nodes' ranges; libcst's provider builds one
    (and two positions) for every node of the tree."""
    import libcst as cst
    from libcst.metadata import position_provider

    from fraglint.index import positions
    from fraglint.index.loader import compute_positions

    built: list[object] = []

    class Counting(cst.metadata.CodeRange):
        def __init__(self, *args, **kwargs):
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(position_provider, "CodeRange", Counting)
    monkeypatch.setattr(positions, "CodeRange", Counting)
    module = cst.parse_module("import streamlit as st\n\nst.write([1, 2, 3], key='k')\n")
    where = compute_positions(module)[module.body[1].body[0].value]
    assert (where.start.line, where.start.column, where.end.line) == (3, 0, 3)
    assert len(built) == 1
