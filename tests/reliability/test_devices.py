"""Without a speech model, microphone or sound card, the status names each part and its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_sim.config import Settings
from interview_sim.services import build_listener
from interview_sim.workspace import init_workspace


def test_no_model_still_reports_the_microphone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERVIEW_SIM_MODEL_DIRS", str(tmp_path / "no-models"))
    workspace = init_workspace(tmp_path / "ws")
    listener = build_listener(Settings(), workspace, load=False)
    statuses = listener.statuses()  # type: ignore[attr-defined]
    names = [s.name for s in statuses]
    assert names == ["microphone", "speech model"]
    model = statuses[1]
    assert not model.ready and "model download" in model.fix
    assert statuses[0].fix or statuses[0].ready  # on a machine without one, the fix is named
