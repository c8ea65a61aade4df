"""FRG118 rerun-only-outside-write."""

from __future__ import annotations

from collections.abc import Iterator

from fraglint.diagnostics import Severity
from fraglint.model.entries import CodeScope
from fraglint.model.fragments import Fragment, Site
from fraglint.model.guards import RerunOnlyWrite
from fraglint.model.scope_notes import OutsideSlotNeedsFullRun
from fraglint.rules.base import CheckContext, Example, Finding, Rule, fragments_and_dialogs, outside_write_related


class RerunOnlyOutsideWrite(Rule):
    """A fragment draws into a container made outside it only in a branch a full run can skip.

    ## What it does
    Flags an element or widget that a fragment draws (in its body or through helpers) into a
    container created outside the fragment (a module-level or enclosing `st.container()`,
    columns, tabs, an `st.empty()` placeholder, `st.sidebar`, `st.bottom`, a container passed
    in, also through `with box:`), when every draw of that fragment into that container lies
    in the body of an `if` or `while` whose condition is false on a full run and can turn true
    in a rerun of the fragment. fraglint knows three such conditions:

    - a button, form submit button or chat input drawn in the fragment (`if st.button(...)`,
      or `if clicked:` after `clicked = st.button(...)`): true only in the fragment rerun that
      the click or the submit starts;
    - a checkbox, toggle, text input, text area, multiselect, pills, segmented control, file
      uploader, camera or audio input drawn in the fragment with its false, empty or `None`
      starting value (no `value=`/`default=`, no `key=` that session state presets): false
      until the user changes it, and changing it reruns only the fragment;
    - session state (`st.session_state.k`, `["k"]`, `.get("k")`, `"k" in st.session_state`)
      that changes between full runs: set inside a branch of fragment code or by the callback
      of a widget drawn in a fragment, or the `key=` of a widget of the first two kinds drawn
      in a fragment.

    A `for` loop counts as such a branch when its data can be empty on a full run and fill up
    between runs: session state (`st.session_state.get("k", [])`, `.get("k")`, or a key only
    ever set to `[]`, `()` or a false value outside the fragment's branches) looped over in a
    fragment with a `run_every` timer, or one of the values above (a file uploader taking many
    files starts out empty). So does `while not q.empty():` (or `if not ...`) in a fragment
    with a `run_every` timer, for anything but Streamlit's `st.empty()`: a queue a worker fills
    between runs may hold nothing on the full run.

    `a and b`, `x is not None` and `(x := ...)` count when one part is such a value. A draw in
    an `else` branch, under `not` or `or`, under any other condition or under none may happen
    on the full run and reserve the fragment's slot: then nothing is reported for that
    container.
    An `@st.dialog` body runs as a fragment and is checked the same way.

    ## Why is this bad?
    From Streamlit 1.59, a fragment draws into an outside container through a slot that it
    reserves there the first time it draws into that container during a full run. Every full
    run clears the slots. A fragment rerun that draws into an outside container where the
    fragment drew nothing during the last full run finds no slot, and Streamlit raises
    (`StreamlitAPIException`; `StreamlitInvalidLayoutContextError` from 1.63). The slot belongs
    to the fragment: the app drawing into the same container during the full run reserves
    nothing for it. Before 1.59 the element piles up instead (`outside-container-write`).

    Session state that some code may set to anything but a literal false, empty or None value
    (an assignment outside the fragment's branches, `st.session_state.setdefault("k", True)`)
    may be true on a full run: the rule stays silent on conditions that read it.

    Limits: fraglint does not know values. A condition that is in fact true on every full run
    for another reason (session state set from a loaded file, say) is still reported; draws kept off
    the full run in other ways (an early `return`, a `try` around `q.get_nowait()`, a condition on
    data the fragment loads) are not. Columns or tabs made by one call count as one container,
    so a draw into one of them on every run hides the others, and a helper that draws into its
    parameter counts as drawing on the full run if any of its calls does.

    ## Example
    ```python
    results = st.container()

    @st.fragment
    def search():
        if st.button("Search"):
            results.write(run_query())  # raises in the click's rerun
    ```

    ## Use instead
    Reserve the slot on every run, inside the fragment, and fill it later:
    ```python
    results = st.container()

    @st.fragment
    def search():
        slot = results.empty()
        if st.button("Search"):
            slot.write(run_query())
    ```
    Or create the container inside the fragment.
    """

    code = "FRG118"
    name = "rerun-only-outside-write"
    judges = CodeScope.ANYWHERE
    severity = Severity.ERROR
    facts = ("outside-first-write-in-rerun-raises",)
    reads = ("parallel-outside-write-raises", "dialog-exists", "experimental-dialog-exists")

    VALID = [
        Example(
            """
import streamlit as st

st.session_state.setdefault("show", True)
box = st.container()

@st.fragment
def panel():
    if st.button("Hide"):
        st.session_state.show = False
    if st.session_state.show:
        box.write("shown on full runs too")

panel()
""",
            version="1.59.0",
        ),
        Example(
            """
import streamlit as st

box = st.container()
slot = st.empty()
pair = st.container()

@st.fragment
def search():
    box.write("drawn on every run: the fragment's slot is reserved")
    reserved = slot.empty()
    if st.button("Search"):
        box.write("fills the reserved slot")
        reserved.write("inside a placeholder the fragment makes on every run")
    if st.button("Toggle"):
        pair.caption("one branch")
    else:
        pair.caption("or the other, on every run")

search()
""",
        ),
        Example(
            """
import streamlit as st

rows_area = st.container()
flag_area = st.container()
hide_area = st.container()
show = st.checkbox("Show details")

@st.fragment
def details(rows):
    if rows:
        rows_area.write(rows)
    if show:
        flag_area.caption("an app widget: changing it reruns the whole app")
    if not st.button("Hide"):
        hide_area.caption("drawn on every full run")

details([1, 2])
""",
        ),
        Example(
            # the header reserves the slot on every full run; a loop over data the full run
            # has (no timer refills it) is like any other condition
            """
import streamlit as st

log = st.container()
done = st.container()

@st.fragment(run_every="1s")
def tail_log():
    log.caption("Log")
    for line in st.session_state.get("lines", []):
        log.text(line)

@st.fragment
def finished(files):
    for name in files:
        done.write(name)

tail_log()
finished(["a.csv"])
""",
        ),
        Example(
            """
import streamlit as st

box = st.container()

@st.fragment
def search():
    if st.button("Search"):
        box.write("piles up before 1.59 instead")

search()
""",
            version="1.58.0",
        ),
    ]
    INVALID = [
        Example(
            """
import streamlit as st

box = st.container()
slot = st.empty()
st.session_state.setdefault("clicks", 0)

def show(target, text):
    target.markdown(text)  # [rerun-only-outside-write]

@st.fragment
def search():
    if st.button("Search"):
        st.session_state.clicks += 1
        box.write("first drawn in a rerun")  # [rerun-only-outside-write]
        with st.sidebar:
            st.caption("the sidebar too")  # [rerun-only-outside-write]
    if st.session_state.clicks and (query := st.text_input("Query")):
        show(slot, query)

search()
box.write("the app's own write reserves nothing for the fragment")
""",
        ),
        Example(
            # a worker thread fills `lines`; the full run finds it empty, the first tick raises
            """
import streamlit as st

log = st.container()

@st.fragment(run_every="1s")
def tail_log():
    for line in st.session_state.get("lines", []):
        with log:
            st.text(line)  # [rerun-only-outside-write]

tail_log()
""",
        ),
        Example(
            # a queue kept in session state is drained like any other (GenericAgent issue #752)
            """
import queue
import streamlit as st

st.session_state.setdefault("display_queue", queue.Queue())
stream = st.container()

@st.fragment(run_every=1)
def tick():
    dq = st.session_state.display_queue
    while not dq.empty():
        item = dq.get()
        with stream:
            st.expander(item["title"])  # [rerun-only-outside-write]

tick()
""",
        ),
    ]

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        parallel_raises = ctx.holds("parallel-outside-write-raises")
        seen: set[Site] = set()
        for fragment in fragments_and_dialogs(ctx, reaching_reported=True):  # (the writes are in what it reaches)
            if parallel_raises and fragment.parallel:
                continue  # parallel-fragment-outside-write: any outside draw raises there
            for found in ctx.model.guards(fragment).rerun_only_writes():
                if found.write.site() not in seen:
                    seen.add(found.write.site())
                    yield self.finding(fragment, found)

    def finding(self, fragment: Fragment, found: RerunOnlyWrite) -> Finding:
        write, container, reason = found.write, found.write.container, found.reason
        assert container is not None  # the model only finds writes into a known outside container
        word = fragment.word
        related = ((found.condition, f"a full run can skip this branch: {reason}"),) + outside_write_related(write, word)
        return Finding(
            write.site(),
            f"`{write.element}` inside {fragment.what} draws into {container.how}, created outside "
            f"the {word}, only in a branch that a full run can skip ({reason}); a {word} rerun that draws "
            f"there after such a full run raises, as the {word} reserved no slot in that container (draw into "
            "it on every run, e.g. `slot = container.empty()` before the condition, then fill `slot`)",
            related=related,
            scope_facts=(OutsideSlotNeedsFullRun(fragment.name, container.how),),
        )
