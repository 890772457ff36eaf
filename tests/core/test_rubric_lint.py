"""Rubric lint: one planted fault per warning, each reported at its file:line:col."""

from __future__ import annotations

import pytest

from interview_sim.core.rubric_lint import (
    LintContext,
    LintWarning,
    LoggedAnswer,
    lint_text,
    spoken_form,
)

PLANTED = """\
# A bank with one planted fault per lint warning.
id: planted
title: Planted faults
description: One fault per lint warning.
source: Written for the tests.
questions:
  - id: regular
    number: 1
    topic: Regularisation
    difficulty: easy
    prompt: How does regularisation reduce overfitting?
    reference: >
      Regularisation adds a penalty on large weights to the loss, for example weight decay,
      which favours simpler models. Use pytorch or an l2 term on stationary data.
    rubric:
      concepts:
        - name: penalty
          weight: 3
          phrases:
            - penalty            # the good one
            - penalties          # duplicate: folds to penalty
            - large penalty      # redundant: contains penalty
            - regularis          # truncated stem
            - "?!"               # no letters
        - name: decay
          meaning: Weight decay shrinks the weights.
          phrases: [weight decay, decay penalty]
        - name: dropout
          meaning: Dropout is another regulariser.
          phrases: [dropout]
        - name: stationary
          meaning: Stationary, not stationery.
          phrases: [stationary]
        - name: tools
          phrases: [pytorch, l2, cnn, zzyzx]
      misconceptions:
        - name: no effect
          phrases: [does not reduce overfitting]
          correction: It does reduce overfitting.
"""

LINES = PLANTED.splitlines()


def where(fragment: str, occurrence: int = 0) -> tuple[int, int]:
    """1-based line and column of a fragment in the planted bank."""
    hits = [(n, line.index(fragment)) for n, line in enumerate(LINES, 1) if fragment in line]
    line, col = hits[occurrence]
    return line, col + 1


def lint(**context: object) -> list[LintWarning]:
    return lint_text(
        PLANTED,
        "planted.yaml",
        expected_id="planted",
        context=LintContext(**context),  # type: ignore[arg-type]
    )


def by_code(found: list[LintWarning], code: str) -> list[LintWarning]:
    return [w for w in found if w.code == code]


@pytest.fixture(scope="module")
def plain() -> list[LintWarning]:
    return lint()


@pytest.mark.parametrize(
    ("code", "fragment", "text"),
    [
        (
            "duplicate-phrase",
            "penalties",
            "'penalties' of 'penalty' matches exactly what 'penalty'",
        ),
        ("redundant-phrase", "large penalty", "only matches where 'penalty' already does"),
        ("truncated-stem", "regularis  ", "never matches 'regularisation'"),
        ("empty-phrase", '"?!"', "has no letters or digits"),
        ("cross-concept", "decay penalty]", "'decay penalty' of 'decay' also shows 'penalty'"),
        (
            "reference-miss",
            "name: dropout",
            "'dropout' is not found in the question's own reference",
        ),
        ("fuzzy-clash", "[stationary]", "'stationery' is one letter away from 'stationary'"),
        ("negated-misconception", "does not reduce", "contains the negating word 'not'"),
    ],
)
def test_each_planted_fault_is_found_where_it_is(
    plain: list[LintWarning], code: str, fragment: str, text: str
) -> None:
    found = by_code(plain, code)
    assert len(found) == 1, [str(w) for w in plain]
    warning = found[0]
    line, col = where(fragment)
    if fragment.startswith("name:"):
        col += len("name: ")  # a concept is located at its name's value
    if fragment == "[stationary]":
        col += 1  # the item inside the flow list
    assert (warning.line, warning.col) == (line, col), str(warning)
    assert text in warning.message
    assert warning.level == "warning"
    assert str(warning).startswith(f"planted.yaml:{line}:{col}: warning: regular: ")


