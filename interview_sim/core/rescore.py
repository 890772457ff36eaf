"""Re-scoring logged answers under the current rubrics, as a diff against what was stored.

Pure: the answers come in as StoredAnswer values (read from the store by the caller, page by
page) and each comes out as an AnswerChange; QuestionSummary adds them up per question. A
rubric is compiled once per question (RubricCache) however many answers it scores.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from interview_sim.core.bank_schema import Bank
from interview_sim.core.scoring import RubricCache, ScoreResult


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """What the log holds about one scored answer (JSON columns still as text)."""

    id: int
    bank: str
    question_id: str
    transcript: str
    score: int | None
    concepts_json: str
    hints_json: str
    duration_s: float | None
    rubric_hash: str
    created_at: str = ""

    def matched(self) -> set[str]:
        """The names of the concepts found when it was scored."""
        return {c["name"] for c in _json_list(self.concepts_json) if c.get("matched")}

    def hints(self) -> list[str]:
        """The concepts revealed by hints while answering."""
        return [str(h) for h in _json_list(self.hints_json)]


def _json_list(text: str) -> list[Any]:
    try:
        value = json.loads(text or "[]")
    except (json.JSONDecodeError, TypeError):
        return []
    return value if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """An answer's old and new verdict."""

    answer_id: int
    bank: str
    question_id: str
    old_score: int | None
    new_score: int
    gained: tuple[str, ...]
    lost: tuple[str, ...]
    old_hash: str
    new_hash: str
    result: ScoreResult | None = None  # the full verdict (dropped when sent between processes)

    def without_result(self) -> AnswerChange:
        """The same change, light enough to send to another process."""
        return replace(self, result=None)

    @property
    def changed(self) -> bool:
        """Whether the score or the concepts found differ."""
        return self.old_score != self.new_score or bool(self.gained or self.lost)

    @property
    def stale(self) -> bool:
        """Whether the stored row differs from the new verdict at all (score or rubric hash)."""
        return self.changed or self.old_hash != self.new_hash

    def as_dict(self) -> dict[str, Any]:
        """A plain dict for JSON output."""
        return {
            "answer_id": self.answer_id,
            "bank": self.bank,
            "question": self.question_id,
            "old_score": self.old_score,
            "new_score": self.new_score,
            "delta": None if self.old_score is None else self.new_score - self.old_score,
            "gained": list(self.gained),
            "lost": list(self.lost),
            "old_rubric_hash": self.old_hash,
            "new_rubric_hash": self.new_hash,
        }


def compare(stored: StoredAnswer, result: ScoreResult) -> AnswerChange:
    """The difference between a stored verdict and a new one."""
    before = stored.matched()
    now = {c.name for c in result.concepts if c.matched}
    return AnswerChange(
        stored.id,
        stored.bank,
        stored.question_id,
        stored.score,
        result.score,
        tuple(sorted(now - before)),
        tuple(sorted(before - now)),
        stored.rubric_hash,
        result.rubric_hash,
        result,
    )


@dataclass(slots=True)
class QuestionSummary:
    """The effect of the current rubric on one question's logged answers."""

    bank: str
    question_id: str
    answers: int = 0
    changed: int = 0
    up: int = 0
    down: int = 0
    old_total: int = 0
    new_total: int = 0
    gained: Counter[str] = field(default_factory=Counter)
    lost: Counter[str] = field(default_factory=Counter)

    def add(self, change: AnswerChange) -> None:
        self.answers += 1
        old = change.old_score if change.old_score is not None else change.new_score
        self.old_total += old
        self.new_total += change.new_score
        if change.changed:
            self.changed += 1
        if change.new_score > old:
            self.up += 1
        elif change.new_score < old:
            self.down += 1
        self.gained.update(change.gained)
        self.lost.update(change.lost)

    def merge(self, other: QuestionSummary) -> None:
        """Add the counts of another summary of the same question (from another process)."""
        self.answers += other.answers
        self.changed += other.changed
        self.up += other.up
        self.down += other.down
        self.old_total += other.old_total
        self.new_total += other.new_total
        self.gained.update(other.gained)
        self.lost.update(other.lost)

    @property
    def mean_old(self) -> float:
        return self.old_total / self.answers if self.answers else 0.0

    @property
    def mean_new(self) -> float:
        return self.new_total / self.answers if self.answers else 0.0

    def as_dict(self) -> dict[str, Any]:
        """A plain dict for JSON output."""
        return {
            "bank": self.bank,
            "question": self.question_id,
            "answers": self.answers,
            "changed": self.changed,
            "up": self.up,
            "down": self.down,
            "mean_old": round(self.mean_old, 1),
            "mean_new": round(self.mean_new, 1),
            "gained": dict(self.gained.most_common()),
            "lost": dict(self.lost.most_common()),
        }


class Rescorer:
    """Re-scores answers against the current banks, keeping a summary per question."""

    def __init__(self, banks: Mapping[str, Bank], cache: RubricCache | None = None) -> None:
        self.banks = banks
        self.cache = cache or RubricCache()
        self.summaries: dict[tuple[str, str], QuestionSummary] = {}
        self.missing: Counter[tuple[str, str]] = Counter()  # answers to questions no longer there
        self._questions = {
            (bank.id, q.id): (bank, q) for bank in banks.values() for q in bank.questions
        }

    def add(self, change: AnswerChange) -> None:
        """Count a change worked out elsewhere (another process) in the summaries."""
        key = (change.bank, change.question_id)
        summary = self.summaries.get(key)
        if summary is None:
            summary = self.summaries[key] = QuestionSummary(*key)
        summary.add(change)

    def rescore(self, stored: StoredAnswer) -> AnswerChange | None:
        """The new verdict on one answer; None when its question is gone from the banks."""
        found = self._questions.get((stored.bank, stored.question_id))
        if found is None:
            self.missing[(stored.bank, stored.question_id)] += 1
            return None
        bank, question = found
        compiled = self.cache.get(bank.id, question)
        result = compiled.score(
            stored.transcript, hinted=stored.hints(), spoken_seconds=stored.duration_s
        )
        change = compare(stored, result)
        self.add(change)
        return change

    def rescore_all(self, answers: Iterable[StoredAnswer]) -> list[AnswerChange]:
        """Every answer's change, in order (answers to missing questions left out)."""
        return [c for c in (self.rescore(a) for a in answers) if c is not None]
