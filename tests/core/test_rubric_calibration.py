"""Calibration maths on known data: correlations, ranks, the fitted line, concept pulls."""

from __future__ import annotations

import math

import pytest

from interview_sim.core.calibration import (
    GradedScore,
    calibrate,
    fit_line,
    pearson,
    ranks,
    spearman,
)


def test_pearson_on_known_values() -> None:
    assert pearson([1, 2, 3, 4], [2, 4, 6, 8]) == pytest.approx(1.0)
    assert pearson([1, 2, 3, 4], [8, 6, 4, 2]) == pytest.approx(-1.0)
    # worked by hand: x = 1..5, y = 2, 4, 5, 4, 5 -> r = 6 / sqrt(10 * 6)
    assert pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]) == pytest.approx(6 / math.sqrt(60))


def test_no_correlation_without_spread_or_pairs() -> None:
    assert pearson([1, 1, 1], [1, 2, 3]) is None
    assert pearson([1, 2], [1, 2]) is None
    with pytest.raises(ValueError):
        pearson([1, 2, 3], [1, 2])


def test_ranks_share_ties() -> None:
    assert ranks([10, 20, 20, 5]) == [2.0, 3.5, 3.5, 1.0]


def test_spearman_sees_monotone_not_linear() -> None:
    xs = [1, 2, 3, 4, 5]
    ys = [1, 4, 9, 16, 100]
    assert spearman(xs, ys) == pytest.approx(1.0)
    assert pearson(xs, ys) is not None and pearson(xs, ys) < 0.95  # type: ignore[operator]


def test_fitted_line_and_rmse() -> None:
    fit = fit_line([0, 50, 100], [0, 2.5, 5])
    assert fit is not None
    assert (fit.slope, fit.intercept, fit.rmse) == (pytest.approx(0.05), pytest.approx(0), 0)
    noisy = fit_line([0, 0, 100, 100], [0, 2, 3, 5])
    assert noisy is not None
    assert noisy.slope == pytest.approx(0.03) and noisy.intercept == pytest.approx(1.0)
    assert noisy.rmse == pytest.approx(1.0)
    assert fit_line([5, 5], [1, 2]) is None


def pairs() -> list[GradedScore]:
    items = []
    # question a: scores follow the grades, concept "good" found in the high ones
    for score, grade in [(0, 0), (20, 1), (40, 2), (60, 3), (80, 4), (100, 5)]:
        found = ("good",) if score >= 60 else ()
        items.append(GradedScore("b", "a", score, grade, found, ("good",) if not found else ()))
    # question b: "easy" is found everywhere and earns 80 points, but graders give 1
    for _ in range(3):
        items.append(GradedScore("b", "b", 80, 1, ("easy",), ()))
    # ... and answers that miss "hard" still get top grades
    for _ in range(3):
        items.append(GradedScore("b", "b", 20, 5, (), ("hard",)))
    return items


def test_calibrate_overall_per_question_and_pulls() -> None:
    result = calibrate(pairs())
    assert result.overall.n == 12
    a = result.questions[("b", "a")]
    assert a.pearson == pytest.approx(1.0) and a.spearman == pytest.approx(1.0)
    assert a.fit is not None and a.fit.rmse == pytest.approx(0.0, abs=1e-9)
    b = result.questions[("b", "b")]
    assert b.pearson == pytest.approx(-1.0)
    verdicts = {(p.question_id, p.concept): p.verdict for p in result.pulls}
    assert verdicts[("b", "easy")] == "over-rewards"
    assert verdicts[("b", "hard")] == "under-rewards"
    assert ("a", "good") not in verdicts
    data = result.as_dict()
    assert data["overall"]["n"] == 12 and len(data["questions"]) == 2


def test_no_pairs_no_numbers() -> None:
    result = calibrate([])
    assert (result.overall.n, result.overall.pearson, result.overall.fit) == (0, None, None)
    assert result.pulls == ()
