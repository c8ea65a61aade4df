"""Target release detection: real declaration files in temporary projects, and the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from packaging.version import Version

from fraglint.model import versions
from fraglint.model.target import KNOWN_RELEASES, detect_target_version

REPO = Path(__file__).resolve().parent.parent


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def detect(root: Path, files: dict[str, str], start: str = "."):
    write(root, files)
    return detect_target_version(str(root / start), str(root))


def found(root: Path, files: dict[str, str], start: str = ".") -> tuple[str, str, int | None]:
    """(release, file relative to root, line) of a detection that must succeed."""
    detected = detect(root, files, start)
    assert detected is not None
    return str(detected.version), os.path.relpath(detected.source, root), detected.line


# --- the known releases ------------------------------------------------------------------


def test_known_releases_are_the_real_1x_releases():
    assert list(KNOWN_RELEASES) == sorted(set(KNOWN_RELEASES))
    assert KNOWN_RELEASES[0] == Version("1.0.0")
    assert KNOWN_RELEASES[-1] == versions.NEWEST_KNOWN
    assert Version("1.33.0") in KNOWN_RELEASES and Version("1.37.1") in KNOWN_RELEASES
    assert Version("1.45.2") not in KNOWN_RELEASES  # a gap: 1.45.1 was followed by 1.46.0
    assert all(not release.is_prerelease for release in KNOWN_RELEASES)


# --- requirements*.txt -------------------------------------------------------------------


def test_requirements_pin(tmp_path):
    assert found(tmp_path, {"requirements.txt": "pandas>=2\nstreamlit==1.45.0\n"}) == ("1.45.0", "requirements.txt", 2)


def test_requirements_syntax(tmp_path):
    files = {
        "requirements.txt": r"""
        # the app
        --index-url https://pypi.org/simple
        -e .
        ./vendored/widget
        git+https://github.com/acme/thing.git#egg=thing
        numpy>=1.26  # maths
        streamlit[charts] == 1.45.0 \
            ; python_version >= "3.10" \
            --hash=sha256:0000
        """,
    }
    detected = detect(tmp_path, files)
    assert (str(detected.version), detected.line, detected.warnings) == ("1.45.0", 7, [])


def test_requirements_arbitrary_equality_and_other_names(tmp_path):
    files = {
        "requirements.txt": "streamlit-aggrid==0.3.4\nStreamlit===1.40.1\n",
    }
    assert found(tmp_path, files) == ("1.40.1", "requirements.txt", 2)


def test_requirements_star_files_take_the_lowest(tmp_path):
    files = {
        "requirements.txt": "streamlit==1.45.0\n",
        "requirements-dev.txt": "pytest\nstreamlit==1.40.0\n",
    }
    assert found(tmp_path, files) == ("1.40.0", "requirements-dev.txt", 2)


def test_includes_are_relative_to_the_including_file_and_cycle_safe(tmp_path):
    files = {
        "requirements.txt": "-r reqs/base.txt\n",
        "reqs/base.txt": "--requirement=../requirements.txt\n-r more/pins.txt\n",
        "reqs/more/pins.txt": "-r ../base.txt\nstreamlit==1.49.1\n",
    }
    assert found(tmp_path, files) == ("1.49.1", "reqs/more/pins.txt", 2)


def test_missing_include_is_a_warning(tmp_path):
    detected = detect(tmp_path, {"requirements.txt": "-r missing.txt\nstreamlit==1.45.0\n"})
    assert str(detected.version) == "1.45.0"
    assert len(detected.warnings) == 1
    assert detected.warnings[0].startswith(f"{tmp_path / 'requirements.txt'}:1: cannot read included file missing.txt")


# --- ranges --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "requirement, release",
    [
        ("streamlit>=1.40", "1.40.0"),
        ("streamlit>1.40", "1.40.1"),  # the first known release above 1.40.0
        ("streamlit>1.45.1", "1.46.0"),  # no 1.45.2 was ever released
        ("streamlit>=1.37.2", "1.38.0"),
        ("streamlit~=1.40", "1.40.0"),
        ("streamlit~=1.40.1", "1.40.1"),
        ("streamlit>=1.40,!=1.40.0,!=1.40.1", "1.40.2"),
        ("streamlit==1.45.*", "1.45.0"),
        ("streamlit>=1.40,<1.50", "1.40.0"),
        ("streamlit<1.30", "1.0.0"),  # only an upper bound: the oldest known release
        ("streamlit==1.45", "1.45.0"),
    ],
)
def test_a_range_gives_the_lowest_known_release_it_admits(tmp_path, requirement, release):
    detected = detect(tmp_path, {"requirements.txt": requirement + "\n"})
    assert (str(detected.version), detected.warnings) == (release, [])


def test_upper_bound_only_says_how_the_release_was_chosen(tmp_path):
    detected = detect(tmp_path, {"requirements.txt": "streamlit<1.30\n"})
    assert "no lower bound" in detected.describe()
    assert detected.describe().startswith(f"{tmp_path / 'requirements.txt'}:1")


def test_a_range_admitting_no_known_release_warns_and_falls_through(tmp_path):
    files = {
        "pyproject.toml": '[project]\nname = "app"\ndependencies = ["streamlit>=1.90"]\n',
        "requirements.txt": "streamlit>=1.41\n",
    }
    detected = detect(tmp_path, files)
    assert (str(detected.version), os.path.basename(detected.source)) == ("1.41.0", "requirements.txt")
    assert detected.warnings == [
        (
            f"{tmp_path / 'pyproject.toml'}:3: `streamlit>=1.90` admits no Streamlit release fraglint knows "
            f"(1.0.0 to {versions.NEWEST_KNOWN}); ignoring it"
        )
    ]


def test_a_pin_newer_than_the_known_releases_is_checked_as_the_newest_with_a_warning(tmp_path):
    detected = detect(tmp_path, {"requirements.txt": "streamlit==1.80.0\n"})
    assert str(detected.version) == str(KNOWN_RELEASES[-1])
    assert detected.warnings == [
        f"{tmp_path / 'requirements.txt'}:1: `streamlit==1.80.0` names 1.80.0, newer than fraglint knows: checked as {KNOWN_RELEASES[-1]}"
    ]


def test_a_pin_to_a_release_that_never_existed_is_checked_as_the_one_below_with_a_warning(tmp_path):
    detected = detect(tmp_path, {"requirements.txt": "streamlit==1.45.2\n"})
    assert str(detected.version) == "1.45.1"
    assert detected.warnings == [
        f"{tmp_path / 'requirements.txt'}:1: `streamlit==1.45.2` names 1.45.2, which is not a Streamlit release fraglint knows: checked as 1.45.1"
    ]


def test_a_pin_older_than_every_known_release_says_it_predates_fragments(tmp_path):
    detected = detect(tmp_path, {"requirements.txt": "streamlit==0.81.0\n"})
    assert str(detected.version) == "0.81.0"
    assert detected.warnings == [
        f"{tmp_path / 'requirements.txt'}:1: `streamlit==0.81.0` names 0.81.0, which predates fragments: fragment rules "
        "have nothing to check (uses of fragment APIs it lacks are still reported)"
    ]


def test_a_range_gives_every_known_release_it_admits(tmp_path):
    detected = detect(tmp_path, {"requirements.txt": "streamlit>=1.60,<1.63\n"})
    assert [str(r) for r in detected.release_set().releases] == ["1.60.0", "1.61.0", "1.61.1", "1.62.0"]
    assert detected.release_set().written == "streamlit>=1.60,<1.63"


# --- pyproject.toml ------------------------------------------------------------------------


def test_pep621_dependencies_and_optional_dependencies_take_the_lowest(tmp_path):
    files = {
        "pyproject.toml": """
        [project]
        name = "app"
        dependencies = [
          "pandas>=2",
          "streamlit>=1.45",
        ]

        [project.optional-dependencies]
        legacy = ["streamlit==1.41.1; python_version < '3.10'"]
        """,
    }
    assert found(tmp_path, files) == ("1.41.1", "pyproject.toml", 9)


def test_dependency_groups_and_uv_dev_dependencies(tmp_path):
    files = {
        "pyproject.toml": """
        [project]
        name = "app"
        dependencies = ["streamlit>=1.45"]

        [dependency-groups]
        test = ["pytest", {include-group = "compat"}]
        compat = ["streamlit>=1.42,<1.45"]

        [tool.uv]
        dev-dependencies = ["streamlit>=1.43"]
        """,
    }
    assert found(tmp_path, files) == ("1.42.0", "pyproject.toml", 7)


@pytest.mark.parametrize(
    "constraint, release",
    [
        ('"^1.37"', "1.37.0"),
        ('"~1.40"', "1.40.0"),
        ('"~1.40.1"', "1.40.1"),
        ('"1.45.*"', "1.45.0"),
        ('"1.45.1"', "1.45.1"),  # a bare version is exact in Poetry
        ('">=1.41, <2.0"', "1.41.0"),
        ('">=1.41 <2.0"', "1.41.0"),
        ('"^1.50 || ~1.44"', "1.44.0"),
        ('{version = "^1.40", extras = ["charts"]}', "1.40.0"),
        ('[{version = "^1.44", python = ">=3.11"}, {version = "^1.39", python = "<3.11"}]', "1.39.0"),
    ],
)
def test_poetry_constraints(tmp_path, constraint, release):
    files = {
        "pyproject.toml": f"""
        [tool.poetry]
        name = "app"

        [tool.poetry.dependencies]
        python = "^3.10"
        streamlit = {constraint}
        """,
    }
    assert found(tmp_path, files) == (release, "pyproject.toml", 6)


def test_poetry_groups_and_table_form(tmp_path):
    files = {
        "pyproject.toml": """
        [tool.poetry.dependencies]
        python = "^3.10"

        [tool.poetry.group.ui.dependencies.streamlit]
        version = "^1.44"
        extras = ["charts"]
        """,
    }
    assert found(tmp_path, files) == ("1.44.0", "pyproject.toml", 4)


def test_poetry_git_dependency_names_no_release(tmp_path):
    files = {
        "pyproject.toml": """
        [tool.poetry.dependencies]
        streamlit = {git = "https://github.com/streamlit/streamlit.git"}
        """,
    }
    detected = detect(tmp_path, files)
    assert detected.version == versions.NEWEST_KNOWN
    assert "no version constraint" in detected.describe()


# --- lock files ------------------------------------------------------------------------------


UV_LOCK = """
version = 1
requires-python = ">=3.10"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "streamlit" },
]

