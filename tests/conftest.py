"""Fixtures shared by the test suite; helpers live in tests/helpers.py."""

from __future__ import annotations

import pytest
from helpers import REPO, check_files, cli_json, run_cli, write_project  # noqa: F401


@pytest.fixture
def project(tmp_path):
    def make(files: dict[str, str], version: str | None = None, **settings):
        return check_files(tmp_path, files, version, **settings)

    make.root = tmp_path
    return make
