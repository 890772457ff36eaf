"""Lint for rubrics: phrases that cannot work, or work differently from what their author meant.

Everything here is pure: the bank's text (or its parsed tree), the logged answers to compare
with and, optionally, a speech model's vocabulary (a `word -> bool` callable) come in as
arguments. Each warning is located at `file:line:col` through ruamel's round-trip positions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from io import StringIO
from typing import Any, Literal

from rapidfuzz.distance import Levenshtein
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from interview_sim.core.bank_loader import BankError, parse_bank
from interview_sim.core.bank_schema import Bank, Question
from interview_sim.core.matcher import (
    FUZZY_MIN_LEN,
    CompiledPhrase,
    FuzzyIndex,
    PreparedAnswer,
    compile_phrase,
    match_phrase,
)
from interview_sim.core.normalize import NEGATORS, NUMBER_WORDS, canonical, raw_words, tokenize
from interview_sim.core.scoring import CompiledRubric

Level = Literal["error", "warning"]
GENERIC_SHARE = 0.5  # a phrase found in more than half of the answers to other questions
GENERIC_MIN_ANSWERS = 10  # below this many answers to compare with, genericity is not judged
GENERIC_SAMPLE = 400  # answers compared with at most (evenly spread over the log)
_COMPLETIONS = (
    "e", "es", "ed", "ing", "s", "er", "ers", "ion", "ions", "ation", "ations", "al", "ally",
    "ity", "ment", "ments", "ness", "ise", "ize", "ised", "ized", "ising", "izing", "isation",
    "ization", "ate", "ated", "ating", "y", "ies",
)  # fmt: skip
_DIGIT_WORDS = {v: k for k, v in NUMBER_WORDS.items() if len(v) == 1}


@dataclass(frozen=True, slots=True)
class LintWarning:
    """One finding, at a place a person can find (1-based line and column)."""

    file: str
    line: int
    col: int
    level: Level
    code: str
    message: str
    question: str = ""
    concept: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.level}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """A plain dict for JSON output."""
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "question": self.question,
            "concept": self.concept,
        }


@dataclass(frozen=True, slots=True)
class LoggedAnswer:
    """An answer from the session log: which question it answered, and what was said."""

    bank: str
    question_id: str
    text: str


@dataclass(slots=True)
class LintContext:
    """What the lint compares a bank with, beyond the bank itself."""

    answers: Sequence[LoggedAnswer] = ()
    known_words: Sequence[str] = ()  # words people use (other banks, answers): typos, stems
    knows_word: Callable[[str], bool] | None = None  # the speech model's vocabulary
    _prepared: list[tuple[str, str, PreparedAnswer]] | None = field(default=None, repr=False)

    def prepared(self) -> list[tuple[str, str, PreparedAnswer]]:
        """An even sample of the logged answers, tokenised once (no fuzzy correction)."""
        if self._prepared is None:
            answers = list(self.answers)
            if len(answers) > GENERIC_SAMPLE:
                step = len(answers) / GENERIC_SAMPLE
                answers = [answers[int(i * step)] for i in range(GENERIC_SAMPLE)]
            empty = FuzzyIndex(())
            self._prepared = [
                (a.bank, a.question_id, PreparedAnswer(tokenize(a.text), frozenset(), empty))
                for a in answers
            ]
        return self._prepared


def load_tree(text: str) -> Any:
    """The round-trip tree of a bank's text (for positions); None when it is not YAML."""
    try:
        return YAML(typ="rt").load(StringIO(text.removeprefix("\ufeff")))
    except YAMLError:
        return None


def lint_text(
    text: str,
    file: str,
    *,
    expected_id: str | None = None,
    context: LintContext | None = None,
) -> list[LintWarning]:
    """Validate a bank's text like `banks validate` (errors), then lint its rubrics."""
    try:
        bank = parse_bank(text, file, expected_id=expected_id)
    except BankError as exc:
        return [
            LintWarning(p.file, p.line, p.col, "error", "invalid", p.message) for p in exc.problems
        ]
    return lint_bank(bank, load_tree(text), file, context or LintContext())


