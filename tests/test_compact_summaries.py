"""Decoded summaries are compact: every summary of a project stays in memory during a check.

Equal site integers are one object across modules, empty containers are one shared read-only
object each, and a decoded summary still encodes to the same bytes (issue 13: memory).
"""

from __future__ import annotations

import copy
import pickle
import sys

import pytest

from fraglint.index.frozen import EMPTY_DICT, EMPTY_LIST, EMPTY_SET
from fraglint.index.loader import InputProblem, summarize_file
from fraglint.index.serialize import SUMMARY_CODEC
from fraglint.index.summary import ModuleSummary

Summary = ModuleSummary | InputProblem

APP = "import streamlit as st\n\nst.write('a')\nst.title('b')\n"
PAGE = "import streamlit as st\n\nst.write('c')\n"


def _round_trip(tmp_path, sources: dict[str, str]) -> list[ModuleSummary]:
    found = []
    for name, text in sources.items():
        (tmp_path / name).write_text(text)
        summary = summarize_file(str(tmp_path / name))
        assert isinstance(summary, ModuleSummary)
        decoded = SUMMARY_CODEC.loads(Summary, SUMMARY_CODEC.dumps(Summary, summary))
        assert decoded == summary
        found.append(decoded)
    return found


def test_equal_site_integers_of_different_modules_are_one_object(tmp_path):
    one, two = _round_trip(tmp_path, {"app.py": APP, "page.py": PAGE})
    first, second = one.module_scope.calls[0], two.module_scope.calls[0]
    assert first.site == second.site > 256  # beyond CPython's own small-integer cache
    assert first.site is second.site
    assert one.module_scope.imports["st"].site is two.module_scope.imports["st"].site


def test_empty_collections_are_shared_and_refuse_to_change(tmp_path):
    one, two = _round_trip(tmp_path, {"app.py": APP, "page.py": PAGE})
    call, other = one.module_scope.calls[0], two.module_scope.calls[0]
    assert call.kwargs == {} and call.kwargs is other.kwargs is EMPTY_DICT
    assert one.module_scope.decorators == [] and one.module_scope.decorators is EMPTY_LIST
    assert one.module_scope.globals == set() and one.module_scope.globals is EMPTY_SET
    with pytest.raises(TypeError):
        call.kwargs["key"] = call.args[0]
    with pytest.raises(TypeError):
        one.module_scope.decorators.append(None)
    with pytest.raises(TypeError):
        one.module_scope.globals.add("x")
    assert other.kwargs == {} and one.module_scope.decorators == [] and one.module_scope.globals == set()


def test_a_decoded_summary_encodes_to_the_same_bytes(tmp_path):
    (tmp_path / "app.py").write_text(APP)
    summary = summarize_file(str(tmp_path / "app.py"))
    raw = SUMMARY_CODEC.dumps(Summary, summary)
    decoded = SUMMARY_CODEC.loads(Summary, raw)
    assert SUMMARY_CODEC.dumps(Summary, decoded) == raw
    assert pickle.loads(pickle.dumps(decoded)) == summary  # and copies of it are ordinary values
    assert copy.deepcopy(decoded) == summary


@pytest.mark.parametrize("empty", [EMPTY_LIST, EMPTY_SET, EMPTY_DICT], ids=["list", "set", "dict"])
def test_operations_on_a_shared_empty_make_new_ordinary_values(empty):
    grown = empty | {1: 2} if isinstance(empty, dict) else (empty | {1} if isinstance(empty, set) else empty + [1])
    assert type(grown) in (list, set, dict) and len(grown) == 1 and len(empty) == 0


def test_a_decoded_one_item_list_holds_one_slot(tmp_path):
    """Most decoded lists hold one item (a call's one argument): no room kept for growth."""
    (app,) = _round_trip(tmp_path, {"app.py": APP})
    args = app.module_scope.calls[0].args
    assert len(args) == 1 and sys.getsizeof(args) == sys.getsizeof([args[0]])


def test_equal_guard_and_with_tuples_are_one_object(tmp_path):
    """Calls in one `if` arm under one `with` share their guards and their enclosing `with` sites."""
    source = (
        "import streamlit as st\n\n"
        "with st.sidebar:\n"
        "    if st.checkbox('more'):\n"
        "        st.write('a')\n"
        "        st.write('b')\n"
    )
    (app,) = _round_trip(tmp_path, {"app.py": source})
    first, second = (call for call in app.module_scope.calls if call.func == ("st", "write"))
    assert first.guards == second.guards != () and first.withs == second.withs != ()
    assert first.guards is second.guards and first.withs is second.withs
