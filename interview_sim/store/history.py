"""History queries over the session store: paged session lists, transcript search, attempts,
self-grades, progress data and the retention of recordings.

Functions take a SessionStore and hold its lock while they read, so the UI's workers can call
them. The figures themselves are worked out in interview_sim.core.progress.
"""

from __future__ import annotations

import json
import socket
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from interview_sim.core.progress import (
    AttemptView,
    ConceptObservation,
    DayScores,
    DueItem,
    ProgressReport,
    compare_attempts,
    due_list,
    score_series,
    streaks,
    weakest_concepts,
)
from interview_sim.core.schedule import MAX_INTERVAL_DAYS
from interview_sim.store.session_store import SessionStore
from interview_sim.store.session_store import pid_alive as _pid_alive

STATUSES = ("finished", "interrupted", "active")
_ANSWERED = "(select count(*) from answers a where a.session_id = s.id and a.is_probe = 0)"
_DURATION = (
    "round((julianday(coalesce(s.ended_at, s.updated_at, s.started_at))"
    " - julianday(s.started_at)) * 86400.0, 1)"
)
SORTS = {
    "date": "s.started_at",
    "score": "s.score",
    "bank": "s.bank",
    "mode": "s.mode",
    "status": "s.status",
    "answered": _ANSWERED,
    "duration": _DURATION,
    "id": "s.id",
}
_NOT_NULL_SORTS = {"date", "bank", "mode", "status", "answered", "id"}
DEFAULT_SORT = "-date"
KEEP_CHOICES = ("all", "none", "last")
SNIPPET_START = "\x02"  # marks a matched word in a search snippet (start)
SNIPPET_END = "\x03"  # (end)
RECENT_ATTEMPTS = 3  # weakest concepts look at each question's last few attempts


class HistoryError(ValueError):
    """A bad filter, sort or grade; the message says what is allowed."""


@contextmanager
def _locked(store: SessionStore) -> Iterator[Database]:
    # the store's own lock: one connection shared by the UI thread and workers
    with store._lock:
        yield store.db