class _Locator:
    """Finds the 1-based position of a part of a bank in its round-trip tree."""

    def __init__(self, tree: Any) -> None:
        self.tree = tree

    def at(self, *path: str | int) -> tuple[int, int]:
        node = self.tree
        line, col = 0, 0
        if hasattr(node, "lc"):
            line, col = node.lc.line, node.lc.col
        for part in path:
            try:
                if isinstance(node, CommentedMap) and part in node:
                    child = node[part]
                    nested = isinstance(child, (CommentedMap, CommentedSeq))
                    line, col = node.lc.key(part) if nested else node.lc.value(part)
                    node = child
                elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                    line, col = node.lc.item(part)
                    node = node[part]
                else:
                    break
            except (KeyError, IndexError, TypeError, AttributeError):
                break  # an item added after loading has no position: keep its parent's
        return line + 1, col + 1


class Vocabulary:
    """Words people actually use (the bank's texts, other banks, logged answers), with their
    canonical forms and an index of one-edit neighbours."""

    def __init__(self, words: Iterable[str]) -> None:
        self.raw = set(words)
        self.by_canon: dict[str, str] = {}
        for word in sorted(self.raw):
            self.by_canon.setdefault(canonical(word), word)
        self._deletions: dict[str, set[str]] = {}
        for folded in self.by_canon:
            if len(folded) >= FUZZY_MIN_LEN - 1 and not folded.isdigit():
                for key in (folded, *_deletions(folded)):
                    self._deletions.setdefault(key, set()).add(folded)

    def knows(self, word: str) -> bool:
        """Whether the word, or another word with its canonical form, is in use."""
        return word in self.raw or canonical(word) in self.by_canon

    def neighbours(self, folded: str) -> list[str]:
        """Canonical words in use one edit away from `folded`."""
        found: set[str] = set()
        for key in (folded, *_deletions(folded)):
            found.update(self._deletions.get(key, ()))
        return sorted(
            w for w in found if w != folded and Levenshtein.distance(w, folded, score_cutoff=1) <= 1
        )


def _deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def bank_words(bank: Bank) -> list[str]:
    """The words of a bank's own texts: prompts, references, meanings, probes, corrections."""
    words: list[str] = []
    for q in bank.questions:
        words += raw_words(q.prompt) + raw_words(q.reference)
        for c in q.rubric.concepts:
            words += raw_words(c.meaning) + raw_words(c.probe)
        for m in q.rubric.misconceptions:
            words += raw_words(m.correction)
    return words


def lint_bank(
    bank: Bank, tree: Any, file: str, context: LintContext | None = None
) -> list[LintWarning]:
    """Every lint warning of a valid bank (positions from its round-trip tree, if any)."""
    context = context or LintContext()
    words = [*bank_words(bank), *context.known_words]
    for answer in context.answers:
        words += raw_words(answer.text)
    vocabulary = Vocabulary(words)
    locate = _Locator(tree)
    found: list[LintWarning] = []
    for index, question in enumerate(bank.questions):
        found += _QuestionLint(bank.id, question, index, file, locate, context, vocabulary).run()
    found.sort(key=lambda w: (w.line, w.col, w.code))
    return found


def lint_question(
    bank_id: str,
    question: Question,
    *,
    file: str = "",
    context: LintContext | None = None,
    vocabulary: Vocabulary | None = None,
    tree: Any = None,
    index: int = 0,
) -> list[LintWarning]:
    """The warnings of one question's rubric (for the rubric lab, which edits one at a time)."""
    context = context or LintContext()
    if vocabulary is None:
        vocabulary = Vocabulary(
            [*raw_words(question.prompt), *raw_words(question.reference), *context.known_words]
        )
    lint = _QuestionLint(bank_id, question, index, file, _Locator(tree), context, vocabulary)
    return sorted(lint.run(), key=lambda w: (w.line, w.col, w.code))


_Items = list[tuple[int, str, CompiledPhrase | None]]


