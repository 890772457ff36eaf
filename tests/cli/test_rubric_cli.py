"""`rubric lint|rescore|draft|calibrate` and `banks import`, run in the example workspace."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from interview_sim.core.bank_loader import load_bank_file
from interview_sim.practice import PracticeSession
from interview_sim.rubric_edit import BankDocument
from interview_sim.store.rubric_queries import score_history
from interview_sim.store.session_store import SessionStore
from interview_sim.workspace import Workspace

Run = Callable[..., Any]

# answers to bias-variance: the first misses "bias" (so it is capped), the second has it all
ANSWERS = [
    "The model is too rigid and misses the pattern; flexible models overfit. A trade off.",
    "Too simple means bias, flexible means variance and overfit, so you balance the two.",
]


def log_answers(workspace: Workspace, answers: list[str]) -> list[int]:
    """Answer bias-variance once per text through a real practice session."""
    bank = load_bank_file(workspace.banks_dir / "example.yaml")
    store = SessionStore.open(workspace.database_path)
    ids = []
    try:
        for text in answers:
            session = PracticeSession.start(store, bank, count=1, order="in-order", probes=False)
            ids.append(session.submit(text).answer_id)
            session.finish()
    finally:
        store.close()
    return ids


def add_phrase(workspace: Workspace, concept: str, phrase: str) -> None:
    path = workspace.banks_dir / "example.yaml"
    document = BankDocument.load(path)
    current = next(
        c
        for c in document.bank.question("bias-variance").rubric.concepts  # type: ignore[union-attr]
        if c.name == concept
    )
    document.set_phrases("bias-variance", concept, [*current.phrases, phrase])
    document.save()


# lint -------------------------------------------------------------------------------------------


LINT_BANK = """\
id: linted
title: Linted
description: Planted faults.
source: Tests.
questions:
  - id: q
    number: 1
    topic: T
    difficulty: easy
    prompt: How does regularisation help?
    reference: Regularisation adds a penalty on large weights.
    rubric:
      concepts:
        - name: penalty
          phrases: [penalty, penalties, regularis]
        - name: missed
          phrases: [dropout]
