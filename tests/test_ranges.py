"""Range-aware checking and per-folder targets, through the real CLI.

A target is the set of releases a project admits; rules run once per behaviour epoch and each
finding says on which admitted releases it holds. A sub-folder's own declarations and
`[tool.fraglint]` decide its files' target and settings, as ruff's closest configuration does.
"""

from __future__ import annotations

import json

from packaging.version import Version

from fraglint.model.releases import epochs, runs
from fraglint.model.target import KNOWN_RELEASES, ReleaseSet, admitted
from tests.helpers import run_cli, write_project

SIDEBAR_APP = """
import streamlit as st

@st.fragment
def panel():
    st.sidebar.write("x")

@st.fragment
def other():
    st.write("y")

panel()
other()
"""


def check_json(root, *args: str) -> list[dict]:
    result = run_cli("check", "--output-format", "json", "--no-cache", *args, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_a_floor_without_st_fragment_is_one_diagnostic_at_the_requirement_line(tmp_path):
    write_project(tmp_path, {"requirements.txt": "pandas\nstreamlit>=1.28\n", "app.py": SIDEBAR_APP})
    found = check_json(tmp_path, ".")
    assert [(d["path"], d["line"], d["name"]) for d in found] == [
        ("app.py", 5, "fragment-sidebar-call"),
        ("requirements.txt", 2, "streamlit-floor-too-low"),
    ]
    sidebar, floor = found
    assert floor["message"] == (
        "`streamlit>=1.28` admits releases without `st.fragment` (used at 2 sites); raise the floor to >=1.37"
    )
    assert (floor["column"], floor["end_column"]) == (1, 16)
    assert sidebar["message"].endswith("(raises on 1.37-1.58 of the releases `streamlit>=1.28` admits)")
    assert sidebar["releases"] == {
        "target": "streamlit>=1.28", "holds_on": "1.37-1.58", "first": "1.37.0", "last": "1.58.0", "everywhere": False,
    }


def test_every_format_renders_the_floor_diagnostic_in_a_requirements_file(tmp_path):
    write_project(tmp_path, {"requirements.txt": "streamlit>=1.28\n", "app.py": SIDEBAR_APP})
    full = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert "requirements.txt:1:1: FRG126 [streamlit-floor-too-low]" in full.stdout
    assert "1 | streamlit>=1.28" in full.stdout  # the requirement's own line as the code frame
    assert "target Streamlit streamlit>=1.28 (1.28.0 to 1.67.0" in full.stdout
    for output_format in ("concise", "github", "gitlab", "junit"):
        result = run_cli("check", "--no-cache", "--output-format", output_format, ".", cwd=tmp_path)
        assert result.returncode == 1 and "requirements.txt" in result.stdout and not result.stderr, output_format
    sarif = json.loads(run_cli("check", "--no-cache", "--output-format", "sarif", ".", cwd=tmp_path).stdout)
    results = sarif["runs"][0]["results"]
    sidebar = next(r for r in results if r["ruleId"] == "FRG105")
    assert sidebar["properties"]["releases"]["holds_on"] == "1.37-1.58"


def test_a_noqa_comment_in_python_still_suppresses_a_ranged_finding(tmp_path):
    app = SIDEBAR_APP.replace('st.sidebar.write("x")', 'st.sidebar.write("x")  # noqa: FRG105')
    write_project(tmp_path, {"requirements.txt": "streamlit>=1.40\n", "app.py": app})
    assert check_json(tmp_path, ".") == []


def test_a_single_release_adds_nothing_to_messages_or_json(tmp_path):
    write_project(tmp_path, {"requirements.txt": "streamlit==1.45.0\n", "app.py": SIDEBAR_APP})
    (finding,) = check_json(tmp_path, ".")
    assert "releases" not in finding and "admits" not in finding["message"]


def test_a_finding_on_the_whole_range_says_nothing_more_but_carries_its_range(tmp_path):
    write_project(tmp_path, {"app.py": SIDEBAR_APP})
    (finding,) = check_json(tmp_path, "--streamlit-version", ">=1.45,<1.59", ".")
    assert "admits" not in finding["message"]
    assert finding["releases"]["everywhere"] is True and finding["releases"]["target"] == ">=1.45,<1.59"


def test_severity_is_the_worst_over_the_range_and_the_message_the_newest(tmp_path):
    app = "import streamlit as st\n\n@st.experimental_fragment\ndef panel():\n    st.write('x')\n\npanel()\n"
    write_project(tmp_path, {"app.py": app})
    (finding,) = check_json(tmp_path, "--streamlit-version", ">=1.45,<1.52", ".")
    assert finding["name"] == "experimental-fragment"
    assert finding["severity"] == "error"  # deprecated (a warning) on 1.45-1.48, removed (an error) from 1.49
    assert "was removed in Streamlit 1.49" in finding["message"]
    assert finding["releases"]["holds_on"] == "1.45-1.51"


def test_a_specifier_in_tool_fraglint_is_a_range_and_show_settings_says_so(tmp_path):
    write_project(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\n\n[tool.fraglint]\nstreamlit-version = ">=1.45,<1.60"\n',
        "app.py": SIDEBAR_APP,
    })
    (finding,) = check_json(tmp_path, ".")
    assert finding["message"].endswith("(raises on 1.45-1.58 of the releases `>=1.45,<1.60` admits)")
    shown = run_cli("check", "--show-settings", ".", cwd=tmp_path).stdout
    assert "target streamlit releases: >=1.45,<1.60 (1.45.0 to 1.59.2, 25 known releases)" in shown
    assert "[tool.fraglint] streamlit-version" in shown


