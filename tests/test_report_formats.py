"""The CI renderers (github, sarif, gitlab, junit) over the real engine and the real CLI."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import REPO, run_cli, write_project

from fraglint.diagnostics import Diagnostic, Edit, Fix, Location, Severity, Span
from fraglint.engine import CheckResult
from fraglint.report import RenderOptions, renderers
from fraglint.report.github import annotation

SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"

APP = {
    "pyproject.toml": """
        [project]
        name = "shop"
        dependencies = ["streamlit==1.45.0"]
    """,
    "app.py": """
        import streamlit as st
        from panels import side

        @st.experimental_fragment
        def live():
            side()
            st.write("live")

        live()
    """,
    "panels.py": """
        import streamlit as st

        def side():
            st.sidebar.write("menu")
    """,
}


def render(name: str, diagnostics: list[Diagnostic], cwd: str) -> str:
    out = io.StringIO()
    result = CheckResult(diagnostics=diagnostics, files_checked=len({d.path for d in diagnostics}) or 1)
    renderers()[name](result, out, RenderOptions(cwd=cwd))
    return out.getvalue()


def cli(fmt: str, root: Path, *args: str, env: dict | None = None):
    return run_cli("check", "--output-format", fmt, *args, cwd=root, env=env) if fmt else run_cli("check", *args, cwd=root, env=env)


# -- github ---------------------------------------------------------------------------------

_COMMAND = re.compile(r"^::(error|warning) (?P<props>[^:]*)::(?P<data>.*)$")


def unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Parse a workflow command the way the runner does: properties end at the first `::`."""
    match = _COMMAND.match(line)
    assert match, line
    props = dict(item.split("=", 1) for item in match["props"].split(","))
    return match[1], {k: unescape(v) for k, v in props.items()}, unescape(match["data"])