"""


def test_lint_prints_located_warnings_and_exits_0(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "linted.yaml"
    path.write_text(LINT_BANK, encoding="utf-8")
    result = run("rubric", "lint", str(path), "--no-model")
    lines = result.stdout.splitlines()
    assert f"{path}:15:30: warning: q: phrase 'penalties' of 'penalty'" in lines[0]
    assert any(line.startswith(f"{path}:15:41: warning: q: 'regularis'") for line in lines)
    assert any(line.startswith(f"{path}:16:17: warning: q: concept 'missed'") for line in lines)
    assert "0 error(s), 3 warning(s) in 1 file(s)" in result.stderr


def test_lint_exits_1_on_errors_only(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "linted.yaml"
    path.write_text(LINT_BANK.replace("phrases: [dropout]", 'phrases: ["..."]'), encoding="utf-8")
    result = run("rubric", "lint", str(path), "--no-model", code=1)
    assert f"{path}:16:17: error: q: concept 'missed' has no phrase" in result.stdout
    invalid = tmp_path / "other.yaml"
    invalid.write_text(LINT_BANK, encoding="utf-8")  # its id is not its file name
    result = run("rubric", "lint", str(invalid), "--no-model", code=1)
    assert f"{invalid}:1:5: error: id 'linted' must equal the file name 'other'" in result.stdout


def test_lint_json_and_the_workspace_default(run: Run, example_workspace: Workspace) -> None:
    data = json.loads(run("rubric", "lint", "--json", "--no-model").stdout)
    assert data["files"] == [str(example_workspace.banks_dir / "example.yaml")]
    assert data["errors"] == 0
    assert {"file", "line", "col", "level", "code", "message"} <= set(data["findings"][0])


def test_lint_with_a_model_that_is_not_there_fails_cleanly(run: Run, tmp_path: Path) -> None:
    result = run("rubric", "lint", "--model", str(tmp_path / "nothing"), code=1)
    assert "does not exist" in result.stderr


def test_lint_flags_phrases_generic_in_the_log(run: Run, example_workspace: Workspace) -> None:
    bank = load_bank_file(example_workspace.banks_dir / "example.yaml")
    store = SessionStore.open(example_workspace.database_path)
    session = PracticeSession.start(store, bank, count=5, order="in-order", probes=False)
    for _ in range(5):  # every answer says "balance" and "repeat" and "filter"
        session.submit("I would balance it, repeat it and filter it; that is all, a lesson")
    for _ in range(3):
        session = PracticeSession.start(store, bank, count=5, order="in-order", probes=False)
        for _ in range(5):
            session.submit("balance, repeat, filter, lesson: the same words everywhere")
    store.close()
    out = run("rubric", "lint", "--no-model").stdout
    assert "phrase 'balance' is in 100% of" in out
    assert "too generic to show this concept" in out


# rescore ----------------------------------------------------------------------------------------


def test_rescore_shows_the_diff_and_applies_it(run: Run, example_workspace: Workspace) -> None:
    first, second = log_answers(example_workspace, ANSWERS)
    unchanged = run("rubric", "rescore").stdout
    assert "0 of 2 answers change under the current rubrics." in unchanged
    add_phrase(example_workspace, "bias", "too rigid")
    out = run("rubric", "rescore").stdout
    assert f"#{first} example/bias-variance: 40 -> 100  +bias" in out
    assert f"#{second} example" not in out
    assert "example/bias-variance  2        1        1/0" in out
    assert "Nothing written: --apply records the new scores" in out
    data = json.loads(run("rubric", "rescore", "--json").stdout)
    assert data["changed"] == 1 and data["applied"] == 0
    change = data["changes"][0]
    assert (change["old_score"], change["new_score"], change["gained"]) == (40, 100, ["bias"])
    applied = run("rubric", "rescore", "--apply").stdout
    assert "Recorded 2 new score(s)" in applied  # both carry the new rubric hash
    store = SessionStore.open(example_workspace.database_path)
    try:
        row = store.answer(first)
        assert row is not None and row["score"] == 100
        assert row["rubric_hash"] == change["new_rubric_hash"]
        assert any(c["name"] == "bias" and c["matched"] for c in row["concepts"])
        history = score_history(store, first)
        assert [(h["score"], h["rubric_hash"]) for h in history] == [
            (40, change["old_rubric_hash"])
        ]
    finally:
        store.close()
    again = run("rubric", "rescore").stdout
    assert "0 of 2 answers change" in again


def test_rescore_of_one_question_and_an_empty_log(run: Run, example_workspace: Workspace) -> None:
    assert "No scored answers in the log yet." in run("rubric", "rescore").stdout
    log_answers(example_workspace, ANSWERS[:1])
    out = run("rubric", "rescore", "--bank", "example", "--question", "1").stdout
    assert "example/bias-variance  1        0" in out
    assert "needs --bank" in run("rubric", "rescore", "--question", "1", code=1).stderr
    assert "no bank 'nope'" in run("rubric", "rescore", "--bank", "nope", code=1).stderr


# draft and import -------------------------------------------------------------------------------


def test_draft_prints_a_rubric_for_one_question(run: Run, example_bank_file: Path) -> None:
    out = run("rubric", "draft", "--bank", "example", "--question", "k-means").stdout
    assert out.startswith("# Drafted for example/k-means")
    assert "rubric:\n  concepts:\n" in out and "phrases: [" in out
    data = json.loads(
        run(
            "rubric", "draft", "--bank-file", str(example_bank_file), "--question", "2", "--json"
        ).stdout
    )
    assert data["question"] == "regularization"
    phrases = [p for c in data["rubric"]["concepts"] for p in c["phrases"]]
    assert "penalty" in phrases


CSV = "id,prompt,reference,topic\nqueues,What is a queue?,It removes the oldest item first.,DS\n"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("in.csv", CSV),
        ("in.jsonl", json.dumps({"qid": "1.1", "question": "What?", "reference_answer": "This."})),
        ("in.md", "## What is a queue?\n\nIt removes the oldest item first.\n"),
    ],
)
def test_banks_import_writes_a_valid_bank(
    run: Run, example_workspace: Workspace, tmp_path: Path, name: str, text: str
) -> None:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    out = example_workspace.banks_dir / "imported.yaml"
    result = run("banks", "import", str(source), "--out", str(out))
    assert f"Wrote {out}: 1 questions" in result.stdout
    run("banks", "validate", str(out))
    listed = json.loads(run("banks", "list", "--json").stdout)
    assert "imported" in [b["id"] for b in listed["banks"]]
    assert "exists" in run("banks", "import", str(source), "--out", str(out), code=1).stderr


def test_banks_import_reports_bad_rows(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("id,prompt,reference\na,Only a prompt,\n", encoding="utf-8")
    result = run("banks", "import", str(source), "--out", str(tmp_path / "x.yaml"), code=1)
    assert f"{source}:2:1: missing reference" in result.stderr
    assert not (tmp_path / "x.yaml").exists()
    other = tmp_path / "notes.txt"
    other.write_text(CSV, encoding="utf-8")
    result = run("banks", "import", str(other), "--out", str(tmp_path / "y.yaml"), code=1)
    assert "give --format" in result.stderr
    run("banks", "import", str(other), "--format", "csv", "--out", str(tmp_path / "y.yaml"))


# calibrate --------------------------------------------------------------------------------------


def test_calibrate_against_own_grades(run: Run, example_workspace: Workspace) -> None:
    texts = [
        "nothing useful",
        "too simple is bias",
        "too simple is bias and overfit is variance",
        "bias, variance and the trade off between them",
    ]
    ids = log_answers(example_workspace, texts)
    store = SessionStore.open(example_workspace.database_path)
    for answer_id, grade in zip(ids, [0, 2, 4, 5], strict=True):
        store.add_grade(answer_id, grade)
    store.close()
    out = run("rubric", "calibrate").stdout
    assert out.startswith("4 graded answers: Pearson 1.00, Spearman 1.00")
    assert "Fitted: grade = 0.0500 * score +0.00 (RMSE 0.00" in out
    assert "example/bias-variance" in out
    data = json.loads(run("rubric", "calibrate", "--json").stdout)
    assert data["overall"]["n"] == 4 and data["overall"]["pearson"] > 0.9


def test_calibrate_from_a_grades_file(run: Run, tmp_path: Path) -> None:
    grades = tmp_path / "grades.jsonl"
    rows = [
        {"bank": "example", "question": "k-means", "text": t, "grade": g}
        for t, g in [
            ("no idea", 0),
            ("centroids", 2),
            ("centroids and the nearest one", 4),
            ("centroids, nearest, repeat", 5),
        ]
    ]
    grades.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    data = json.loads(run("rubric", "calibrate", "--grades", str(grades), "--json").stdout)
    assert data["overall"]["n"] == 4
    assert data["overall"]["spearman"] == pytest.approx(1.0)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"bank": "example", "question": "k-means", "text": "x", "grade": 9}\n')
    assert (
        "line 1: a grade is between 0 and 5"
        in run("rubric", "calibrate", "--grades", str(bad), code=1).stderr
    )


def test_calibrate_with_nothing_graded(run: Run) -> None:
    assert "No graded answers yet" in run("rubric", "calibrate").stdout


def test_parallel_rescore_agrees_with_one_process(example_workspace: Workspace) -> None:
    from interview_sim.rubric_rescore import rescore_log

    texts = [*ANSWERS, "the model is too rigid", "nothing", "bias and variance, balance"] * 3
    log_answers(example_workspace, texts)
    add_phrase(example_workspace, "bias", "too rigid")
    bank = load_bank_file(example_workspace.banks_dir / "example.yaml")
    store = SessionStore.open(example_workspace.database_path)
    try:
        serial = rescore_log(store, {"example": bank}, workers=1)
        parallel = rescore_log(store, {"example": bank}, workers=2, apply=True)
        assert parallel.workers == 2 and serial.workers == 1
        assert parallel.answers == serial.answers == len(texts)
        assert [c.as_dict() for c in parallel.changed] == [c.as_dict() for c in serial.changed]
        assert len(serial.changed) == 6  # the two rigid answers, three times over
        key = ("example", "bias-variance")
        assert parallel.summaries[key].as_dict() == serial.summaries[key].as_dict()
        assert parallel.applied == len(texts)  # every row gets the new rubric hash
        assert rescore_log(store, {"example": bank}, workers=2).changed == []
    finally:
        store.close()