[package.metadata]
requires-dist = [{ name = "streamlit", specifier = ">=1.40" }]

[[package]]
name = "streamlit"
version = "1.45.1"
source = { registry = "https://pypi.org/simple" }
"""

POETRY_LOCK = """
[[package]]
name = "pandas"
version = "2.2.3"
optional = false

[[package]]
name = "streamlit"
version = "1.44.1"
description = "A faster way to build and share data apps"
optional = false
python-versions = ">=3.9"

[metadata]
lock-version = "2.0"
"""

PIPFILE_LOCK = """
{
    "_meta": {"hash": {"sha256": "0"}, "pipfile-spec": 6},
    "default": {
        "pandas": {"version": "==2.2.3"}
    },
    "develop": {
        "streamlit": {
            "hashes": ["sha256:0"],
            "index": "pypi",
            "version": "==1.43.2"
        }
    }
}
"""


@pytest.mark.parametrize(
    "name, text, release, line",
    [("uv.lock", UV_LOCK, "1.45.1", 17), ("poetry.lock", POETRY_LOCK, "1.44.1", 8), ("Pipfile.lock", PIPFILE_LOCK, "1.43.2", 10)],
)
def test_lock_files(tmp_path, name, text, release, line):
    assert found(tmp_path, {name: text}) == (release, name, line)


def test_a_lock_wins_over_a_range_in_the_same_directory(tmp_path):
    files = {"uv.lock": UV_LOCK, "pyproject.toml": '[project]\nname = "app"\ndependencies = ["streamlit>=1.40"]\n'}
    assert found(tmp_path, files)[:2] == ("1.45.1", "uv.lock")


# --- environment.yml -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item, release",
    [
        ("streamlit=1.45.0", "1.45.0"),
        ("streamlit=1.45", "1.45.0"),  # conda's fuzzy match: 1.45.*
        ("streamlit==1.45", "1.45.0"),
        ("streamlit>=1.40", "1.40.0"),
        ("streamlit >=1.41,<2", "1.41.0"),
        ("conda-forge::streamlit=1.42.1=pyhd8ed1ab_0", "1.42.1"),
        ("streamlit 1.43.0 pyhd8ed1ab_0", "1.43.0"),
        ('"streamlit>=1.44"', "1.44.0"),
        ("streamlit[version='>=1.39,<2', build=py_0]", "1.39.0"),
        ("streamlit[version=1.38.*, build=py_0]", "1.38.0"),
    ],
)
def test_environment_conda_dependencies(tmp_path, item, release):
    files = {
        "environment.yml": f"""
        name: app
        channels:
          - conda-forge
        dependencies:
          - python=3.11  # the interpreter
          - {item}
          - pip
        """,
    }
    assert found(tmp_path, files) == (release, "environment.yml", 6)


def test_environment_pip_subsection(tmp_path):
    files = {
        "environment.yml": """
        name: app
        dependencies:
          - python=3.11
          - pip
          - pip:
            - -r requirements-extra.txt
            - streamlit==1.45.0
          - numpy
        """,
        "requirements-extra.txt": "altair\n",
    }
    assert found(tmp_path, files) == ("1.45.0", "environment.yml", 7)


def test_environment_ignores_other_keys(tmp_path):
    files = {
        "environment.yml": """
        name: streamlit=1.20
        variables:
          - streamlit=1.21
        dependencies: [python=3.11, "streamlit>=1.46"]
        """,
    }
    assert found(tmp_path, files) == ("1.46.0", "environment.yml", 4)


# --- where to look ---------------------------------------------------------------------------


def test_nearest_directory_first(tmp_path):
    files = {
        ".git/HEAD": "ref: refs/heads/main\n",
        "requirements.txt": "streamlit==1.40.0\n",
        "apps/dashboard/requirements.txt": "streamlit==1.45.0\n",
        "apps/dashboard/app.py": "import streamlit as st\n",
        "apps/other/app.py": "import streamlit as st\n",
    }
    assert found(tmp_path, files, "apps/dashboard/app.py") == ("1.45.0", "apps/dashboard/requirements.txt", 1)
    assert found(tmp_path, files, "apps/other") == ("1.40.0", "requirements.txt", 1)


def test_a_nearer_range_wins_over_a_farther_lock(tmp_path):
    files = {"uv.lock": UV_LOCK, "app/requirements.txt": "streamlit>=1.38\n"}
    assert found(tmp_path, files, "app")[:2] == ("1.38.0", "app/requirements.txt")


def test_a_directory_without_a_streamlit_declaration_does_not_stop_the_search(tmp_path):
    files = {
        "pyproject.toml": '[project]\nname = "app"\ndependencies = ["streamlit>=1.41"]\n',
        "app/requirements.txt": "pandas\n",
        "app/pyproject.toml": '[project]\nname = "inner"\n',
    }
    assert found(tmp_path, files, "app")[:2] == ("1.41.0", "pyproject.toml")


def test_the_search_stops_at_the_project_root(tmp_path):
    write(tmp_path, {"requirements.txt": "streamlit==1.40.0\n", "project/app.py": "import streamlit\n"})
    assert detect_target_version(str(tmp_path / "project" / "app.py"), str(tmp_path / "project")) is None


def test_a_project_root_elsewhere_is_searched_after_the_checked_directory(tmp_path):
    # `--config other/pyproject.toml` makes a root that is not above the checked path.
    files = {"app/app.py": "import streamlit\n", "config/requirements.txt": "streamlit==1.41.0\n"}
    write(tmp_path, files)
    detected = detect_target_version(str(tmp_path / "app"), str(tmp_path / "config"))
    assert (str(detected.version), detected.source) == ("1.41.0", str(tmp_path / "config" / "requirements.txt"))


def test_an_unconstrained_declaration_gives_the_newest_release_unless_a_farther_one_pins(tmp_path):
    files = {"app/requirements.txt": "streamlit\n"}
    detected = detect(tmp_path, files, "app")
    assert (detected.version, detected.line) == (versions.NEWEST_KNOWN, 1)
    assert "no version constraint" in detected.describe()
    files["requirements.txt"] = "streamlit==1.45.0\n"
    assert found(tmp_path, files, "app") == ("1.45.0", "requirements.txt", 1)


def test_no_declaration(tmp_path):
    files = {"app.py": "import streamlit\n", "requirements.txt": "pandas\n", "pyproject.toml": '[project]\nname = "x"\n'}
    assert detect(tmp_path, files) is None


# --- malformed declarations ------------------------------------------------------------------


def test_a_malformed_line_is_a_warning_and_detection_goes_on(tmp_path):
    files = {"requirements.txt": "pandas>=2\nstreamlit=1.45.0\nstreamlit>=1.44\n"}
    detected = detect(tmp_path, files)
    assert str(detected.version) == "1.44.0" and detected.line == 3
    assert len(detected.warnings) == 1
    assert detected.warnings[0].startswith(f"{tmp_path / 'requirements.txt'}:2: malformed requirement `streamlit=1.45.0`")


def test_a_single_equals_sign_gets_a_hint(tmp_path):
    detected = detect(tmp_path, {"requirements.txt": "streamlit[charts]=1.45.0\n"})
    assert detected.warnings[0].endswith("(an exact version needs `==`)")


def test_a_malformed_file_is_a_warning_and_other_sources_are_read(tmp_path):
    files = {
        "pyproject.toml": "[project\nname = ",
        "poetry.lock": '[[package]]\nname = "streamlit"\nversion = "one point two"\n',
        "environment.yml": "dependencies:\n  - streamlit>=1.42\n",
    }
    detected = detect(tmp_path, files)
    assert (str(detected.version), os.path.basename(detected.source), detected.line) == ("1.42.0", "environment.yml", 2)
    assert [warning.split(": ", 1)[0] for warning in detected.warnings] == [
        str(tmp_path / "poetry.lock") + ":3",
        str(tmp_path / "pyproject.toml"),
    ]


def test_only_malformed_declarations_fall_back_to_the_newest_release_with_warnings(tmp_path):
    detected = detect(tmp_path, {"requirements.txt": "streamlit>==1.45\n"})
    assert detected.version == versions.NEWEST_KNOWN
    assert detected.describe() == f"default (newest known release, {versions.NEWEST_KNOWN})"
    assert len(detected.warnings) == 1 and "requirements.txt:1: malformed requirement" in detected.warnings[0]


def test_malformed_poetry_and_conda_constraints(tmp_path):
    files = {
        "pyproject.toml": '[tool.poetry.dependencies]\nstreamlit = "^one"\n',
        "environment.yml": "dependencies:\n  - streamlit=>>1.4\n  - pip:\n    - streamlit>=1.47\n",
    }
    detected = detect(tmp_path, files)
    assert (str(detected.version), detected.line) == ("1.47.0", 4)
    assert [warning.split(": ", 1)[0] for warning in detected.warnings] == [
        str(tmp_path / "pyproject.toml") + ":2",
        str(tmp_path / "environment.yml") + ":2",
    ]


# --- through the real command line ----------------------------------------------------------


SIDEBAR_APP = """
import streamlit as st

