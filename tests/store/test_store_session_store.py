"""SessionStore: schema and migrations, file permissions, commits, queries, search, deletion."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from interview_sim.store.migrations import migrations
from interview_sim.store.session_store import AnswerRecord, SessionStore, StoreError

# every registered migration, in order, as a fresh database sees them pending
ALL_MIGRATIONS = [m.name for m in migrations.pending(sqlite_utils.Database(memory=True))]


def answer(position: int, **changes: Any) -> AnswerRecord:
    values: dict[str, Any] = {
        "position": position,
        "bank": "example",
        "question_id": f"q{position}",
        "question_number": position,
        "topic": "Topic",
        "prompt": f"Prompt {position}?",
        "transcript": f"answer number {position}",
        "mode": "typed",
        "score": 50,
        "band": "partial",
    }
    values.update(changes)
    return AnswerRecord(**values)


def start(store: SessionStore, bank: str = "example", planned: int = 3) -> int:
    return store.start_session(
        bank=bank,
        bank_title=bank.title(),
        mode="typed",
        planned=[f"q{i}" for i in range(1, planned + 1)],
    )


@pytest.fixture
def file_store(tmp_path: Path) -> Iterator[SessionStore]:
    store = SessionStore.open(tmp_path / "ws" / "sessions" / "interview.db")
    yield store
    store.close()


def tables(db: Database) -> set[str]:
    return set(db.table_names())


def test_schema_has_the_tables_and_search_index(memory_store: SessionStore) -> None:
    names = tables(memory_store.db)
    assert {"sessions", "answers", "grades", "score_history", "answers_fts"} <= names
    applied = [m.name for m in migrations.applied(memory_store.db)]
    assert applied[:3] == ["0001_core", "0002_search", "0003_score_history"]
    assert applied == ALL_MIGRATIONS


def test_migrations_applied_twice_are_harmless(memory_store: SessionStore) -> None:
    sid = start(memory_store)
    memory_store.record_answer(sid, answer(1))
    before = tables(memory_store.db)
    migrations.apply(memory_store.db)
    SessionStore(memory_store.db)  # the constructor applies them too
    assert tables(memory_store.db) == before
    assert len(migrations.applied(memory_store.db)) == len(ALL_MIGRATIONS)
    assert migrations.pending(memory_store.db) == []
    assert len(memory_store.answers(sid)) == 1


def test_reopening_a_file_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "sessions" / "interview.db"
    store = SessionStore.open(path)
    sid = start(store)
    store.record_answer(sid, answer(1))
    store.close()
    again = SessionStore.open(path)
    try:
        assert len(again.answers(sid)) == 1
        assert len(migrations.applied(again.db)) == len(ALL_MIGRATIONS)
    finally:
        again.close()


def test_database_file_is_0600_and_sessions_dir_0700(tmp_path: Path) -> None:
    path = tmp_path / "ws" / "sessions" / "interview.db"
    old = os.umask(0)  # even with a permissive umask
    try:
        store = SessionStore.open(path)
        sid = start(store)
        store.record_answer(sid, answer(1))
    finally:
        os.umask(old)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if extra.exists():
                assert stat.S_IMODE(extra.stat().st_mode) & 0o077 == 0, extra
    finally:
        store.close()


def test_existing_loose_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "sessions" / "interview.db"
    path.parent.mkdir(mode=0o755)
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    SessionStore.open(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "sessions" / "interview.db"
    path.parent.mkdir()
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="doctor --reset-database"):
        SessionStore.open(path)


def test_answers_are_committed_at_once(file_store: SessionStore) -> None:
    assert file_store.path is not None
    sid = start(file_store)
    answer_id = file_store.record_answer(sid, answer(1, transcript="first answer"))
    other = sqlite3.connect(file_store.path)  # a second connection, session still open
    try:
        rows = other.execute(
            "select id, transcript from answers where session_id = ?", [sid]
        ).fetchall()
        assert rows == [(answer_id, "first answer")]
        status = other.execute("select status from sessions where id = ?", [sid]).fetchone()
        assert status == ("active",)
    finally:
        other.close()


def test_session_round_trip_decodes_json_columns(memory_store: SessionStore) -> None:
    sid = memory_store.start_session(
        bank="example",
        bank_title="Example",
        mode="voice",
        planned=["a", "b"],
        order_kind="weakest",
        seed=7,
        settings={"rate": 170},
    )
    memory_store.record_answer(
        sid,
        answer(
            1,
            concepts=[{"name": "bias", "matched": True}],
            delivery={"words": 3},
            words=[{"w": "hi", "s": 0.0, "e": 0.5, "c": 1.0}],
            hints=["bias"],
            capped=True,
        ),
    )
    row = memory_store.session(sid)
    assert row is not None
    assert row["planned"] == ["a", "b"]
    assert row["settings"] == {"rate": 170}
    assert row["order_kind"] == "weakest"
    assert row["seed"] == 7
    assert row["count"] == 2
    assert row["status"] == "active"
    (saved,) = row["answers"]
    assert saved["concepts"] == [{"name": "bias", "matched": True}]
    assert saved["delivery"] == {"words": 3}
    assert saved["hints"] == ["bias"]
    assert saved["words"][0]["w"] == "hi"
    assert saved["capped"] == 1
    assert memory_store.answer(saved["id"]) == saved
    assert memory_store.session(9999) is None


def test_finish_uses_the_latest_answer_per_position(memory_store: SessionStore) -> None:
    sid = start(memory_store)
    memory_store.record_answer(sid, answer(1, score=20))
    memory_store.record_answer(sid, answer(1, score=80, is_probe=True))  # the follow-up
    memory_store.record_answer(sid, answer(2, score=60))
    memory_store.record_answer(sid, answer(3, score=None, band="skipped", skipped=True))
    memory_store.finish_session(sid)
    row = memory_store.session(sid)
    assert row is not None
    assert row["status"] == "finished"
    assert row["score"] == 70.0
    assert row["ended_at"]


def test_dead_process_reads_as_interrupted(memory_store: SessionStore) -> None:
    sid = start(memory_store)
    memory_store.db.execute("update sessions set pid = ? where id = ?", [2**22 + 12345, sid])
    row = memory_store.session(sid)
    assert row is not None
    assert row["status"] == "interrupted"
    other_host = start(memory_store)
    memory_store.db.execute("update sessions set host = 'elsewhere' where id = ?", [other_host])
    assert memory_store.session(other_host)["status"] == "interrupted"  # type: ignore[index]


def test_claim_takes_a_session_back(memory_store: SessionStore) -> None:
    sid = start(memory_store)
    memory_store.finish_session(sid, "interrupted")
    memory_store.claim(sid)
    row = memory_store.session(sid)
    assert row is not None
    assert row["status"] == "active"
    assert row["pid"] == os.getpid()
    assert row["ended_at"] is None


def test_resumable_lists_interrupted_sessions_with_questions_left(
    memory_store: SessionStore,
) -> None:
    left = start(memory_store, planned=3)
    memory_store.record_answer(left, answer(1))
    memory_store.finish_session(left, "interrupted")
    complete = start(memory_store, planned=1)
    memory_store.record_answer(complete, answer(1))
    memory_store.finish_session(complete, "interrupted")
    finished = start(memory_store)
    memory_store.finish_session(finished)
    assert [r["id"] for r in memory_store.resumable()] == [left]
    assert memory_store.resumable(bank="other") == []


def test_list_sessions_newest_first_with_filters(memory_store: SessionStore) -> None:
    a = start(memory_store, bank="alpha")
    b = start(memory_store, bank="beta")
    c = start(memory_store, bank="alpha")
    memory_store.record_answer(a, answer(1, bank="alpha", transcript="gradient descent"))
    memory_store.record_answer(a, answer(1, bank="alpha", is_probe=True))
    memory_store.finish_session(a)
    memory_store.finish_session(b, "interrupted")
    rows = memory_store.list_sessions()
    assert [r["id"] for r in rows] == [c, b, a]
    assert {r["id"]: r["answered"] for r in rows} == {a: 1, b: 0, c: 0}  # probes not counted
    assert [r["id"] for r in memory_store.list_sessions(bank="alpha")] == [c, a]
    assert [r["id"] for r in memory_store.list_sessions(status="finished")] == [a]
    assert [r["id"] for r in memory_store.list_sessions(status="interrupted")] == [b]
    assert [r["id"] for r in memory_store.list_sessions(status="active")] == [c]
    assert [r["id"] for r in memory_store.list_sessions(search="gradient")] == [a]
    assert [r["id"] for r in memory_store.list_sessions(search="Prompt")] == [a]
    assert memory_store.list_sessions(search="nowhere") == []
    assert [r["id"] for r in memory_store.list_sessions(limit=1)] == [c]
    assert [r["id"] for r in memory_store.list_sessions(limit=1, offset=1)] == [b]


def test_status_filter_is_applied_before_the_limit(memory_store: SessionStore) -> None:
    finished = []
    for _ in range(3):
        sid = start(memory_store)
        memory_store.finish_session(sid)
        finished.append(sid)
    for _ in range(3):
        start(memory_store)  # newer, still active
    rows = memory_store.list_sessions(status="finished", limit=2)
    assert [r["id"] for r in rows] == finished[::-1][:2]
    rows = memory_store.list_sessions(status="finished", limit=2, offset=2)
    assert [r["id"] for r in rows] == [finished[0]]


ODD_QUERIES = [
    '"',
    '""',
    'say "hello',
    "(",
    ")",
    "(gradient",
    "gradient AND",
    "AND OR NOT",
    "NEAR(a b, 3)",
    "NEAR/2",
    "*",
    "grad*",
    "^start",
    "col:value",
    "transcript:gradient",
    "-minus",
    "+plus",
    "{a b}",
    "[x]",
    "'",
    "   ",
    "\x00",
    "a\x00b",
    "é ü 中文",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_search_with_odd_input_never_raises(memory_store: SessionStore, query: str) -> None:
    sid = start(memory_store)
    memory_store.record_answer(sid, answer(1, transcript='gradient "descent" (momentum) AND'))
    rows = memory_store.list_sessions(search=query)
    assert all(r["id"] == sid for r in rows)


def test_search_words_are_quoted_not_operators(memory_store: SessionStore) -> None:
    sid = start(memory_store)
    memory_store.record_answer(sid, answer(1, transcript="gradient descent with momentum"))
    assert memory_store.list_sessions(search="gradient OR nothing") == []  # OR is a word here
    assert [r["id"] for r in memory_store.list_sessions(search="gradient momentum")] == [sid]
    assert [r["id"] for r in memory_store.list_sessions(search='"gradient"')] == [sid]
    assert [r["id"] for r in memory_store.list_sessions(search="(momentum)")] == [sid]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.text(max_size=30))
def test_search_never_raises_on_any_text(query: str) -> None:
    store = _search_store()
    store.list_sessions(search=query)


_SEARCH_STORE: list[SessionStore] = []


def _search_store() -> SessionStore:
    if not _SEARCH_STORE:
        store = SessionStore.memory()
        sid = start(store)
        store.record_answer(sid, answer(1, transcript="some words here"))
        _SEARCH_STORE.append(store)
    return _SEARCH_STORE[0]


def test_delete_session_removes_rows_and_audio_files(
    file_store: SessionStore, tmp_path: Path
) -> None:
    keep = start(file_store)
    file_store.record_answer(keep, answer(1))
    sid = start(file_store)
    audio = [tmp_path / "rec1.wav", tmp_path / "rec2.wav"]
    for path in audio:
        path.write_bytes(b"RIFF")
    first = file_store.record_answer(sid, answer(1, audio_path=str(audio[0])))
    file_store.record_answer(sid, answer(2, audio_path=str(audio[1])))
    file_store.record_answer(sid, answer(3, audio_path=str(tmp_path / "already-gone.wav")))
    file_store.add_grade(first, 4.0, "fair")
    file_store.db.execute("insert into score_history (answer_id, score) values (?, ?)", [first, 10])
    file_store.db.conn.commit()
    removed = file_store.delete_session(sid)
    assert sorted(removed) == sorted(str(p) for p in audio)
    assert not any(p.exists() for p in audio)
    assert file_store.session(sid) is None
    db = file_store.db
    assert db.execute("select count(*) from answers where session_id = ?", [sid]).fetchone()[0] == 0
    assert db.execute("select count(*) from grades").fetchone()[0] == 0
    assert db.execute("select count(*) from score_history").fetchone()[0] == 0
    assert file_store.session(keep) is not None
    assert len(file_store.answers(keep)) == 1
    assert file_store.list_sessions(search="answer") != []  # the search index follows
    assert {r["id"] for r in file_store.list_sessions(search="answer")} == {keep}


def test_grades_must_be_between_0_and_5(memory_store: SessionStore) -> None:
    sid = start(memory_store)
    answer_id = memory_store.record_answer(sid, answer(1))
    assert memory_store.add_grade(answer_id, 5) > 0
    with pytest.raises(ValueError, match="between 0 and 5"):
        memory_store.add_grade(answer_id, 6)


def test_attempts_and_question_stats_skip_probes_and_skips(memory_store: SessionStore) -> None:
    first = start(memory_store)
    memory_store.record_answer(first, answer(1, score=30))
    memory_store.record_answer(first, answer(1, score=90, is_probe=True))
    memory_store.record_answer(first, answer(2, score=None, skipped=True, band="skipped"))
    second = start(memory_store)
    memory_store.record_answer(second, answer(1, score=70))
    assert [a["score"] for a in memory_store.attempts("example", "q1")] == [30, 70]
    assert memory_store.attempts("example", "q2") == []
    stats = memory_store.question_stats("example")
    assert set(stats) == {"q1"}
    assert stats["q1"]["attempts"] == 2
    assert stats["q1"]["mean"] == 50.0
    assert stats["q1"]["last_score"] == 70


def test_last_session_score_before_a_session(memory_store: SessionStore) -> None:
    assert memory_store.last_session_score("example") is None
    one = start(memory_store)
    memory_store.record_answer(one, answer(1, score=40))
    memory_store.finish_session(one)
    two = start(memory_store)
    memory_store.record_answer(two, answer(1, score=80))
    memory_store.finish_session(two)
    assert memory_store.last_session_score("example") == 80.0
    assert memory_store.last_session_score("example", before_id=two) == 40.0
    assert memory_store.last_session_score("other") is None