def _decode(row: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    for key in keys:
        value = row.get(key)
        if isinstance(value, str):
            try:
                row[key] = json.loads(value)
            except json.JSONDecodeError:
                row[key] = None
    return row


# dates --------------------------------------------------------------------------------------


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date, or HistoryError."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise HistoryError(f"{text!r} is not a date: use YYYY-MM-DD, e.g. 2025-01-31") from exc


def day_start_utc(day: date) -> str:
    """The stored (UTC ISO) form of the local midnight that starts `day`."""
    local = datetime.combine(day, time()).astimezone()
    return local.astimezone(UTC).isoformat(timespec="seconds")


def _parse_time(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


# the session list ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Which sessions to list. Dates are local days, both ends included."""

    bank: str | None = None
    since: date | None = None
    until: date | None = None
    min_score: float | None = None
    max_score: float | None = None
    status: str | None = None  # finished | interrupted | active
    mode: str | None = None  # voice | typed
    search: str | None = None  # words in the transcripts (or prompts)

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUSES:
            raise HistoryError(f"unknown status {self.status!r}; choose {', '.join(STATUSES)}")
        if self.since and self.until and self.since > self.until:
            raise HistoryError(
                f"the date range ends ({self.until}) before it starts ({self.since})"
            )
        low, high = self.min_score, self.max_score
        if low is not None and high is not None and low > high:
            raise HistoryError(f"the minimum score ({low:g}) is above the maximum ({high:g})")


@dataclass(frozen=True, slots=True)
class SessionPage:
    """One page of sessions and how many match in all."""

    rows: list[dict[str, Any]]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.rows) < self.total


def parse_sort(sort: str) -> tuple[str, bool]:
    """ "score" or "-score" (descending) -> (key, descending); HistoryError when unknown."""
    key = sort.strip().lower()
    descending = key.startswith("-")
    key = key.lstrip("-+")
    if key not in SORTS:
        raise HistoryError(
            f"cannot sort by {sort!r}; choose {', '.join(SORTS)} (prefix - for descending)"
        )
    return key, descending


def _status_sets(db: Database) -> tuple[list[int], list[int]]:
    """Ids of sessions marked active whose process is gone (interrupted) and still alive."""
    dead: list[int] = []
    alive: list[int] = []
    host = socket.gethostname()
    for row in db.execute("select id, pid, host from sessions where status = 'active'"):
        sid, pid, where = row
        (alive if where == host and _pid_alive(pid) else dead).append(int(sid))
    return dead, alive


def _where(db: Database, flt: SessionFilter) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if flt.bank:
        where.append("s.bank = ?")
        params.append(flt.bank)
    if flt.mode:
        where.append("s.mode = ?")
        params.append(flt.mode)
    if flt.since:
        where.append("s.started_at >= ?")
        params.append(day_start_utc(flt.since))
    if flt.until:
        where.append("s.started_at < ?")
        params.append(day_start_utc(flt.until + timedelta(days=1)))
    if flt.min_score is not None:
        where.append("s.score >= ?")
        params.append(flt.min_score)
    if flt.max_score is not None:
        where.append("s.score <= ?")
        params.append(flt.max_score)
    if flt.status:
        dead, alive = _status_sets(db)
        if flt.status == "finished":
            where.append("s.status = 'finished'")
        elif flt.status == "interrupted":
            ids = ",".join(str(i) for i in dead)
            where.append(f"(s.status = 'interrupted' or s.id in ({ids}))")
        else:
            where.append(f"s.id in ({','.join(str(i) for i in alive)})")
    if flt.search:
        query = fts_query(flt.search, columns="all")
        if query is None:
            where.append("0")
        else:
            # the matching rowids are gathered once; each session then checks its own answers
            # through the (session_id, position) index, which holds the rowid: no big rows read
            where.append(
                "exists (select 1 from answers a where a.session_id = s.id and a.id in"
                " (select rowid from answers_fts where answers_fts match ?))"
            )
            params.append(query)
    return (" where " + " and ".join(where) if where else ""), params


def list_sessions(
    store: SessionStore,
    flt: SessionFilter | None = None,
    *,
    sort: str = DEFAULT_SORT,
    limit: int = 50,
    offset: int = 0,
) -> SessionPage:
    """One page of sessions matching the filter, sorted; each row has `answered` (questions
    answered, follow-ups not counted) and `duration_s` (start to end, or to the last answer)."""
    flt = flt or SessionFilter()
    key, descending = parse_sort(sort)
    column = SORTS[key]
    direction = "desc" if descending else "asc"
    # ties: newest first (for the date itself, the id keeps sessions of one second in order)
    tie = f"s.id {direction}" if key == "date" else "s.started_at desc, s.id desc"
    # empty scores (nothing answered) always sort last
    order = (
        f"{column} {direction}, {tie}"
        if key in _NOT_NULL_SORTS
        else f"({column} is null), {column} {direction}, {tie}"
    )
    with _locked(store) as db:
        where, params = _where(db, flt)
        total = int(db.execute(f"select count(*) from sessions s{where}", params).fetchone()[0])
        # pick the page's ids first, then work out the per-row figures for those rows only
        sql = (
            "select s.id, s.bank, s.bank_title, s.mode, s.status, s.order_kind, s.count,"
            " s.started_at, s.ended_at, s.updated_at, s.pid, s.host, s.score,"
            f" {_ANSWERED} as answered, {_DURATION} as duration_s from sessions s"
            f" where s.id in (select s.id from sessions s{where} order by {order} limit ? offset ?)"
            f" order by {order}"
        )
        rows = [
            store._with_status(dict(r))
            for r in db.query(sql, [*params, max(0, limit), max(0, offset)])
        ]
    return SessionPage(rows, total, offset, limit)


def resumable(row: Mapping[str, Any]) -> bool:
    """Whether a listed session can be resumed: interrupted with questions left."""
    return row.get("status") == "interrupted" and int(row.get("answered") or 0) < int(
        row.get("count") or 0
    )


def sessions_for_export(
    store: SessionStore, flt: SessionFilter, *, limit: int = 100_000
) -> list[dict[str, Any]]:
    """Whole sessions (with their answers) matching a filter, oldest first, for export."""
    page = list_sessions(store, flt, sort="date", limit=limit)
    found = (store.session(int(r["id"])) for r in page.rows)
    return [s for s in found if s is not None]


# transcript search --------------------------------------------------------------------------


def fts_query(text: str, *, columns: str = "transcript", prefix: bool = True) -> str | None:
    """A safe FTS5 query for any user input: each word becomes a quoted phrase (so no input is
    a syntax error), the last one a prefix; None when nothing searchable is left."""
    words: list[str] = []
    for raw in text.replace("\x00", " ").split():
        word = raw.replace('"', '""')
        if any(ch.isalnum() for ch in word):
            words.append(f'"{word}"')
    if not words:
        return None
    if prefix and words[-1][-2].isalnum():
        words[-1] += "*"
    body = " ".join(words)
    return body if columns == "all" else f"{columns} : ({body})"


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An answer whose transcript matched, with a snippet (matches between SNIPPET_START/END)."""

    answer_id: int
    session_id: int
    bank: str
    question_id: str
    question_number: int | None
    prompt: str
    score: int | None
    created_at: str
    snippet: str

    def plain_snippet(self, start: str = "[", end: str = "]") -> str:
        return self.snippet.replace(SNIPPET_START, start).replace(SNIPPET_END, end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer_id": self.answer_id,
            "session_id": self.session_id,
            "bank": self.bank,
            "question_id": self.question_id,
            "question_number": self.question_number,
            "prompt": self.prompt,
            "score": self.score,
            "created_at": self.created_at,
            "snippet": self.plain_snippet(),
        }


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A snippet as (text, matched) pieces, for highlighting."""
    parts: list[tuple[str, bool]] = []
    rest = snippet
    while rest:
        start = rest.find(SNIPPET_START)
        if start < 0:
            parts.append((rest, False))
            break
        if start:
            parts.append((rest[:start], False))
        end = rest.find(SNIPPET_END, start)
        end = len(rest) if end < 0 else end
        parts.append((rest[start + 1 : end], True))
        rest = rest[end + 1 :]
    return [p for p in parts if p[0]]


def search_transcripts(
    store: SessionStore,
    text: str,
    *,
    limit: int = 50,
    bank: str | None = None,
    include_prompts: bool = False,
) -> list[SearchHit]:
    """Answers whose transcript has every word of `text` (word stems; the last word may be the
    start of a word), newest first. Any input is safe: quotes and operators are plain words."""
    query = fts_query(text, columns="all" if include_prompts else "transcript")
    if query is None:
        return []
    sql = (
        "select a.id, a.session_id, a.bank, a.question_id, a.question_number, a.prompt, a.score,"
        f" a.created_at, snippet(answers_fts, -1, '{SNIPPET_START}', '{SNIPPET_END}', '…', 12)"
        " as snippet from answers_fts join answers a on a.id = answers_fts.rowid"
        " where answers_fts match ?"
        + (" and a.bank = ?" if bank else "")
        + " order by answers_fts.rowid desc limit ?"
    )
    params: list[Any] = [query, *([bank] if bank else []), max(0, limit)]
    with _locked(store) as db:
        rows = list(db.execute(sql, params))
    return [
        SearchHit(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5] or "", r[6], r[7] or "", r[8] or "")
        for r in rows
    ]


