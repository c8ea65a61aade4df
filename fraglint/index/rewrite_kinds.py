"""The kinds of structural fix, apart from the libcst code that makes them (`rewrites.py`).

Rules name a rewrite when they offer one, so every check imports this; the rewrite itself
is made only when a check places a fix, and only then does it import libcst (about 0.1 s of
a one-file check in pre-commit).
"""

from __future__ import annotations

import enum


class Rewrite(enum.Enum):
    """The structural fixes, each with the sites it is given (see the rules that offer them)."""

    # (the fragment's def name, its one call, the `st.sidebar` uses in its body...)
    SIDEBAR_AROUND_CALL = "sidebar-around-call"
    # (the `st.container()` call, the one write into it)
    CONTAINER_TO_EMPTY = "container-to-empty"