def test_a_command_line_range_puts_the_floor_diagnostic_at_the_first_use(tmp_path):
    write_project(tmp_path, {"app.py": SIDEBAR_APP})
    found = check_json(tmp_path, "--streamlit-version", ">=1.30", ".")
    floor = [d for d in found if d["name"] == "streamlit-floor-too-low"]
    assert [(d["path"], d["line"]) for d in floor] == [("app.py", 3)]
    assert not [d for d in found if d["name"] == "fragment-api-unavailable"]


def test_a_pin_without_the_api_still_reports_each_use(tmp_path):
    write_project(tmp_path, {"requirements.txt": "streamlit==1.36.0\n", "app.py": SIDEBAR_APP})
    names = [d["name"] for d in check_json(tmp_path, ".")]
    assert names.count("fragment-api-unavailable") == 2 and "streamlit-floor-too-low" not in names


def test_unknown_releases_are_never_used_silently(tmp_path):
    write_project(tmp_path, {"app.py": SIDEBAR_APP})
    newer = run_cli("check", "--no-cache", "--streamlit-version", "9.9", ".", cwd=tmp_path)
    assert "fraglint: warning: --streamlit-version names 9.9.0, newer than fraglint knows: checked as 1.67.0" in newer.stderr
    write_project(tmp_path, {"requirements.txt": "streamlit==0.81.0\n"})
    older = run_cli("check", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path)
    assert "names 0.81.0, which predates fragments: fragment rules have nothing to check" in older.stderr
    assert "fragment-api-unavailable" in older.stdout  # st.fragment does not exist there either
    shown = run_cli("check", "--show-settings", ".", cwd=tmp_path).stdout
    assert "warning: requirements.txt:1: `streamlit==0.81.0` names 0.81.0, which predates fragments" in shown


# -- per-folder targets and settings ---------------------------------------------------------------


def test_a_sub_app_checked_from_the_root_uses_its_own_pin(tmp_path):
    write_project(tmp_path, {
        "requirements.txt": "streamlit==1.67.0\n",
        "tools/dash.py": SIDEBAR_APP,
        "app/requirements.txt": "streamlit==1.45.0\n",
        "app/streamlit_app.py": SIDEBAR_APP,
    })
    found = check_json(tmp_path, ".")
    assert [(d["path"], d["name"]) for d in found] == [("app/streamlit_app.py", "fragment-sidebar-call")]
    assert "releases" not in found[0]  # each folder is one release: nothing more to say
    full = run_cli("check", "--no-cache", ".", cwd=tmp_path).stdout
    assert "target Streamlit 1.45.0 for 1 file; 1.67.0 for 1 file" in full


