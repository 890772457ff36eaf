"""Check a bank's content: validation, reference self-scores, cross-topic scores, spoken samples,
and (given the source article) runs of 8 or more words shared with it.

    python tools/check_bank.py banks/ai-researcher.yaml [--samples FILE] [--article FILE]

Prints one line per failure and a summary; exits 1 when anything fails.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ruamel.yaml import YAML

from interview_sim.core.bank_loader import BankError, load_bank_file
from interview_sim.core.scoring import CompiledRubric

SELF_MIN = 90
CROSS_MAX = 30
RECOGNISED_GAP = 15
RUN = 8
# Where the source articles lie beside a checkout (used only when --article is not given).
ARTICLES = {
    "ai-researcher": "000_06263906a4045252.txt",
    "ai-engineer": "001_79b0a049379ff24d.txt",
    "ai-experienced": "002_39a32304228afa9f.txt",
    "ai-ml-behavioral": "003_4cdb9b3d1cd14227.txt",
    "ai-ml-top100": "004_17e997dee773329c.txt",
    "ai-ml-top100-b": "004_17e997dee773329c.txt",
}
SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def shared_runs(text: str, article_words: set[tuple[str, ...]]) -> list[str]:
    words = _words(text)
    runs = []
    for i in range(len(words) - RUN + 1):
        gram = tuple(words[i : i + RUN])
        if gram in article_words:
            runs.append(" ".join(gram))
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bank", type=Path)
    parser.add_argument("--samples", type=Path, action="append", default=[])
    parser.add_argument("--article", type=Path)
    args = parser.parse_args()
    try:
        bank = load_bank_file(args.bank)
    except BankError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"FAIL: {len(exc.problems)} validation problem(s)")
        return 1
    failures = 0
    rubrics = {q.id: CompiledRubric(q.rubric) for q in bank.questions}
    self_scores = []
    for q in bank.questions:
        result = rubrics[q.id].score(q.reference)
        self_scores.append(result.score)
        if result.score < SELF_MIN:
            failures += 1
            missed = ", ".join(c.name for c in result.missed)
            print(f"self-score Q{q.number} {q.id}: {result.score} < {SELF_MIN}; missed: {missed}")
    cross_worst = 0
    cross_fail = 0
    for q in bank.questions:
        for other in bank.questions:
            if other.topic == q.topic or other.id == q.id or bank.related(q, other):
                continue
            s = rubrics[q.id].score(other.reference).score
            cross_worst = max(cross_worst, s)
            if s > CROSS_MAX:
                cross_fail += 1
                found = [
                    c.name + "=" + "/".join(c.evidence)
                    for c in rubrics[q.id].score(other.reference).concepts
                    if c.matched
                ]
                print(
                    f"cross Q{other.number} reference on Q{q.number} rubric: {s} > {CROSS_MAX};"
                    f" matched {found}"
                )
    failures += cross_fail
    for sample_file in args.samples:
        items = YAML(typ="safe").load(sample_file.read_text(encoding="utf-8")) or []
        for item in items:
            q = bank.question(str(item["question"]))
            if q is None:
                print(f"samples {sample_file}: no question {item['question']}")
                failures += 1
                continue
            r = rubrics[q.id]
            s = {
                k: r.score(str(item[k])).score for k in ("strong", "partial", "wrong", "recognised")
            }
            ok = (
                s["strong"] > s["partial"] > s["wrong"]
                and abs(s["recognised"] - s["strong"]) <= RECOGNISED_GAP
            )
            line = (
                f"sample Q{q.number}: strong {s['strong']} partial {s['partial']} wrong"
                f" {s['wrong']} recognised {s['recognised']}"
            )
            if not ok:
                failures += 1
                rec = r.score(str(item["recognised"]))
                line += " FAIL; recognised missed: " + ", ".join(c.name for c in rec.missed)
            print(line)
    article = args.article
    if article is None and bank.id in ARTICLES and (SEEDS / ARTICLES[bank.id]).exists():
        article = SEEDS / ARTICLES[bank.id]
    if article:
        words = _words(article.read_text(encoding="utf-8"))
        grams = {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}
        for q in bank.questions:
            for field in ("prompt", "reference"):
                for run in shared_runs(getattr(q, field), grams)[:3]:
                    failures += 1
                    print(f"copied Q{q.number} {field}: '{run}'")
    print(
        f"{bank.id}: {len(bank.questions)} questions; self-scores min {min(self_scores)} mean"
        f" {sum(self_scores) / len(self_scores):.1f}; worst cross-topic {cross_worst}"
        f" ({cross_fail} over {CROSS_MAX}); failures {failures}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
