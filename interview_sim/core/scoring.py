"""Scoring an answer against a rubric: weighted concept coverage, caps and penalties.

The rules, also documented in docs/banks.md:
- each concept found earns its weight; a concept revealed by a hint earns half;
- score = 100 * earned / total weight, rounded;
- a missed `required` concept caps the score at REQUIRED_CAP;
- each misconception spotted (and not negated just before) costs MISCONCEPTION_PENALTY points, at
  most MAX_PENALTY in all.

Speed (issue 10): a compiled rubric holds one Aho-Corasick automaton over the joined forms of all
its phrase parts, so an answer is searched once for every phrase at C speed; only the few
occurrences found are checked in Python (token boundaries, gaps, turns, negations). The results
are exactly those of matching phrase by phrase with `match_phrase`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from ahocorasick_rs import AhoCorasick, Implementation

from interview_sim.core.bank_schema import Question, Rubric
from interview_sim.core.matcher import (
    GAP_WORDS,
    CompiledPhrase,
    FuzzyIndex,
    PhrasePart,
    PreparedAnswer,
    compile_phrase,
    vocabulary_of,
)
from interview_sim.core.normalize import Tokens, tokens_of

REQUIRED_CAP = 40
MISCONCEPTION_PENALTY = 15
MAX_PENALTY = 45
TYPED_WORDS_PER_MINUTE = 150.0
LENGTH_CONCEPT = "sensible length"

BANDS: tuple[tuple[int, str], ...] = ((80, "strong"), (60, "good"), (40, "partial"), (0, "weak"))


def band_for(score: int) -> str:
    """The band name of a 0-100 score."""
    return next(name for floor, name in BANDS if score >= floor)


_BAND_OF = tuple(band_for(score) for score in range(101))  # band_for of each 0-100 score


# The result classes are dataclasses for their equality and repr, with `__init__` written out:
# mypyc compiles a written `__init__`, but leaves a generated one (and a frozen one's
# `object.__setattr__`) to the interpreter, about ten times slower, and `score --batch` builds
# several per answer. Treat them as read-only all the same (they are shared, like the unmatched
# concepts of a rubric).
@dataclass(init=False)
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

    def __init__(
        self,
        name: str,
        weight: float,
        required: bool,
        matched: bool,
        hinted: bool,
        evidence: tuple[str, ...],
        spans: tuple[tuple[int, int], ...],
        meaning: str,
        probe: str,
    ) -> None:
        self.name = name
        self.weight = weight
        self.required = required
        self.matched = matched
        self.hinted = hinted
        self.evidence = evidence
        self.spans = spans
        self.meaning = meaning
        self.probe = probe


@dataclass(init=False)
class MisconceptionResult:
    """A wrong idea spotted in the answer."""

    name: str
    correction: str
    evidence: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    def __init__(
        self,
        name: str,
        correction: str,
        evidence: tuple[str, ...],
        spans: tuple[tuple[int, int], ...],
    ) -> None:
        self.name = name
        self.correction = correction
        self.evidence = evidence
        self.spans = spans


@dataclass(init=False)
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
    notes: tuple[str, ...] = ()

    def __init__(
        self,
        score: int,
        band: str,
        coverage: float,
        capped: bool,
        penalty: int,
        concepts: tuple[ConceptResult, ...],
        misconceptions: tuple[MisconceptionResult, ...],
        rubric_hash: str,
        notes: tuple[str, ...] = (),
    ) -> None:
        self.score = score
        self.band = band
        self.coverage = coverage
        self.capped = capped
        self.penalty = penalty
        self.concepts = concepts
        self.misconceptions = misconceptions
        self.rubric_hash = rubric_hash
        self.notes = notes

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


@dataclass(frozen=True, slots=True)
class _CompiledMisconception:
    name: str
    correction: str
    phrases: tuple[CompiledPhrase, ...]


def rubric_hash(rubric: Rubric) -> str:
    """A short, stable fingerprint of a rubric: a new one means scores may change."""
    return hashlib.sha256(rubric.model_dump_json().encode()).hexdigest()[:12]


def _compile_all(texts: Iterable[str]) -> tuple[CompiledPhrase, ...]:
    return tuple(p for p in (compile_phrase(t) for t in texts) if p is not None)


_Range = tuple[int, int]
# A phrase ready for the automaton: each part is the number of its joined form among the rubric's
# needles, or the part itself when it is exact (matched word for word on the raw tokens).
_Spec = tuple[int | PhrasePart, ...]


class CompiledRubric:
    """A rubric compiled once into matchers; `score` is then cheap and deterministic."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.hash = rubric_hash(rubric)
        self.concepts = tuple(
            _CompiledConcept(
                c.name, c.weight, c.required, c.meaning, c.probe, _compile_all(c.phrases)
            )
            for c in rubric.concepts
        )
        self.misconceptions = tuple(
            _CompiledMisconception(m.name, m.correction, _compile_all(m.phrases))
            for m in rubric.misconceptions
        )
        every = [p for c in self.concepts for p in c.phrases]
        every += [p for m in self.misconceptions for p in m.phrases]
        self.vocabulary = vocabulary_of(every)
        self.fuzzy = FuzzyIndex(self.vocabulary)
        self._compile_matching()
        total = 0.0
        for concept in self.concepts:
            total += concept.weight  # added in order, as the score adds them
        self._total = total
        self._names = tuple(c.name.lower() for c in self.concepts)
        self._required = frozenset(i for i, c in enumerate(self.concepts) if c.required)
        self._unmatched = tuple(
            ConceptResult(c.name, c.weight, c.required, False, False, (), (), c.meaning, c.probe)
            for c in self.concepts
        )

    def _compile_matching(self) -> None:
        needles: dict[str, int] = {}

        def spec(phrase: CompiledPhrase) -> _Spec:
            return tuple(
                part if part.exact else needles.setdefault(part.joined, len(needles))
                for part in phrase.parts
            )

        single: dict[int, list[int]] = {}  # needle -> concepts with a one-part phrase of it
        others: dict[int, list[tuple[int, _Spec]]] = {}  # by the needle of a part, -1: none
        for index, concept in enumerate(self.concepts):
            for phrase in concept.phrases:
                parts = spec(phrase)
                head = parts[0]
                if len(parts) == 1 and isinstance(head, int):
                    users = single.setdefault(head, [])
                    if index not in users:
                        users.append(index)
                else:
                    key = next((p for p in parts if isinstance(p, int)), -1)
                    others.setdefault(key, []).append((index, parts))
        self._wrong = tuple(
            (item, tuple(spec(p) for p in item.phrases)) for item in self.misconceptions
        )
        self._needles = tuple(PhrasePart(joined, False, ()) for joined in needles)
        self._exact_only = tuple(others.pop(-1, ()))
        # by needle: the concepts with a one-part phrase of it; the other phrases, by a needle
        # they need (tried only when it is found)
        self._single = tuple(tuple(single.get(n, ())) for n in range(len(needles)))
        self._others = {n: tuple(phrases) for n, phrases in others.items()}
        self._other_keys = frozenset(self._others)
        self._automaton = (
            AhoCorasick(needles, implementation=Implementation.ContiguousNFA) if needles else None
        )

    def prepare(self, text: str) -> PreparedAnswer:
        """Tokenise an answer for this rubric (fuzzy corrections use its vocabulary)."""
        return PreparedAnswer(tokens_of(text), self.vocabulary, self.fuzzy)

    def _occurrences(self, answer: PreparedAnswer) -> dict[int, list[_Range]]:
        """Token ranges of every needle in the answer, in order, by needle number: what
        `answer.find` gives for each, from one pass of the automaton."""
        text = answer.canon
        if self._automaton is None or not text:
            return {}
        found: list[tuple[int, int, int]] = self._automaton.find_matches_as_indexes(
            text, overlapping=True
        )
        if not found:
            return {}
        bounds = answer.bounds
        if bounds is None:  # an empty token: the slow, general way
            slow = {i: list(answer.find(part)) for i, part in enumerate(self._needles)}
            return {i: ranges for i, ranges in slow.items() if ranges}
        occurrences: dict[int, list[_Range]] = {}
        for needle, start, end in found:
            first = _index_at(bounds, start, 0)
            if bounds[first] != start:
                continue  # not at the start of a token
            last = _index_at(bounds, end, first)
            if bounds[last] != end and (text[end] != "s" or bounds[last] != end + 1):
                continue  # ends inside a token, and not before a plural's "s" ("cnns", "svms")
            ranges = occurrences.get(needle)
            if ranges is None:
                occurrences[needle] = [(first, last)]
            else:
                ranges.append((first, last))
        return occurrences

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
        tokens = answer.tokens
        occurrences = self._occurrences(answer)
        hits: dict[int, list[_Range]] = {}
        if occurrences:
            single = self._single
            for needle, ranges in occurrences.items():
                first = ranges[0]
                for index in single[needle]:
                    found = hits.get(index)
                    if found is None:
                        hits[index] = [first]
                    else:
                        found.append(first)
            if not self._other_keys.isdisjoint(occurrences):
                for needle, phrases in self._others.items():
                    if needle in occurrences:
                        for index, parts in phrases:
                            _add(hits, index, _first_match(answer, parts, occurrences))
        for index, parts in self._exact_only:
            _add(hits, index, _first_match(answer, parts, occurrences))
        hinted_set = {h.lower() for h in hinted} if hinted else None
        concepts = self.concepts
        results = list(self._unmatched)  # then the found and the hinted ones replaced
        earned = 0.0
        for index in sorted(hits) if hinted_set is None else range(len(concepts)):
            concept = concepts[index]
            was_hinted = hinted_set is not None and self._names[index] in hinted_set
            where = hits.get(index)
            if where is None:
                if was_hinted:
                    results[index] = ConceptResult(
                        concept.name,
                        concept.weight,
                        concept.required,
                        False,
                        True,
                        (),
                        (),
                        concept.meaning,
                        concept.probe,
                    )
                continue
            earned += concept.weight / 2 if was_hinted else concept.weight  # in concept order
            spans, evidence = _spans_and_evidence(text, tokens, where)
            results[index] = ConceptResult(
                concept.name,
                concept.weight,
                concept.required,
                True,
                was_hinted,
                evidence,
                spans,
                concept.meaning,
                concept.probe,
            )
        capped = not self._required <= hits.keys()
        total = self._total
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
        wrong = self._misconceptions(text, answer, occurrences) if self._wrong else ()
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
        if hinted_set and any(r.hinted and r.matched for r in results):
            notes.append("hint used: hinted concepts earn half their weight")
        return ScoreResult(
            score,
            _BAND_OF[score],
            coverage,
            capped,
            penalty,
            tuple(results),
            wrong,
            self.hash,
            tuple(notes),
        )

    def _misconceptions(
        self, text: str, answer: PreparedAnswer, occurrences: dict[int, list[_Range]]
    ) -> tuple[MisconceptionResult, ...]:
        found: list[MisconceptionResult] = []
        for item, phrases in self._wrong:
            for parts in phrases:
                ranges = _first_match(answer, parts, occurrences)
                if not ranges:
                    continue
                first = ranges[0][0]
                gaps = pairwise(ranges)
                if answer.negated_before(first) or any(
                    answer.negated_within(a[1], b[0]) for a, b in gaps
                ):
                    continue
                spans, evidence = _spans_and_evidence(text, answer.tokens, ranges)
                found.append(MisconceptionResult(item.name, item.correction, evidence, spans))
                break
        return tuple(found)


