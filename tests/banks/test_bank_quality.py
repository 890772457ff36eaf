"""Quality gates of the five bundled banks: counts, self-scores, unrelated scores, samples."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from interview_sim.core.bank_loader import load_bank_file
from interview_sim.core.bank_schema import Bank
from interview_sim.core.scoring import CompiledRubric

BANKS = Path(__file__).resolve().parents[2] / "banks"
SAMPLES = Path(__file__).resolve().parent / "samples"
EXPECTED = {
    "ai-researcher": 38,
    "ai-engineer": 15,
    "ai-experienced": 35,
    "ai-ml-behavioral": 10,
    "ai-ml-top100": 100,
}


@cache
def bank(bank_id: str) -> Bank:
    return load_bank_file(BANKS / f"{bank_id}.yaml")


@cache
def rubric(bank_id: str, question_id: str) -> CompiledRubric:
    question = bank(bank_id).question(question_id)
    assert question is not None
    return CompiledRubric(question.rubric)


@pytest.mark.parametrize(("bank_id", "count"), EXPECTED.items())
def test_bank_validates_with_article_numbering(bank_id: str, count: int) -> None:
    loaded = bank(bank_id)
    assert loaded.id == bank_id
    assert len(loaded.questions) == count
    assert sorted(q.number for q in loaded.questions) == list(range(1, count + 1))


@pytest.mark.parametrize("bank_id", EXPECTED)
def test_every_reference_scores_at_least_90(bank_id: str) -> None:
    low = [
        (q.number, score)
        for q in bank(bank_id).questions
        if (score := rubric(bank_id, q.id).score(q.reference).score) < 90
    ]
    assert not low, f"references under 90: {low}"


@pytest.mark.parametrize("bank_id", EXPECTED)
def test_unrelated_references_score_at_most_30(bank_id: str) -> None:
    questions = bank(bank_id).questions
    high = []
    for q in questions:
        for other in questions:
            if other.topic == q.topic or bank(bank_id).related(q, other):
                continue
            score = rubric(bank_id, q.id).score(other.reference).score
            if score > 30:
                high.append((other.number, q.number, score))
    assert not high, f"(reference of, scored on, score) over 30: {high[:10]}"


def _samples() -> list[tuple[str, dict[str, object]]]:
    found = []
    for path in sorted(SAMPLES.glob("*.yaml")):
        bank_id = path.stem.removesuffix("-a").removesuffix("-b")
        for item in YAML(typ="safe").load(path.read_text(encoding="utf-8")) or []:
            found.append((bank_id, item))
    return found


def test_at_least_25_sampled_questions_across_the_banks() -> None:
    samples = _samples()
    assert len(samples) >= 25
    assert {bank_id for bank_id, _ in samples} == set(EXPECTED)


@pytest.mark.parametrize(
    ("bank_id", "item"),
    _samples(),
    ids=lambda v: str(v.get("question")) if isinstance(v, dict) else v,
)
def test_spoken_samples_rank_strong_partial_wrong(bank_id: str, item: dict[str, object]) -> None:
    question = bank(bank_id).question(str(item["question"]))
    assert question is not None
    compiled = rubric(bank_id, question.id)
    s = {
        k: compiled.score(str(item[k])).score for k in ("strong", "partial", "wrong", "recognised")
    }
    assert s["strong"] > s["partial"] > s["wrong"], s
    assert abs(s["recognised"] - s["strong"]) <= 15, s
    assert s["strong"] >= 60, s