def test_github_annotations_from_the_cli(tmp_path):
    write_project(tmp_path, APP)
    result = cli("github", tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    parsed = [parse_command(line) for line in lines]
    by_title = {props["title"]: (kind, props, data) for kind, props, data in parsed}
    kind, props, data = by_title["FRG105 fragment-sidebar-call"]
    assert kind == "error"
    assert props["file"] == "panels.py" and props["line"] == "4" and props["endLine"] == "4"
    assert props["col"] == "5" and int(props["endColumn"]) > 5
    assert "app.py:6" in data  # the call chain rides along in the annotation body
    kind, props, data = by_title["FRG108 experimental-fragment"]
    assert kind == "warning" and props["file"] == "app.py" and props["line"] == "4"


def test_github_is_the_default_under_github_actions(tmp_path):
    write_project(tmp_path, APP)
    under_actions = cli("", tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert under_actions.returncode == 1
    assert under_actions.stdout and all(line.startswith("::") for line in under_actions.stdout.splitlines())
    elsewhere = cli("", tmp_path, env={"GITHUB_ACTIONS": "false"})
    assert not elsewhere.stdout.startswith("::")
    explicit = cli("concise", tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert "FRG105 [fragment-sidebar-call]" in explicit.stdout and "::error" not in explicit.stdout


HOSTILE = [
    "100% done, really: yes",
    "line one\n::error file=x.py,line=1::injected",
    "carriage\r::warning::injected\r\n::set-output name=x::y",
    "%0A::error::already escaped?",
    "ends with a colon::",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_github_escaping_never_lets_text_start_a_command(tmp_path, text):
    d = Diagnostic(
        path=str(tmp_path / f"{text}.py"),
        span=Span(3, 1, 3, 9),
        code="FRG105",
        name="fragment-sidebar-call",
        severity=Severity.ERROR,
        message=text,
        related=(Location(str(tmp_path / "b,c:d.py"), Span(1, 1, 1, 2), text),),
    )
    line = annotation(d, RenderOptions(cwd=str(tmp_path)))
    assert "\n" not in line and "\r" not in line
    assert line.count("::") >= 2
    kind, props, data = parse_command(line)
    assert kind == "error"
    assert props["file"] == f"{text}.py"  # round-trips exactly: nothing leaked out of the property
    assert props["title"] == "FRG105 fragment-sidebar-call"
    assert data.startswith(text)


def test_github_hostile_file_names_end_to_end(tmp_path):
    """Real files whose names hold newlines, `::`, commas and percents, checked by the CLI."""
    body = "import streamlit as st\n\n@st.fragment\ndef live():\n    st.sidebar.write('x')\n\nlive()\n"
    names = ["evil\n::error file=pwned.py::gotcha.py", "a,b:c%41.py", "x::y.py"]
    (tmp_path / "pyproject.toml").write_text('[tool.fraglint]\nstreamlit-version = "1.45.0"\n')
    for name in names:
        (tmp_path / name).write_text(body)
    result = cli("github", tmp_path, ".")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(names)
    files = sorted(parse_command(line)[1]["file"] for line in lines)
    assert files == sorted(names)
    assert not any("pwned" in line and line.startswith("::error file=pwned") for line in lines)


# -- sarif ----------------------------------------------------------------------------------


def sarif_of(root: Path) -> dict:
    result = cli("sarif", root)
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)


@pytest.mark.skipif(not SCHEMA.is_file(), reason=f"SARIF schema not found at {SCHEMA} (../shared beside the repository)")
def test_sarif_is_valid_against_the_schema(tmp_path):
    import jsonschema

    write_project(tmp_path, APP)
    log = sarif_of(tmp_path)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, "\n".join(str(e.message) for e in errors[:5])


def test_sarif_rules_results_related_and_fixes(tmp_path):
    from fraglint.rules import ALL_RULES

    write_project(tmp_path, APP)
    log = sarif_of(tmp_path)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r.code for r in ALL_RULES} <= {r["id"] for r in rules}
    sidebar = next(r for r in rules if r["id"] == "FRG105")
    assert sidebar["name"] == "fragment-sidebar-call"
    assert sidebar["defaultConfiguration"]["level"] == "error"
    assert "## Why is this bad?" in sidebar["help"]["markdown"] and sidebar["shortDescription"]["text"]
    assert sidebar["helpUri"].endswith("/docs/rules.md#fragment-sidebar-call-frg105")
    by_rule = {r["ruleId"]: r for r in run["results"]}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    write = by_rule["FRG105"]
    location = write["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "panels.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 4 and location["region"]["startColumn"] == 5
    related = write["relatedLocations"]
    assert related and related[0]["physicalLocation"]["artifactLocation"]["uri"] == "app.py"
    assert related[0]["physicalLocation"]["region"]["startLine"] == 6
    fix = by_rule["FRG108"]["fixes"][0]
    replacement = fix["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "fragment"
    assert replacement["deletedRegion"]["startLine"] == 4
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_with_no_findings_is_still_a_log(tmp_path):
    write_project(tmp_path, {"app.py": "import streamlit as st\nst.write('hi')\n"})
    result = cli("sarif", tmp_path)
    assert result.returncode == 0
    log = json.loads(result.stdout)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"]


# -- gitlab ---------------------------------------------------------------------------------


def test_gitlab_code_quality_and_stable_fingerprints(tmp_path):
    write_project(tmp_path, APP)
    first = json.loads(cli("gitlab", tmp_path).stdout)
    second = json.loads(cli("gitlab", tmp_path).stdout)
    assert first == second
    assert len({issue["fingerprint"] for issue in first}) == len(first)
    sidebar = next(issue for issue in first if issue["check_name"] == "fragment-sidebar-call")
    assert sidebar["severity"] == "major"
    assert sidebar["location"] == {"path": "panels.py", "lines": {"begin": 4, "end": 4}}
    assert "FRG105" in sidebar["description"]
    # Lines added above a finding move it, but do not change its identity.
    panels = tmp_path / "panels.py"
    panels.write_text("# a comment\n\n" + panels.read_text())
    moved = json.loads(cli("gitlab", tmp_path).stdout)
    moved_sidebar = next(issue for issue in moved if issue["check_name"] == "fragment-sidebar-call")
    assert moved_sidebar["location"]["lines"]["begin"] == 6
    assert moved_sidebar["fingerprint"] == sidebar["fingerprint"]


# -- junit ----------------------------------------------------------------------------------


def test_junit_one_suite_a_case_per_file(tmp_path):
    write_project(tmp_path, APP)
    result = cli("junit", tmp_path)
    assert result.returncode == 1
    root = ET.fromstring(result.stdout)
    suites = root.findall("testsuite")
    assert len(suites) == 1
    cases = {case.get("name"): case for case in suites[0].findall("testcase")}
    assert set(cases) == {"app.py", "panels.py"}
    failures = [f for case in cases.values() for f in case.findall("failure")]
    assert len(failures) == int(suites[0].get("failures")) >= 2
    assert any(f.get("type") == "FRG105" for f in cases["panels.py"].findall("failure"))


def test_junit_clean_run_and_unsafe_characters(tmp_path):
    clean = render("junit", [], str(tmp_path))
    suite = ET.fromstring(clean).find("testsuite")
    assert suite.get("failures") == "0" and len(suite.findall("testcase")) == 1
    nasty = Diagnostic(str(tmp_path / "a.py"), Span(1, 1, 1, 2), "FRG101", "nested-fragment", Severity.WARNING, "bad \x00 <&> \x1b")
    parsed = ET.fromstring(render("junit", [nasty], str(tmp_path)))
    assert "<&>" in parsed.find("testsuite/testcase/failure").get("message")


def test_every_format_renders_a_fix_and_related_locations(tmp_path):
    d = Diagnostic(
        str(tmp_path / "app.py"),
        Span(2, 2, 2, 26),
        "FRG108",
        "experimental-fragment",
        Severity.WARNING,
        "deprecated",
        related=(Location(str(tmp_path / "b.py"), Span(1, 1, 1, 4), "called here"),),
        fix=Fix("Use `st.fragment`", (Edit(Span(2, 5, 2, 26), "fragment"),)),
    )
    for name in ("github", "sarif", "gitlab", "junit"):
        assert render(name, [d], str(tmp_path)).strip(), name


FULL_APP = """\
import streamlit as st

log = st.container()

@st.experimental_fragment
def feed():
    if st.button("more"):
        with log:
            st.write("a")
        log.write("b")

feed()
"""


def test_full_format_frames_related_places_marks_fixes_and_says_a_scope_once(tmp_path):
    write_project(tmp_path, {"app.py": FULL_APP})
    out = run_cli("check", "--output-format", "full", "--streamlit-version", "1.45", "--no-cache", ".", cwd=tmp_path).stdout
    blocks = [block for block in out.split("\n\n") if block.startswith("app.py:")]
    fixable = [block for block in blocks if "FRG108" in block.splitlines()[0]]
    assert fixable and all(block.splitlines()[0].split("FRG108 ", 1)[1].startswith("[*] [experimental-fragment]") for block in fixable)
    assert all("[*]" not in block.splitlines()[0] for block in blocks if block not in fixable)
    writes = [block for block in blocks if "outside-container-write" in block.splitlines()[0]]
    assert len(writes) == 2, out
    # The related place (where the container was made) has a frame of its own, underlined with `-`.
    first = writes[0].splitlines()
    made = next(i for i, line in enumerate(first) if "container created here" in line)
    assert first[made + 2] == " 3 | log = st.container()" and set(first[made + 3].split("|", 1)[1].strip()) == {"-"}
    # `=` notes sit on the gutter's `|`.
    gutter = first[1].index("|")
    assert all(line.index("=") == gutter for line in first if line.lstrip().startswith("= "))
    # The fragment's scope note is said in full once, then pointed back to.
    notes = [line for block in writes for line in block.splitlines() if "= scope:" in line]
    assert len(notes) == 2 and "as for" not in notes[0] and notes[1].endswith("above") and "app.py:9:" in notes[1]
