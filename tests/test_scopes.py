"""`fraglint scopes`: the rerun-model interpreter's answers, through the real CLI."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

import pytest
from helpers import run_cli, write_project

REPO = Path(__file__).resolve().parent.parent

GUIDE_APP = """
import streamlit as st

st.title("My Awesome App")

@st.fragment()
def toggle_and_text():
    cols = st.columns(2)
    cols[0].toggle("Toggle")
    cols[1].text_area("Enter text")

@st.fragment(run_every="10s")
def filter_and_file():
    cols = st.columns(2)
    cols[0].checkbox("Filter")
    cols[1].file_uploader("Upload image")

toggle_and_text()
cols = st.columns(2)
cols[0].selectbox("Select", [1,2,3], None)
cols[1].button("Update")
filter_and_file()
"""


def scopes_json(root, *args) -> dict:
    result = run_cli("scopes", "--format", "json", *args, ".", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def by_label(document: dict) -> dict:
    return {(t["kind"], t["label"] or t["widget"] or t["note"]): t for t in document["triggers"]}


def test_guide_example_widget_and_timer_scopes(tmp_path):
    write_project(tmp_path, {"app.py": GUIDE_APP})
    triggers = by_label(scopes_json(tmp_path))
    assert triggers[("widget", "Toggle")]["scope"] == {"id": "fragment:1", "kind": "fragment", "name": "toggle_and_text", "path": "app.py", "line": 17}
    assert triggers[("widget", "Enter text")]["scope"]["name"] == "toggle_and_text"
    assert triggers[("widget", "Filter")]["scope"]["name"] == "filter_and_file"
    assert triggers[("widget", "Upload image")]["scope"]["name"] == "filter_and_file"
    assert triggers[("widget", "Select")]["scope"]["kind"] == "app"
    assert triggers[("widget", "Update")]["scope"]["kind"] == "app"
    timer = [t for t in triggers.values() if t["kind"] == "timer"]
    assert len(timer) == 1 and timer[0]["interval_seconds"] == 10.0 and timer[0]["scope"]["name"] == "filter_and_file"
    toggle = triggers[("widget", "Toggle")]
    assert [f["name"] for f in toggle["reruns"]] == ["toggle_and_text"]
    assert toggle["reruns"][0]["start_line"] == 6 and toggle["reruns"][0]["end_line"] == 9
    assert {r["element"] for r in toggle["redraws"]} == {"columns", "toggle", "text_area"}
    assert toggle["frozen"] > 0
    update = triggers[("widget", "Update")]
    assert update["frozen"] == 0 and update["reruns"][0]["name"] == "<module>"


def test_every_trigger_kind(tmp_path):
    write_project(tmp_path, {"app.py": """
        import streamlit as st

        def on_pick():
            st.session_state.picked = True

        @st.fragment
        def panel():
            if st.button("Again"):
                st.rerun(scope="fragment")
            st.selectbox("Pick", ["a", "b"], on_change=on_pick)
            with st.form("filters"):
                st.text_input("Name")
                st.form_submit_button("Apply")

        panel()
        if st.button("Reset"):
            st.rerun()
    """})
    triggers = by_label(scopes_json(tmp_path))
    kinds = {(kind, label): t["scope"]["kind"] for (kind, label), t in triggers.items()}
    assert kinds[("widget", "Again")] == "fragment"
    assert kinds[("rerun", 'st.rerun(scope="fragment")')] == "fragment"
    assert kinds[("rerun", 'st.rerun(scope="app")')] == "app"
    assert kinds[("callback", "Pick")] == "fragment"
    assert triggers[("callback", "Pick")]["callback"] == "on_pick"
    assert kinds[("form", "Apply")] == "fragment"
    assert ("widget", "Name") not in triggers, "a widget inside a form does not trigger a rerun by itself"
    assert kinds[("widget", "Reset")] == "app"


def test_nested_fragments_sidebar_and_cross_module_helpers(tmp_path):
    write_project(tmp_path, {
        "app.py": """
            import streamlit as st
            from components.panels import legend

            @st.fragment
            def inner():
                st.toggle("Inner")

            @st.fragment
            def outer():
                st.slider("Outer", 0, 5)
                inner()
                legend()

            with st.sidebar:
                outer()
        """,
        "components/__init__.py": "",
        "components/panels.py": """
            import streamlit as st

            def legend():
                st.checkbox("Show legend")
        """,
    })
    document = scopes_json(tmp_path)
    triggers = by_label(document)
    assert triggers[("widget", "Inner")]["scope"]["name"] == "inner"
    assert triggers[("widget", "Outer")]["scope"]["name"] == "outer"
    legend = triggers[("widget", "Show legend")]
    assert legend["scope"]["name"] == "outer" and legend["path"] == os.path.join("components", "panels.py")
    outer_reruns = {f["name"] for f in triggers[("widget", "Outer")]["reruns"]}
    assert outer_reruns == {"outer", "inner", "legend"}, "the outer fragment's rerun re-executes the nested one and the helper"
    scopes = {s["id"]: s for s in document["scopes"]}
    inner_scope = next(s for s in scopes.values() if s["name"] == "inner")
    assert scopes[inner_scope["parent"]]["name"] == "outer"


def test_each_call_site_is_its_own_instance(tmp_path):
    write_project(tmp_path, {"app.py": """
        import streamlit as st

        @st.fragment
        def card(title):
            st.button("Refresh", key=title)

        card("a")
        card("b")
    """})
    document = scopes_json(tmp_path)
    instances = [s for s in document["scopes"] if s["kind"] == "fragment"]
    assert [s["line"] for s in instances] == [7, 8]
    assert len({t["scope"]["id"] for t in document["triggers"]}) == 2


def test_piling_up_depends_on_the_release(tmp_path):
    write_project(tmp_path, {"app.py": """
        import streamlit as st

        log = st.container()

        @st.fragment
        def poll():
            st.button("Poll")
            log.write("polled")

        poll()
    """})
    before = by_label(scopes_json(tmp_path, "--streamlit-version", "1.45.0"))[("widget", "Poll")]
    after = by_label(scopes_json(tmp_path, "--streamlit-version", "1.59.0"))[("widget", "Poll")]
    assert [p["element"] for p in before["piles_up"]] == ["write"]
    assert after["piles_up"] == []


def test_multipage_pages_folder_and_navigation(tmp_path):
    write_project(tmp_path, {
        "app.py": """
            import streamlit as st

            def home():
                st.button("Home button")

            nav = st.navigation([st.Page(home), st.Page("reports.py")])
            nav.run()
        """,
        "reports.py": """
            import streamlit as st

            @st.fragment
            def report():
                st.radio("Period", ["day", "week"])

            report()
        """,
        "pages/settings.py": """
            import streamlit as st
            st.toggle("Dark mode")
        """,
    })
    document = scopes_json(tmp_path)
    triggers = by_label(document)
    assert triggers[("widget", "Home button")]["scope"]["kind"] == "app"
    assert triggers[("widget", "Period")]["scope"]["name"] == "report"
    assert triggers[("widget", "Dark mode")]["scope"]["kind"] == "app"
    assert "pages/settings.py" in [e.replace(os.sep, "/") for e in document["entries"]]


def test_text_and_mermaid_formats(tmp_path):
    write_project(tmp_path, {"app.py": GUIDE_APP})
    text = run_cli("scopes", ".", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "fragment `toggle_and_text`" in text.stdout and "reruns the whole app" in text.stdout
    mermaid = run_cli("scopes", "--format", "mermaid", ".", cwd=tmp_path)
    assert mermaid.stdout.startswith("flowchart LR\n")
    assert 'subgraph S1["fragment toggle_and_text"]' in mermaid.stdout


def _chromium() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


@contextlib.contextmanager
def _browser_page(page: Path, errors: list[str]):
    """The page open in headless Chromium (Debian's, driven by Playwright); console errors collected."""
    playwright = pytest.importorskip("playwright.sync_api")
    browser_path = _chromium()
    if browser_path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing on CI: run tests/oracle/setup.sh")
        pytest.skip("chromium is not installed (bash tests/oracle/setup.sh installs it)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=browser_path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        )
        try:
            tab = browser.new_page(viewport={"width": 1000, "height": 800})
            tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.goto(page.as_uri())
            yield tab
        finally:
            browser.close()


def test_html_is_self_contained_and_renders_in_a_real_browser(tmp_path):
    write_project(tmp_path, {"app.py": GUIDE_APP})
    out = tmp_path / "scopes.html"
    result = run_cli("scopes", "--format", "html", "-o", str(out), ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page, "the page must not load anything from the network"
    assert "reruns fragment `toggle_and_text`" in page
    errors: list[str] = []
    with _browser_page(out, errors) as tab:
        shot = tmp_path / "scopes.png"
        tab.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 5_000
        assert tab.locator("[data-scope='fragment:1']").count() == 4
        assert tab.locator(".note").count() == 7
    assert errors == []


def test_html_gutter_badges_and_legend_on_a_multipage_app(tmp_path):
    """Badges that overflow wrap instead of squeezing the line numbers; a badge does not repeat the
    file and line it sits on but says what the rerun redraws; each entry's chip names its file."""
    project = tmp_path / "shop"
    shutil.copytree(REPO / "fixtures" / "multipage_clean", project)
    out = tmp_path / "scopes.html"
    result = run_cli("scopes", "--format", "html", "-o", str(out), ".", cwd=project)
    assert result.returncode == 0, result.stderr
    errors: list[str] = []
    with _browser_page(out, errors) as tab:
        tab.screenshot(path=str(tmp_path / "multipage.png"), full_page=True)
        widths = tab.eval_on_selector_all(".no", "nodes => nodes.map(n => Math.round(n.getBoundingClientRect().width))")
        assert len(widths) > 40 and len(set(widths)) == 1, f"the gutter changes width: {sorted(set(widths))}"
        line_33 = tab.locator(".line", has=tab.locator(".no", has_text="33")).first
        badges = line_33.locator(".note").all_inner_texts()
        assert len(badges) == 2 and all("app.py:33" not in badge for badge in badges), badges
        assert all(badge.endswith("reruns the whole app: redraws 11 elements") for badge in badges), badges
        chips = tab.locator(".legend span").all_inner_texts()
        assert len(chips) == len(set(chips)) == 5, chips
        assert "app: full run of app.py" in chips and "app: full run of pages/2_Settings.py" in chips
    assert errors == []


def test_mermaid_has_a_subgraph_per_entry_and_fragment(tmp_path):
    project = tmp_path / "shop"
    shutil.copytree(REPO / "fixtures" / "multipage_clean", project)
    mermaid = run_cli("scopes", "--format", "mermaid", ".", cwd=project).stdout
    lines = mermaid.splitlines()
    assert lines[0] == "flowchart LR"
    titles = [line.strip() for line in lines if line.strip().startswith("subgraph ")]
    assert [t.split('"')[1] for t in titles] == [
        "app: app.py", "fragment filters", "fragment live_count every '15s'", "app: 2_Settings.py", "fragment settings_form",
    ]
    assert sum(line.strip() == "end" for line in lines) == len(titles)
    assert '(["button Apply app.py:23"])' in mermaid and '(["download_button CSV views.py:9"])' in mermaid
    # A trigger sits in the subgraph of the scope it reruns: the Apply button inside `filters`.
    filters = mermaid.index('subgraph S1["fragment filters"]')
    assert filters < mermaid.index("button Apply") < mermaid.index("end", filters)


NESTED = """
import streamlit as st

@st.experimental_fragment
def inner():
    st.toggle("Inner")

@st.experimental_fragment
def outer():
    st.slider("Before", 0, 5)
    inner()
    st.button("After")

outer()
"""


def test_nested_fragment_before_1_37_loses_the_outer_scope(tmp_path):
    """The oracle (case nested_fragments) saw the outer's later widget rerun the whole app before 1.37."""
    write_project(tmp_path, {"app.py": NESTED})
    old = by_label(scopes_json(tmp_path, "--streamlit-version", "1.36.0"))
    assert old[("widget", "Before")]["scope"]["name"] == "outer"
    assert old[("widget", "Inner")]["scope"]["name"] == "inner"
    assert old[("widget", "After")]["scope"]["kind"] == "app"
    new = by_label(scopes_json(tmp_path, "--streamlit-version", "1.45.0"))
    assert new[("widget", "After")]["scope"]["name"] == "outer"


def test_dialog_widgets_rerun_the_dialog(tmp_path):
    """Streamlit runs `@st.dialog` functions as fragments: their widgets rerun the dialog alone."""
    write_project(tmp_path, {"app.py": """
        import streamlit as st

        @st.dialog("Rate us")
        def rate():
            st.slider("Stars", 1, 5)
            if st.button("Submit"):
                st.rerun()

        if st.button("Open"):
            rate()
    """})
    triggers = by_label(scopes_json(tmp_path))
    assert triggers[("widget", "Stars")]["scope"]["name"] == "rate"
    assert triggers[("widget", "Open")]["scope"]["kind"] == "app"


STOPPING_APP = """
import streamlit as st

def require_login():
    if not st.session_state.get("user"):
        st.warning("Please log in")
        st.stop()

st.title("Shop")
st.button("Top")
require_login()
st.button("Buy")

@st.fragment
def basket():
    st.button("Refresh basket")
    if st.session_state.get("empty"):
        st.stop()
    st.write("basket total")

@st.fragment
def cart():
    st.button("Refresh cart")
    st.stop()
    st.button("Never")

@st.fragment
def later():
    st.button("Later")

basket()
st.write("footer")
cart()
later()
st.button("Unreachable")
"""


def test_stop_ends_the_run_where_it_is_called(tmp_path):
    """The oracle (stop_in_fragment, stop_always_in_fragment) saw st.stop() end the run it is in:
    from a fragment during a full run, the whole run; during a fragment rerun, that rerun only."""
    write_project(tmp_path, {"app.py": STOPPING_APP})
    document = scopes_json(tmp_path)
    triggers = by_label(document)
    scopes = {s["name"] or "app": s for s in document["scopes"]}
    # an unconditional stop in `cart` ends the full run: nothing after it is drawn or called
    assert {("widget", "Never"), ("widget", "Later"), ("widget", "Unreachable")}.isdisjoint(triggers)
    assert "later" not in scopes
    assert scopes["cart"]["stops"] == [{"path": "app.py", "line": 23, "conditional": False}]
    # a stop in a branch (here inside a helper) only may end it: what follows is after_stop
    assert scopes["app"]["stops"] == [{"path": "app.py", "line": 6, "conditional": True}]
    assert triggers[("widget", "Top")]["after_stop"] is None
    assert triggers[("widget", "Buy")]["after_stop"] == {"path": "app.py", "line": 6}
    assert triggers[("widget", "Buy")]["scope"]["kind"] == "app", "the scope of a trigger does not change"
    full = {r["label"]: r["after_stop"] for r in triggers[("widget", "Top")]["redraws"]}
    assert full == {
        "Shop": False, "Top": False, "Please log in": False, "Buy": True, "Refresh basket": True,
        "basket total": True, "footer": True, "Refresh cart": True,
    }
    # a fragment rerun does not run the app's stop, only its own
    basket = {r["label"]: r["after_stop"] for r in triggers[("widget", "Refresh basket")]["redraws"]}
    assert basket == {"Refresh basket": False, "basket total": True}
    assert scopes["basket"]["after_stop"] == {"path": "app.py", "line": 6}
    text = run_cli("scopes", ".", cwd=tmp_path).stdout
    assert "st.stop() ends the run at: app.py:23" in text and "only on runs past st.stop() at app.py:6" in text


def test_stop_in_a_parallel_fragment_is_counted_as_conditional(tmp_path):
    """A parallel fragment's stop reaches the script thread only at its next check (1.58+)."""
    write_project(tmp_path, {"app.py": """
        import streamlit as st

        @st.fragment(parallel=True)
        def worker():
            st.write("working")
            st.stop()

        worker()
        st.button("After")
    """})
    after = by_label(scopes_json(tmp_path, "--streamlit-version", "1.67.0"))[("widget", "After")]
    assert after["after_stop"] == {"path": "app.py", "line": 6}


CALLBACK_APP = """
import streamlit as st

def refresh_charts():
    st.rerun("charts")

def maybe_refresh():
    if st.session_state.get("auto"):
        st.rerun("charts")

def reset():
    st.session_state.clear()
    st.rerun()

@st.fragment(key="charts")
def charts():
    st.line_chart([1, 2, 3])

@st.fragment
def controls():
    st.button("Refresh", on_click=refresh_charts)
    st.button("Maybe refresh", on_click=maybe_refresh)
    st.button("Reset", on_click=reset)
    st.button("Lambda refresh", on_click=lambda: st.rerun("charts"))

charts()
controls()
"""


def test_rerun_in_a_callback_decides_the_scope_from_1_63(tmp_path):
    """The oracle (fragment_key_rerun, rerun_key_in_callback, rerun_in_callback): from 1.63 a
    keyed st.rerun in a callback reruns only that fragment and st.rerun() the whole app; before,
    st.rerun() in a callback is a no-op and the widget's own scope reruns."""
    write_project(tmp_path, {"app.py": CALLBACK_APP})
    new = by_label(scopes_json(tmp_path, "--streamlit-version", "1.67.0"))

    def scope(kind: str, label: str) -> str:
        return new[(kind, label)]["scope"]["name"] or "app"

    for kind in ("widget", "callback"):
        assert scope(kind, "Refresh") == "charts"
        assert new[(kind, "Refresh")]["rerun_call"] == {"path": "app.py", "line": 4}
        assert scope(kind, "Lambda refresh") == "charts"
        assert scope(kind, "Reset") == "app"
    assert [r["element"] for r in new[("widget", "Refresh")]["redraws"]] == ["line_chart"]
    # inside an `if`: the widget's own rerun when the callback does not get there, else `charts`
    assert scope("widget", "Maybe refresh") == "controls"
    assert "may call" in new[("widget", "Maybe refresh")]["note"]
    assert scope("callback", "Maybe refresh") == "charts"
    assert new[("callback", "Maybe refresh")]["rerun_call"] == {"path": "app.py", "line": 8}
    old = by_label(scopes_json(tmp_path, "--streamlit-version", "1.62.0"))
    for label in ("Refresh", "Maybe refresh", "Reset", "Lambda refresh"):
        assert old[("widget", label)]["scope"]["name"] == "controls"
        assert old[("callback", label)]["scope"]["name"] == "controls"
    assert "no-op" in old[("callback", "Reset")]["note"]


def test_redrawn_elements_under_a_branch_are_conditional(tmp_path):
    """A rerun redraws what its code may draw; what sits under an `if` or a loop (here or in a
    helper called from one) is marked conditional: that rerun may not draw it (oracle case
    outside_first_write_app_written: the full rerun does not draw the fragment's guarded write)."""
    write_project(tmp_path, {"app.py": """
        import streamlit as st

        def notes():
            st.caption("note")

        @st.fragment
        def panel():
            st.write("always")
            if st.button("Go"):
                st.write("after go")
                notes()
            for item in ["a"]:
                st.text("looped")

        panel()
    """})
    triggers = by_label(scopes_json(tmp_path))
    redraws = {r["label"]: r["conditional"] for r in triggers[("widget", "Go")]["redraws"]}
    assert redraws == {"always": False, "Go": False, "after go": True, "note": True, "looped": True}
