"""What a module summary records about `if`/`while` conditions: the guards around each call
and store, and the values a condition's body requires (rerun-only-outside-write reads both)."""

from __future__ import annotations

import libcst as cst

from fraglint.index.visitor import SummaryVisitor

SOURCE = '''
def frag():
    if st.button("Go"):
        st.session_state.clicks += 1
        box.write("a")
    elif "k" in st.session_state and (query := st.text_input("Q")) is not None:
        box.write(query)
    else:
        box.write("c")
    while st.session_state.get("run"):
        box.write("d")
    if not ready or other:
        box.write("e")
    box.write("f")
'''


def _frag():
    return SummaryVisitor("app.py").summarize(cst.parse_module(SOURCE)).functions["frag"]


def _writes(function):
    return [call for call in function.calls if call.func == ("box", "write")]


def test_each_call_and_store_knows_its_enclosing_arms():
    function = _frag()
    first, elif_, orelse, loop, negated, plain = (call.guards for call in _writes(function))
    outer = first[0][0]
    assert first == ((outer, 0),)
    inner = elif_[1][0]
    assert elif_ == ((outer, 1), (inner, 0)) and orelse == ((outer, 1), (inner, 1))
    assert loop[0][1] == 0 and negated[0][1] == 0 and plain == ()
    [(_, ref, guards, _)] = function.stores
    assert ref == ("st", "session_state", "clicks") and guards == ((outer, 0),)


def test_conditions_list_what_their_body_requires():
    function = _frag()
    requires = [tuple(v.ref for v in c.requires) for c in function.conditions.values()]
    assert requires == [
        (("st", "button", "()"),),
        (("st", "session_state", "['k']"), ("st", "text_input", "()")),
        (("st", "session_state", "get", "()"),),
        (),  # `not ... or ...`: nothing a static reader can name
    ]
    button = next(iter(function.conditions.values())).requires[0]
    assert button.call_site == next(c.site for c in function.calls if c.func == ("st", "button"))
