"""The schema of a bank file: what a bank, a question and a rubric may hold.

Models refuse unknown keys so that a typo in a hand-edited file is reported, not ignored.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

SCHEMA_VERSION = 1
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Concept(_Strict):
    """An idea a good answer shows, and the words that show it."""

    name: Text
    weight: float = Field(default=1.0, gt=0, le=10)
    required: bool = False
    meaning: str = ""
    phrases: list[Phrase] = Field(min_length=1)
    probe: str = ""


class Misconception(_Strict):
    """Words that signal a wrong idea, and the correction to show."""

    name: Text
    phrases: list[Phrase] = Field(min_length=1)
    correction: Text


class LengthTarget(_Strict):
    """A sensible spoken length; counts as one more concept when met."""

    min_seconds: float = Field(default=45, ge=0)
    max_seconds: float = Field(default=150, gt=0)
    weight: float = Field(default=1.0, gt=0, le=10)


class Rubric(_Strict):
    """How an answer to one question is scored."""

    concepts: list[Concept] = Field(min_length=1, max_length=12)
    misconceptions: list[Misconception] = Field(default_factory=list)
    length: LengthTarget | None = None

    @field_validator("concepts")
    @classmethod
    def _unique_names(cls, concepts: list[Concept]) -> list[Concept]:
        seen: set[str] = set()
        for concept in concepts:
            key = concept.name.lower()
            if key in seen:
                raise ValueError(f"two concepts are named {concept.name!r}: names must differ")
            seen.add(key)
        return concepts


class Question(_Strict):
    """One interview question with its model answer and rubric."""

    id: Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
    number: int = Field(ge=1)
    prompt: Text
    topic: Text
    difficulty: Literal["easy", "medium", "hard"]
    kind: Literal["technical", "behavioral"] = "technical"
    reference: Text
    answer_seconds: int | None = Field(default=None, ge=10, le=1800)
    related: list[Annotated[str, StringConstraints(pattern=ID_PATTERN)]] = Field(
        default_factory=list
    )  # ids of questions in the bank that ask much the same thing
    rubric: Rubric


class BankDefaults(_Strict):
    """Defaults that apply to every question of a bank."""

    answer_seconds: int = Field(default=120, ge=10, le=1800)
    think_seconds: int = Field(default=5, ge=0, le=120)


class Bank(_Strict):
    """A question bank: one YAML file."""

    id: Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
    title: Text
    description: Text
    source: Text
    defaults: BankDefaults = Field(default_factory=BankDefaults)
    questions: list[Question] = Field(min_length=1)

    def question(self, key: str | int) -> Question | None:
        """Find a question by id or by its number (an int or a string of digits)."""
        text = str(key).strip()
        if re.fullmatch(r"\d+", text):
            number = int(text)
            return next((q for q in self.questions if q.number == number), None)
        return next((q for q in self.questions if q.id == text), None)

    def related(self, a: Question, b: Question) -> bool:
        """Whether two questions are declared to ask much the same thing (either way round)."""
        return b.id in a.related or a.id in b.related

    @property
    def topics(self) -> list[str]:
        """The bank's topics in order of first appearance."""
        return list(dict.fromkeys(q.topic for q in self.questions))


def suggest_id(text: str) -> str:
    """A valid id made from any text, to suggest in an error message."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "question"