class _QuestionLint:
    """The checks of one question's rubric; each appends to `found`."""

    def __init__(
        self,
        bank_id: str,
        question: Question,
        index: int,
        file: str,
        locate: _Locator,
        context: LintContext,
        vocabulary: Vocabulary,
    ) -> None:
        self.bank_id = bank_id
        self.question = question
        self.index = index
        self.file = file
        self.locate = locate
        self.context = context
        self.vocabulary = vocabulary
        self.compiled = CompiledRubric(question.rubric)
        self.found: list[LintWarning] = []
        self.concepts: list[_Items] = [
            [(i, t, compile_phrase(t)) for i, t in enumerate(c.phrases)]
            for c in question.rubric.concepts
        ]
        self.misconceptions: list[_Items] = [
            [(i, t, compile_phrase(t)) for i, t in enumerate(m.phrases)]
            for m in question.rubric.misconceptions
        ]

    def add(
        self, level: Level, code: str, where: tuple[str | int, ...], message: str, concept: str = ""
    ) -> None:
        line, col = self.locate.at("questions", self.index, "rubric", *where)
        self.found.append(
            LintWarning(
                self.file,
                line,
                col,
                level,
                code,
                f"{self.question.id}: {message}",
                self.question.id,
                concept,
            )
        )

    def run(self) -> list[LintWarning]:
        for ci, concept in enumerate(self.question.rubric.concepts):
            self.concept_phrases(ci, concept.name, self.concepts[ci])
            self.words(("concepts", ci, "phrases"), concept.name, self.concepts[ci])
        self.cross_concept()
        self.reference()
        for mi, items in enumerate(self.misconceptions):
            self.negations(mi, items)
            self.words(("misconceptions", mi, "phrases"), "", items)
        self.generic()
        return self.found

    def concept_phrases(self, ci: int, name: str, items: _Items) -> None:
        """Empty, duplicate and redundant phrases; a concept that can never be found."""
        if all(phrase is None for _, _, phrase in items):
            self.add(
                "error",
                "no-usable-phrase",
                ("concepts", ci, "name"),
                f"concept '{name}' has no phrase with a letter or digit: it can never be found",
                name,
            )
        seen: dict[tuple[tuple[str, bool], ...], str] = {}
        for pi, text, phrase in items:
            spot = ("concepts", ci, "phrases", pi)
            if phrase is None:
                self.add(
                    "warning",
                    "empty-phrase",
                    spot,
                    f"phrase {text!r} has no letters or digits: it never matches",
                    name,
                )
                continue
            key = tuple((p.joined, p.exact) for p in phrase.parts)
            if key in seen:
                self.add(
                    "warning",
                    "duplicate-phrase",
                    spot,
                    f"phrase {text!r} of '{name}' matches exactly what {seen[key]!r} matches"
                    " (the same words once folded): drop one",
                    name,
                )
                continue
            seen[key] = text
            others = [(t, p) for j, t, p in items if j != pi and p is not None]
            shorter = _contained_in(phrase, others)
            if shorter is not None:
                self.add(
                    "warning",
                    "redundant-phrase",
                    spot,
                    f"phrase {text!r} of '{name}' only matches where {shorter!r} already does:"
                    " it adds nothing",
                    name,
                )

    def cross_concept(self) -> None:
        """A phrase that, said alone, also shows another concept."""
        names = [c.name for c in self.question.rubric.concepts]
        for ci, items in enumerate(self.concepts):
            for pi, text, phrase in items:
                if phrase is None:
                    continue
                said = self.compiled.prepare(_as_answer(text))
                for cj, others in enumerate(self.concepts):
                    if cj == ci:
                        continue
                    hit = next(
                        (t for _, t, p in others if p is not None and match_phrase(said, p)), None
                    )
                    if hit is not None:
                        self.add(
                            "warning",
                            "cross-concept",
                            ("concepts", ci, "phrases", pi),
                            f"phrase {text!r} of '{names[ci]}' also shows '{names[cj]}'"
                            f" (through {hit!r}): an answer saying it earns both",
                            names[ci],
                        )

    def reference(self) -> None:
        """Concepts the reference answer misses; misconceptions it would be charged with."""
        question = self.question
        result = self.compiled.score(question.reference)
        for ci, concept in enumerate(result.concepts[: len(question.rubric.concepts)]):
            if not concept.matched:
                self.add(
                    "warning",
                    "reference-miss",
                    ("concepts", ci, "name"),
                    f"concept '{concept.name}' is not found in the question's own reference"
                    " answer: add a phrase in the words the reference uses",
                    concept.name,
                )
        names = [m.name for m in question.rubric.misconceptions]
        for wrong in result.misconceptions:
            self.add(
                "warning",
                "reference-misconception",
                ("misconceptions", names.index(wrong.name), "name"),
                f"misconception '{wrong.name}' is spotted in the question's own reference"
                f" answer (in {', '.join(repr(e) for e in wrong.evidence)}): a model answer"
                " would lose points",
            )

    def negations(self, mi: int, items: _Items) -> None:
        """Misconception phrases with a negating word, which the negation rule undoes."""
        for pi, text, phrase in items:
            spot = ("misconceptions", mi, "phrases", pi)
            if phrase is None:
                self.add(
                    "warning",
                    "empty-phrase",
                    spot,
                    f"misconception phrase {text!r} has no letters or digits: it never matches",
                )
                continue
            words = raw_words(text)
            negators = [
                w
                for i, w in enumerate(words)
                if w in NEGATORS or (w == "t" and i > 0 and words[i - 1] == "can")
            ]
            if negators:
                self.add(
                    "warning",
                    "negated-misconception",
                    spot,
                    f"misconception phrase {text!r} contains the negating word"
                    f" '{negators[0]}': the scorer reads a negation before or inside a"
                    " misconception as the candidate rejecting it, so this phrase is dropped"
                    " exactly when it is meant to fire; state the wrong idea positively",
                )

    def words(self, where: tuple[str | int, ...], concept: str, items: _Items) -> None:
        """Cut-off stems, long words a typo would be taken for, words ASR cannot produce."""
        for pi, text, phrase in items:
            if phrase is None:
                continue
            spot = (*where, pi)
            folded_pieces = [p for p in text.split("...") if not p.strip().startswith("=")]
            for word in dict.fromkeys(w for p in folded_pieces for w in raw_words(p)):
                whole = _truncated(word, self.vocabulary, self.context.knows_word)
                if whole is not None:
                    self.add(
                        "warning",
                        "truncated-stem",
                        spot,
                        f"{word!r} in {text!r} looks cut off: phrases match whole words only,"
                        f" so it never matches {whole!r}; write the whole word",
                        concept,
                    )
            part = phrase.parts[0]
            if len(phrase.parts) == 1 and len(part.words) == 1 and not part.exact:
                clash = self.fuzzy_clash(part.words[0])
                if clash is not None:
                    self.add(
                        "warning",
                        "fuzzy-clash",
                        spot,
                        f"{clash!r} is one letter away from {text!r}: the scorer forgives that"
                        f" as a mis-hearing, so an answer saying {clash!r} matches {text!r};"
                        " write '=' before the phrase for an exact match, or a longer phrase",
                        concept,
                    )
            knows = self.context.knows_word
            if knows is not None:
                for raw in dict.fromkeys(raw_words(text)):
                    note = _unheard(raw, text, knows)
                    if note is not None:
                        self.add("warning", "not-in-speech-model", spot, note, concept)

    def fuzzy_clash(self, folded: str) -> str | None:
        """A word people use that the scorer would correct to this rubric word."""
        if len(folded) < FUZZY_MIN_LEN or folded.isdigit():
            return None
        vocabulary = self.compiled.vocabulary
        for other in self.vocabulary.neighbours(folded):
            if other in vocabulary or len(other) < FUZZY_MIN_LEN:
                continue
            if self.compiled.fuzzy.correct(other) == folded:
                return self.vocabulary.by_canon[other]
        return None

    def generic(self) -> None:
        """Phrases found in most logged answers to other questions."""
        key = (self.bank_id, self.question.id)
        docs = [p for b, q, p in self.context.prepared() if (b, q) != key]
        if len(docs) < GENERIC_MIN_ANSWERS:
            return
        for ci, items in enumerate(self.concepts):
            for pi, text, phrase in items:
                if phrase is None:
                    continue
                share = sum(1 for doc in docs if match_phrase(doc, phrase)) / len(docs)
                if share > GENERIC_SHARE:
                    self.add(
                        "warning",
                        "generic-phrase",
                        ("concepts", ci, "phrases", pi),
                        f"phrase {text!r} is in {share:.0%} of {len(docs)} logged answers to"
                        " other questions: too generic to show this concept",
                        self.question.rubric.concepts[ci].name,
                    )


