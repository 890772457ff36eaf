"""Spaced repetition from past scores (SM-2), and the question orders built on it."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_INTERVAL_DAYS = 365.0
ORDERS = ("random", "in-order", "weakest", "due")


@dataclass(frozen=True, slots=True)
class Review:
    """The schedule of one question after its attempts."""

    repetitions: int
    ease: float
    interval_days: float
    due: datetime | None  # None: never attempted, due now


def review(attempts: Sequence[tuple[datetime, int]]) -> Review:
    """SM-2 over (time, score 0-100) attempts, oldest first. Quality = score / 20."""
    reps, ease, interval = 0, 2.5, 0.0
    last: datetime | None = None
    for when, score in attempts:
        quality = max(0.0, min(5.0, score / 20.0))
        if quality < 3:
            reps, interval = 0, 1.0
        else:
            reps += 1
            interval = 1.0 if reps == 1 else 6.0 if reps == 2 else interval * ease
        ease = max(1.3, ease + 0.1 - (5 - quality) * (0.08 + (5 - quality) * 0.02))
        interval = min(interval, MAX_INTERVAL_DAYS)
        last = when
    due = last + timedelta(days=interval) if last is not None else None
    return Review(reps, round(ease, 3), interval, due)


def order_questions(
    ids: Sequence[str],
    kind: str,
    *,
    count: int,
    seed: int | None = None,
    last_scores: Mapping[str, float] | None = None,
    due: Mapping[str, datetime | None] | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Pick `count` question ids in the chosen order.

    weakest: lowest last score first, then never-attempted ones; due: overdue first (most
    overdue first), then never attempted, then the rest by due date.
    """
    if kind not in ORDERS:
        raise ValueError(f"unknown order {kind!r}; choose one of {', '.join(ORDERS)}")
    rng = random.Random(seed)
    pool = list(ids)
    if kind == "random":
        rng.shuffle(pool)
    elif kind == "weakest":
        scores = last_scores or {}
        rng.shuffle(pool)
        pool.sort(key=lambda q: (q not in scores, scores.get(q, 0.0)))
    elif kind == "due":
        dues = due or {}
        moment = now or datetime.now().astimezone()
        rng.shuffle(pool)

        def key(q: str) -> tuple[int, float]:
            when = dues.get(q)
            if when is None:
                return (1, 0.0)
            delta = (when - moment).total_seconds()
            return (0 if delta <= 0 else 2, delta)

        pool.sort(key=key)
    return pool[: max(0, count)]