def _index_at(bounds: list[int], value: int, low: int) -> int:
    """`bisect_left(bounds, value, low)` (a compiled loop: no call into the bisect module)."""
    high = len(bounds)
    while low < high:
        middle = (low + high) // 2
        if bounds[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low


def _add(hits: dict[int, list[_Range]], index: int, ranges: list[_Range] | None) -> None:
    if ranges:
        found = hits.get(index)
        if found is None:
            hits[index] = ranges
        else:
            found.extend(ranges)


def _first_match(
    answer: PreparedAnswer, parts: _Spec, occurrences: dict[int, list[_Range]]
) -> list[_Range] | None:
    """The token ranges of the first occurrence of a phrase (one per part), or None: what
    `match_phrase` gives, from the occurrences the automaton found."""
    found: list[list[_Range]] = []
    for part in parts:
        ranges = occurrences.get(part) if isinstance(part, int) else answer.find_exact(part.words)
        if not ranges:
            return None
        found.append(ranges)
    if len(found) == 1:
        return [found[0][0]]
    for where in found[0]:
        chosen = [where]
        if _match_rest(answer, found, 1, where[1], chosen):
            return chosen
    return None


def _match_rest(
    answer: PreparedAnswer,
    found: list[list[_Range]],
    index: int,
    after: int,
    chosen: list[_Range],
) -> bool:
    if index == len(found):
        return True
    for start, end in found[index]:
        if start < after:
            continue
        if (
            start - after > GAP_WORDS
            or answer.contrast_within(after, start)
            or answer.sentence_break_between(after - 1, start)
        ):
            return False
        chosen.append((start, end))
        if _match_rest(answer, found, index + 1, end, chosen):
            return True
        chosen.pop()
    return False


def _spans_and_evidence(
    text: str, tokens: Tokens, ranges: list[_Range]
) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    """Character spans of the token ranges, in order and without repeats, and the words there."""
    if len(ranges) == 1:
        spans = tokens.spans_of(ranges)
        start, end = spans[0]
        return spans, (text[start:end],)
    spans = tokens.spans_of(sorted(set(ranges)))  # the same order as sorting the spans
    return spans, tuple(dict.fromkeys([text[s:e] for s, e in spans]))


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