def _contained_in(phrase: CompiledPhrase, others: list[tuple[str, CompiledPhrase]]) -> str | None:
    """Another (single-part, folded) phrase that matches wherever this one does."""
    for text, other in others:
        if len(other.parts) != 1 or other.parts[0].exact:
            continue
        needle = other.parts[0].words
        size = len(needle)
        for part in phrase.parts:
            words = part.words
            if part.exact or len(words) < size or (len(words) == size and len(phrase.parts) == 1):
                continue
            if any(words[i : i + size] == needle for i in range(len(words) - size + 1)):
                return text
    return None


def _as_answer(text: str) -> str:
    """A phrase read as if a candidate had said it."""
    return " ".join(piece.strip().removeprefix("=") for piece in text.split("..."))


def _truncated(
    word: str, vocabulary: Vocabulary, knows_word: Callable[[str], bool] | None = None
) -> str | None:
    """The whole word this cut-off stem was meant to match, if it looks like one.

    A stem is taken as cut off when it is not a word in use, but adding a common ending gives
    one whose canonical form is shorter than what was written ("regularis" + "ation" folds to
    "regular"): the author wrote a prefix, expecting prefix matching, which the matcher never
    does. Real words with longer relatives ("hard", "harder") are not flagged.
    """
    if len(word) < 4 or any(ch.isdigit() for ch in word) or not any(c in "aeiouy" for c in word):
        return None  # short words, numbers and acronyms are whole as written
    if vocabulary.knows(word) or (knows_word is not None and knows_word(word)):
        return None
    if word.endswith("is") and word[:-2] + "es" in vocabulary.raw:
        return None  # a singular whose plural is in use: "hypothesis", "hypotheses"
    for suffix in _COMPLETIONS:
        whole = word + suffix
        folded = canonical(whole)
        if len(folded) >= len(word) or not word.startswith(folded):
            continue
        if whole in vocabulary.raw or (knows_word is not None and knows_word(whole)):
            return whole
        if folded in vocabulary.by_canon:
            return vocabulary.by_canon[folded]
    return None


