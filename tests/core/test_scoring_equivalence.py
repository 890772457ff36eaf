"""The fast scorer gives exactly the results of the scorer it replaced (issue 10).

The oracle is tests/core/reference_scorer/, a frozen copy of normalize, matcher, scoring, delivery
and the `score --batch` loop as they were before the speed work. Every reference answer of the
bundled banks (against every rubric of its bank), every spoken sample in tests/banks/samples, a few
thousand answers from benchmarks/batch_scoring.make_answers and seeded mutations that exercise the
matching rules (mis-hearings, joined and split words, spoken numbers, British spellings, gap
phrases, turns, negations, exact phrases, non-ASCII text) are scored by both, and everything
compared: score, band, coverage, cap, penalty, concepts with evidence and spans, misconceptions,
notes, delivery, the prepared answer and phrase matches, and the batch output byte for byte.

Nothing is stored: the banks are read as they are now, so the test follows bank edits.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import random
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from reference_scorer import batch as ref_batch
from reference_scorer import delivery as ref_delivery
from reference_scorer import matcher as ref_matcher
from reference_scorer import normalize as ref_normalize
from reference_scorer import scoring as ref_scoring
from ruamel.yaml import YAML

from interview_sim.core import delivery, matcher, normalize, scoring
from interview_sim.core.bank_schema import Bank, Question, Rubric
from interview_sim.core.bank_set import BankSet, load_bank_set
from interview_sim.core.batch import BatchScorer
from interview_sim.core.transcript import Word

REPO = Path(__file__).resolve().parents[2]
BANKS = REPO / "banks"
SAMPLES = REPO / "tests" / "banks" / "samples"


@cache
def banks() -> BankSet:
    return load_bank_set(BANKS)


def bank_ids() -> list[str]:
    return sorted(banks().banks)


@cache
def bench_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "_equivalence_batch_scoring", REPO / "benchmarks" / "batch_scoring.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@cache
def generated_lines() -> tuple[str, ...]:
    return tuple(bench_module().make_answers(3000, seed=11))


# --- comparing -------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A dataclass as nested tuples of its field values (the two scorers' classes differ)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__name__, *(plain(getattr(value, f.name)) for f in fields))
    if isinstance(value, (tuple, list)):
        return tuple(plain(v) for v in value)
    return value


class Pair:
    """One rubric compiled by both scorers."""

    def __init__(self, rubric: Rubric) -> None:
        self.new = scoring.CompiledRubric(rubric)
        self.old = ref_scoring.CompiledRubric(rubric)

    def check(
        self, text: str, hinted: Sequence[str] = (), spoken_seconds: float | None = None
    ) -> None:
        new = self.new.score(text, hinted=hinted, spoken_seconds=spoken_seconds)
        old = self.old.score(text, hinted=hinted, spoken_seconds=spoken_seconds)
        assert plain(new) == plain(old), f"scores differ for {text!r}"
        assert plain(new.missed) == plain(old.missed)

    def check_prepared(self, text: str) -> None:
        """The prepared answer and every phrase match, through the public matcher API."""
        new = self.new.prepare(text)
        old = self.old.prepare(text)
        assert new.raw == old.raw
        assert new.canon == old.canon
        assert new.spans == old.spans
        n = len(old.raw)
        for i in range(0, n + 1, max(1, n // 7)):
            assert new.negated_before(i) == old.negated_before(i)
            assert new.negated_within(i, min(n, i + 5)) == old.negated_within(i, min(n, i + 5))
            assert new.contrast_within(i, min(n, i + 9)) == old.contrast_within(i, min(n, i + 9))
        new_phrases = [p for c in self.new.concepts for p in c.phrases]
        new_phrases += [p for m in self.new.misconceptions for p in m.phrases]
        old_phrases = [p for c in self.old.concepts for p in c.phrases]
        old_phrases += [p for m in self.old.misconceptions for p in m.phrases]
        for np_, op in zip(new_phrases, old_phrases, strict=True):
            assert matcher.match_phrase(new, np_) == ref_matcher.match_phrase(old, op), (
                op.text,
                text,
            )
            for npart, opart in zip(np_.parts, op.parts, strict=True):
                assert list(new.find(npart)) == list(old.find(opart))
                assert list(new.find(npart, 3)) == list(old.find(opart, 3))


@cache
def pair(bank_id: str, question_id: str) -> Pair:
    question = banks().banks[bank_id].question(question_id)
    assert question is not None
    return Pair(question.rubric)


def check_delivery(text: str, words: Sequence[Word] = ()) -> None:
    assert plain(delivery.measure(text, words)) == plain(ref_delivery.measure(text, words))


# --- inputs ----------------------------------------------------------------------------------

NEGATORS = ["not", "no", "never", "can't", "isn't", "doesn't", "without", "rather than"]
TURNS = ["but", "whereas", "while", "unlike", "however", "though", "versus", "vs"]
FILLERS = ["um", "uh", "you know", "i mean", "sort of", "kind of", "like", "so like", "erm"]
HEDGES = ["i think", "maybe", "probably", "i'm not sure", "not sure", "might be", "i guess"]
ODD_WORDS = [
    "café",
    "naïve",
    "İstanbul",
    "Straße",
    "ﬁne",
    "２",
    "snake_case",
    "—",
    "l'apprentissage",
    "«dit»",
    "ΣΊΣΥΦΟΣ",
    "x²",
    "Ⅻ",
    "١٢",
]
NUMBERS = {"1": "one", "2": "two", "3": "three", "10": "ten", "20": "twenty", "100": "hundred"}


def mishear(word: str, rng: random.Random) -> str:
    """One letter wrong, missing or added."""
    i = rng.randrange(1, len(word))
    letter = rng.choice("aeioulnrst")
    return rng.choice(
        [word[:i] + letter + word[i + 1 :], word[:i] + word[i + 1 :], word[:i] + letter + word[i:]]
    )


def mutate(text: str, rng: random.Random) -> str:
    """Spoken-style and recogniser-style damage, at random."""
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        roll = rng.random()
        if roll < 0.05 and len(word.strip(".,;:")) >= 7:
            out.append(mishear(word.strip(".,;:"), rng))
        elif roll < 0.08 and i + 1 < len(words):
            out.append(word + rng.choice(["", "-"]) + words[i + 1])
            i += 1
        elif roll < 0.10 and 1 < len(word) <= 4:
            out.append(" ".join(word))
        elif roll < 0.12:
            out.append(word.upper() if rng.random() < 0.5 else word.capitalize())
        elif roll < 0.14:
            out.append(word.replace("iz", "is").replace("or", "our").replace("er", "re"))
        elif roll < 0.16:
            out.append(NUMBERS.get(word, word + "s"))
        elif roll < 0.19:
            out.extend([rng.choice(NEGATORS), word])
        elif roll < 0.21:
            out.extend([rng.choice(TURNS), word])
        elif roll < 0.24:
            out.extend([rng.choice(FILLERS + HEDGES), word])
        elif roll < 0.26:
            out.append(word + rng.choice([",", ".", "!", "?", "'s", ")", '"', "...", " -"]))
        elif roll < 0.27:
            out.extend([rng.choice(ODD_WORDS), word])
        else:
            out.append(word)
        i += 1
    return " ".join(out)


def phrase_text(phrase: str, rng: random.Random) -> str:
    """A rubric phrase said aloud, with its gaps filled by 0 to 10 words."""
    pieces = [p.strip().lstrip("=") for p in phrase.split("...")]
    said = pieces[0]
    for piece in pieces[1:]:
        filler = [rng.choice(["the", "a", "very", "model", "then", "so"]) for _ in range(11)]
        if rng.random() < 0.2:
            filler[rng.randrange(11)] = rng.choice(TURNS + NEGATORS)
        said += " " + " ".join(filler[: rng.randrange(11)]) + " " + piece
    return said


def phrase_salad(question: Question, rng: random.Random) -> str:
    """Rubric phrases (concepts and misconceptions) in random order, some negated or turned."""
    rubric = question.rubric
    phrases = [p for c in rubric.concepts for p in c.phrases]
    wrong = [p for m in rubric.misconceptions for p in m.phrases]
    chosen = rng.sample(phrases, min(len(phrases), rng.randrange(1, 6)))
    chosen += rng.sample(wrong, min(len(wrong), rng.randrange(0, 3)))
    rng.shuffle(chosen)
    parts = []
    for phrase in chosen:
        lead = rng.choice(["", "", "", *NEGATORS, *TURNS, *FILLERS, "it is", "we use"])
        parts.append(f"{lead} {phrase_text(phrase, rng)}".strip())
    text = rng.choice([", ", " ", ". ", " and "]).join(parts)
    return mutate(text, rng) if rng.random() < 0.5 else text


def timed_words(text: str, rng: random.Random) -> list[Word]:
    words = []
    clock = rng.uniform(0, 2)
    for token in text.split():
        clock += rng.choice([0.0, 0.0, 0.1, 0.4, 1.6, 2.5])
        words.append(Word(token, clock, clock + 0.3))
        clock += 0.3
    return words


EDGE_TEXTS = [
    "",
    " ",
    "...",
    "—",
    "a",
    "s",
    "can't",
    "can t not",
    "It isn't supervised, it's not",
    "K-means, (CNNs) & L2! kmeans k means c n n cnns svms",
    "f one score F1-score f1 l two l2 gpt three gpt 3",
    "Le café « dit »: Regularisation helps İstanbul ﬁne ２ x² ΣΊΣΥΦΟΣ",
    "bagging is parallel whereas boosting is sequential",
    "sensitive to the particular training data training data sensitive",
    "um uh you know i mean sort of kind of like like like so like we like it i m not sure",
    "ai AI A.I. a, i think ais",
    "overfitting overfits overfitted overfit underfitting",
    "the gradiant flows transfomer backpropegation centroyd gradiemt",
    "x " * 300,
    "word_with_underscores and__double",
    "\t\nnew\nlines\tand\ttabs\r\n",
]


# --- tests -----------------------------------------------------------------------------------


def test_there_are_banks_to_compare() -> None:
    assert bank_ids(), "no bundled bank loaded"


@pytest.mark.parametrize("bank_id", bank_ids())
def test_compiled_rubrics_are_the_same(bank_id: str) -> None:
    for question in banks().banks[bank_id].questions:
        p = pair(bank_id, question.id)
        assert p.new.vocabulary == p.old.vocabulary
        assert p.new.hash == p.old.hash
        for new_c, old_c in zip(p.new.concepts, p.old.concepts, strict=True):
            assert plain(new_c.phrases) == plain(old_c.phrases)
            assert (new_c.name, new_c.weight, new_c.required, new_c.meaning, new_c.probe) == (
                old_c.name,
                old_c.weight,
                old_c.required,
                old_c.meaning,
                old_c.probe,
            )
        for new_m, old_m in zip(p.new.misconceptions, p.old.misconceptions, strict=True):
            assert plain(new_m.phrases) == plain(old_m.phrases)
            assert (new_m.name, new_m.correction) == (old_m.name, old_m.correction)
        for word in sorted(p.old.vocabulary)[:40]:
            for variant in (word, word + "x", word[:-1], "q" + word[1:], word[:2] + word[3:]):
                assert p.new.fuzzy.correct(variant) == p.old.fuzzy.correct(variant)


@pytest.mark.parametrize("bank_id", bank_ids())
def test_references_against_every_rubric_of_their_bank(bank_id: str) -> None:
    questions = banks().banks[bank_id].questions
    for answer in questions:  # one text against many rubrics in a row: cached tokens reused
        for question in questions:
            pair(bank_id, question.id).check(answer.reference)
        pair(bank_id, answer.id).check_prepared(answer.reference)
        check_delivery(answer.reference)


def samples() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(SAMPLES.glob("*.yaml")):
        bank_id = path.stem.removesuffix("-a").removesuffix("-b")
        for item in YAML(typ="safe").load(path.read_text(encoding="utf-8")) or []:
            for kind in ("strong", "partial", "wrong", "recognised"):
                if isinstance(item.get(kind), str):
                    found.append((bank_id, str(item["question"]), item[kind]))
    return found


def test_spoken_samples() -> None:
    rng = random.Random(3)
    checked = 0
    for bank_id, key, text in samples():
        bank = banks().banks.get(bank_id)
        question = bank.question(key) if bank else None
        if bank is None or question is None:
            continue  # a bank still being written
        p = pair(bank_id, question.id)
        p.check(text)
        p.check_prepared(text)
        names = [c.name for c in question.rubric.concepts]
        p.check(text, hinted=[n.upper() for n in rng.sample(names, 2)], spoken_seconds=80.0)
        p.check(text, spoken_seconds=rng.uniform(10, 200))
        check_delivery(text)
        check_delivery(text, timed_words(text, rng))
        for other in rng.sample(bank.questions, min(3, len(bank.questions))):
            pair(bank_id, other.id).check(text)
        checked += 1
    assert checked >= 25


@pytest.mark.parametrize("bank_id", bank_ids())
def test_mutated_answers_and_phrase_salads(bank_id: str) -> None:
    rng = random.Random(f"mutations-{bank_id}")
    questions = banks().banks[bank_id].questions
    for question in questions:
        p = pair(bank_id, question.id)
        texts = [mutate(question.reference, rng) for _ in range(3)]
        texts += [phrase_salad(question, rng) for _ in range(8)]
        texts += [phrase_salad(rng.choice(questions), rng)]
        for text in texts:
            p.check(text)
            if rng.random() < 0.3:
                names = [c.name for c in question.rubric.concepts]
                p.check(text, hinted=rng.sample(names, 1), spoken_seconds=rng.uniform(0, 300))
            if rng.random() < 0.25:
                p.check_prepared(text)
            check_delivery(text)
        check_delivery(texts[0], timed_words(texts[0], rng))


def test_edge_texts() -> None:
    rng = random.Random(5)
    for bank_id in bank_ids():
        for question in rng.sample(banks().banks[bank_id].questions, 3):
            p = pair(bank_id, question.id)
            for text in EDGE_TEXTS:
                p.check(text)
                p.check_prepared(text)
    for text in EDGE_TEXTS:
        check_delivery(text)
        check_delivery(text, timed_words(text, rng))


def test_generated_benchmark_answers() -> None:
    for line in generated_lines():
        item = json.loads(line)
        bank = banks().banks.get(item["bank"])
        question = bank.question(item["question"]) if bank else None
        if bank is None or question is None:
            continue
        pair(bank.id, question.id).check(item["text"])
        check_delivery(item["text"])


def test_tokenising_and_canonical_forms() -> None:
    rng = random.Random(9)
    texts = [*EDGE_TEXTS, *(q.reference for b in banks().banks.values() for q in b.questions)]
    texts += [mutate(t, rng) for t in texts]
    for text in texts:
        new, old = normalize.tokenize(text), ref_normalize.tokenize(text)
        assert (new.raw, new.canon, new.spans) == (old.raw, old.canon, old.spans)
        assert normalize.raw_words(text) == ref_normalize.raw_words(text)
        assert normalize.canonical_words(text) == ref_normalize.canonical_words(text)
    for word in ["two", "2", "behaviour", "optimise", "exercise", "", "ﬁ", "İ", "running"]:
        assert normalize.canonical(word) == ref_normalize.canonical(word)
        assert normalize.americanize(word) == ref_normalize.americanize(word)


def batch_input(rng: random.Random) -> list[str]:
    lines = list(generated_lines()[:1500])

    for bank_id in bank_ids():
        for question in rng.sample(banks().banks[bank_id].questions, 3):
            text = phrase_salad(question, rng)
            key: object = rng.choice([question.id, question.number, str(question.number)])
            lines.append(json.dumps({"bank": bank_id, "question": key, "text": text}))
            lines.append(json.dumps({"bank": bank_id, "question": key, "text": text}, indent=1))
    odd = [
        "{not json",
        "",
        "   ",
        '["a", "list"]',
        '{"bank": "nope", "question": 1, "text": "x"}',
        '{"question": 1, "text": "x"}',
        '{"bank": BANK, "question": "zzz", "text": "x"}',
        '{"bank": BANK, "question": 1, "text": 42}',
        '{"bank": BANK, "question": 1}',
        '{"bank": BANK, "question": 1, "text": "caf\\u00e9 NaN \\ud83d\\ude00"}',
        # NaN and lone surrogates: not JSON, refused (test_batch_refuses_...)
        '{"bank": BANK, "question": 1.0, "text": "x"}',
        '{"bank": BANK, "question": null, "text": "x"}',
        '{"bank": BANK, "question": 1, "text": "x"} trailing',
        '\ufeff{"bank": BANK, "question": 1, "text": "x"}',
        "1e400",
        "null",
    ]
    lines += [line.replace("BANK", json.dumps(bank_ids()[0])) for line in odd]
    rng.shuffle(lines)
    return [line + "\n" for line in lines]


def _same_lines(new_out: list[bytes], old_out: list[str]) -> int:
    """Each scored line carries the same JSON as the old loop's (which wrote it with json.dumps);
    a line refused by one is refused by the other, at the same line number (the parsers word
    their messages differently). The number of refused lines."""
    assert len(new_out) == len(old_out)
    refused = 0
    for a, b in zip(new_out, old_out, strict=True):
        assert a.endswith(b"\n") and b.endswith("\n")
        new, old = json.loads(a), json.loads(b)
        if "error" in old and "line" in old:
            assert new.keys() == {"line", "error"} and new["line"] == old["line"], (a, b)
            refused += 1
        else:
            assert new == old
    return refused


def test_batch_output_is_the_same_json() -> None:
    rng = random.Random(13)
    lines = batch_input(rng)
    new = BatchScorer(banks())
    new_out = list(new.lines(iter(lines)))
    old_out = list(ref_batch.score_lines(iter(lines), banks(), None))
    refused = _same_lines(new_out, old_out)
    assert new.errors == refused > 5


def test_batch_output_with_a_fixed_bank() -> None:
    rng = random.Random(17)
    bank: Bank = banks().banks[bank_ids()[0]]
    lines = [line.replace(f'"bank": "{bank.id}", ', "") for line in batch_input(rng)]
    new_out = list(BatchScorer(None, bank).lines(iter(lines)))
    old_out = list(ref_batch.score_lines(iter(lines), None, bank))
    _same_lines(new_out, old_out)


def test_batch_refuses_what_it_cannot_write_in_one_line() -> None:
    bank = bank_ids()[0]
    odd = [
        '{"bank": BANK, "question": 1, "text": "lone \\ud800 surrogate"}',
        '{"bank": BANK, "question": 1, "text": "x", "extra": NaN}',
        '{"bank": BANK, "question": 123456789012345678901234567890, "text": "x"}',
        '{"bank": BANK, "question": 1, "text": "caf\\u00e9 \\ud83d\\ude00"}',
    ]
    scorer = BatchScorer(banks())
    out = [
        json.loads(line) for line in scorer.lines(x.replace("BANK", json.dumps(bank)) for x in odd)
    ]
    assert [sorted(o) for o in out[:3]] == [["error", "line"]] * 3
    assert [o["line"] for o in out[:3]] == [1, 2, 3] and scorer.errors == 3
    assert "score" in out[3] and out[3]["bank"] == bank


def test_results_hold_when_the_caches_are_cleared_often(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny cache limits: canonical forms, long words, shared tokens and fuzzy answers are
    thrown away every few answers, and nothing may change."""
    monkeypatch.setattr(normalize, "_CANON_LIMIT", 40)
    monkeypatch.setattr(normalize, "_RECENT_LIMIT", 2)
    monkeypatch.setattr(matcher, "_KNOWN_LIMIT", 3)
    rng = random.Random(23)
    bank_id = bank_ids()[-1]
    questions = banks().banks[bank_id].questions
    for question in rng.sample(questions, min(12, len(questions))):
        p = pair(bank_id, question.id)
        held = [p.new.prepare(question.reference).tokens]  # made before the clears below
        for _ in range(4):
            text = mutate(question.reference, rng)
            p.check(text)
            other = rng.choice(questions)
            pair(bank_id, other.id).check(text)
            check_delivery(text)
        tokens = held[0]
        assert tokens.long_words == {w for w in tokens.canon if len(w) >= normalize.LONG_WORD}


def test_a_token_with_an_empty_canonical_form(monkeypatch: pytest.MonkeyPatch) -> None:
    """No word folds to nothing today; should one ever, the general path must still agree."""
    for forms in (normalize._CANON, ref_normalize._CANON):
        monkeypatch.setitem(forms, "zzempty", "")
    monkeypatch.setattr(normalize, "_EMPTY", {"zzempty"})
    rng = random.Random(29)
    bank_id = bank_ids()[0]
    for question in banks().banks[bank_id].questions[:10]:
        p = pair(bank_id, question.id)
        words = phrase_salad(question, rng).split()
        for _ in range(3):
            words.insert(rng.randrange(len(words) + 1), "zzempty")
        text = " ".join(words) + " zzempty"
        assert p.new.prepare(text).bounds is None
        p.check(text)
        p.check_prepared(text)
