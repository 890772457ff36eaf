"""Attacks on the session store: kills mid-save and mid-migration, two writers, bad files."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlite_utils

from interview_sim.store.migrations import migrations
from interview_sim.store.session_store import AnswerRecord, SessionStore, StoreError

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from interview_sim.store.session_store import AnswerRecord, SessionStore
    store = SessionStore.open(Path(sys.argv[1]))
    count = int(sys.argv[2])
    sid = store.start_session(bank="b", bank_title="B", mode="typed", planned=["q"] * count)
    for i in range(count):
        store.record_answer(sid, AnswerRecord(
            position=i + 1, bank="b", question_id="q", question_number=1, topic="t",
            prompt="p", transcript=("word " * 300) + str(i), mode="typed", score=i % 100,
            band="weak", concepts=[{"name": "c", "matched": True, "evidence": ["word"] * 50}]))
        print(i, flush=True)
    """
)


def _run_writer(db: Path, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(count)], stdout=subprocess.PIPE, text=True
    )


def _check_intact(db: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("select * from answers order by id").fetchall()
        for row in rows:  # every stored answer is whole
            assert row["transcript"].startswith("word ")
            json.loads(row["concepts"])
        return rows
    finally:
        conn.close()


def test_sigkill_during_saves_keeps_every_committed_answer(tmp_path: Path) -> None:
    db = tmp_path / "interview.db"
    proc = _run_writer(db, 100_000)
    assert proc.stdout is not None
    seen = -1
    deadline = time.monotonic() + 30
    while seen < 40 and time.monotonic() < deadline:
        seen = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    rows = _check_intact(db)
    assert len(rows) >= seen + 1  # everything it reported as saved is there
    store = SessionStore.open(db)
    session = store.list_sessions()[0]
    assert session["status"] == "interrupted"
    store.close()


def test_two_writers_and_a_reader_never_see_database_is_locked(tmp_path: Path) -> None:
    db = tmp_path / "interview.db"
    SessionStore.open(db).close()
    writers = [_run_writer(db, 150) for _ in range(2)]
    store = SessionStore.open(db)
    while any(w.poll() is None for w in writers):
        store.list_sessions(search="word")
        time.sleep(0.01)
    for writer in writers:
        assert writer.returncode == 0
    assert len(_check_intact(db)) == 300
    store.close()


def test_sigkill_during_a_migration_leaves_a_database_that_migrates(tmp_path: Path) -> None:
    db = tmp_path / "interview.db"
    slow = textwrap.dedent(
        """
        import sys, time
        import sqlite_utils
        from interview_sim.store import migrations as m
        db = sqlite_utils.Database(sys.argv[1])
        m.migrations.apply(db, stop_before="0002_search")
        db.execute("insert into sessions (bank, mode, status, started_at) values"
                   " ('b', 'typed', 'finished', '2026-01-01T00:00:00+00:00')")
        db.conn.commit()
        original = sqlite_utils.db.Table.enable_fts
        def slow_fts(self, *a, **k):
            original(self, *a, **k)
            print("inside", flush=True)
            time.sleep(60)
        sqlite_utils.db.Table.enable_fts = slow_fts
        m.migrations.apply(db)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", slow, str(db)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "inside"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    store = SessionStore.open(db)  # the half-done migration was rolled back; it runs again
    assert [m.name for m in migrations.pending(store.db)] == []
    assert len(store.list_sessions()) == 1
    store.close()


def test_database_from_the_first_schema_is_migrated_without_loss(tmp_path: Path) -> None:
    db_path = tmp_path / "interview.db"
    old = sqlite_utils.Database(db_path)
    migrations.apply(old, stop_before="0002_search")
    old.execute(
        "insert into sessions (id, bank, mode, status, started_at, count) values"
        " (7, 'b', 'typed', 'finished', '2026-01-01T00:00:00+00:00', 1)"
    )
    old.execute(
        "insert into answers (session_id, position, bank, question_id, created_at,"
        " transcript, prompt, score) values (7, 1, 'b', 'q', '2026-01-01', "
        "'gradient boosting fits residuals', 'What is boosting?', 80)"
    )
    old.conn.commit()
    old.conn.close()
    store = SessionStore.open(db_path)
    assert store.session(7)["answers"][0]["score"] == 80  # type: ignore[index]
    assert [s["id"] for s in store.list_sessions(search="residuals")] == [7]
    store.close()


def test_not_a_database_gives_the_fix_and_keeps_the_file(tmp_path: Path) -> None:
    db = tmp_path / "interview.db"
    db.write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(StoreError, match="doctor --reset-database"):
        SessionStore.open(db)
    assert db.read_bytes().startswith(b"\x00garbage")


def test_files_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "sessions" / "interview.db"
    store = SessionStore.open(db)
    sid = store.start_session(bank="b", bank_title="B", mode="typed", planned=["q"])
    store.record_answer(sid, AnswerRecord(1, "b", "q", 1, "t", "p", "x", "typed", 1, "weak"))
    for path in db.parent.iterdir():
        assert os.stat(path).st_mode & 0o077 == 0, path
    assert os.stat(db.parent).st_mode & 0o077 == 0
    store.close()
