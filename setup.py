"""Build: the scorer's hot modules compiled with mypyc where a C compiler is at hand.

The compiled modules are the very same Python files (normalize, matcher, scoring, delivery, payload,
batch):
mypyc turns them into C extensions that run about 1.7x faster (benchmarks/batch_scoring.py). With
no compiler, or with INTERVIEW_SIM_PURE=1, or should compiling fail for any reason, the package
installs as plain Python and behaves the same, only slower. `interview-sim doctor` tells which.
Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

# Kept in step with the Makefile (which rebuilds when one of them changes).
COMPILED = [
    "interview_sim/core/normalize.py",
    "interview_sim/core/matcher.py",
    "interview_sim/core/scoring.py",
    "interview_sim/core/delivery.py",
    "interview_sim/core/payload.py",
    "interview_sim/core/batch.py",
]


def _warn(message: str) -> None:
    print(f"interview-sim build: {message}; installing the pure-Python scorer", file=sys.stderr)


class OptionalBuildExt(build_ext):
    """build_ext that falls back to pure Python instead of failing the install."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, no Python headers, a compiler error...
            _warn(f"compiling failed ({exc})")
            self._remove_outputs()

    def _remove_outputs(self) -> None:
        # a half-built set (a module without mypyc's shared library) would not import
        for output in self.get_outputs():
            Path(output).unlink(missing_ok=True)
            if self.inplace:
                Path(Path(output).name).unlink(missing_ok=True)
        if self.inplace:
            for ext in self.extensions:
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)


def _extensions() -> list[object]:
    if os.environ.get("INTERVIEW_SIM_PURE") == "1":
        return []
    try:
        from mypyc.build import mypycify

        return list(mypycify(["--config-file", "tools/mypyc.ini", *COMPILED], opt_level="3"))
    except BaseException as exc:  # mypyc missing, or its type check refused (it exits)
        _warn(f"mypyc could not prepare the modules ({exc!r})")
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
