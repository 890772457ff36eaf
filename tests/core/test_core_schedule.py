"""Spaced repetition (SM-2 over scores) and the four question orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from interview_sim.core.schedule import MAX_INTERVAL_DAYS, ORDERS, order_questions, review

T0 = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


def attempts(*scores: int) -> list[tuple[datetime, int]]:
    return [(T0 + timedelta(days=i), s) for i, s in enumerate(scores)]


def test_never_attempted_is_due_now() -> None:
    result = review([])
    assert result.due is None
    assert result.repetitions == 0
    assert result.interval_days == 0.0


def test_intervals_grow_with_good_scores() -> None:
    intervals = [review(attempts(*[100] * n)).interval_days for n in range(1, 7)]
    assert intervals[:2] == [1.0, 6.0]
    assert all(b > a for a, b in pairwise(intervals))
    assert intervals[2] == pytest.approx(6.0 * 2.7)  # the ease grew to 2.7 after two passes


def test_due_date_is_the_last_attempt_plus_the_interval() -> None:
    result = review(attempts(100, 100))
    assert result.due == T0 + timedelta(days=1) + timedelta(days=6)


def test_a_bad_score_resets_the_interval() -> None:
    good = review(attempts(100, 100, 100, 100))
    assert good.interval_days > 30
    reset = review(attempts(100, 100, 100, 100, 20))
    assert reset.repetitions == 0
    assert reset.interval_days == 1.0
    assert reset.ease < good.ease
    assert reset.due == T0 + timedelta(days=4) + timedelta(days=1)
    # and it grows again from the start
    again = review(attempts(100, 100, 100, 100, 20, 100, 100))
    assert again.repetitions == 2
    assert again.interval_days == 6.0


@pytest.mark.parametrize("score", [0, 20, 59])
def test_failing_scores_keep_the_interval_at_one_day(score: int) -> None:
    result = review(attempts(score, score, score))
    assert result.interval_days == 1.0
    assert result.repetitions == 0


def test_ease_never_drops_below_1_3() -> None:
    assert review(attempts(*[0] * 20)).ease == 1.3


def test_interval_is_capped_at_365_days_after_many_passes() -> None:
    result = review(attempts(*[100] * 40))
    assert result.interval_days == MAX_INTERVAL_DAYS == 365.0
    assert result.repetitions == 40
    assert result.due == T0 + timedelta(days=39 + 365)


def test_mediocre_passes_grow_more_slowly_than_perfect_ones() -> None:
    assert (
        review(attempts(60, 60, 60, 60)).interval_days
        < review(attempts(100, 100, 100, 100)).interval_days
    )


IDS = ["q1", "q2", "q3", "q4", "q5"]


def test_in_order_keeps_the_bank_order_and_the_count() -> None:
    assert order_questions(IDS, "in-order", count=3) == ["q1", "q2", "q3"]
    assert order_questions(IDS, "in-order", count=10) == IDS
    assert order_questions(IDS, "in-order", count=0) == []


def test_random_is_repeatable_with_a_seed() -> None:
    first = order_questions(IDS, "random", count=5, seed=42)
    assert order_questions(IDS, "random", count=5, seed=42) == first
    assert sorted(first) == IDS
    orders = {tuple(order_questions(IDS, "random", count=5, seed=s)) for s in range(20)}
    assert len(orders) > 5  # different seeds give different orders
    assert order_questions(IDS, "random", count=2, seed=42) == first[:2]


def test_weakest_first_then_never_attempted() -> None:
    scores = {"q1": 90.0, "q2": 10.0, "q3": 50.0}
    for seed in range(5):
        picked = order_questions(IDS, "weakest", count=5, seed=seed, last_scores=scores)
        assert picked[:3] == ["q2", "q3", "q1"]
        assert sorted(picked[3:]) == ["q4", "q5"]


def test_due_overdue_first_then_never_attempted_then_later() -> None:
    now = T0
    due = {
        "q1": now + timedelta(days=3),
        "q2": now - timedelta(days=1),
        "q3": now - timedelta(days=5),
        "q4": None,
        "q5": now + timedelta(days=1),
    }
    picked = order_questions(IDS, "due", count=5, seed=1, due=due, now=now)
    assert picked == ["q3", "q2", "q4", "q5", "q1"]
    assert order_questions(IDS, "due", count=2, seed=1, due=due, now=now) == ["q3", "q2"]


def test_unknown_order_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="random, in-order, weakest, due"):
        order_questions(IDS, "hardest", count=3)
    assert set(ORDERS) == {"random", "in-order", "weakest", "due"}
