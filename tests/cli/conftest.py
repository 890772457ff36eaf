"""Helpers for the command tests: run a command in-process (CliRunner) or as a real process."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from interview_sim.cli import cli
from interview_sim.workspace import Workspace

Run = Callable[..., Result]


@pytest.fixture
def run(example_workspace: Workspace) -> Run:
    """Invoke `interview-sim ARGS` in-process in the example workspace; exceptions propagate."""

    def invoke(*args: str, input: str | None = None, code: int | None = 0) -> Result:
        result = CliRunner().invoke(
            cli, list(args), input=input, catch_exceptions=False, prog_name="interview-sim"
        )
        if code is not None:
            assert result.exit_code == code, (result.exit_code, result.output)
        assert "Traceback" not in result.output
        return result

    return invoke


@pytest.fixture
def run_json(run: Run) -> Callable[..., Any]:
    """Invoke a command that prints JSON and return the parsed value."""

    def invoke(*args: str, input: str | None = None) -> Any:
        return json.loads(run(*args, input=input).stdout)

    return invoke


ProcessRun = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_process(
    interview_sim_command: list[str], tmp_path: Path, example_workspace: Workspace
) -> ProcessRun:
    """Run the installed `interview-sim` (its main()) as a real process in a temp folder, on
    the example workspace."""

    def invoke(
        args: Sequence[str], input: str | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*interview_sim_command, *args],
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=tmp_path,
            env=dict(os.environ),
        )

    return invoke