def spoken_form(word: str, knows_word: Callable[[str], bool]) -> str | None:
    """How a speech model without `word` would write it: digits as number words, then known
    words (the fewest pieces), else its letters spelled out; None when neither works."""
    pieces: list[str] = []
    for run in _runs(word):
        if run.isdigit():
            spoken = [_DIGIT_WORDS.get(d, d) for d in run]
            if not all(knows_word(s) for s in spoken):
                return None
            pieces += spoken
        elif knows_word(run):
            pieces.append(run)
        else:
            split = _segment(run, knows_word)
            if split is None:
                if not all(knows_word(ch) for ch in run):
                    return None
                split = list(run)
            pieces += split
    return " ".join(pieces)


def _runs(word: str) -> list[str]:
    """A word cut where letters turn to digits and back ("gpt4o" -> gpt, 4, o)."""
    runs: list[str] = []
    for ch in word:
        if runs and runs[-1][-1].isdigit() == ch.isdigit():
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs


def _segment(text: str, knows_word: Callable[[str], bool]) -> list[str] | None:
    """`text` as the fewest known words of two letters or more (at least two of them)."""
    best: list[list[str] | None] = [None] * (len(text) + 1)
    best[0] = []
    for end in range(2, len(text) + 1):
        for start in range(end - 1):
            head = best[start]
            if head is None or not knows_word(text[start:end]):
                continue
            current = best[end]
            if current is None or len(head) + 1 < len(current):
                best[end] = [*head, text[start:end]]
    result = best[len(text)]
    return result if result is not None and len(result) > 1 else None


def _unheard(word: str, phrase_text: str, knows_word: Callable[[str], bool]) -> str | None:
    """A note when the speech model cannot write `word`, with what it would write instead."""
    if word.isdigit():
        if all(knows_word(_DIGIT_WORDS.get(d, d)) for d in word):
            return None  # "2" is heard as "two", which the matcher reads as 2
    elif knows_word(word):
        return None
    heard = spoken_form(word, knows_word)
    if heard is None:
        return (
            f"{word!r} is not in the speech model's vocabulary and cannot be spelled in words"
            " it knows: a spoken answer never contains it; add a phrase in words the model"
            " knows"
        )
    alone, spoken = compile_phrase(word), compile_phrase(heard)
    exact = phrase_text.lstrip().startswith("=")
    same = (
        alone is not None
        and spoken is not None
        and alone.parts[0].joined == "".join(p.joined for p in spoken.parts)
    )
    if same and not exact:
        return (
            f"{word!r} is not in the speech model's vocabulary; it would be heard as"
            f" {heard!r}, which this phrase already matches"
        )
    return (
        f"{word!r} is not in the speech model's vocabulary; it would be heard as {heard!r}:"
        f" add the phrase {phrase_text.lower().replace(word, heard)!r}"
    )
