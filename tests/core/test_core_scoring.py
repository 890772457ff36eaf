"""Scoring rules from docs/banks.md: weighted coverage, the required cap, misconception penalties,
the negation guard, hints, the length target, bands, determinism and the rubric fingerprint."""

from __future__ import annotations

import pytest

from interview_sim.core.bank_schema import Bank, Rubric
from interview_sim.core.scoring import (
    LENGTH_CONCEPT,
    MAX_PENALTY,
    MISCONCEPTION_PENALTY,
    REQUIRED_CAP,
    TYPED_WORDS_PER_MINUTE,
    CompiledRubric,
    RubricCache,
    band_for,
    rubric_hash,
)


def weighted_rubric(required: bool = False, **extra: object) -> Rubric:
    return Rubric.model_validate(
        {
            "concepts": [
                {"name": "alpha", "weight": 3, "required": required, "phrases": ["alpha"]},
                {"name": "beta", "weight": 1, "phrases": ["beta"]},
                {"name": "gamma", "weight": 1, "phrases": ["gamma"]},
            ],
            **extra,
        }
    )


@pytest.mark.parametrize(
    ("text", "expected", "coverage"),
    [
        ("alpha beta gamma", 100, 1.0),
        ("alpha", 60, 0.6),
        ("beta", 20, 0.2),
        ("beta gamma", 40, 0.4),
        ("alpha gamma", 80, 0.8),
        ("nothing relevant", 0, 0.0),
        ("", 0, 0.0),
    ],
)
def test_score_is_the_share_of_the_weight_found(text: str, expected: int, coverage: float) -> None:
    result = CompiledRubric(weighted_rubric()).score(text)
    assert result.score == expected
    assert result.coverage == pytest.approx(coverage)
    assert not result.capped
    assert result.penalty == 0
    assert [c.matched for c in result.concepts] == [
        "alpha" in text,
        "beta" in text,
        "gamma" in text,
    ]


def test_fractional_weights() -> None:
    rubric = Rubric.model_validate(
        {
            "concepts": [
                {"name": "a", "weight": 0.5, "phrases": ["a1"]},
                {"name": "b", "weight": 1.5, "phrases": ["b1"]},
            ]
        }
    )
    assert CompiledRubric(rubric).score("a1").score == 25
    assert CompiledRubric(rubric).score("b1").score == 75


def test_missing_required_concept_caps_at_40_with_a_note() -> None:
    result = CompiledRubric(weighted_rubric(required=True)).score("beta gamma and more")
    assert result.capped
    assert result.score == 40 == REQUIRED_CAP
    assert result.coverage == pytest.approx(0.4)
    weights = {"alpha": 3, "beta": 1, "gamma": 1, "delta": 5}
    rubric = Rubric.model_validate(
        {
            "concepts": [
                {"name": n, "weight": w, "required": n == "alpha", "phrases": [n]}
                for n, w in weights.items()
            ]
        }
    )
    capped = CompiledRubric(rubric).score("beta gamma delta")
    assert capped.coverage == pytest.approx(0.7)
    assert capped.score == REQUIRED_CAP
    assert capped.capped
    assert any("capped at 40" in note for note in capped.notes)
    assert capped.band == "partial"


def test_cap_does_not_raise_a_low_score_and_needs_no_note() -> None:
    result = CompiledRubric(weighted_rubric(required=True)).score("beta")
    assert result.capped
    assert result.score == 20
    assert not any("capped" in note for note in result.notes)


def test_required_concept_found_means_no_cap() -> None:
    result = CompiledRubric(weighted_rubric(required=True)).score("alpha beta gamma")
    assert not result.capped
    assert result.score == 100


def misconception_rubric(count: int) -> Rubric:
    return Rubric.model_validate(
        {
            "concepts": [{"name": "alpha", "phrases": ["alpha"]}],
            "misconceptions": [
                {"name": f"wrong{i}", "phrases": [f"wrongidea{i}"], "correction": f"fix {i}"}
                for i in range(count)
            ],
        }
    )


