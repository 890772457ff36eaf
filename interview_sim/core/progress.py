"""Progress from past answers: score over time, weakest concepts, streaks, questions due.

Pure functions over plain values: the store hands over rows, this module turns them into the
figures the Progress screen and `interview-sim progress|due|attempts` show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

from interview_sim.core.schedule import MAX_INTERVAL_DAYS, Review, review

RECENT_POINTS = 5  # the "recent" part of a series: its last few days of practice


# score over time ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayScores:
    """Scored answers of one bank and topic on one (local) day: the store's grouped rows."""

    bank: str
    topic: str
    day: date
    total: float  # sum of the scores
    count: int


@dataclass(frozen=True, slots=True)
class ScorePoint:
    """The mean score of one period (a day, a week or a month)."""

    day: date  # first day of the period
    mean: float
    count: int


@dataclass(frozen=True, slots=True)
class Series:
    """Score over time of one bank, or of one topic of a bank (`topic` set)."""

    bank: str
    topic: str | None
    points: tuple[ScorePoint, ...]
    mean: float
    count: int
    change: float | None  # recent mean minus earlier mean; None without earlier points

    @property
    def label(self) -> str:
        return self.bank if self.topic is None else f"{self.bank} / {self.topic}"


def _mean(points: Sequence[ScorePoint]) -> float:
    count = sum(p.count for p in points)
    return sum(p.mean * p.count for p in points) / count if count else 0.0


def bucket(points: Sequence[ScorePoint], max_points: int = 60) -> tuple[ScorePoint, ...]:
    """Merge day points into weeks, then months, until at most `max_points` remain."""
    ordered = sorted(points, key=lambda p: p.day)
    if len(ordered) <= max_points:
        return tuple(ordered)
    for start_of in (_week_start, _month_start):
        groups: dict[date, list[ScorePoint]] = defaultdict(list)
        for p in ordered:
            groups[start_of(p.day)].append(p)
        merged = [
            ScorePoint(day, round(_mean(group), 1), sum(p.count for p in group))
            for day, group in sorted(groups.items())
        ]
        if len(merged) <= max_points:
            return tuple(merged)
    return tuple(merged[-max_points:])


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _series(bank: str, topic: str | None, days: Mapping[date, list[float]]) -> Series:
    points = [
        ScorePoint(day, round(total / count, 1), int(count))
        for day, (total, count) in sorted(days.items())
    ]
    recent, earlier = points[-RECENT_POINTS:], points[:-RECENT_POINTS]
    change = round(_mean(recent) - _mean(earlier), 1) if earlier else None
    return Series(
        bank,
        topic,
        bucket(points),
        round(_mean(points), 1),
        sum(p.count for p in points),
        change,
    )


def score_series(rows: Iterable[DayScores]) -> tuple[list[Series], list[Series]]:
    """Score over time per bank, and per topic of each bank (each sorted by label)."""
    by_bank: dict[str, dict[date, list[float]]] = defaultdict(
        lambda: defaultdict(lambda: [0.0, 0.0])
    )
    by_topic: dict[tuple[str, str], dict[date, list[float]]] = defaultdict(
        lambda: defaultdict(lambda: [0.0, 0.0])
    )
    for row in rows:
        if row.count <= 0:
            continue
        for cell in (by_bank[row.bank][row.day], by_topic[(row.bank, row.topic)][row.day]):
            cell[0] += row.total
            cell[1] += row.count
    banks = [_series(b, None, days) for b, days in sorted(by_bank.items())]
    topics = [_series(b, t, days) for (b, t), days in sorted(by_topic.items())]
    return banks, topics


SPARK_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], low: float = 0.0, high: float = 100.0) -> str:
    """Scores as a one-line bar chart (0-100 by default)."""
    span = high - low or 1.0
    out = []
    for value in values:
        share = max(0.0, min(1.0, (value - low) / span))
        out.append(SPARK_BARS[min(len(SPARK_BARS) - 1, int(share * len(SPARK_BARS)))])
    return "".join(out)


# weakest concepts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConceptObservation:
    """One rubric concept in one answer: found or missed."""

    bank: str
    question_id: str
    concept: str
    matched: bool


@dataclass(frozen=True, slots=True)
class WeakConcept:
    """A concept often missed, across every question whose rubric has it."""

    concept: str
    seen: int
    missed: int
    questions: tuple[str, ...]  # "bank/question" where it was missed

    @property
    def miss_rate(self) -> float:
        return self.missed / self.seen if self.seen else 0.0


def _concept_key(name: str) -> str:
    return " ".join(name.casefold().split())


