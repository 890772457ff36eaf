"""store.history: the paged, sorted, filtered session list, transcript search, attempts, grades
and the progress queries, on sessions built through SessionStore.record_answer."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_sim.store import history
from interview_sim.store.history import HistoryError, SessionFilter
from interview_sim.store.migrations import migrations
from interview_sim.store.session_store import AnswerRecord, SessionStore

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def concepts(found: Sequence[str] = (), missed: Sequence[str] = ()) -> list[dict[str, Any]]:
    return [{"name": n, "matched": True, "evidence": [n]} for n in found] + [
        {"name": n, "matched": False, "evidence": []} for n in missed
    ]


def add_session(
    store: SessionStore,
    started: datetime,
    answers: Sequence[dict[str, Any]],
    *,
    bank: str = "example",
    mode: str = "typed",
    status: str = "finished",
    count: int | None = None,
) -> int:
    """A session started at `started` whose answers come two minutes apart."""
    sid = store.start_session(
        bank=bank,
        bank_title=bank.title(),
        mode=mode,
        planned=[a["question_id"] for a in answers],
    )
    for n, spec in enumerate(answers, 1):
        aid = store.record_answer(
            sid,
            AnswerRecord(
                position=spec.get("position", n),
                bank=bank,
                question_id=spec["question_id"],
                question_number=n,
                topic=spec.get("topic", "Topic"),
                prompt=spec.get("prompt", f"Question about {spec['question_id']}?"),
                transcript=spec.get("transcript", ""),
                mode=mode,
                score=spec.get("score"),
                band="good",
                concepts=spec.get("concepts", []),
                delivery=spec.get("delivery", {}),
                audio_path=spec.get("audio_path"),
                is_probe=spec.get("is_probe", False),
                skipped=spec.get("skipped", False),
            ),
        )
        store.db.execute(
            "update answers set created_at = ? where id = ?",
            [iso(started + timedelta(minutes=2 * n)), aid],
        )
    store.finish_session(sid, "finished" if status == "active" else status)
    ended = started + timedelta(minutes=2 * len(answers) + 1)
    store.db.execute(
        "update sessions set started_at = ?, ended_at = ?, count = ? where id = ?",
        [iso(started), iso(ended) if status != "active" else None, count or len(answers), sid],
    )
    if status == "active":  # a session whose process died: listed as interrupted
        store.db.execute(
            "update sessions set status = 'active', pid = 0, ended_at = null where id = ?", [sid]
        )
    store.db.conn.commit()
    return sid


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC for the test (days are local days)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def filled(memory_store: SessionStore) -> dict[str, int]:
    """Five sessions over five days, two banks, both modes, every status."""
    s = memory_store
    ids = {
        "a": add_session(
            s,
            T0,
            [
                {"question_id": "q1", "score": 40, "transcript": "gradient descent is slow"},
                {"question_id": "q2", "score": 60, "transcript": "attention weighs the tokens"},
            ],
        ),
        "b": add_session(
            s,
            T0 + timedelta(days=1),
            [{"question_id": "q1", "score": 90, "transcript": "the gradient points uphill"}],
            mode="voice",
        ),
        "c": add_session(
            s,
            T0 + timedelta(days=2),
            [{"question_id": "k1", "score": 20, "transcript": "clusters of centroids"}],
            bank="other",
            status="interrupted",
            count=3,
        ),
        "d": add_session(
            s,
            T0 + timedelta(days=3),
            [{"question_id": "q2", "score": 75, "transcript": "a quokka ate my tokens"}],
            status="active",
            count=2,
        ),
        "e": add_session(s, T0 + timedelta(days=4), []),
    }
    return ids


def listed(store: SessionStore, flt: SessionFilter | None = None, **kw: Any) -> list[int]:
    return [r["id"] for r in history.list_sessions(store, flt, **kw).rows]


def test_default_order_is_newest_first_with_counts_and_durations(
    memory_store: SessionStore, filled: dict[str, int]
) -> None:
    page = history.list_sessions(memory_store)
    assert [r["id"] for r in page.rows] == [filled[k] for k in "edcba"]
    assert page.total == 5 and not page.has_more
    first = page.rows[-1]
    assert first["answered"] == 2 and first["score"] == 50.0
    assert first["duration_s"] == 5 * 60.0  # started to ended
    statuses = {r["id"]: r["status"] for r in page.rows}
    assert statuses[filled["d"]] == "interrupted"  # active, but its process is gone
    assert statuses[filled["c"]] == "interrupted" and statuses[filled["a"]] == "finished"


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("date", "abcde"),
        ("-score", "bdace"),
        ("score", "cadbe"),  # no score (nothing answered) sorts last both ways
        ("-answered", "adcbe"),
        ("bank", "edbac"),  # example before other; ties newest first
        ("-id", "edcba"),
    ],
)
def test_sorts(memory_store: SessionStore, filled: dict[str, int], sort: str, order: str) -> None:
    assert listed(memory_store, sort=sort) == [filled[k] for k in order]


def test_unknown_sort_is_a_clear_error(memory_store: SessionStore) -> None:
    with pytest.raises(HistoryError, match="cannot sort by 'colour'"):
        history.list_sessions(memory_store, sort="colour")


@pytest.mark.parametrize(
    ("flt", "keys"),
    [
        (SessionFilter(bank="other"), "c"),
        (SessionFilter(mode="voice"), "b"),
        (SessionFilter(min_score=60), "db"),
        (SessionFilter(max_score=50), "ca"),
        (SessionFilter(min_score=50, max_score=80), "da"),
        (SessionFilter(status="finished"), "eba"),
        (SessionFilter(status="interrupted"), "dc"),
        (SessionFilter(status="active"), ""),
        (SessionFilter(search="gradient"), "ba"),
        (SessionFilter(search="gradients"), "ba"),  # word stems match
        (SessionFilter(search="quok"), "d"),  # the last word may be the start of a word
        (SessionFilter(search="Question about k1"), "c"),  # prompts too
        (SessionFilter(search="gradient", mode="typed"), "a"),
        (SessionFilter(search="'\" OR *"), ""),
    ],
)
def test_filters(
    memory_store: SessionStore, filled: dict[str, int], flt: SessionFilter, keys: str
) -> None:
    assert listed(memory_store, flt) == [filled[k] for k in keys]
    assert history.list_sessions(memory_store, flt).total == len(keys)


def test_date_range_is_in_local_days_both_ends_included(
    memory_store: SessionStore, filled: dict[str, int], utc: None
) -> None:
    day = T0.date()
    flt = SessionFilter(since=day + timedelta(days=1), until=day + timedelta(days=3))
    assert listed(memory_store, flt) == [filled[k] for k in "dcb"]
    assert listed(memory_store, SessionFilter(until=day)) == [filled["a"]]
    assert history.day_start_utc(day) == "2025-03-10T00:00:00+00:00"


def test_a_local_day_starts_at_local_midnight(
    memory_store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")  # UTC-4 in March (daylight saving)
    time.tzset()
    try:
        assert history.day_start_utc(date(2025, 3, 10)) == "2025-03-10T04:00:00+00:00"
        # 02:00 UTC on the 11th is still the evening of the 10th in New York
        sid = add_session(memory_store, datetime(2025, 3, 11, 2, 0, tzinfo=UTC), [])
        flt = SessionFilter(since=date(2025, 3, 10), until=date(2025, 3, 10))
        assert listed(memory_store, flt) == [sid]
    finally:
        monkeypatch.undo()
        time.tzset()


def test_bad_filters_are_refused_with_the_reason() -> None:
    with pytest.raises(HistoryError, match="before it starts"):
        SessionFilter(since=date(2025, 2, 1), until=date(2025, 1, 1))
    with pytest.raises(HistoryError, match="minimum score"):
        SessionFilter(min_score=80, max_score=10)
    with pytest.raises(HistoryError, match="unknown status"):
        SessionFilter(status="paused")
    with pytest.raises(HistoryError, match="YYYY-MM-DD"):
        history.parse_day("31/01/2025")


def test_paging(memory_store: SessionStore, filled: dict[str, int]) -> None:
    first = history.list_sessions(memory_store, limit=2)
    second = history.list_sessions(memory_store, limit=2, offset=2)
    last = history.list_sessions(memory_store, limit=2, offset=4)
    assert [r["id"] for r in first.rows + second.rows + last.rows] == listed(memory_store)
    assert first.has_more and second.has_more and not last.has_more
    assert first.total == second.total == 5


def test_resumable_needs_interrupted_with_questions_left(
    memory_store: SessionStore, filled: dict[str, int]
) -> None:
    rows = {r["id"]: r for r in history.list_sessions(memory_store).rows}
    assert history.resumable(rows[filled["c"]])  # 1 of 3 answered
    assert history.resumable(rows[filled["d"]])  # 1 of 2, its process gone
    assert not history.resumable(rows[filled["a"]])


def test_search_transcripts_newest_first_with_snippets(
    memory_store: SessionStore, filled: dict[str, int]
) -> None:
    hits = history.search_transcripts(memory_store, "gradient")
    assert [h.session_id for h in hits] == [filled["b"], filled["a"]]
    assert hits[0].plain_snippet() == "the [gradient] points uphill"
    assert history.snippet_parts(hits[0].snippet) == [
        ("the ", False),
        ("gradient", True),
        (" points uphill", False),
    ]
    assert hits[0].question_id == "q1" and hits[0].score == 90
    assert hits[0].to_dict()["snippet"] == "the [gradient] points uphill"
    assert history.search_transcripts(memory_store, "gradient", bank="other") == []
    assert (
        history.search_transcripts(memory_store, "gradient", limit=1)[0].session_id == (filled["b"])
    )
    # prompts are searched only when asked
    assert history.search_transcripts(memory_store, "Question") == []
    assert len(history.search_transcripts(memory_store, "Question", include_prompts=True)) == 5


@pytest.mark.parametrize("text", ["", "   ", '"', "***", "-", "()", "\x00"])
def test_search_of_nothing_searchable_finds_nothing(
    memory_store: SessionStore, filled: dict[str, int], text: str
) -> None:
    assert history.search_transcripts(memory_store, text) == []
    assert history.fts_query(text) is None


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_input_is_a_safe_search(memory_store: SessionStore, text: str) -> None:
    hits = history.search_transcripts(memory_store, text)
    assert isinstance(hits, list)
    page = history.list_sessions(memory_store, SessionFilter(search=text))
    assert page.total == len(page.rows)


def test_fts_query_quotes_every_word() -> None:
    assert history.fts_query('say "hi" NEAR(x)') == 'transcript : ("say" """hi""" "NEAR(x)")'
    assert history.fts_query("a b", columns="all", prefix=False) == '"a" "b"'
    assert history.fts_query("deep learn") == 'transcript : ("deep" "learn"*)'


def test_attempts_compare_each_try_with_the_one_before(memory_store: SessionStore) -> None:
    for day, score, found, missed, wpm in [
        (0, 30, [], ["bias", "variance"], 170.0),
        (1, 60, ["bias"], ["variance"], 150.0),
        (2, 55, ["variance"], ["bias"], 140.0),
    ]:
        add_session(
            memory_store,
            T0 + timedelta(days=day),
            [
                {
                    "question_id": "q1",
                    "score": score,
                    "concepts": concepts(found, missed),
                    "delivery": {"words_per_minute": wpm, "fillers": 3 - day},
                }
            ],
        )
    # skipped answers and follow-ups are not attempts
    add_session(memory_store, T0 + timedelta(days=3), [{"question_id": "q1", "skipped": True}])
    views = history.attempts(memory_store, "example", "q1")
    assert [v.score for v in views] == [30, 60, 55]
    assert views[1].gained == ("bias",) and views[1].lost == ()
    assert views[2].gained == ("variance",) and views[2].lost == ("bias",)
    assert [v.wpm_change for v in views] == [None, -20.0, -10.0]
    assert [v.fillers_change for v in views] == [None, -1, -1]
    assert history.attempts(memory_store, "example", "nope") == []


def test_grades(memory_store: SessionStore) -> None:
    sid = add_session(memory_store, T0, [{"question_id": "q1", "score": 50}])
    (answer,) = memory_store.answers(sid)
    history.grade_answer(memory_store, answer["id"], 2)
    history.grade_answer(memory_store, answer["id"], 4.5, "better than the rubric says")
    assert history.latest_grades(memory_store, [answer["id"], 999]) == {answer["id"]: 4.5}
    assert [g["grade"] for g in history.grades(memory_store, answer["id"])] == [2, 4.5]
    assert history.grades(memory_store, answer["id"])[1]["note"] == "better than the rubric says"
    with pytest.raises(LookupError):
        history.grade_answer(memory_store, 999, 3)
    with pytest.raises(HistoryError, match="between 0 and 5"):
        history.grade_answer(memory_store, answer["id"], 6)
    assert history.latest_grades(memory_store, []) == {}


def test_progress_queries(memory_store: SessionStore, utc: None) -> None:
    for day, score, found, missed in [
        (0, 20, [], ["bias", "variance"]),
        (1, 40, ["bias"], ["variance"]),
        (2, 60, ["bias"], ["variance"]),
        (3, 80, ["bias", "variance"], []),
    ]:
        add_session(
            memory_store,
            T0 + timedelta(days=day),
            [
                {
                    "question_id": "q1",
                    "score": score,
                    "topic": "Evaluation",
                    "concepts": concepts(found, missed),
                },
                {"question_id": "q2", "score": None, "skipped": True},
            ],
        )
    scores = sorted(history.day_scores(memory_store), key=lambda d: d.day)
    assert [(d.day, d.total, d.count) for d in scores] == [
        (T0.date() + timedelta(days=n), float(20 * (n + 1)), 1) for n in range(4)
    ]
    # the last three attempts only: the first (both missed) is left out
    obs = history.concept_observations(memory_store)
    assert sorted((o.concept, o.matched) for o in obs) == [
        ("bias", True),
        ("bias", True),
        ("bias", True),
        ("variance", False),
        ("variance", False),
        ("variance", True),
    ]
    assert len(history.concept_observations(memory_store, recent=10)) == 8
    assert history.practice_days(memory_store, "example") == [
        T0.date() + timedelta(days=n) for n in range(4)
    ]
    assert history.practice_days(memory_store, "other") == []
    attempts = history.attempt_history(memory_store)
    assert [s for _w, s in attempts[("example", "q1")]] == [20, 40, 60, 80]
    assert ("example", "q2") not in attempts  # skipped: not an attempt
    now = T0 + timedelta(days=30)
    items = history.due_items(memory_store, {"example": ["q1", "q2"]}, now=now)
    assert [(i.question_id, i.state) for i in items] == [("q1", "due"), ("q2", "new")]
    report = history.progress_report(
        memory_store, {"example": ["q1", "q2"]}, now=T0 + timedelta(days=4)
    )
    assert report.answers == 8 and report.sessions == 4
    assert report.banks[0].points[-1].mean == 80.0
    assert report.topics[0].label == "example / Evaluation"
    assert report.weakest[0].concept == "variance"
    assert report.streak.current == 4 and report.streak.longest == 4
    assert report.to_dict()["due"][0]["question_id"] == "q2"
    other = history.progress_report(memory_store, {}, bank="other")
    assert other.answers == 0 and other.banks == () and other.due == ()


def test_banks_in_history_and_export(memory_store: SessionStore, filled: dict[str, int]) -> None:
    assert history.banks_in_history(memory_store) == ["example", "other"]
    sessions = history.sessions_for_export(memory_store, SessionFilter(bank="example"))
    assert [s["id"] for s in sessions] == [filled[k] for k in "abde"]  # oldest first
    assert [a["transcript"] for a in sessions[0]["answers"]] == [
        "gradient descent is slow",
        "attention weighs the tokens",
    ]


def test_migration_0004_adds_indexes_and_is_harmless_twice(memory_store: SessionStore) -> None:
    migrations.apply(memory_store.db)
    migrations.apply(memory_store.db)
    names = {
        r[0] for r in memory_store.db.execute("select name from sqlite_master where type='index'")
    }
    assert {"idx_answers_scored", "idx_sessions_bank_started_at", "idx_sessions_status"} <= names
    plan = " ".join(
        str(r)
        for r in memory_store.db.execute(
            "explain query plan select bank, question_id, created_at, score from answers"
            " indexed by idx_answers_scored where skipped = 0 and is_probe = 0"
            " and score is not null"
        )
    )
    assert "idx_answers_scored" in plan


def test_store_file_keeps_working_through_history_queries(tmp_path: Any) -> None:
    store = SessionStore.open(tmp_path / "db" / "interview.db")
    add_session(store, T0, [{"question_id": "q1", "score": 70, "transcript": "hello world"}])
    store.close()
    again = SessionStore.open(tmp_path / "db" / "interview.db")
    assert history.list_sessions(again).total == 1
    assert history.search_transcripts(again, "world")[0].score == 70
    assert oct(os.stat(tmp_path / "db" / "interview.db").st_mode & 0o777) == "0o600"
    again.close()