# attempts and grades ------------------------------------------------------------------------


def attempts(store: SessionStore, bank: str, question_id: str) -> list[AttemptView]:
    """Every scored attempt at one question, oldest first, with what changed each time."""
    return compare_attempts(store.attempts(bank, question_id))


def grade_answer(store: SessionStore, answer_id: int, grade: float, note: str = "") -> int:
    """Record the user's own 0-5 grade of an answer; LookupError when there is no such answer."""
    if not 0 <= grade <= 5:
        raise HistoryError(f"a grade is between 0 and 5, not {grade:g}")
    with _locked(store) as db:
        exists = db.execute("select 1 from answers where id = ?", [answer_id]).fetchone()
    if not exists:
        raise LookupError(f"no answer {answer_id}")
    return store.add_grade(answer_id, grade, note)


def grades(store: SessionStore, answer_id: int) -> list[dict[str, Any]]:
    """An answer's self-grades, oldest first."""
    with _locked(store) as db:
        return [
            dict(r)
            for r in db.query(
                "select id, answer_id, grade, note, created_at from grades"
                " where answer_id = ? order by id",
                [answer_id],
            )
        ]


def latest_grades(store: SessionStore, answer_ids: Sequence[int]) -> dict[int, float]:
    """The latest self-grade of each answer that has one."""
    if not answer_ids:
        return {}
    marks = ",".join("?" for _ in answer_ids)
    with _locked(store) as db:
        rows = db.execute(
            f"select answer_id, grade from grades where id in (select max(id) from grades"
            f" where answer_id in ({marks}) group by answer_id)",
            list(answer_ids),
        ).fetchall()
    return {int(a): float(g) for a, g in rows}


# progress data ------------------------------------------------------------------------------