def test_a_sub_project_tool_fraglint_applies_to_its_files_from_the_root(tmp_path):
    write_project(tmp_path, {
        "pyproject.toml": '[project]\nname = "mono"\n\n[tool.fraglint]\nstreamlit-version = "1.45"\n',
        "root_app.py": SIDEBAR_APP,
        "sub/pyproject.toml": '[tool.fraglint]\nignore = ["fragment-sidebar-call"]\n',
        "sub/app.py": SIDEBAR_APP,
    })
    found = check_json(tmp_path, ".")
    assert [(d["path"], d["name"]) for d in found] == [("root_app.py", "fragment-sidebar-call")]


def test_extend_inherits_the_parent_configuration(tmp_path):
    write_project(tmp_path, {
        "pyproject.toml": '[project]\nname = "mono"\n\n[tool.fraglint]\nstreamlit-version = "1.45"\nignore = ["FRG105"]\n',
        "sub/pyproject.toml": '[tool.fraglint]\nextend = "../pyproject.toml"\nselect = ["FRG105"]\n',
        "sub/app.py": SIDEBAR_APP,
    })
    assert check_json(tmp_path / "sub", ".") == []  # the parent's ignore and release, inherited
    shown = run_cli("check", "--show-settings", ".", cwd=tmp_path / "sub").stdout
    assert "target streamlit version: 1.45.0" in shown and "ignore: FRG105" in shown


def test_a_cycle_in_extend_is_a_clear_error(tmp_path):
    write_project(tmp_path, {
        "pyproject.toml": '[tool.fraglint]\nextend = "sub/pyproject.toml"\n',
        "sub/pyproject.toml": '[tool.fraglint]\nextend = "../pyproject.toml"\n',
        "sub/app.py": SIDEBAR_APP,
    })
    for where in (tmp_path, tmp_path / "sub"):
        result = run_cli("check", ".", cwd=where)
        assert result.returncode == 2, result.stderr
        assert "extend makes a cycle" in result.stderr and "Traceback" not in result.stderr


# -- epochs ------------------------------------------------------------------------------------------


def test_epochs_split_a_range_where_facts_change_and_one_release_is_one_epoch():
    single = epochs(ReleaseSet((Version("1.45.0"),), "1.45.0"))
    assert [epoch.representative for epoch in single] == [Version("1.45.0")]
    wide = ReleaseSet(admitted(">=1.33"), ">=1.33")
    found = epochs(wide)
    assert sum(len(epoch.releases) for epoch in found) == len(wide.releases)
    assert len(found) < 15  # a handful of evaluations, not one per release
    starts = {str(epoch.releases[0]) for epoch in found}
    assert {"1.37.0", "1.59.0", "1.63.0"} <= starts


def test_runs_name_whole_minors_briefly_and_partial_ones_in_full():
    wide = ReleaseSet(KNOWN_RELEASES, "all")
    subset = tuple(r for r in KNOWN_RELEASES if Version("1.37.1") <= r <= Version("1.40.2") or r == Version("1.45.0"))
    assert runs(wide, subset) == "1.37.1-1.40, 1.45.0"


def test_a_range_says_where_a_deprecation_only_warns_and_where_the_removal_raises(tmp_path):
    # a real app pinned `streamlit>=1.33` with `@st.experimental_fragment`: 1.37-1.48 only warn
    app = "import streamlit as st\n\n@st.experimental_fragment\ndef panel():\n    st.write('x')\n\npanel()\n"
    write_project(tmp_path, {"requirements.txt": "streamlit>=1.33\n", "app.py": app})
    (found,) = check_json(tmp_path, ".")
    assert found["name"] == "experimental-fragment"
    assert found["message"].endswith(
        "(raises on 1.49-1.67, warns on 1.37-1.48 of the releases `streamlit>=1.33` admits)"
    )
