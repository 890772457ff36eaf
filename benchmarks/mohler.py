"""Drafted rubrics against human graders, on a graded short-answer data set kept outside the repo.

    python benchmarks/mohler.py /path/to/mohler-dev [--halves 200] [--seed 1]

The folder holds questions.jsonl {qid, question, reference_answer} and answers.jsonl {qid,
answer, grade_avg}. The questions go through the same code as `interview-sim banks import`
(into a temp folder, never the repository): every rubric is drafted from its reference answer,
with no hand editing and nothing tuned per question. Every answer is then scored and compared
with grade_avg: Pearson r and Spearman rho, a plain stemmed-overlap baseline on the same data
for comparison, and the spread of r over random halves of the questions (how much the figure
depends on which questions happen to be in the set).

The data has no open licence: nothing of it is copied anywhere but a temp folder.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import result
from interview_sim.core.bank_import import build_bank_yaml, parse_questions
from interview_sim.core.bank_loader import load_bank_file
from interview_sim.core.calibration import pearson, spearman
from interview_sim.core.drafting import canonical_content
from interview_sim.core.scoring import RubricCache


def clean(text: str) -> str:
    """Answers may hold HTML line breaks and entities."""
    return html.unescape(re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE))


def overlap_baseline(question: str, reference: str, answer: str) -> float:
    """Share of the reference's stemmed content words, minus the question's, in the answer."""
    asked = set(canonical_content(question))
    wanted = set(canonical_content(reference)) - asked or set(canonical_content(reference))
    said = set(canonical_content(answer))
    return len(wanted & said) / len(wanted) if wanted else 0.0


def halves(
    by_question: dict[str, list[tuple[float, float]]], rounds: int, seed: int
) -> list[float]:
    """Pearson r on each half of many random splits of the questions into two halves."""
    rng = random.Random(seed)
    keys = sorted(by_question)
    found: list[float] = []
    for _ in range(rounds):
        rng.shuffle(keys)
        middle = len(keys) // 2
        for part in (keys[:middle], keys[middle:]):
            pairs = [p for k in part for p in by_question[k]]
            r = pearson([s for s, _ in pairs], [g for _, g in pairs])
            if r is not None:
                found.append(r)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder with questions.jsonl and answers.jsonl")
    parser.add_argument("--halves", type=int, default=200, help="random splits for stability")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder: Path = args.folder
    try:
        question_text = (folder / "questions.jsonl").read_text(encoding="utf-8")
        answer_lines = (folder / "answers.jsonl").read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        sys.exit(f"mohler: cannot read the data set in {folder}: {exc.strerror}")
    questions = parse_questions(question_text, "jsonl", str(folder / "questions.jsonl"))
    # the import keeps the order of the lines: map each qid to the id it gave the question
    qids = [str(json.loads(line)["qid"]) for line in question_text.splitlines() if line.strip()]
    ids = {qid: q.id for qid, q in zip(qids, questions, strict=True)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mohler-dev.yaml"
        path.write_text(
            build_bank_yaml("mohler-dev", "Graded short answers", "benchmark", questions),
            encoding="utf-8",
        )
        bank = load_bank_file(path)
    cache = RubricCache()
    scores: list[float] = []
    grades: list[float] = []
    base: list[float] = []
    by_question: dict[str, list[tuple[float, float]]] = {}
    for line in answer_lines:
        if not line.strip():
            continue
        item = json.loads(line)
        question = bank.question(ids[str(item["qid"])])
        assert question is not None
        text = clean(str(item["answer"]))
        score = float(cache.get(bank.id, question).score(text).score)
        grade = float(item["grade_avg"])
        scores.append(score)
        grades.append(grade)
        base.append(overlap_baseline(question.prompt, question.reference, text))
        by_question.setdefault(question.id, []).append((score, grade))
    r = pearson(scores, grades) or 0.0
    rho = spearman(scores, grades) or 0.0
    r_base = pearson(base, grades) or 0.0
    split = halves(by_question, args.halves, args.seed)
    concepts = sum(len(q.rubric.concepts) for q in bank.questions)
    print(
        f"{len(bank.questions)} questions, {len(scores)} answers, {concepts} drafted concepts"
        f" ({concepts / len(bank.questions):.1f} a question)"
    )
    print(f"drafted rubrics:       Pearson r = {r:.3f}, Spearman rho = {rho:.3f}")
    print(f"stemmed-overlap baseline (same data): Pearson r = {r_base:.3f}")
    if split:
        print(
            f"random halves of the questions ({args.halves} splits): r mean"
            f" {statistics.fmean(split):.3f}, sd {statistics.pstdev(split):.3f},"
            f" min {min(split):.3f}, max {max(split):.3f}"
        )
    result("Mohler dev: Pearson r, drafted rubrics", f"{r:.3f}", ">= 0.60", "humans ~0.60")
    result("Mohler dev: Spearman rho, drafted rubrics", f"{rho:.3f}")
    result("Mohler dev: stemmed-overlap baseline r", f"{r_base:.3f}", "report", "README: 0.54")
    if split:
        result(
            "Mohler dev: r over random halves (mean ± sd)",
            f"{statistics.fmean(split):.3f} ± {statistics.pstdev(split):.3f}",
        )


if __name__ == "__main__":
    main()
