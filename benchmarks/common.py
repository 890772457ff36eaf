"""Shared by the benchmarks: medians, machine facts, and result lines the runner collects."""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Callable


def result(figure: str, value: str, target: str = "report", comparison: str = "") -> None:
    """Print a figure in the form `python -m benchmarks` gathers into its table."""
    print(f"RESULT|{figure}|{value}|{target}|{comparison}", flush=True)


def median_seconds(fn: Callable[[], object], runs: int = 5) -> float:
    """Median wall time of several calls."""
    import time

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine() -> str:
    """One line about this machine."""
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}"
    )