@st.fragment
def filters():
    st.sidebar.write("Filters")

filters()
"""


def fraglint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "fraglint", *args],
        cwd=cwd, capture_output=True, text=True, env=env, timeout=300, check=False,
    )


def test_show_settings_names_the_detected_release_and_its_line(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[project]\nname = "app"\n',
        "requirements.txt": "# app\npandas\nstreamlit==1.45.0\nbad==>1\n",
        "app.py": SIDEBAR_APP,
    })
    result = fraglint("check", "--show-settings", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "target streamlit version: 1.45.0" in result.stdout
    assert "chosen from: requirements.txt:3" in result.stdout
    assert "fraglint: warning: requirements.txt:4: malformed requirement `bad==>1`" in result.stderr


@pytest.mark.parametrize("pin, reported", [("1.45.0", True), ("1.60.0", False)])
def test_a_version_gated_rule_follows_the_detected_release(tmp_path, pin, reported):
    write(tmp_path, {"requirements.txt": f"streamlit=={pin}\n", "app.py": SIDEBAR_APP})
    result = fraglint("check", "--output-format", "json", ".", cwd=tmp_path)
    assert result.returncode == (1 if reported else 0), result.stderr
    names = [diagnostic["name"] for diagnostic in json.loads(result.stdout)]
    assert ("fragment-sidebar-call" in names) is reported


def test_the_command_line_version_wins_over_detection(tmp_path):
    write(tmp_path, {"requirements.txt": "streamlit==1.45.0\n", "app.py": SIDEBAR_APP})
    result = fraglint("check", "--show-settings", "--streamlit-version", "1.60.0", ".", cwd=tmp_path)
    assert "target streamlit version: 1.60.0" in result.stdout
    assert "chosen from: --streamlit-version" in result.stdout
