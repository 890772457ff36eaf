"""How well rubric scores agree with human grades, and which concepts pull them apart.

Given (score 0-100, grade 0-5) pairs: Pearson and Spearman correlation, the least-squares line
grade = slope * score + intercept with its RMSE, overall and per question; and per concept,
whether answers that showed it were graded lower than their score predicts (the concept
over-rewards: its phrases are too easy) or answers that missed it were graded higher (it
under-rewards: graders saw the idea in words the phrases lack).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

MIN_PAIRS = 3  # fewer pairs than this give no correlation
MIN_CONCEPT_ANSWERS = 2  # answers on each side before a concept is judged
RESIDUAL_THRESHOLD = 0.5  # grade points away from the fitted line that count as a pull


@dataclass(frozen=True, slots=True)
class GradedScore:
    """One answer's rubric score beside a person's grade."""

    bank: str
    question_id: str
    score: float  # 0-100
    grade: float  # 0-5
    found: tuple[str, ...] = ()  # concepts found
    missed: tuple[str, ...] = ()  # concepts missed


@dataclass(frozen=True, slots=True)
class Fit:
    """grade ≈ slope * score + intercept, and how far the grades are from it."""

    slope: float
    intercept: float
    rmse: float

    def predict(self, score: float) -> float:
        return self.slope * score + self.intercept


@dataclass(frozen=True, slots=True)
class Agreement:
    """Correlation and fitted line over a set of pairs (None where too few or no spread)."""

    n: int
    pearson: float | None
    spearman: float | None
    fit: Fit | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "pearson": _round(self.pearson),
            "spearman": _round(self.spearman),
            "slope": _round(self.fit.slope, 4) if self.fit else None,
            "intercept": _round(self.fit.intercept) if self.fit else None,
            "rmse": _round(self.fit.rmse) if self.fit else None,
        }


@dataclass(frozen=True, slots=True)
class ConceptPull:
    """A concept whose verdicts disagree with the grades."""

    bank: str
    question_id: str
    concept: str
    verdict: str  # "over-rewards" | "under-rewards"
    found: int
    missed: int
    residual_found: float | None  # mean grade minus predicted grade, answers that showed it
    residual_missed: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "bank": self.bank,
            "question": self.question_id,
            "concept": self.concept,
            "verdict": self.verdict,
            "found": self.found,
            "missed": self.missed,
            "residual_found": _round(self.residual_found),
            "residual_missed": _round(self.residual_missed),
        }


@dataclass(frozen=True, slots=True)
class Calibration:
    """The whole comparison."""

    overall: Agreement
    questions: dict[tuple[str, str], Agreement] = field(default_factory=dict)
    pulls: tuple[ConceptPull, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.as_dict(),
            "questions": [
                {"bank": b, "question": q, **a.as_dict()} for (b, q), a in self.questions.items()
            ],
            "concepts": [p.as_dict() for p in self.pulls],
        }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None with fewer than MIN_PAIRS pairs or when either side is constant."""
    if len(xs) != len(ys):
        raise ValueError("pearson needs two sequences of the same length")
    if len(xs) < MIN_PAIRS:
        return None
    mx, my = fmean(xs), fmean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            result[order[k]] = rank
        i = j + 1
    return result


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rho: Pearson's r of the ranks (average ranks for ties)."""
    if len(xs) != len(ys):
        raise ValueError("spearman needs two sequences of the same length")
    return pearson(ranks(xs), ranks(ys))


def fit_line(xs: Sequence[float], ys: Sequence[float]) -> Fit | None:
    """Least-squares y = slope * x + intercept, with the RMSE of its residuals."""
    if len(xs) != len(ys) or len(xs) < 2:
        return None
    mx, my = fmean(xs), fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = my - slope * mx
    rmse = math.sqrt(fmean((y - (slope * x + intercept)) ** 2 for x, y in zip(xs, ys, strict=True)))
    return Fit(slope, intercept, rmse)


def agreement(pairs: Sequence[GradedScore]) -> Agreement:
    """Correlation and fitted line of a set of graded scores."""
    xs = [p.score for p in pairs]
    ys = [p.grade for p in pairs]
    return Agreement(len(pairs), pearson(xs, ys), spearman(xs, ys), fit_line(xs, ys))


def calibrate(pairs: Sequence[GradedScore]) -> Calibration:
    """Agreement overall and per question, and the concepts that pull scores from grades."""
    overall = agreement(pairs)
    by_question: dict[tuple[str, str], list[GradedScore]] = defaultdict(list)
    for pair in pairs:
        by_question[(pair.bank, pair.question_id)].append(pair)
    questions = {key: agreement(items) for key, items in sorted(by_question.items())}
    pulls: list[ConceptPull] = []
    if overall.fit is not None:
        for (bank, question), items in sorted(by_question.items()):
            pulls += _pulls(bank, question, items, overall.fit)
    pulls.sort(key=lambda p: -max(abs(p.residual_found or 0), abs(p.residual_missed or 0)))
    return Calibration(overall, questions, tuple(pulls))


def _pulls(bank: str, question: str, items: list[GradedScore], fit: Fit) -> list[ConceptPull]:
    found: dict[str, list[float]] = defaultdict(list)
    missed: dict[str, list[float]] = defaultdict(list)
    for item in items:
        residual = item.grade - fit.predict(item.score)
        for name in item.found:
            found[name].append(residual)
        for name in item.missed:
            missed[name].append(residual)
    out: list[ConceptPull] = []
    for name in sorted(set(found) | set(missed)):
        shown, lacking = found.get(name, []), missed.get(name, [])
        r_found = fmean(shown) if len(shown) >= MIN_CONCEPT_ANSWERS else None
        r_missed = fmean(lacking) if len(lacking) >= MIN_CONCEPT_ANSWERS else None
        over = r_found is not None and r_found <= -RESIDUAL_THRESHOLD
        under = r_missed is not None and r_missed >= RESIDUAL_THRESHOLD
        if not (over or under):
            continue
        if over and under:
            over = abs(r_found or 0) >= abs(r_missed or 0)
        verdict = "over-rewards" if over else "under-rewards"
        out.append(
            ConceptPull(bank, question, name, verdict, len(shown), len(lacking), r_found, r_missed)
        )
    return out