_SCORED = "skipped = 0 and is_probe = 0 and score is not null"
# the planner tends to pick the wide (bank, question_id, created_at) index and read every big
# answer row; the partial index of migration 0004 covers these queries
_SCORED_FROM = "answers indexed by idx_answers_scored"


def day_scores(store: SessionStore, bank: str | None = None) -> list[DayScores]:
    """Scored answers grouped by bank, topic and local day."""
    sql = (
        "select bank, coalesce(topic, ''), date(created_at, 'localtime') as day, sum(score),"
        f" count(*) from {_SCORED_FROM} where {_SCORED}"
        + (" and bank = ?" if bank else "")
        + " group by bank, topic, day"
    )
    with _locked(store) as db:
        rows = db.execute(sql, [bank] if bank else []).fetchall()
    out: list[DayScores] = []
    for b, topic, day, total, count in rows:
        if not day:
            continue
        try:
            out.append(DayScores(b, topic, date.fromisoformat(day), float(total), int(count)))
        except ValueError:
            continue
    return out


def concept_observations(
    store: SessionStore, bank: str | None = None, recent: int = RECENT_ATTEMPTS
) -> list[ConceptObservation]:
    """Concepts found or missed in each question's last `recent` scored attempts."""
    sql = (
        # each question's last few attempts found on the index; only their concepts are read
        f"with q as (select distinct bank, question_id from {_SCORED_FROM} where {_SCORED}"
        + (" and bank = ?" if bank else "")
        + ") select a.bank, a.question_id, j.value ->> 'name', j.value ->> 'matched' from q"
        " join answers a on a.id in (select b.id from answers b indexed by idx_answers_scored"
        " where b.bank = q.bank and b.question_id = q.question_id and b.skipped = 0"
        " and b.is_probe = 0 and b.score is not null"
        " order by b.created_at desc, b.id desc limit ?),"
        " json_each(case when json_valid(a.concepts) then a.concepts else '[]' end) j"
        " where json_type(j.value) = 'object'"
    )
    params: list[Any] = [*([bank] if bank else []), max(1, recent)]
    with _locked(store) as db:
        rows = db.execute(sql, params).fetchall()
    return [
        ConceptObservation(b, q, str(name), bool(matched)) for b, q, name, matched in rows if name
    ]


def practice_days(store: SessionStore, bank: str | None = None) -> list[date]:
    """Local days with at least one answer."""
    sql = "select distinct date(created_at, 'localtime') from answers" + (
        " where bank = ?" if bank else ""
    )
    with _locked(store) as db:
        rows = db.execute(sql, [bank] if bank else []).fetchall()
    days: list[date] = []
    for (day,) in rows:
        try:
            days.append(date.fromisoformat(day))
        except (TypeError, ValueError):
            continue
    return sorted(days)


def attempt_history(
    store: SessionStore, bank: str | None = None
) -> dict[tuple[str, str], list[tuple[datetime, int | None]]]:
    """(bank, question id) -> its scored attempts as (time, score), oldest first."""
    sql = (
        f"select bank, question_id, created_at, score from {_SCORED_FROM} where {_SCORED}"
        + (" and bank = ?" if bank else "")
        + " order by bank, question_id, created_at, id"
    )
    history: dict[tuple[str, str], list[tuple[datetime, int | None]]] = defaultdict(list)
    with _locked(store) as db:
        rows = db.execute(sql, [bank] if bank else []).fetchall()
    for b, qid, created, score in rows:
        when = _parse_time(created)
        if when is not None:
            history[(b, qid)].append((when, score))
    return dict(history)


def due_items(
    store: SessionStore,
    questions: Mapping[str, Sequence[str]] | None = None,
    *,
    bank: str | None = None,
    now: datetime | None = None,
    max_interval_days: float = MAX_INTERVAL_DAYS,
) -> list[DueItem]:
    """The review schedule of every question. With `questions` (bank id -> question ids, the
    banks as they are now), questions never tried are listed and deleted ones left out."""
    history = attempt_history(store, bank)
    keys: list[tuple[str, str]] | None = None
    if questions is not None:
        keys = [(b, q) for b, ids in questions.items() if bank is None or b == bank for q in ids]
    return due_list(
        history,
        now or datetime.now(UTC),
        questions=keys,
        max_interval_days=max_interval_days,
    )


