"""store.history.prune_recordings: the keep_recordings setting applied to the files on disk."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interview_sim.store import history
from interview_sim.store.history import HistoryError
from interview_sim.store.session_store import AnswerRecord, SessionStore

T0 = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


def record(store: SessionStore, folder: Path, day: int, answers: int = 2) -> tuple[int, list[Path]]:
    """A voice session with a WAV file per answer, in its own session folder."""
    sid = store.start_session(bank="b", bank_title="B", mode="voice", planned=["q"] * answers)
    files = []
    for n in range(1, answers + 1):
        path = folder / f"session-{sid}" / f"q{n}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"RIFF" + b"\0" * 96)
        files.append(path)
        store.record_answer(
            sid,
            AnswerRecord(
                position=n,
                bank="b",
                question_id=f"q{n}",
                question_number=n,
                topic="t",
                prompt="p",
                transcript="words",
                mode="voice",
                score=50,
                band="partial",
                audio_path=str(path),
            ),
        )
    store.finish_session(sid)
    store.db.execute(
        "update sessions set started_at = ? where id = ?",
        [(T0 + timedelta(days=day)).isoformat(), sid],
    )
    store.db.conn.commit()
    return sid, files


def audio_paths(store: SessionStore, sid: int) -> list[str | None]:
    return [a["audio_path"] for a in store.answers(sid)]


@pytest.fixture
def recordings(tmp_path: Path) -> Path:
    folder = tmp_path / "recordings"
    folder.mkdir()
    return folder


def test_keep_all_deletes_nothing(memory_store: SessionStore, recordings: Path) -> None:
    sid, files = record(memory_store, recordings, 0)
    report = history.prune_recordings(memory_store, "all", recordings_dir=recordings)
    assert report.files_removed == 0 and report.sessions == []
    assert all(f.exists() for f in files)
    assert audio_paths(memory_store, sid) == [str(f) for f in files]


def test_keep_last_n_sessions(memory_store: SessionStore, recordings: Path) -> None:
    made = [record(memory_store, recordings, day) for day in range(4)]
    report = history.prune_recordings(memory_store, "last", 2, recordings_dir=recordings)
    old, new = made[:2], made[2:]
    assert report.sessions == [sid for sid, _ in old]
    assert report.files_removed == 4 and report.bytes_freed == 4 * 100
    for sid, files in old:
        assert not any(f.exists() for f in files)
        assert not files[0].parent.exists()  # the emptied session folder goes too
        assert audio_paths(memory_store, sid) == [None, None]
    for sid, files in new:
        assert all(f.exists() for f in files)
        assert audio_paths(memory_store, sid) == [str(f) for f in files]
    assert recordings.exists()
    # transcripts and scores stay
    assert memory_store.answers(old[0][0])[0]["transcript"] == "words"
    again = history.prune_recordings(memory_store, "last", 2, recordings_dir=recordings)
    assert again.files_removed == 0 and again.sessions == []


def test_keep_none_spares_a_session_being_recorded(
    memory_store: SessionStore, recordings: Path
) -> None:
    done, done_files = record(memory_store, recordings, 0)
    live, live_files = record(memory_store, recordings, 1)
    memory_store.db.execute(
        "update sessions set status = 'active', pid = ?, host = ? where id = ?",
        [os.getpid(), socket.gethostname(), live],
    )
    memory_store.db.conn.commit()
    report = history.prune_recordings(memory_store, "none", recordings_dir=recordings)
    assert report.sessions == [done]
    assert not any(f.exists() for f in done_files)
    assert all(f.exists() for f in live_files)


def test_missing_files_are_cleared_and_counted(
    memory_store: SessionStore, recordings: Path
) -> None:
    sid, files = record(memory_store, recordings, 0)
    files[0].unlink()
    report = history.prune_recordings(memory_store, "none", recordings_dir=recordings)
    assert report.missing == 1 and report.files_removed == 1
    assert audio_paths(memory_store, sid) == [None, None]


def test_files_outside_the_recordings_folder_are_never_deleted(
    memory_store: SessionStore, recordings: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "my-own-talk.wav"
    mine.write_bytes(b"RIFF")
    sid, _files = record(memory_store, recordings, 0, answers=1)
    memory_store.db.execute(
        "update answers set audio_path = ? where session_id = ?", [str(mine), sid]
    )
    memory_store.db.conn.commit()
    report = history.prune_recordings(memory_store, "none", recordings_dir=recordings)
    assert mine.exists()
    assert report.kept_outside == [str(mine)] and report.files_removed == 0
    assert audio_paths(memory_store, sid) == [str(mine)]


def test_dry_run_changes_nothing(memory_store: SessionStore, recordings: Path) -> None:
    sid, files = record(memory_store, recordings, 0)
    report = history.prune_recordings(memory_store, "none", dry_run=True, recordings_dir=recordings)
    assert report.files_removed == 2 and report.sessions == [sid]
    assert all(f.exists() for f in files)
    assert audio_paths(memory_store, sid) == [str(f) for f in files]
    assert report.to_dict()["bytes_freed"] == 200


def test_unknown_policy(memory_store: SessionStore) -> None:
    with pytest.raises(HistoryError, match="choose all, none, last"):
        history.prune_recordings(memory_store, "some")
