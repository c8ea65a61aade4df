"""A one-shot command runs without the cyclic garbage collector, and gives it back.

The model allocates millions of objects and makes almost no garbage cycles, so collections
during a check only re-scan live objects (`fraglint.cli.app.one_shot`). Commands also run in
process (tests, tools embedding the CLI): the collector must be on again afterwards.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner

from fraglint.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize("command", [["check", "--no-cache", "--exit-zero"], ["scopes", "--format", "json"]])
def test_a_one_shot_command_runs_without_collections_and_turns_the_collector_back_on(command, tmp_path):
    collections: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    assert gc.isenabled()
    gc.collect()  # the allocation counters start at zero
    gc.callbacks.append(count)
    try:
        extra = ["--cache-dir", str(tmp_path)] if command[0] == "scopes" else []
        result = CliRunner().invoke(main, [*command, *extra, str(FIXTURES / "nested_fragment")])
    finally:
        gc.callbacks.remove(count)
    assert result.exit_code == 0, result.output
    assert len(collections) <= 1  # the one the collector may start when it is back on, for all the command made
    assert gc.isenabled()


def test_the_collector_comes_back_when_the_command_fails(tmp_path):
    result = CliRunner().invoke(main, ["check", "--no-cache", str(tmp_path / "no-such-file.py")])
    assert result.exit_code == 2
    assert gc.isenabled()
