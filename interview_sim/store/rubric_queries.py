"""The queries of rubric tuning: answers read in pages, re-scores written with their history,
the user's own grades. Over the SessionStore's database, beside the store's own queries."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interview_sim.core.rescore import StoredAnswer
from interview_sim.store.session_store import SessionStore, now_iso

PAGE_SIZE = 5000

_COLUMNS = (
    "id, bank, question_id, transcript, score, concepts, hints, duration_s, rubric_hash, created_at"
)


def _where(bank: str | None, question_id: str | None, table: str = "") -> tuple[str, list[Any]]:
    """The filter on scored answers (of a bank, of a question), columns of `table` if given."""
    t = f"{table}." if table else ""
    clauses = [f"{t}skipped = 0", f"{t}score is not null"]
    params: list[Any] = []
    if bank:
        clauses.append(f"{t}bank = ?")
        params.append(bank)
    if question_id:
        clauses.append(f"{t}question_id = ?")
        params.append(question_id)
    return " and ".join(clauses), params


def _stored(r: Sequence[Any]) -> StoredAnswer:
    return StoredAnswer(
        int(r[0]),
        str(r[1]),
        str(r[2]),
        r[3] or "",
        None if r[4] is None else int(r[4]),
        r[5] or "[]",
        r[6] or "[]",
        None if r[7] is None else float(r[7]),
        r[8] or "",
        r[9] or "",
    )


def count_scored(
    store: SessionStore, bank: str | None = None, question_id: str | None = None
) -> int:
    """How many scored answers there are (of a bank, of a question)."""
    where, params = _where(bank, question_id)
    row = store.db.execute(f"select count(*) from answers where {where}", params).fetchone()
    return int(row[0]) if row else 0


def scored_answer_pages(
    store: SessionStore,
    bank: str | None = None,
    question_id: str | None = None,
    page_size: int = PAGE_SIZE,
) -> Iterator[list[StoredAnswer]]:
    """Every scored answer, oldest first, a page at a time (keyset paging on the id, so memory
    stays flat however long the log is)."""
    return _pages(store.db.conn, bank, question_id, page_size, 0, None)


def _pages(
    conn: sqlite3.Connection,
    bank: str | None,
    question_id: str | None,
    page_size: int,
    after: int,
    until: int | None,
) -> Iterator[list[StoredAnswer]]:
    where, params = _where(bank, question_id)
    if until is not None:
        where += " and id <= ?"
        params.append(until)
    sql = f"select {_COLUMNS} from answers where {where} and id > ? order by id limit ?"
    last = after
    while True:
        rows = conn.execute(sql, [*params, last, page_size]).fetchall()
        if not rows:
            return
        yield [_stored(r) for r in rows]
        last = int(rows[-1][0])


def id_range(
    store: SessionStore, bank: str | None = None, question_id: str | None = None
) -> tuple[int, int]:
    """The lowest and highest id of the scored answers (0, 0 when there are none)."""
    where, params = _where(bank, question_id)
    row = store.db.execute(f"select min(id), max(id) from answers where {where}", params).fetchone()
    return (int(row[0]), int(row[1])) if row and row[0] is not None else (0, 0)


def read_only_pages(
    path: Path,
    bank: str | None,
    question_id: str | None,
    after: int,
    until: int,
    page_size: int = PAGE_SIZE,
) -> Iterator[list[StoredAnswer]]:
    """Pages of the answers with after < id <= until, over a read-only connection of its own
    (for a worker process: a connection cannot be shared between processes)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        yield from _pages(conn, bank, question_id, page_size, after, until)
    finally:
        conn.close()


@dataclass(frozen=True, slots=True)
class NewScore:
    """The columns a re-score rewrites (JSON columns already encoded)."""

    answer_id: int
    score: int
    band: str
    coverage: float
    capped: bool
    penalty: int
    concepts_json: str
    misconceptions_json: str
    rubric_hash: str


def record_rescores(store: SessionStore, scores: Sequence[NewScore]) -> int:
    """Write new scores in one transaction, first copying each answer's old score, band,
    concepts and rubric hash into score_history. Returns the rows rewritten."""
    if not scores:
        return 0
    stamp = now_iso()
    conn = store.db.conn
    with store.db.atomic():
        conn.executemany(
            "insert into score_history (answer_id, score, band, concepts, rubric_hash,"
            " replaced_at) select id, score, band, concepts, rubric_hash, ? from answers"
            " where id = ?",
            [(stamp, s.answer_id) for s in scores],
        )
        conn.executemany(
            "update answers set score = ?, band = ?, coverage = ?, capped = ?, penalty = ?,"
            " concepts = ?, misconceptions = ?, rubric_hash = ? where id = ?",
            [
                (
                    s.score,
                    s.band,
                    s.coverage,
                    int(s.capped),
                    s.penalty,
                    s.concepts_json,
                    s.misconceptions_json,
                    s.rubric_hash,
                    s.answer_id,
                )
                for s in scores
            ],
        )
    return len(scores)


def score_history(store: SessionStore, answer_id: int) -> list[dict[str, Any]]:
    """The scores an answer had before, oldest first."""
    return list(
        store.db.query("select * from score_history where answer_id = ? order by id", [answer_id])
    )


@dataclass(frozen=True, slots=True)
class GradedAnswer:
    """A logged answer with the user's latest grade of it (0-5)."""

    answer: StoredAnswer
    grade: float


def graded_answers(store: SessionStore, bank: str | None = None) -> list[GradedAnswer]:
    """Scored answers the user graded, each with its latest grade."""
    where, params = _where(bank, None, table="a")
    columns = ", ".join(f"a.{c.strip()}" for c in _COLUMNS.split(","))
    sql = (
        f"select {columns}, g.grade from answers a join grades g on g.answer_id = a.id"
        " where g.id = (select max(id) from grades where answer_id = a.id)"
        f" and {where} order by a.id"
    )
    rows = store.db.execute(sql, params).fetchall()
    return [GradedAnswer(_stored(r), float(r[10])) for r in rows]


def recent_transcripts(store: SessionStore, limit: int = 2000) -> list[tuple[str, str, str]]:
    """(bank, question id, transcript) of the latest scored answers, for the lint."""
    rows = store.db.execute(
        "select bank, question_id, transcript from answers where skipped = 0 and"
        " transcript != '' order by id desc limit ?",
        [limit],
    ).fetchall()
    return [(str(r[0]), str(r[1]), str(r[2] or "")) for r in rows]
