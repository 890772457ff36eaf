"""A process killed in the middle of an interview loses nothing it had scored."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from interview_sim.core.bank_loader import load_bank_file
from interview_sim.practice import PracticeSession
from interview_sim.store.session_store import SessionStore

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from interview_sim.core.bank_loader import load_bank_file
    from interview_sim.practice import PracticeSession
    from interview_sim.store.session_store import SessionStore

    bank = load_bank_file(Path(sys.argv[1]))
    store = SessionStore.open(Path(sys.argv[2]))
    session = PracticeSession.start(store, bank, count=5, order="in-order", probes=False)
    for text in ("bias and variance trade off", "an l2 penalty", "nearest centroid, repeat"):
        session.submit(text)
    # a fourth answer is being written when the process dies: it must leave no trace
    store.db.conn.execute("begin immediate")
    store.db.conn.execute(
        "insert into answers (session_id, position, bank, question_id, created_at)"
        " values (?, 4, 'example', 'cnn', 'now')",
        [session.session_id],
    )
    print(session.session_id, flush=True)
    time.sleep(60)
    """
)


def test_sigkill_mid_session_keeps_every_scored_answer(
    tmp_path: Path, example_bank_file: Path
) -> None:
    db_path = tmp_path / "sessions" / "interview.db"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(example_bank_file), str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip().isdigit(), child.stderr.read() if child.stderr else line
        session_id = int(line)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL

    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("pragma integrity_check").fetchone() == ("ok",)
        positions = raw.execute(
            "select position from answers where session_id = ? order by position", [session_id]
        ).fetchall()
        assert positions == [(1,), (2,), (3,)]
    finally:
        raw.close()

    store = SessionStore.open(db_path)
    try:
        row = store.session(session_id)
        assert row is not None
        assert row["status"] == "interrupted"
        assert [a["transcript"] for a in row["answers"]] == [
            "bias and variance trade off",
            "an l2 penalty",
            "nearest centroid, repeat",
        ]
        assert all(a["score"] is not None for a in row["answers"])
        assert [r["id"] for r in store.resumable()] == [session_id]

        bank = load_bank_file(example_bank_file)
        resumed = PracticeSession.resume(store, bank, session_id, probes=False)
        assert resumed.position == 3
        assert resumed.current is not None
        assert resumed.current.number == 4
        assert store.session(session_id)["status"] == "active"  # type: ignore[index]
        feedback = resumed.submit("a convolution filter with shared weights")
        assert feedback.result.score == 100
        assert resumed.current is not None
        assert resumed.current.number == 5
        resumed.submit("I learned a lesson")
        summary = resumed.finish()
        assert [r.number for r in summary.rows] == [1, 2, 3, 4, 5]
        assert store.session(session_id)["status"] == "finished"  # type: ignore[index]
    finally:
        store.close()
