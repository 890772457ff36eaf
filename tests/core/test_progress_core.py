"""core.progress: score series, weakest concepts, streaks, the due list and attempt deltas."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interview_sim.core.progress import (
    FAR_FUTURE,
    ConceptObservation,
    DayScores,
    ProgressReport,
    ScorePoint,
    bucket,
    compare_attempts,
    concept_matrix,
    due_list,
    due_map,
    safe_review,
    score_series,
    sparkline,
    streaks,
    weakest_concepts,
)
from interview_sim.core.schedule import MAX_INTERVAL_DAYS, review

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
D = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("days", "today", "current", "longest"),
    [
        ([], D, 0, 0),
        ([D], D, 1, 1),
        ([D - timedelta(days=1)], D, 1, 1),  # practised yesterday: the streak is still alive
        ([D - timedelta(days=2)], D, 0, 1),
        ([D - timedelta(days=n) for n in range(5)], D, 5, 5),
        ([D, D, D - timedelta(days=1)], D, 2, 2),  # several sessions a day count once
        (
            [D - timedelta(days=n) for n in (0, 1, 5, 6, 7, 8)],
            D,
            2,
            4,
        ),
        ([D - timedelta(days=n) for n in (3, 4, 5)], D, 0, 3),
    ],
)
def test_streaks(days: list[date], today: date, current: int, longest: int) -> None:
    streak = streaks(days, today)
    assert (streak.current, streak.longest) == (current, longest)
    assert streak.days_practised == len(set(days))
    assert streak.last_day == (max(days) if days else None)


def test_score_series_per_bank_and_topic_weights_by_answers() -> None:
    rows = [
        DayScores("b1", "Metrics", D, 100.0, 2),  # two answers, mean 50
        DayScores("b1", "Deep", D, 90.0, 1),
        DayScores("b1", "Metrics", D + timedelta(days=1), 80.0, 1),
        DayScores("b2", "X", D, 10.0, 1),
        DayScores("b2", "X", D, 0.0, 0),  # an empty group is ignored
    ]
    banks, topics = score_series(rows)
    assert [s.label for s in banks] == ["b1", "b2"]
    b1 = banks[0]
    assert [(p.day, p.mean, p.count) for p in b1.points] == [
        (D, round(190 / 3, 1), 3),
        (D + timedelta(days=1), 80.0, 1),
    ]
    assert b1.count == 4 and b1.mean == round(270 / 4, 1)
    assert b1.change is None  # no earlier points than the recent ones
    assert [s.label for s in topics] == ["b1 / Deep", "b1 / Metrics", "b2 / X"]
    assert topics[1].mean == round(180 / 3, 1)


def test_series_change_compares_recent_days_with_earlier_ones() -> None:
    rows = [DayScores("b", "t", D + timedelta(days=n), 40.0, 1) for n in range(5)]
    rows += [DayScores("b", "t", D + timedelta(days=n), 80.0, 1) for n in range(5, 10)]
    (bank,), _ = score_series(rows)
    assert bank.change == 40.0
    assert bank.mean == 60.0


def test_bucket_merges_days_into_weeks_then_months() -> None:
    days = [ScorePoint(D + timedelta(days=n), 50.0 + (n % 2) * 10, 1) for n in range(100)]
    assert len(bucket(days, max_points=200)) == 100
    weeks = bucket(days, max_points=20)
    assert len(weeks) <= 20
    assert all(p.day.weekday() == 0 for p in weeks)
    assert sum(p.count for p in weeks) == 100
    months = bucket(days, max_points=5)
    assert [p.day.day for p in months] == [1] * len(months)
    assert sum(p.count for p in months) == 100


def test_weakest_concepts_group_names_across_questions() -> None:
    obs = [
        ConceptObservation("b", "q1", "Bias", False),
        ConceptObservation("b", "q2", " bias ", False),
        ConceptObservation("b", "q2", "bias", True),
        ConceptObservation("b", "q1", "variance", True),
        ConceptObservation("b", "q3", "penalty", False),
        ConceptObservation("b", "q3", "", False),  # nameless: ignored
    ]
    weak = weakest_concepts(obs)
    assert [w.concept for w in weak] == ["penalty", "Bias"]
    assert (weak[1].seen, weak[1].missed) == (3, 2)
    assert weak[1].questions == ("b/q1", "b/q2")
    assert math.isclose(weak[1].miss_rate, 2 / 3)
    assert weakest_concepts(obs, limit=1)[0].concept == "penalty"
    assert weakest_concepts(obs, min_seen=2)[0].concept == "Bias"


def test_safe_review_matches_sm2_on_clean_data() -> None:
    attempts = [(NOW + timedelta(days=n), s) for n, s in enumerate([80, 90, 40, 100])]
    assert safe_review(attempts) == review(attempts)


def test_safe_review_cleans_odd_data() -> None:
    attempts = [
        (datetime(2025, 1, 2), 250),  # naive and above 100
        (datetime(2025, 1, 1, tzinfo=UTC), -5),  # out of order and below 0
        (datetime(2025, 1, 3, tzinfo=UTC), None),
        (datetime(2025, 1, 4, tzinfo=UTC), float("nan")),
    ]
    result = safe_review(attempts)  # type: ignore[arg-type]
    expected = review(
        [(datetime(2025, 1, 1, tzinfo=UTC), 0), (datetime(2025, 1, 2, tzinfo=UTC), 100)]
    )
    assert result == expected


def test_safe_review_caps_the_interval_and_never_overflows() -> None:
    many = [(NOW + timedelta(days=n), 100) for n in range(30)]
    assert review(many).interval_days == MAX_INTERVAL_DAYS
    capped = safe_review(many, max_interval_days=30)
    assert capped.interval_days == 30
    assert capped.due == many[-1][0] + timedelta(days=30)
    near_end = [(datetime(9999, 12, 31, 12, tzinfo=UTC), 100)]
    with pytest.raises(OverflowError):
        review(near_end)
    assert safe_review(near_end).due == FAR_FUTURE


@given(
    st.lists(
        st.tuples(
            st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 31)),
            st.one_of(st.none(), st.integers(-1000, 1000), st.floats(allow_nan=True)),
        ),
        max_size=30,
    ),
    st.floats(min_value=-10, max_value=10_000, allow_nan=False),
)
def test_safe_review_never_raises(attempts: list[tuple[datetime, object]], cap: float) -> None:
    result = safe_review(attempts, cap)  # type: ignore[arg-type]
    assert 0 <= result.interval_days <= MAX_INTERVAL_DAYS
    assert result.ease >= 1.3


def test_due_list_orders_overdue_then_new_then_later() -> None:
    history = {
        ("b", "late"): [(NOW - timedelta(days=10), 30)],  # due 9 days ago
        ("b", "slightly"): [(NOW - timedelta(days=2), 20)],  # due 1 day ago
        ("b", "soon"): [(NOW, 90)],  # due tomorrow
        ("b", "later"): [(NOW - timedelta(days=1), 90), (NOW, 95)],  # due in 6 days
        ("b", "gone"): [(NOW - timedelta(days=50), 10)],  # no longer in the bank
    }
    questions = [("b", q) for q in ("soon", "later", "late", "slightly", "new")]
    items = due_list(history, NOW, questions=questions)
    assert [(i.question_id, i.state) for i in items] == [
        ("late", "due"),
        ("slightly", "due"),
        ("new", "new"),
        ("soon", "later"),
        ("later", "later"),
    ]
    late = items[0]
    assert late.overdue_days == 9.0 and late.attempts == 1 and late.last_score == 30
    assert items[2].due is None and items[2].attempts == 0
    assert items[4].interval_days == 6.0
    # without a question list every question with history is listed, deleted ones included
    assert {i.question_id for i in due_list(history, NOW)} == {
        "late",
        "slightly",
        "soon",
        "later",
        "gone",
    }
    assert due_map(items, "b")["late"] == NOW - timedelta(days=9)
    assert due_map(items, "other") == {}


def test_due_list_takes_a_naive_now_as_utc() -> None:
    history = {("b", "q"): [(NOW - timedelta(days=3), 10)]}
    aware = due_list(history, NOW)
    naive = due_list(history, NOW.replace(tzinfo=None))
    assert aware == naive
    assert aware[0].to_dict()["due"] == (NOW - timedelta(days=2)).isoformat()


def _row(answer_id: int, score: int, found: list[str], missed: list[str], **delivery: object):  # type: ignore[no-untyped-def]
    return {
        "id": answer_id,
        "session_id": answer_id * 10,
        "created_at": f"2025-01-0{answer_id}T10:00:00+00:00",
        "mode": "voice",
        "score": score,
        "band": "good",
        "duration_s": 30.0,
        "concepts": [{"name": n, "matched": True} for n in found]
        + [{"name": n, "matched": False} for n in missed],
        "delivery": delivery,
    }


def test_compare_attempts_concepts_gained_lost_and_delivery_deltas() -> None:
    rows = [
        _row(1, 40, ["bias"], ["variance", "trade-off"], words_per_minute=150.0, fillers=6),
        _row(2, 70, ["bias", "variance"], ["trade-off"], words_per_minute=132.5, fillers=2),
        _row(3, 60, ["variance", "trade-off"], ["bias"], words_per_minute=None, fillers=2),
    ]
    first, second, third = compare_attempts(rows)
    assert first.score_change is None and first.gained == () and first.lost == ()
    assert second.score_change == 30
    assert second.gained == ("variance",) and second.lost == ()
    assert second.wpm_change == -17.5 and second.fillers_change == -4
    assert third.gained == ("trade-off",) and third.lost == ("bias",)
    assert third.score_change == -10
    assert third.wpm_change is None and third.fillers_change == 0
    assert third.to_dict()["answer_id"] == 3 and third.session_id == 30


def test_compare_attempts_survives_missing_and_odd_fields() -> None:
    (view,) = compare_attempts([{"id": 5, "concepts": ["not a dict", None], "delivery": "x"}])
    assert view.found == () and view.missed == () and view.words_per_minute is None
    assert view.score is None and view.session_id == 0


def test_concept_matrix_marks_concepts_not_in_an_older_rubric() -> None:
    views = compare_attempts([_row(1, 40, ["bias"], []), _row(2, 70, ["bias"], ["new concept"])])
    assert concept_matrix(views) == [("bias", (True, True)), ("new concept", (None, False))]


def test_sparkline_scales_scores() -> None:
    assert sparkline([0, 50, 100]) == "▁▅█"
    assert sparkline([-20, 500]) == "▁█"
    assert sparkline([]) == ""


def test_report_to_dict_is_json_ready() -> None:
    banks, topics = score_series([DayScores("b", "t", D, 50.0, 1)])
    items = due_list({("b", "q"): [(NOW - timedelta(days=5), 10)]}, NOW, questions=[("b", "q")])
    report = ProgressReport(
        tuple(banks),
        tuple(topics),
        tuple(weakest_concepts([ConceptObservation("b", "q", "c", False)])),
        streaks([D], D),
        tuple(items),
        answers=1,
        sessions=1,
    )
    data = report.to_dict()
    assert data["banks"][0]["points"] == [{"day": "2025-06-01", "mean": 50.0, "answers": 1}]
    assert data["weakest_concepts"][0] == {
        "concept": "c",
        "seen": 1,
        "missed": 1,
        "miss_rate": 1.0,
        "questions": ["b/q"],
    }
    assert data["streak"]["last_day"] == "2025-06-01"
    assert data["due_now"] == 1 and data["due"][0]["state"] == "due"