def weakest_concepts(
    observations: Iterable[ConceptObservation], *, limit: int = 10, min_seen: int = 1
) -> list[WeakConcept]:
    """Concepts by how often they are missed (rate, then count); never-missed ones left out.

    Concepts are grouped by name (case and spacing ignored), so one shared by several questions
    counts once with all its answers.
    """
    seen: dict[str, int] = defaultdict(int)
    missed: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    where: dict[str, dict[str, None]] = defaultdict(dict)
    for obs in observations:
        key = _concept_key(obs.concept)
        if not key:
            continue
        names.setdefault(key, obs.concept.strip())
        seen[key] += 1
        if not obs.matched:
            missed[key] += 1
            where[key][f"{obs.bank}/{obs.question_id}"] = None
    weak = [
        WeakConcept(names[k], seen[k], missed[k], tuple(where[k]))
        for k in seen
        if missed[k] and seen[k] >= min_seen
    ]
    weak.sort(key=lambda w: (-w.miss_rate, -w.missed, w.concept.casefold()))
    return weak[: max(0, limit)]


# streaks ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Streak:
    """Days in a row with practice."""

    current: int  # ends today, or yesterday when today has no practice yet
    longest: int
    days_practised: int
    last_day: date | None


def streaks(days: Iterable[date], today: date) -> Streak:
    """The current and longest runs of consecutive practice days."""
    unique = sorted(set(days))
    if not unique:
        return Streak(0, 0, 0, None)
    longest = run = 1
    for before, after in pairwise(unique):
        run = run + 1 if (after - before).days == 1 else 1
        longest = max(longest, run)
    current = 0
    if (today - unique[-1]).days <= 1:
        current = 1
        for i in range(len(unique) - 1, 0, -1):
            if (unique[i] - unique[i - 1]).days != 1:
                break
            current += 1
    return Streak(current, longest, len(unique), unique[-1])


# spaced repetition --------------------------------------------------------------------------

FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def _clamp(score: float | int) -> int:
    return int(max(0.0, min(100.0, float(score))))


def _first(pair: tuple[datetime, int]) -> datetime:
    return pair[0]


def safe_review(
    attempts: Iterable[tuple[datetime, float | int | None]],
    max_interval_days: float = MAX_INTERVAL_DAYS,
) -> Review:
    """SM-2 (schedule.review) that never fails on odd data.

    Scores are clamped to 0-100 (None and NaN dropped), naive times are taken as UTC, the
    attempts are put in time order, the interval is capped at `max_interval_days`, and a due
    date past the calendar's end becomes FAR_FUTURE instead of an OverflowError.
    """
    cleaned = [
        (
            when if when.tzinfo is not None else when.replace(tzinfo=UTC),
            score if type(score) is int and 0 <= score <= 100 else _clamp(score),
        )
        for when, score in attempts
        if score is not None and score == score  # NaN is not equal to itself
    ]
    cleaned.sort(key=_first)  # already in order from the store: a linear pass
    cap = max(0.0, min(float(max_interval_days), MAX_INTERVAL_DAYS))
    try:
        result = review(cleaned)
    except OverflowError:
        result = Review(0, 2.5, cap, FAR_FUTURE)
    if result.interval_days <= cap or not cleaned:
        return result
    last = cleaned[-1][0]
    try:
        due: datetime | None = last + timedelta(days=cap)
    except OverflowError:
        due = FAR_FUTURE
    return Review(result.repetitions, result.ease, cap, due)


@dataclass(frozen=True, slots=True)
class DueItem:
    """One question's place in the review schedule."""

    bank: str
    question_id: str
    state: str  # "due" (now or overdue), "new" (never attempted) or "later"
    due: datetime | None
    overdue_days: float | None  # > 0 when overdue, < 0 when due later
    interval_days: float
    attempts: int
    last_score: int | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["due"] = self.due.isoformat() if self.due else None
        return data


STATE_ORDER = {"due": 0, "new": 1, "later": 2}


def due_list(
    history: Mapping[tuple[str, str], Sequence[tuple[datetime, int | None]]],
    now: datetime,
    *,
    questions: Iterable[tuple[str, str]] | None = None,
    max_interval_days: float = MAX_INTERVAL_DAYS,
) -> list[DueItem]:
    """The schedule of every question: overdue first (most overdue first), then the
    never-attempted ones, then the rest by due date.

    `history` maps (bank, question id) to its (time, score) attempts. With `questions`, only
    those questions are listed (the ones still in the banks), never-attempted ones included.
    """
    moment = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    keys = list(dict.fromkeys(questions)) if questions is not None else sorted(history)
    items: list[DueItem] = []
    for bank, qid in keys:
        attempts = history.get((bank, qid), ())
        scored = [a for a in attempts if a[1] is not None]
        if not scored:
            items.append(DueItem(bank, qid, "new", None, None, 0.0, 0, None))
            continue
        sched = safe_review(scored, max_interval_days)
        last_score = max(scored, key=lambda a: a[0])[1]
        overdue = None
        if sched.due is not None:
            try:
                overdue = round((moment - sched.due).total_seconds() / 86400.0, 2)
            except OverflowError:  # pragma: no cover - aware datetimes do not overflow here
                overdue = None
        state = "due" if overdue is not None and overdue >= 0 else "later"
        items.append(
            DueItem(
                bank,
                qid,
                state,
                sched.due,
                overdue,
                sched.interval_days,
                len(scored),
                last_score,
            )
        )

    def key(item: DueItem) -> tuple[int, float, str, str]:
        # most overdue first among the due ones; soonest first among the later ones
        return (STATE_ORDER[item.state], -(item.overdue_days or 0.0), item.bank, item.question_id)

    items.sort(key=key)
    return items


