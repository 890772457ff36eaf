"""Run every benchmark on this machine and print one table: figure, value, target, comparison.

    python -m benchmarks [--quick] [--mohler PATH-TO-GRADED-ANSWERS]

Each benchmark is a script in this folder that prints its own detail and `RESULT|...` lines
(see common.result); this runner gathers those lines. Nothing here asserts: figures are for
people to read and compare between runs.
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
from pathlib import Path

from benchmarks.common import machine

HERE = Path(__file__).resolve().parent


def plan(quick: bool, mohler: str | None) -> list[list[str]]:
    runs = [
        ["startup.py", "--runs", "3" if quick else "10"],
        ["batch_scoring.py", "--answers", "2000" if quick else "20000"],
        ["tts_latency.py", "--runs", "3" if quick else "9"],
        ["asr.py", "--seconds", "15" if quick else "60"],
        [
            "answer_to_feedback.py",
            "--seconds",
            "15" if quick else "60",
            "--runs",
            "1" if quick else "3",
        ],
        ["history.py"] + (["--quick"] if quick else []),
        ["rescore.py"] + (["--quick"] if quick else []),
    ]
    if mohler:
        runs.append(["mohler.py", mohler])
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Small sizes, for a smoke run.")
    parser.add_argument("--mohler", help="Folder of the graded short-answer data set.")
    args = parser.parse_args()
    rows: list[list[str]] = []
    failures = 0
    for command in plan(args.quick, args.mohler):
        script = HERE / command[0]
        if not script.exists():
            rows.append([command[0], "not available", "", ""])
            continue
        print(f"== {' '.join(command)}", flush=True)
        done = subprocess.run(
            [sys.executable, str(script), *command[1:]], capture_output=True, text=True
        )
        for line in done.stdout.splitlines():
            if line.startswith("RESULT|"):
                rows.append(line.split("|")[1:5])
            else:
                print(f"   {line}")
        if done.returncode != 0:
            failures += 1
            last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
            rows.append([command[0], "FAILED", "", last[:80]])
    print(f"\nBenchmarks, {datetime.date.today()}, {machine()}\n")
    widths = [
        max(len(r[i]) for r in [*rows, ["figure", "value", "target", "comparison"]])
        for i in range(4)
    ]
    for row in [["figure", "value", "target", "comparison"], *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