@pytest.mark.parametrize(
    ("spotted", "penalty"), [(0, 0), (1, 15), (2, 30), (3, 45), (4, 45), (6, 45)]
)
def test_each_misconception_costs_15_up_to_45(spotted: int, penalty: int) -> None:
    rubric = misconception_rubric(6)
    text = "alpha " + " ".join(f"wrongidea{i}" for i in range(spotted))
    result = CompiledRubric(rubric).score(text)
    assert result.penalty == penalty == min(MAX_PENALTY, MISCONCEPTION_PENALTY * spotted)
    assert result.score == 100 - penalty
    assert [m.name for m in result.misconceptions] == [f"wrong{i}" for i in range(spotted)]
    assert (f"-{penalty} for misconceptions" in result.notes) == bool(penalty)


def test_penalty_never_takes_the_score_below_zero() -> None:
    result = CompiledRubric(misconception_rubric(3)).score("wrongidea0 wrongidea1")
    assert result.score == 0
    assert result.penalty == 30


def test_one_misconception_with_several_phrases_counts_once() -> None:
    rubric = Rubric.model_validate(
        {
            "concepts": [{"name": "alpha", "phrases": ["alpha"]}],
            "misconceptions": [
                {"name": "swap", "phrases": ["wrongone", "wrongtwo"], "correction": "no"}
            ],
        }
    )
    result = CompiledRubric(rubric).score("alpha wrongone wrongtwo")
    assert result.penalty == 15
    assert len(result.misconceptions) == 1


def test_misconception_evidence_and_correction(example_bank: Bank) -> None:
    question = example_bank.question("k-means")
    assert question is not None
    text = "K-means is supervised: each point goes to the nearest centroid."
    result = CompiledRubric(question.rubric).score(text)
    (wrong,) = result.misconceptions
    assert wrong.name == "supervised"
    assert wrong.correction.startswith("k-means is unsupervised")
    assert wrong.evidence == ("supervised",)
    assert text[slice(*wrong.spans[0])] == "supervised"


@pytest.mark.parametrize(
    "text",
    [
        "k-means is not supervised, it uses centroids",
        "it is never supervised",
        "no, it isn't supervised",
        "clustering that doesn't get supervised",
        "it is not really supervised",
        "you can't call it supervised",
        "k-means is unsupervised",  # a different word, not the misconception at all
    ],
)
def test_negated_misconception_costs_nothing(example_bank: Bank, text: str) -> None:
    question = example_bank.question("k-means")
    assert question is not None
    result = CompiledRubric(question.rubric).score(text)
    assert result.misconceptions == ()
    assert result.penalty == 0


def test_negation_far_before_does_not_guard(example_bank: Bank) -> None:
    question = example_bank.question("k-means")
    assert question is not None
    text = "it does not need many steps and the whole thing is supervised"
    assert CompiledRubric(question.rubric).score(text).penalty == 15


def test_negation_inside_a_gap_misconception_guards(example_bank: Bank) -> None:
    question = example_bank.question("bias-variance")
    assert question is not None
    compiled = CompiledRubric(question.rubric)
    assert compiled.score("high bias will overfit").penalty == 15
    assert compiled.score("high bias will not overfit").penalty == 0


def test_hinted_concept_earns_half_its_weight() -> None:
    compiled = CompiledRubric(weighted_rubric())
    full = compiled.score("alpha beta gamma")
    hinted = compiled.score("alpha beta gamma", hinted=["alpha"])
    assert full.score == 100
    assert hinted.score == 70  # (1.5 + 1 + 1) / 5
    assert hinted.coverage == pytest.approx(0.7)
    assert [c.hinted for c in hinted.concepts] == [True, False, False]
    assert any("hint" in note for note in hinted.notes)


def test_hint_names_are_case_insensitive_and_unfound_hints_earn_nothing() -> None:
    compiled = CompiledRubric(weighted_rubric())
    result = compiled.score("beta gamma", hinted=["ALPHA"])
    assert result.score == 40
    assert not any("hint" in note for note in result.notes)
    assert compiled.score("alpha", hinted=["Alpha"]).score == 30


def length_rubric() -> Rubric:
    return Rubric.model_validate(
        {
            "concepts": [{"name": "lesson", "phrases": ["lesson"]}],
            "length": {"min_seconds": 45, "max_seconds": 150, "weight": 1},
        }
    )


