"""The benchmark runner runs end to end on small sizes (a smoke test: no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_benchmark_runner_completes_and_prints_a_table() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    table = done.stdout.split("\nBenchmarks, ", 1)[1]
    for figure in ("batch scoring", "start-up", "speech in", "speech out"):
        assert figure in table
    assert "FAILED" not in table
