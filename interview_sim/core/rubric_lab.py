"""The rubric lab's logic: one question's rubric under edit, every logged answer to it scored
under the rubric as it is in the file ("before") and as edited ("after"), and the difference.

The Textual screen only shows this and forwards edits; everything here is pure and testable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from interview_sim.core.bank_schema import Question, Rubric
from interview_sim.core.rubric_lint import LintContext, LintWarning, Vocabulary, lint_question
from interview_sim.core.scoring import CompiledRubric, ScoreResult


class EditRefused(ValueError):
    """An edit that would make the rubric invalid; the message says why."""


@dataclass(frozen=True, slots=True)
class LabAnswer:
    """A logged answer to the question."""

    id: int
    created_at: str
    transcript: str
    logged_score: int | None
    hints: tuple[str, ...] = ()
    duration_s: float | None = None


@dataclass(frozen=True, slots=True)
class LabRow:
    """One answer scored before and after the edit."""

    answer: LabAnswer
    before: ScoreResult
    after: ScoreResult

    @property
    def delta(self) -> int:
        return self.after.score - self.before.score

    @property
    def gained(self) -> tuple[str, ...]:
        was = {c.name for c in self.before.concepts if c.matched}
        return tuple(c.name for c in self.after.concepts if c.matched and c.name not in was)

    @property
    def lost(self) -> tuple[str, ...]:
        now = {c.name for c in self.after.concepts if c.matched}
        return tuple(c.name for c in self.before.concepts if c.matched and c.name not in now)

    @property
    def changed(self) -> bool:
        return self.delta != 0 or bool(self.gained or self.lost)


def _split_phrases(text: str) -> list[str]:
    """Phrases typed one per line (commas inside a line are kept: a phrase may hold one)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class RubricLab:
    """A question's rubric under edit, with its logged answers scored before and after."""

    def __init__(self, bank_id: str, question: Question, answers: Sequence[LabAnswer]) -> None:
        self.bank_id = bank_id
        self.question = question
        self.answers = list(answers)
        self.saved = question.rubric
        self.rubric = question.rubric
        self._before = [self._score(CompiledRubric(self.saved), a) for a in self.answers]
        self._rows: list[LabRow] | None = None

    @staticmethod
    def _score(compiled: CompiledRubric, answer: LabAnswer) -> ScoreResult:
        return compiled.score(
            answer.transcript, hinted=answer.hints, spoken_seconds=answer.duration_s
        )

    @property
    def dirty(self) -> bool:
        """Whether the rubric differs from the file's."""
        return self.rubric != self.saved

    def concept(self, name: str) -> Any:
        """The concept of that name in the edited rubric."""
        for concept in self.rubric.concepts:
            if concept.name == name:
                return concept
        raise KeyError(name)

    def _edit(self, name: str, **changes: Any) -> None:
        data = self.rubric.model_dump()
        for concept in data["concepts"]:
            if concept["name"] == name:
                concept.update(changes)
                break
        else:
            raise KeyError(name)
        try:
            rubric = Rubric.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise EditRefused(f"{name}: {first['msg'].removeprefix('Value error, ')}") from None
        if rubric != self.rubric:
            self.rubric = rubric
            self._rows = None

    def set_phrases(self, name: str, phrases: Sequence[str] | str) -> None:
        """Replace a concept's phrases (a list, or text with one phrase per line)."""
        items = (
            _split_phrases(phrases) if isinstance(phrases, str) else [p.strip() for p in phrases]
        )
        self._edit(name, phrases=[p for p in items if p])

    def set_weight(self, name: str, weight: float) -> None:
        """Change a concept's weight (greater than 0, at most 10)."""
        self._edit(name, weight=weight)

    def set_required(self, name: str, required: bool) -> None:
        """Mark a concept required or not."""
        self._edit(name, required=required)

    def revert(self) -> None:
        """Drop every edit."""
        self.rubric = self.saved
        self._rows = None

    def mark_saved(self, question: Question) -> None:
        """The file now holds this question (after a save or a reload): it is the new before."""
        self.question = question
        self.saved = question.rubric
        self.rubric = question.rubric
        self._before = [self._score(CompiledRubric(self.saved), a) for a in self.answers]
        self._rows = None

    def rows(self) -> list[LabRow]:
        """Every answer before and after the edit, newest first."""
        if self._rows is None:
            compiled = CompiledRubric(self.rubric)
            self._rows = [
                LabRow(answer, before, self._score(compiled, answer))
                for answer, before in zip(self.answers, self._before, strict=True)
            ]
        return self._rows

    def summary(self) -> str:
        """One line: how many answers change and the mean score before and after."""
        rows = self.rows()
        if not rows:
            return "No logged answers to this question yet: answer it once to see scores here."
        changed = sum(1 for r in rows if r.changed)
        before = sum(r.before.score for r in rows) / len(rows)
        after = sum(r.after.score for r in rows) / len(rows)
        return f"{changed} of {len(rows)} answers change; mean score {before:.1f} -> {after:.1f}"

    def edited_question(self) -> Question:
        """The question with the edited rubric."""
        return self.question.model_copy(update={"rubric": self.rubric})

    def lint(
        self, context: LintContext | None = None, vocabulary: Vocabulary | None = None
    ) -> list[LintWarning]:
        """The lint warnings of the edited rubric."""
        return lint_question(
            self.bank_id, self.edited_question(), context=context, vocabulary=vocabulary
        )
