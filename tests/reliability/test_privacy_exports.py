"""Exports do not reveal the user's home folder unless asked."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from interview_sim.cli import cli
from interview_sim.store.session_store import AnswerRecord, SessionStore
from interview_sim.workspace import init_workspace


def test_export_gives_recordings_relative_to_the_workspace(tmp_path: Path) -> None:
    workspace = init_workspace(tmp_path / "ws")
    store = SessionStore.open(workspace.database_path)
    sid = store.start_session(bank="b", bank_title="B", mode="voice", planned=["q"])
    audio = workspace.recordings_dir / f"session-{sid}" / "q1.wav"
    store.record_answer(
        sid,
        AnswerRecord(
            1, "b", "q", 1, "t", "p", "words", "voice", 50, "partial", audio_path=str(audio)
        ),
    )
    store.close()
    runner = CliRunner()
    args = ["--workspace", str(workspace.root), "sessions", "export", str(sid), "--format"]
    for fmt in ("json", "csv", "md"):
        done = runner.invoke(cli, [*args, fmt])
        assert done.exit_code == 0, done.output
        assert str(tmp_path) not in done.output, fmt
    data = json.loads(runner.invoke(cli, [*args, "json"]).output)
    assert data[0]["answers"][0]["audio_path"] == f"sessions/recordings/session-{sid}/q1.wav"
    full = runner.invoke(cli, [*args, "json", "--full-paths"]).output
    assert str(audio) in full
