"""Batch scoring throughput: realistic 100-word spoken answers over every bank's rubrics.

Scores on one core in this process (no process start-up), the way `score --batch` does: JSON
line in, rubric compiled once per question, score + delivery, JSON line out.

    python benchmarks/batch_scoring.py [--answers 20000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import result
from interview_sim.commands.score import score_payload
from interview_sim.core.bank_set import load_bank_set
from interview_sim.core.delivery import measure
from interview_sim.core.scoring import RubricCache

FILLERS = ["um", "uh", "so", "you", "know", "i", "mean", "like", "basically", "kind", "of"]


def make_answers(count: int, seed: int = 7) -> list[str]:
    """Spoken-style answers: words of a reference, reordered in runs, with fillers, 100 words."""
    banks = load_bank_set(Path(__file__).resolve().parent.parent / "banks")
    questions = [(b, q) for b in banks.banks.values() for q in b.questions]
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        bank, question = rng.choice(questions)
        other = rng.choice(questions)[1]
        words = (question.reference.lower() + " " + other.reference.lower()).split()
        start = rng.randrange(max(1, len(words) - 100))
        chosen = [w.strip(".,;:") for w in words[start : start + 92]]
        for _ in range(8):
            chosen.insert(rng.randrange(len(chosen)), rng.choice(FILLERS))
        text = " ".join(chosen)
        lines.append(json.dumps({"bank": bank.id, "question": question.number, "text": text}))
    return lines


def score_lines(lines: list[str]) -> int:
    banks = load_bank_set(Path(__file__).resolve().parent.parent / "banks")
    cache = RubricCache()
    out = 0
    for line in lines:
        item = json.loads(line)
        bank = banks.banks[item["bank"]]
        question = bank.question(item["question"])
        assert question is not None
        scored = cache.get(bank.id, question).score(item["text"])
        out += len(json.dumps(score_payload(bank, question, scored, measure(item["text"]))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=20_000)
    args = parser.parse_args()
    lines = make_answers(args.answers)
    score_lines(lines[:200])  # warm caches (compiled rubrics, stems)
    rates = []
    for _ in range(3):
        start = time.process_time()
        score_lines(lines)
        rates.append(len(lines) / (time.process_time() - start))
    rates.sort()
    rate = rates[1]
    print(
        f"batch scoring: {rate:,.0f} answers/s of CPU on one core (median of 3, {len(lines)}"
        f" answers of ~100 words)"
    )
    result(
        "batch scoring (answers/s, one core)",
        f"{rate:,.0f}",
        ">= 20,000",
        f"10,000 lines take {10_000 / rate:.1f} s (foundation target: under 10 s)",
    )


if __name__ == "__main__":
    main()
