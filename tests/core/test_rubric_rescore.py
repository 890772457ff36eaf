"""Re-scoring stored answers under a changed rubric: the diff per answer and per question."""

from __future__ import annotations

import json

from interview_sim.core.bank_schema import Bank
from interview_sim.core.rescore import Rescorer, StoredAnswer
from interview_sim.core.scoring import CompiledRubric


def stored(bank: Bank, qid: str, text: str, answer_id: int) -> StoredAnswer:
    question = bank.question(qid)
    assert question is not None
    result = CompiledRubric(question.rubric).score(text)
    concepts = [{"name": c.name, "matched": c.matched} for c in result.concepts]
    return StoredAnswer(
        answer_id, bank.id, qid, text, result.score, json.dumps(concepts), "[]", None,
        result.rubric_hash,
    )  # fmt: skip


def edited(bank: Bank, qid: str, concept: str, phrases: list[str]) -> Bank:
    data = bank.model_dump()
    for question in data["questions"]:
        if question["id"] == qid:
            for item in question["rubric"]["concepts"]:
                if item["name"] == concept:
                    item["phrases"] = phrases
    return Bank.model_validate(data)


def test_an_unchanged_rubric_changes_nothing(example_bank: Bank) -> None:
    answers = [
        stored(example_bank, "bias-variance", "bias is too simple, variance overfits", 1),
        stored(example_bank, "k-means", "centroids, nearest, repeat", 2),
    ]
    rescorer = Rescorer({example_bank.id: example_bank})
    changes = rescorer.rescore_all(answers)
    assert [c.changed for c in changes] == [False, False]
    assert [c.stale for c in changes] == [False, False]


def test_a_new_phrase_gains_a_concept_and_points(example_bank: Bank) -> None:
    text = "the model is far too rigid, and it also overfits when flexible; a trade off"
    before = stored(example_bank, "bias-variance", text, 7)
    after_bank = edited(example_bank, "bias-variance", "bias", ["bias", "too rigid"])
    rescorer = Rescorer({after_bank.id: after_bank})
    change = rescorer.rescore(before)
    assert change is not None
    assert change.gained == ("bias",) and change.lost == ()
    assert change.old_score == 40 and change.new_score == 100  # the required-cap is lifted
    assert change.changed and change.stale and change.old_hash != change.new_hash
    summary = rescorer.summaries[("example", "bias-variance")]
    assert (summary.answers, summary.changed, summary.up, summary.down) == (1, 1, 1, 0)
    assert summary.gained["bias"] == 1
    assert change.as_dict()["delta"] == 60


def test_a_removed_phrase_loses_a_concept(example_bank: Bank) -> None:
    before = stored(example_bank, "k-means", "each point goes to the nearest centroid", 3)
    after_bank = edited(example_bank, "k-means", "assignment", ["closest"])
    change = Rescorer({after_bank.id: after_bank}).rescore(before)
    assert change is not None and change.lost == ("assignment",)
    assert change.new_score < (change.old_score or 0)


def test_answers_to_a_question_no_longer_there_are_counted_apart(example_bank: Bank) -> None:
    gone = StoredAnswer(9, "example", "deleted-question", "text", 50, "[]", "[]", None, "x")
    rescorer = Rescorer({example_bank.id: example_bank})
    assert rescorer.rescore(gone) is None
    assert rescorer.missing[("example", "deleted-question")] == 1


def test_hints_and_spoken_length_are_replayed(example_bank: Bank) -> None:
    text = "a story: I learned a lesson"
    question = example_bank.question("failure-story")
    assert question is not None
    result = CompiledRubric(question.rubric).score(text, hinted=["lesson"], spoken_seconds=60)
    concepts = json.dumps([{"name": c.name, "matched": c.matched} for c in result.concepts])
    row = StoredAnswer(
        4, "example", "failure-story", text, result.score, concepts, '["lesson"]', 60.0,
        result.rubric_hash,
    )  # fmt: skip
    change = Rescorer({example_bank.id: example_bank}).rescore(row)
    assert change is not None and not change.changed and change.new_score == result.score
