"""Scoring an answer against a rubric: weighted concept coverage, caps and penalties.

The rules, also documented in docs/banks.md:
- each concept found earns its weight; a concept revealed by a hint earns half;
- score = 100 * earned / total weight, rounded;
- a missed `required` concept caps the score at REQUIRED_CAP;
- each misconception spotted (and not negated just before) costs MISCONCEPTION_PENALTY points, at
  most MAX_PENALTY in all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from interview_sim.core.bank_schema import Question, Rubric

from .matcher import (
    CompiledPhrase,
    FuzzyIndex,
    PreparedAnswer,
    compile_phrase,
    match_phrase,
    vocabulary_of,
)
from .normalize import tokenize

REQUIRED_CAP = 40
MISCONCEPTION_PENALTY = 15
MAX_PENALTY = 45
TYPED_WORDS_PER_MINUTE = 150.0
LENGTH_CONCEPT = "sensible length"

BANDS: tuple[tuple[int, str], ...] = ((80, "strong"), (60, "good"), (40, "partial"), (0, "weak"))


def band_for(score: int) -> str:
    """The band name of a 0-100 score."""
    return next(name for floor, name in BANDS if score >= floor)


@dataclass(frozen=True, slots=True)
class ConceptResult:
    """Whether one concept was found, and the words that showed it."""

    name: str
    weight: float
    required: bool
    matched: bool
    hinted: bool
    evidence: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    meaning: str
    probe: str


@dataclass(frozen=True, slots=True)
class MisconceptionResult:
    """A wrong idea spotted in the answer."""

    name: str
    correction: str
    evidence: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """The verdict on one answer."""

    score: int
    band: str
    coverage: float  # share of the weight found, before caps and penalties (0-1)
    capped: bool
    penalty: int
    concepts: tuple[ConceptResult, ...]
    misconceptions: tuple[MisconceptionResult, ...]
    rubric_hash: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def missed(self) -> tuple[ConceptResult, ...]:
        """The concepts not found."""
        return tuple(c for c in self.concepts if not c.matched)


@dataclass(frozen=True, slots=True)
class _CompiledConcept:
    name: str
    weight: float
    required: bool
    meaning: str
    probe: str
    phrases: tuple[CompiledPhrase, ...]

    keyed: tuple[tuple[CompiledPhrase, str], ...]  # each phrase with a substring it must contain


@dataclass(frozen=True, slots=True)
class _CompiledMisconception:
    name: str
    correction: str
    phrases: tuple[CompiledPhrase, ...]


def rubric_hash(rubric: Rubric) -> str:
    """A short, stable fingerprint of a rubric: a new one means scores may change."""
    return hashlib.sha256(rubric.model_dump_json().encode()).hexdigest()[:12]


def _keyed(phrases: tuple[CompiledPhrase, ...]) -> tuple[tuple[CompiledPhrase, str], ...]:
    """Pair each phrase with its longest folded part: if that is absent, the phrase is too."""
    return tuple(
        (p, max((x.joined for x in p.parts if not x.exact), key=len, default="")) for p in phrases
    )


def _compile_all(texts: Iterable[str]) -> tuple[CompiledPhrase, ...]:
    return tuple(p for p in (compile_phrase(t) for t in texts) if p is not None)


class CompiledRubric:
    """A rubric compiled once into matchers; `score` is then cheap and deterministic."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.hash = rubric_hash(rubric)
        self.concepts = tuple(
            _CompiledConcept(
                c.name, c.weight, c.required, c.meaning, c.probe, phrases, _keyed(phrases)
            )
            for c in rubric.concepts
            for phrases in (_compile_all(c.phrases),)
        )
        self.misconceptions = tuple(
            _CompiledMisconception(m.name, m.correction, _compile_all(m.phrases))
            for m in rubric.misconceptions
        )
        every = [p for c in self.concepts for p in c.phrases]
        every += [p for m in self.misconceptions for p in m.phrases]
        self.vocabulary = vocabulary_of(every)
        self.fuzzy = FuzzyIndex(self.vocabulary)

    def prepare(self, text: str) -> PreparedAnswer:
        """Tokenise an answer for this rubric (fuzzy corrections use its vocabulary)."""
        return PreparedAnswer(tokenize(text), self.vocabulary, self.fuzzy)

    def score(
        self,
        text: str,
        *,
        hinted: Sequence[str] = (),
        spoken_seconds: float | None = None,
    ) -> ScoreResult:
        """Score an answer. `hinted` names concepts revealed by hints (half credit);
        `spoken_seconds` is the answer's length for a rubric with a length target (typed
        answers are timed at TYPED_WORDS_PER_MINUTE)."""
        answer = self.prepare(text)
        hinted_set = {h.lower() for h in hinted}
        results: list[ConceptResult] = []
        earned = total = 0.0
        capped = False
        for concept in self.concepts:
            ranges: list[tuple[int, int]] = []
            canon = answer.canon
            likely = [p for p, key in concept.keyed if key in canon]  # C-speed pre-filter
            for phrase in likely:
                found = match_phrase(answer, phrase)
                if found:
                    ranges.extend(found)
            matched = bool(ranges)
            was_hinted = concept.name.lower() in hinted_set
            total += concept.weight
            if matched:
                earned += concept.weight / 2 if was_hinted else concept.weight
            elif concept.required:
                capped = True
            spans, evidence = _spans_and_evidence(text, answer, ranges)
            results.append(
                ConceptResult(
                    concept.name,
                    concept.weight,
                    concept.required,
                    matched,
                    was_hinted,
                    evidence,
                    spans,
                    concept.meaning,
                    concept.probe,
                )
            )
        length = self.rubric.length
        if length is not None:
            seconds = (
                spoken_seconds
                if spoken_seconds is not None
                else len(answer.raw) / TYPED_WORDS_PER_MINUTE * 60.0
            )
            ok = length.min_seconds <= seconds <= length.max_seconds
            total += length.weight
            earned += length.weight if ok else 0.0
            results.append(
                ConceptResult(
                    LENGTH_CONCEPT,
                    length.weight,
                    False,
                    ok,
                    False,
                    (f"{seconds:.0f} s",),
                    (),
                    f"Aim for {length.min_seconds:.0f}-{length.max_seconds:.0f} seconds:"
                    " long enough for a concrete example, short enough to keep attention.",
                    "",
                )
            )
        wrong = self._misconceptions(text, answer)
        coverage = earned / total if total else 0.0
        raw_score = round(100 * coverage)
        score = min(raw_score, REQUIRED_CAP) if capped else raw_score
        penalty = min(MAX_PENALTY, MISCONCEPTION_PENALTY * len(wrong))
        score = max(0, min(100, score - penalty))
        notes: list[str] = []
        if capped and raw_score > REQUIRED_CAP:
            notes.append(f"capped at {REQUIRED_CAP}: a required concept is missing")
        if penalty:
            notes.append(f"-{penalty} for misconceptions")
        if any(r.hinted and r.matched for r in results):
            notes.append("hint used: hinted concepts earn half their weight")
        return ScoreResult(
            score,
            band_for(score),
            coverage,
            capped,
            penalty,
            tuple(results),
            wrong,
            self.hash,
            tuple(notes),
        )

    def _misconceptions(self, text: str, answer: PreparedAnswer) -> tuple[MisconceptionResult, ...]:
        found: list[MisconceptionResult] = []
        for item in self.misconceptions:
            for phrase in item.phrases:
                ranges = match_phrase(answer, phrase)
                if not ranges:
                    continue
                first = ranges[0][0]
                gaps = pairwise(ranges)
                if answer.negated_before(first) or any(
                    answer.negated_within(a[1], b[0]) for a, b in gaps
                ):
                    continue
                spans, evidence = _spans_and_evidence(text, answer, ranges)
                found.append(MisconceptionResult(item.name, item.correction, evidence, spans))
                break
        return tuple(found)


def _spans_and_evidence(
    text: str, answer: PreparedAnswer, ranges: list[tuple[int, int]]
) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    spans: list[tuple[int, int]] = []
    for first, last in ranges:
        start, end = answer.spans[first][0], answer.spans[last - 1][1]
        if (start, end) not in spans:
            spans.append((start, end))
    spans.sort()
    evidence = tuple(dict.fromkeys(text[s:e] for s, e in spans))
    return tuple(spans), evidence


class RubricCache:
    """Compiled rubrics by question, recompiled only when a rubric changes."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], CompiledRubric] = {}

    def get(self, bank_id: str, question: Question) -> CompiledRubric:
        """The compiled rubric of a question."""
        key = (bank_id, question.id)
        compiled = self._cache.get(key)
        if compiled is None or compiled.rubric is not question.rubric:
            compiled = CompiledRubric(question.rubric)
            self._cache[key] = compiled
        return compiled
