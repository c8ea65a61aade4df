"""Positions computed by the direct provider call agree with libcst's MetadataWrapper."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from fraglint.index.loader import compute_positions

SOURCE = '''
import streamlit as st

@st.fragment(run_every="5s")
def live(c):
    with st.container():
        x = st.slider("x", 0, 10)   # a comment
    c.write(f"{x}")
    return {
        "a": [st.button("b"), 2],
    }

if True: live(st.container()); st.write("x")
'''


# Texts whose top-level statements are hard to cut apart by lines: decorators over several
# lines, `;`, backslash continuations, a form feed and a U+2028, tabs, CRLF and bare CR line
# ends, comments between statements, strings with lines in column 0.
STATEMENT_CUTS = [
    SOURCE,
    "import streamlit as st\n@(\n    st.fragment\n)\ndef f():\n    st.write(1)\n\nf()\n",
    "import streamlit as st; x = st.button('a'); st.write(x)\nst.write(2)\n",
    "import streamlit as st\nx = 1 + \\\n    2; st.write(x)\n\x0cst.write('ff')\n# a\u2028comment\nst.write(3)\n",
    "import streamlit as st\r\nif True:\r\n\tst.write('tab')\r\n# between\r\n\r\n@st.fragment\r\ndef g():\r\n\tst.write(1)\r\ng()\r\n",
    "import streamlit as st\rst.write('cr')\rdef h():\r    return st.write(2)\r",
    'import streamlit as st\ns = """\nst.write(1)\ndef fake():\n"""\nst.write(s)\n\n\n    # indented comment\n@st.fragment\n@st.cache_data\nasync def i():\n    pass\n',
    "",
    "# only a comment\n",
]


def test_statement_spans_match_the_whole_file():
    """Placing a site by parsing its top-level statement alone gives the whole file's spans."""
    from fraglint.index.facts import StatementSpans, whole_file_spans
    from fraglint.index.loader import summarize_source

    for text in STATEMENT_CUTS:
        summary, _ = summarize_source("app.py", text)
        whole = whole_file_spans("app.py", text)
        assert whole is not None
        assert summary.statement_lines or text.strip() in ("", "# only a comment"), text
        placed = StatementSpans("app.py", text, summary.statement_lines, summary.statement_ends)
        assert {site: placed[site] for site in whole} == whole, text
        assert placed._whole is None, f"fell back to the whole file: {text!r}"


def test_direct_positions_match_metadata_wrapper():
    for text in STATEMENT_CUTS:
        module = cst.parse_module(text)
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        actual = compute_positions(cst.parse_module(text))
        assert len(actual) == len(expected)

        def as_list(table):
            return sorted((r.start.line, r.start.column, r.end.line, r.end.column, type(n).__name__) for n, r in table.items())

        assert as_list(actual) == as_list(expected), text


def test_positions_are_libcsts_node_for_node():
    """The same tree, each node's range equal to the one libcst's provider gives it."""
    for text in STATEMENT_CUTS:
        module = cst.parse_module(text)
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        actual = compute_positions(module)
        assert dict(actual) == dict(expected), text
