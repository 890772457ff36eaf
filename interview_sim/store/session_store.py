"""SessionStore: every session and answer in one SQLite file, each answer committed at once."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlite_utils import Database

from interview_sim.store.migrations import migrations

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """A database that cannot be used; the message names the file and the fix."""


def now_iso() -> str:
    """The current time in UTC, ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """Everything kept about one scored (or skipped) answer."""

    position: int
    bank: str
    question_id: str
    question_number: int
    topic: str
    prompt: str
    transcript: str
    mode: str
    score: int | None
    band: str
    coverage: float = 0.0
    capped: bool = False
    penalty: int = 0
    concepts: list[dict[str, Any]] = field(default_factory=list)
    misconceptions: list[dict[str, Any]] = field(default_factory=list)
    delivery: dict[str, Any] = field(default_factory=dict)
    words: list[dict[str, Any]] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    rubric_hash: str = ""
    audio_path: str | None = None
    duration_s: float | None = None
    is_probe: bool = False
    skipped: bool = False


_JSON_COLUMNS = ("concepts", "misconceptions", "delivery", "words", "hints", "planned", "settings")


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in _JSON_COLUMNS:
        if key in row and isinstance(row[key], str):
            with suppress(json.JSONDecodeError):
                row[key] = json.loads(row[key])
    return row


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this id runs on this machine."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _create_private(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    os.chmod(path, 0o600)


