"""Drafting rubrics from reference answers, and building banks from csv, jsonl and md files."""

from __future__ import annotations

import json

import pytest

from interview_sim.core.bank_import import (
    ImportProblems,
    build_bank_yaml,
    format_for,
    parse_questions,
    rubric_yaml,
)
from interview_sim.core.bank_loader import parse_bank
from interview_sim.core.drafting import (
    MAX_CONCEPTS,
    MAX_PHRASES,
    DraftQuestion,
    Specificity,
    draft_bank_rubrics,
    draft_rubric,
)
from interview_sim.core.scoring import CompiledRubric


def names_and_phrases(prompt: str, reference: str) -> list[list[str]]:
    return [c.phrases for c in draft_rubric(prompt, reference).concepts]


def test_each_clause_is_a_concept_of_its_content_words() -> None:
    phrases = names_and_phrases(
        "What is a queue?",
        "A queue stores items in order, and it removes the oldest item first.",
    )
    assert phrases == [["stores", "items", "order"], ["removes", "oldest", "first"]]


def test_words_of_the_prompt_are_left_out() -> None:
    rubric = draft_rubric("How are linked lists passed to a function?", "By reference.")
    assert [c.phrases for c in rubric.concepts] == [["reference"]]
    assert rubric.concepts[0].meaning == "The reference answer says: By reference."


def test_a_reference_that_only_repeats_the_prompt_keeps_its_words() -> None:
    rubric = draft_rubric("What is gradient descent?", "Gradient descent.")
    assert rubric.concepts[0].phrases == ["gradient", "descent"]


def test_inflections_of_one_word_are_one_phrase() -> None:
    phrases = names_and_phrases("Why?", "Overfitting models overfit the noise; overfitted noise.")
    flat = [p for group in phrases for p in group]
    assert flat.count("overfitting") == 1 and "overfit" not in flat and "overfitted" not in flat


def test_an_acronym_defined_in_the_reference_gives_both_forms() -> None:
    rubric = draft_rubric(
        "How do you reduce dimensions?",
        "Use principal component analysis (PCA) to project onto directions of most variance.",
    )
    flat = [p for c in rubric.concepts for p in c.phrases]
    assert "principal component analysis" in flat and "pca" in flat
    assert "principal" not in flat  # the expansion is one phrase, not three words
    scored = CompiledRubric(rubric).score("I would run p c a on it")
    assert any(c.matched for c in scored.concepts)


def test_weights_follow_specificity_against_the_rest_of_the_bank() -> None:
    references = [
        "The model learns weights from data.",
        "The model predicts labels from data.",
        "Backpropagation computes gradients; the model uses them.",
    ]
    spec = Specificity(references)
    assert spec.idf("backpropagation") > spec.idf("model")
    rubric = draft_rubric("What does backpropagation do?", references[2], spec)
    weights = {c.phrases[0]: c.weight for c in rubric.concepts}
    assert weights["computes"] > weights["model"]
    assert all(0 < c.weight <= 10 for c in rubric.concepts)


def test_a_long_reference_stays_within_the_schema_limits() -> None:
    sentences = [
        f"Idea number {i} talks about topic{i} and detail{i}, which matters for case{i}."
        for i in range(30)
    ]
    rubric = draft_rubric("Explain everything.", " ".join(sentences))
    assert 1 <= len(rubric.concepts) <= MAX_CONCEPTS
    assert all(1 <= len(c.phrases) <= MAX_PHRASES for c in rubric.concepts)
    assert len({c.name.lower() for c in rubric.concepts}) == len(rubric.concepts)


def test_the_reference_scores_full_marks_under_its_own_draft() -> None:
    questions = [
        DraftQuestion(
            "q1", "What is overfitting?", "A model memorises noise and fails on new data."
        ),
        DraftQuestion("q2", "What is a variable?", "A location in memory that can store a value."),
    ]
    for question, rubric in zip(questions, draft_bank_rubrics(questions), strict=True):
        assert CompiledRubric(rubric).score(question.reference).score == 100
        assert CompiledRubric(rubric).score("something else entirely").score == 0


CSV = """id,prompt,reference,topic,difficulty
q-1,What is overfitting?,"A model memorises noise, so it fails on new data.",Evaluation,easy
,What is a variable?,A location in memory that stores a value.,,
"""