def progress_report(
    store: SessionStore,
    questions: Mapping[str, Sequence[str]] | None = None,
    *,
    bank: str | None = None,
    now: datetime | None = None,
    weakest: int = 10,
) -> ProgressReport:
    """Score over time per bank and topic, weakest concepts, streaks and the due list."""
    moment = now or datetime.now(UTC)
    banks, topics = score_series(day_scores(store, bank))
    with _locked(store) as db:
        where, params = (" where bank = ?", [bank]) if bank else ("", [])
        answers = int(db.execute(f"select count(*) from answers{where}", params).fetchone()[0])
        sessions = int(db.execute(f"select count(*) from sessions{where}", params).fetchone()[0])
    return ProgressReport(
        banks=tuple(banks),
        topics=tuple(topics),
        weakest=tuple(weakest_concepts(concept_observations(store, bank), limit=weakest)),
        streak=streaks(practice_days(store, bank), moment.astimezone().date()),
        due=tuple(due_items(store, questions, bank=bank, now=moment)),
        answers=answers,
        sessions=sessions,
        generated_at=moment.isoformat(timespec="seconds"),
    )


# retention of recordings --------------------------------------------------------------------


@dataclass
class PruneReport:
    """What a retention pass did."""

    sessions: list[int] = field(default_factory=list)  # sessions whose recordings went
    files_removed: int = 0
    bytes_freed: int = 0
    missing: int = 0  # recorded paths whose file was already gone
    kept_outside: list[str] = field(default_factory=list)  # not under the recordings folder

    def to_dict(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "files_removed": self.files_removed,
            "bytes_freed": self.bytes_freed,
            "missing": self.missing,
            "kept_outside": self.kept_outside,
        }


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def prune_recordings(
    store: SessionStore,
    keep: str,
    keep_last: int = 20,
    *,
    recordings_dir: Path | None = None,
    dry_run: bool = False,
) -> PruneReport:
    """Apply the retention setting: "all" keeps every recording, "none" deletes them all,
    "last" keeps those of the `keep_last` most recent sessions. Deleted files get their
    audio_path cleared. Sessions still being recorded are never touched, and with
    `recordings_dir` a file outside that folder (not made by the app) is never deleted."""
    if keep not in KEEP_CHOICES:
        raise HistoryError(f"unknown retention {keep!r}; choose {', '.join(KEEP_CHOICES)}")
    report = PruneReport()
    if keep == "all":
        return report
    with _locked(store) as db:
        _dead, alive = _status_sets(db)
        kept: set[int] = set(alive)
        if keep == "last":
            kept.update(
                int(r[0])
                for r in db.execute(
                    "select id from sessions order by started_at desc, id desc limit ?",
                    [max(0, keep_last)],
                )
            )
        rows = db.execute(
            "select id, session_id, audio_path from answers where audio_path is not null"
            " and audio_path != '' order by session_id, id"
        ).fetchall()
    targets = [(int(a), int(s), str(p)) for a, s, p in rows if int(s) not in kept]
    cleared: list[int] = []
    folders: set[Path] = set()
    for answer_id, session_id, name in targets:
        path = Path(name)
        if recordings_dir is not None and not _inside(path, recordings_dir):
            report.kept_outside.append(name)
            continue
        if session_id not in report.sessions:
            report.sessions.append(session_id)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            report.missing += 1
            cleared.append(answer_id)
            continue
        except OSError:
            continue
        if not dry_run:
            try:
                path.unlink()
            except FileNotFoundError:
                report.missing += 1
                cleared.append(answer_id)
                continue
            except OSError:
                continue  # kept (and kept in the database) when it cannot be deleted
            folders.add(path.parent)
        report.files_removed += 1
        report.bytes_freed += size
        cleared.append(answer_id)
    if dry_run:
        return report
    # files first, then the paths: a crash in between leaves a path to a missing file (shown
    # as "recording deleted"), never a recording the database has forgotten about
    with store._tx() as db:
        for start in range(0, len(cleared), 500):
            chunk = cleared[start : start + 500]
            marks = ",".join("?" for _ in chunk)
            db.execute(f"update answers set audio_path = null where id in ({marks})", chunk)
    for folder in folders:
        inside = recordings_dir is None or (
            _inside(folder, recordings_dir) and folder.resolve() != recordings_dir.resolve()
        )
        if inside:
            with suppress(OSError):
                folder.rmdir()  # a session's folder, once empty
    return report


def banks_in_history(store: SessionStore) -> list[str]:
    """The banks that have sessions, by name."""
    with _locked(store) as db:
        return [str(r[0]) for r in db.execute("select distinct bank from sessions order by bank")]