class SessionStore:
    """Sessions, answers and grades over sqlite-utils. Safe to share between threads."""

    def __init__(self, db: Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path
        self._lock = threading.RLock()
        migrations.apply(db)

    @classmethod
    def open(cls, path: Path) -> SessionStore:
        """Open (or create, owner-only) the database file and bring its schema up to date."""
        try:
            _create_private(path)
            conn = sqlite3.connect(
                str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db = Database(conn)
            db.enable_wal()
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            return cls(db, path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{path}: not a usable session database ({exc}). Run `interview-sim doctor"
                " --reset-database` to keep it aside and start a fresh one."
            ) from exc
        except OSError as exc:
            raise StoreError(f"{path}: cannot open the session database: {exc.strerror}") from exc

    @classmethod
    def memory(cls) -> SessionStore:
        """An in-memory store, for tests."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        return cls(Database(conn))

    @contextmanager
    def _tx(self) -> Iterator[Database]:
        """A short write transaction that takes the write lock first (BEGIN IMMEDIATE).

        A deferred transaction that reads and then writes cannot wait for another process's
        write: SQLite answers "database is locked" at once. Taking the lock up front lets the
        busy timeout do its work, so two app instances can write side by side.
        """
        with self._lock:
            conn = self.db.conn
            if conn.in_transaction:
                yield self.db
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # sessions -------------------------------------------------------------------------------

    def start_session(
        self,
        *,
        bank: str,
        bank_title: str,
        mode: str,
        planned: list[str],
        order_kind: str = "in-order",
        seed: int | None = None,
        settings: dict[str, Any] | None = None,
    ) -> int:
        """Begin a session; returns its id."""
        stamp = now_iso()
        with self._tx() as db:
            table = db.table("sessions")
            table.insert(
                {
                    "bank": bank,
                    "bank_title": bank_title,
                    "mode": mode,
                    "status": "active",
                    "order_kind": order_kind,
                    "planned": json.dumps(planned),
                    "count": len(planned),
                    "seed": seed,
                    "started_at": stamp,
                    "updated_at": stamp,
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "settings": json.dumps(settings or {}),
                }
            )
            return int(cast(int, table.last_pk))

    def claim(self, session_id: int) -> None:
        """Take over a session to resume it from this process."""
        with self._tx() as db:
            db.table("sessions").update(
                session_id,
                {
                    "status": "active",
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "updated_at": now_iso(),
                    "ended_at": None,
                },
            )

    def finish_session(self, session_id: int, status: str = "finished") -> None:
        """Close a session as finished (or interrupted), with its mean score."""
        with self._tx() as db:
            row = db.execute(
                "select avg(score) from answers a where session_id = ? and skipped = 0"
                " and score is not null and id = (select max(id) from answers b"
                " where b.session_id = a.session_id and b.position = a.position)",
                [session_id],
            ).fetchone()
            mean = round(row[0], 1) if row and row[0] is not None else None
            stamp = now_iso()
            db.table("sessions").update(
                session_id,
                {"status": status, "ended_at": stamp, "updated_at": stamp, "score": mean},
            )

    def record_answer(self, session_id: int, answer: AnswerRecord) -> int:
        """Store one answer and commit it at once; returns its id."""
        row: dict[str, Any] = {
            "session_id": session_id,
            "position": answer.position,
            "bank": answer.bank,
            "question_id": answer.question_id,
            "question_number": answer.question_number,
            "topic": answer.topic,
            "prompt": answer.prompt,
            "is_probe": int(answer.is_probe),
            "transcript": answer.transcript,
            "mode": answer.mode,
            "audio_path": answer.audio_path,
            "duration_s": answer.duration_s,
            "score": answer.score,
            "band": answer.band,
            "coverage": answer.coverage,
            "capped": int(answer.capped),
            "penalty": answer.penalty,
            "concepts": json.dumps(answer.concepts),
            "misconceptions": json.dumps(answer.misconceptions),
            "delivery": json.dumps(answer.delivery),
            "words": json.dumps(answer.words),
            "hints": json.dumps(answer.hints),
            "rubric_hash": answer.rubric_hash,
            "skipped": int(answer.skipped),
            "created_at": now_iso(),
        }
        try:
            with self._tx() as db:
                table = db.table("answers")
                table.insert(row)
                answer_id = int(cast(int, table.last_pk))
                db.table("sessions").update(session_id, {"updated_at": row["created_at"]})
                return answer_id
        except sqlite3.OperationalError as exc:  # disk full, read-only file, locked too long
            raise StoreError(
                f"the answer could not be saved ({exc}); free some space or check that"
                f" {self.path or 'the database'} is writable, then submit it again"
            ) from exc

    def session(self, session_id: int) -> dict[str, Any] | None:
        """One session with its `answers` list, or None."""
        with self._lock:
            rows = list(self.db.query("select * from sessions where id = ?", [session_id]))
            if not rows:
                return None
            session = self._with_status(_decode(rows[0]))
            session["answers"] = self.answers(session_id)
            return session

    def answers(self, session_id: int) -> list[dict[str, Any]]:
        """A session's answers in the order given."""
        with self._lock:
            return [
                _decode(r)
                for r in self.db.query(
                    "select * from answers where session_id = ? order by position, id",
                    [session_id],
                )
            ]

    def answer(self, answer_id: int) -> dict[str, Any] | None:
        """One answer by id."""
        with self._lock:
            rows = list(self.db.query("select * from answers where id = ?", [answer_id]))
            return _decode(rows[0]) if rows else None

    def _with_status(self, row: dict[str, Any]) -> dict[str, Any]:
        if row.get("status") == "active" and (
            row.get("host") != socket.gethostname() or not pid_alive(row.get("pid"))
        ):
            row["status"] = "interrupted"
        elif row.get("status") == "active" and row.get("pid") != os.getpid():
            row["status"] = "active elsewhere"
        return row

    def list_sessions(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        bank: str | None = None,
        status: str | None = None,
        search: str | None = None,
    ) -> list[dict[str, Any]]:
        """Sessions, newest first, each with its number of answers."""
        where: list[str] = []
        params: list[Any] = []
        if bank:
            where.append("s.bank = ?")
            params.append(bank)
        if search:
            where.append(
                "s.id in (select a.session_id from answers a join answers_fts f"
                " on f.rowid = a.id where answers_fts match ?)"
            )
            params.append(_fts_query(search))
        sql = (
            "select s.*, (select count(*) from answers a where a.session_id = s.id"
            " and a.is_probe = 0) as answered from sessions s"
            + (" where " + " and ".join(where) if where else "")
            + " order by s.started_at desc, s.id desc"
        )
        if not status:
            sql += " limit ? offset ?"
            params += [limit, offset]
        with self._lock:
            rows = [self._with_status(_decode(r)) for r in self.db.query(sql, params)]
        if status:
            # the status is worked out per row (a dead process means interrupted), so the
            # limit and offset can only apply after filtering on it
            rows = [r for r in rows if r["status"] == status][offset : offset + limit]
        return rows

    def resumable(self, bank: str | None = None) -> list[dict[str, Any]]:
        """Interrupted sessions that still have questions left, newest first."""
        rows = self.list_sessions(limit=200, bank=bank)
        return [
            r for r in rows if r["status"] == "interrupted" and r["answered"] < (r["count"] or 0)
        ]

    def delete_session(self, session_id: int) -> list[str]:
        """Delete a session, its answers, grades and recordings; returns the files removed."""
        with self._tx() as db:
            paths = [
                r["audio_path"]
                for r in db.query(
                    "select audio_path from answers where session_id = ?", [session_id]
                )
                if r["audio_path"]
            ]
            ids = [
                r["id"]
                for r in db.query("select id from answers where session_id = ?", [session_id])
            ]
            for answer_id in ids:
                db.execute("delete from grades where answer_id = ?", [answer_id])
                db.execute("delete from score_history where answer_id = ?", [answer_id])
            db.execute("delete from answers where session_id = ?", [session_id])
            db.execute("delete from sessions where id = ?", [session_id])
        removed: list[str] = []
        for name in paths:
            try:
                Path(name).unlink()
                removed.append(name)
            except FileNotFoundError:
                continue
            except OSError:
                continue
        return removed

    # grades and history ------------------------------------------------------------------------

    def add_grade(self, answer_id: int, grade: float, note: str = "") -> int:
        """Record the user's own 0-5 grade of an answer."""
        if not 0 <= grade <= 5:
            raise ValueError("a grade is between 0 and 5")
        with self._tx() as db:
            table = db.table("grades")
            table.insert(
                {"answer_id": answer_id, "grade": grade, "note": note, "created_at": now_iso()}
            )
            return int(cast(int, table.last_pk))

    def attempts(self, bank: str, question_id: str) -> list[dict[str, Any]]:
        """Every scored answer to one question, oldest first."""
        with self._lock:
            return [
                _decode(r)
                for r in self.db.query(
                    "select * from answers where bank = ? and question_id = ? and skipped = 0"
                    " and is_probe = 0 order by created_at, id",
                    [bank, question_id],
                )
            ]

    def question_stats(self, bank: str) -> dict[str, dict[str, Any]]:
        """Per question of a bank: attempts, last score, mean score, last time."""
        with self._lock:
            rows = self.db.query(
                "select question_id, count(*) as attempts, avg(score) as mean,"
                " max(created_at) as last_at,"
                " (select score from answers b where b.bank = a.bank and"
                "  b.question_id = a.question_id and b.skipped = 0 and b.is_probe = 0"
                "  order by b.created_at desc, b.id desc limit 1) as last_score"
                " from answers a where bank = ? and skipped = 0 and is_probe = 0"
                " and score is not null group by question_id",
                [bank],
            )
            return {r["question_id"]: r for r in rows}

    def last_session_score(self, bank: str, before_id: int | None = None) -> float | None:
        """The score of the latest finished session on a bank (before a given session)."""
        sql = "select score from sessions where bank = ? and score is not null"
        params: list[Any] = [bank]
        if before_id is not None:
            sql += " and id < ?"
            params.append(before_id)
        with self._lock:
            row = self.db.execute(sql + " order by id desc limit 1", params).fetchone()
        return float(row[0]) if row else None

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self.db.conn.close()


def _fts_query(text: str) -> str:
    """A safe FTS5 query: every word quoted, so user input never raises a syntax error."""
    # FTS5 ends a string at a NUL byte, so a NUL would unbalance the quotes: drop it too
    cleaned = (w.replace('"', "").replace("\x00", "") for w in text.split())
    words = [w for w in cleaned if w]
    return " ".join(f'"{w}"' for w in words) or '""'
