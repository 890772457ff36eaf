"""Whether the scorer's hot modules run compiled (mypyc, see setup.py) or as plain Python."""

from __future__ import annotations

import importlib
from pathlib import Path

# The modules setup.py compiles (the Makefile and a test keep the three lists in step).
COMPILED_MODULES = (
    "interview_sim.core.normalize",
    "interview_sim.core.matcher",
    "interview_sim.core.scoring",
    "interview_sim.core.delivery",
    "interview_sim.core.payload",
    "interview_sim.core.batch",
)


def compiled_modules() -> dict[str, bool]:
    """Each hot module and whether it was loaded from a compiled extension."""
    found = {}
    for name in COMPILED_MODULES:
        module = importlib.import_module(name)
        found[name] = Path(module.__file__ or "").suffix in {".so", ".pyd"}
    return found


def scorer_build() -> str:
    """'compiled (mypyc)', 'pure Python' or 'partly compiled' (a broken build)."""
    compiled = compiled_modules().values()
    if all(compiled):
        return "compiled (mypyc)"
    return "partly compiled" if any(compiled) else "pure Python"
