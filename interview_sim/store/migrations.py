"""The session database's schema, as versioned migrations (applying them twice is harmless)."""

from __future__ import annotations

from typing import cast

from sqlite_utils import Database
from sqlite_utils.db import Table
from sqlite_utils.migrations import Migrations

migrations = Migrations("interview-sim")


def _table(db: Database, name: str) -> Table:
    return cast(Table, db[name])


@migrations(name="0001_core")
def _core(db: Database) -> None:
    _table(db, "sessions").create(
        {
            "id": int,
            "bank": str,
            "bank_title": str,
            "mode": str,
            "status": str,
            "order_kind": str,
            "planned": str,
            "count": int,
            "seed": int,
            "started_at": str,
            "ended_at": str,
            "updated_at": str,
            "pid": int,
            "host": str,
            "score": float,
            "settings": str,
        },
        pk="id",
        not_null={"bank", "mode", "status", "started_at"},
        defaults={"status": "active"},
    )
    _table(db, "answers").create(
        {
            "id": int,
            "session_id": int,
            "position": int,
            "bank": str,
            "question_id": str,
            "question_number": int,
            "topic": str,
            "prompt": str,
            "is_probe": int,
            "transcript": str,
            "mode": str,
            "audio_path": str,
            "duration_s": float,
            "score": int,
            "band": str,
            "coverage": float,
            "capped": int,
            "penalty": int,
            "concepts": str,
            "misconceptions": str,
            "delivery": str,
            "words": str,
            "hints": str,
            "rubric_hash": str,
            "skipped": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
        not_null={"session_id", "bank", "question_id", "created_at"},
        defaults={"is_probe": 0, "skipped": 0, "capped": 0, "penalty": 0},
    )
    _table(db, "grades").create(
        {"id": int, "answer_id": int, "grade": float, "note": str, "created_at": str},
        pk="id",
        foreign_keys=[("answer_id", "answers", "id")],
        not_null={"answer_id", "grade", "created_at"},
    )
    _table(db, "answers").create_index(["session_id", "position"])
    _table(db, "answers").create_index(["bank", "question_id", "created_at"])
    _table(db, "sessions").create_index(["started_at"])
    _table(db, "grades").create_index(["answer_id"])


@migrations(name="0002_search")
def _search(db: Database) -> None:
    _table(db, "answers").enable_fts(
        ["transcript", "prompt"], fts_version="FTS5", create_triggers=True, tokenize="porter"
    )


@migrations(name="0003_score_history")
def _score_history(db: Database) -> None:
    _table(db, "score_history").create(
        {
            "id": int,
            "answer_id": int,
            "score": int,
            "band": str,
            "concepts": str,
            "rubric_hash": str,
            "replaced_at": str,
        },
        pk="id",
        foreign_keys=[("answer_id", "answers", "id")],
    )
    _table(db, "score_history").create_index(["answer_id"])


@migrations(name="0004_history_indexes")
def _history_indexes(db: Database) -> None:
    # the history list filtered by bank (newest first) and by stored status
    _table(db, "sessions").create_index(["bank", "started_at"], if_not_exists=True)
    _table(db, "sessions").create_index(["status"], if_not_exists=True)
    # progress and the due list read only scored attempts: a partial index that covers them
    db.execute(
        "create index if not exists idx_answers_scored on answers"
        " (bank, question_id, created_at, score, topic)"
        " where skipped = 0 and is_probe = 0 and score is not null"
    )
