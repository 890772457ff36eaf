"""Fixtures for the UI tests: a workspace with a small bank."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import MINI_BANK

from interview_sim.workspace import Workspace


@pytest.fixture
def ui_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.setenv("INTERVIEW_SIM_CACHE_DIR", str(tmp_path / "cache"))
    workspace = Workspace(tmp_path / "ws")
    workspace.ensure()
    (workspace.banks_dir / "mini.yaml").write_text(MINI_BANK, encoding="utf-8")
    return workspace