JSONL = "\n".join(
    json.dumps(row)
    for row in [
        {"qid": "1.1", "question": "What is overfitting?", "reference_answer": "Memorising noise."},
        {"id": "precision", "prompt": "What is precision?", "reference": "True positives share."},
    ]
)

MD = """# My questions

Anything before the first heading is ignored.

## What is overfitting?
id: overfitting
topic: Evaluation
difficulty: hard

A model memorises the noise of its training data
and fails on new data.

## What is a variable?

A location in memory that stores a value.
"""


@pytest.mark.parametrize(
    ("fmt", "text", "ids"),
    [
        ("csv", CSV, ["q-1", "what-is-a-variable"]),
        ("jsonl", JSONL, ["1-1", "precision"]),
        ("md", MD, ["overfitting", "what-is-a-variable"]),
    ],
)
def test_import_each_format_into_a_valid_bank(fmt: str, text: str, ids: list[str]) -> None:
    questions = parse_questions(text, fmt, f"in.{fmt}")
    assert [q.id for q in questions] == ids
    yaml_text = build_bank_yaml("imported", "Imported", "tests", questions)
    bank = parse_bank(yaml_text, "imported.yaml", expected_id="imported")
    assert [q.id for q in bank.questions] == ids
    assert [q.number for q in bank.questions] == [1, 2]
    assert all(q.rubric.concepts for q in bank.questions)
    assert yaml_text.startswith("# Imported by `interview-sim banks import`")


def test_markdown_metadata_and_multi_line_references() -> None:
    first = parse_questions(MD, "md", "in.md")[0]
    assert (first.topic, first.difficulty) == ("Evaluation", "hard")
    assert first.reference == (
        "A model memorises the noise of its training data and fails on new data."
    )


def test_rows_without_a_reference_are_reported_with_their_line() -> None:
    text = CSV + "q-3,A prompt without a reference,,,\nq-4,Hard?,Yes.,,impossible\n"
    with pytest.raises(ImportProblems) as caught:
        parse_questions(text, "csv", "in.csv")
    messages = [str(p) for p in caught.value.problems]
    assert messages[0].startswith("in.csv:4:1: missing reference")
    assert messages[1].startswith("in.csv:5:1: difficulty 'impossible'")


def test_bad_json_lines_are_located() -> None:
    with pytest.raises(ImportProblems) as caught:
        parse_questions('{"prompt": "a", "reference": "b"}\n{oops\n', "jsonl", "in.jsonl")
    assert str(caught.value.problems[0]).startswith("in.jsonl:2:")


def test_duplicate_ids_get_a_suffix() -> None:
    text = "id,prompt,reference\nsame,One?,First answer.\nsame,Two?,Second answer.\n"
    assert [q.id for q in parse_questions(text, "csv", "x.csv")] == ["same", "same-2"]


def test_format_from_the_file_name() -> None:
    assert [format_for(n) for n in ("a.CSV", "b.jsonl", "c.ndjson", "d.md", "e.txt")] == [
        "csv",
        "jsonl",
        "jsonl",
        "md",
        None,
    ]


def test_a_drafted_rubric_prints_as_yaml_that_parses_back() -> None:
    rubric = draft_rubric("What is a queue?", "It removes the oldest item first.")
    text = rubric_yaml(rubric)
    assert text.startswith("rubric:\n  concepts:\n    - name: removes oldest")
    assert "phrases: [removes, oldest, item, first]" in text


def test_three_ideas_or_more_get_a_key_terms_concept_for_partial_credit() -> None:
    rubric = draft_rubric(
        "What is a queue?",
        "A queue stores items in order; it removes the oldest item first; it adds at the rear.",
    )
    assert rubric.concepts[-1].name == "key terms"
    assert len(rubric.concepts) == 4
    compiled = CompiledRubric(rubric)
    assert compiled.score("it stores things").score == 50  # one idea of three: half the marks
    assert compiled.score("stores, removes the oldest first, adds at the rear").score == 100
    assert compiled.score("something else entirely").score == 0
    assert all(0 < c.weight <= 10 for c in rubric.concepts)