def test_the_good_phrases_raise_nothing(plain: list[LintWarning]) -> None:
    lines = {w.line for w in plain}
    assert where("- penalty ")[0] not in lines
    assert where("[weight decay")[0] not in lines or all(
        "weight decay" not in w.message for w in plain
    )
    assert not by_code(plain, "not-in-speech-model")  # no model given, no vocabulary check
    assert not by_code(plain, "generic-phrase")  # no logged answers given


def test_a_concept_that_can_never_match_is_an_error() -> None:
    broken = PLANTED.replace("phrases: [dropout]", 'phrases: ["...", "-"]')
    found = lint_text(broken, "planted.yaml", expected_id="planted")
    errors = [w for w in found if w.level == "error"]
    assert [w.code for w in errors] == ["no-usable-phrase"]
    assert errors[0].line == where("name: dropout")[0]


def test_validation_problems_come_first_as_errors() -> None:
    broken = PLANTED.replace("weight: 3", "weight: 30")
    found = lint_text(broken, "planted.yaml", expected_id="planted")
    assert [w.level for w in found] == ["error"]
    assert found[0].line == where("weight: 3")[0]
    assert "less than or equal to 10" in found[0].message


def test_a_misconception_the_reference_itself_shows() -> None:
    shown = PLANTED.replace("[does not reduce overfitting]", "[favours simpler models]")
    found = by_code(lint_text(shown, "p.yaml"), "reference-misconception")
    assert len(found) == 1 and "'no effect' is spotted" in found[0].message


def test_a_phrase_in_most_answers_to_other_questions_is_generic() -> None:
    answers = [LoggedAnswer("planted", "other", f"answer {i}: add a penalty") for i in range(12)]
    answers += [LoggedAnswer("planted", "regular", "dropout") for _ in range(30)]
    found = by_code(lint(answers=answers), "generic-phrase")
    flagged = {w.message.split("'")[1] for w in found}
    assert flagged == {"penalty", "penalties"}
    assert "100% of 12 logged answers to other questions" in found[0].message


def test_too_few_answers_to_judge_genericity() -> None:
    answers = [LoggedAnswer("planted", "other", "a penalty") for _ in range(5)]
    assert not by_code(lint(answers=answers), "generic-phrase")


VOCABULARY = {"py", "torch", "l", "two", "c", "n", "penalty", "large", "weight", "decay"}


def test_words_the_speech_model_cannot_write_with_their_spoken_form() -> None:
    found = by_code(lint(knows_word=VOCABULARY.__contains__), "not-in-speech-model")
    notes = {w.message.split("'")[1]: w.message for w in found}
    assert "heard as 'py torch', which this phrase already matches" in notes["pytorch"]
    assert "heard as 'l two'" in notes["l2"]
    assert "heard as 'c n n'" in notes["cnn"]
    assert "cannot be spelled in words it knows" in notes["zzyzx"]
    assert "penalty" not in notes and "weight" not in notes
    zzyzx = next(w for w in found if "'zzyzx'" in w.message)
    assert (zzyzx.line, zzyzx.col) == where("zzyzx")


@pytest.mark.parametrize(
    ("word", "known", "spoken"),
    [
        ("l2", {"l", "two"}, "l two"),
        ("f1", {"f", "one"}, "f one"),
        ("gpt4", {"g", "p", "t", "four"}, "g p t four"),
        ("pytorch", {"py", "torch"}, "py torch"),
        ("pytorch", {"pie", "torch"}, None),
        ("xgboost", {"x", "g", "boost"}, None),
        ("xgboost", {"xg", "boost"}, "xg boost"),
        ("cnn", {"c", "n"}, "c n n"),
    ],
)
def test_spoken_forms(word: str, known: set[str], spoken: str | None) -> None:
    assert spoken_form(word, known.__contains__) == spoken


def test_a_stem_that_is_a_whole_word_is_not_called_cut_off() -> None:
    text = PLANTED.replace("- regularis  ", "- hard  ").replace(
        "weight decay,", "weight decay, harder,"
    )
    found = lint_text(text, "planted.yaml", expected_id="planted")
    assert not by_code(found, "truncated-stem")