@pytest.mark.parametrize(
    ("words", "within"),
    [(10, False), (112, False), (113, True), (200, True), (375, True), (376, False)],
)
def test_typed_answer_length_is_timed_at_150_words_a_minute(words: int, within: bool) -> None:
    seconds = words / TYPED_WORDS_PER_MINUTE * 60
    assert (45 <= seconds <= 150) == within
    text = "lesson " + "word " * (words - 1)
    result = CompiledRubric(length_rubric()).score(text)
    length = result.concepts[-1]
    assert length.name == LENGTH_CONCEPT
    assert length.matched == within
    assert result.score == (100 if within else 50)
    assert length.evidence == (f"{seconds:.0f} s",)


@pytest.mark.parametrize(
    ("seconds", "within"), [(44.9, False), (45, True), (90, True), (150, True), (150.1, False)]
)
def test_spoken_answer_length_uses_the_spoken_seconds(seconds: float, within: bool) -> None:
    result = CompiledRubric(length_rubric()).score("lesson", spoken_seconds=seconds)
    assert result.concepts[-1].matched == within
    assert result.score == (100 if within else 50)


def test_length_concept_is_absent_without_a_target() -> None:
    result = CompiledRubric(weighted_rubric()).score("alpha")
    assert LENGTH_CONCEPT not in [c.name for c in result.concepts]


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "weak"),
        (39, "weak"),
        (40, "partial"),
        (59, "partial"),
        (60, "good"),
        (79, "good"),
        (80, "strong"),
        (100, "strong"),
    ],
)
def test_bands(score: int, band: str) -> None:
    assert band_for(score) == band


def test_result_band_follows_the_final_score() -> None:
    rubric = misconception_rubric(1)
    result = CompiledRubric(rubric).score("alpha wrongidea0")
    assert result.score == 85
    assert result.band == "strong"


def test_scoring_is_deterministic(example_bank: Bank) -> None:
    question = example_bank.question(1)
    assert question is not None
    text = "High bias underfits; high variance means it is sensitive to the training data."
    first = CompiledRubric(question.rubric).score(text)
    for _ in range(3):
        assert CompiledRubric(question.rubric).score(text) == first
    compiled = CompiledRubric(question.rubric)
    assert compiled.score(text) == compiled.score(text) == first


def test_rubric_hash_changes_when_the_rubric_changes(example_bank: Bank) -> None:
    rubric = weighted_rubric()
    same = weighted_rubric()
    assert rubric_hash(rubric) == rubric_hash(same)
    assert len(rubric_hash(rubric)) == 12
    changes = [
        weighted_rubric(required=True),
        Rubric.model_validate(
            {
                **rubric.model_dump(),
                "concepts": [
                    {**rubric.concepts[0].model_dump(), "phrases": ["alpha", "alef"]},
                    *[c.model_dump() for c in rubric.concepts[1:]],
                ],
            }
        ),
        Rubric.model_validate(
            {
                **rubric.model_dump(),
                "concepts": [
                    {**rubric.concepts[0].model_dump(), "weight": 2},
                    *[c.model_dump() for c in rubric.concepts[1:]],
                ],
            }
        ),
        weighted_rubric(length={"min_seconds": 30}),
        weighted_rubric(misconceptions=[{"name": "x", "phrases": ["y"], "correction": "z"}]),
    ]
    hashes = {rubric_hash(r) for r in changes}
    assert rubric_hash(rubric) not in hashes
    assert len(hashes) == len(changes)
    assert CompiledRubric(rubric).score("alpha").rubric_hash == rubric_hash(rubric)


def test_rubric_cache_recompiles_only_a_changed_rubric(example_bank: Bank) -> None:
    cache = RubricCache()
    question = example_bank.questions[0]
    first = cache.get(example_bank.id, question)
    assert cache.get(example_bank.id, question) is first
    edited = question.model_copy(update={"rubric": weighted_rubric()})
    second = cache.get(example_bank.id, edited)
    assert second is not first
    assert second.hash == rubric_hash(weighted_rubric())


def test_missed_lists_the_concepts_not_found() -> None:
    result = CompiledRubric(weighted_rubric()).score("beta")
    assert [c.name for c in result.missed] == ["alpha", "gamma"]


def test_a_correct_answer_does_not_trip_the_swapped_misconception(example_bank: Bank) -> None:
    question = example_bank.question("bias-variance")
    assert question is not None
    result = CompiledRubric(question.rubric).score("High bias underfits; high variance overfits.")
    assert result.misconceptions == ()