def due_map(items: Iterable[DueItem], bank: str) -> dict[str, datetime | None]:
    """Question id -> due date of one bank, the shape `schedule.order_questions` takes."""
    return {i.question_id: i.due for i in items if i.bank == bank}


# attempts at one question -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttemptView:
    """One attempt at a question, with what changed since the attempt before it."""

    answer_id: int
    session_id: int
    when: str
    mode: str
    score: int | None
    band: str
    found: tuple[str, ...]
    missed: tuple[str, ...]
    gained: tuple[str, ...]  # found now, missed last time
    lost: tuple[str, ...]  # missed now, found last time
    score_change: int | None
    words_per_minute: float | None
    wpm_change: float | None
    fillers: int | None
    fillers_per_minute: float | None
    fillers_change: int | None
    duration_s: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _delta(now: float | int | None, before: float | int | None) -> Any:
    if now is None or before is None:
        return None
    diff = now - before
    return round(diff, 1) if isinstance(diff, float) else diff


def compare_attempts(rows: Sequence[Mapping[str, Any]]) -> list[AttemptView]:
    """Attempts (stored answer rows, oldest first) with score, concept and delivery changes."""
    views: list[AttemptView] = []
    previous: AttemptView | None = None
    for row in rows:
        concepts = [c for c in row.get("concepts") or [] if isinstance(c, Mapping)]
        found = tuple(str(c.get("name", "")) for c in concepts if c.get("matched"))
        missed = tuple(str(c.get("name", "")) for c in concepts if not c.get("matched"))
        delivery = row.get("delivery") if isinstance(row.get("delivery"), Mapping) else {}
        assert isinstance(delivery, Mapping)
        wpm = delivery.get("words_per_minute")
        fillers = delivery.get("fillers")
        score = row.get("score")
        view = AttemptView(
            answer_id=int(row.get("id") or 0),
            session_id=int(row.get("session_id") or 0),
            when=str(row.get("created_at") or ""),
            mode=str(row.get("mode") or ""),
            score=score,
            band=str(row.get("band") or ""),
            found=found,
            missed=missed,
            gained=tuple(n for n in found if previous and n in previous.missed),
            lost=tuple(n for n in missed if previous and n in previous.found),
            score_change=_delta(score, previous.score) if previous else None,
            words_per_minute=wpm,
            wpm_change=_delta(wpm, previous.words_per_minute) if previous else None,
            fillers=fillers,
            fillers_per_minute=delivery.get("fillers_per_minute"),
            fillers_change=_delta(fillers, previous.fillers) if previous else None,
            duration_s=row.get("duration_s"),
        )
        views.append(view)
        previous = view
    return views


def concept_matrix(views: Sequence[AttemptView]) -> list[tuple[str, tuple[bool | None, ...]]]:
    """Each concept (in order of first appearance) found (True), missed (False) or not in the
    rubric then (None), per attempt: the side-by-side view."""
    names: dict[str, None] = {}
    for v in views:
        for name in (*v.found, *v.missed):
            names.setdefault(name, None)
    return [
        (
            name,
            tuple(True if name in v.found else False if name in v.missed else None for v in views),
        )
        for name in names
    ]


# the whole report ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """Everything the Progress screen and `interview-sim progress` show."""

    banks: tuple[Series, ...]
    topics: tuple[Series, ...]
    weakest: tuple[WeakConcept, ...]
    streak: Streak
    due: tuple[DueItem, ...]
    answers: int = 0
    sessions: int = 0
    generated_at: str = field(default="")

    @property
    def due_now(self) -> tuple[DueItem, ...]:
        return tuple(i for i in self.due if i.state == "due")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""

        def series(s: Series) -> dict[str, Any]:
            return {
                "bank": s.bank,
                "topic": s.topic,
                "mean": s.mean,
                "answers": s.count,
                "change": s.change,
                "points": [
                    {"day": p.day.isoformat(), "mean": p.mean, "answers": p.count} for p in s.points
                ],
            }

        return {
            "generated_at": self.generated_at,
            "answers": self.answers,
            "sessions": self.sessions,
            "banks": [series(s) for s in self.banks],
            "topics": [series(s) for s in self.topics],
            "weakest_concepts": [
                {
                    "concept": w.concept,
                    "seen": w.seen,
                    "missed": w.missed,
                    "miss_rate": round(w.miss_rate, 3),
                    "questions": list(w.questions),
                }
                for w in self.weakest
            ],
            "streak": {
                "current": self.streak.current,
                "longest": self.streak.longest,
                "days_practised": self.streak.days_practised,
                "last_day": self.streak.last_day.isoformat() if self.streak.last_day else None,
            },
            "due": [i.to_dict() for i in self.due if i.state != "later"],
            "due_now": len(self.due_now),
        }
