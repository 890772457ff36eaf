"""Batch scoring throughput: realistic 100-word spoken answers over every bank's rubrics.

Scores on one core in this process, through the very loop `score --batch` runs
(`interview_sim.core.batch.BatchScorer`): JSON line in (orjson), rubric compiled once per
question, score + delivery, JSON line out. Loading the banks is process start-up and is timed
apart; each timed run starts with no compiled rubric, so compiling every rubric is part of the
figure.

    python benchmarks/batch_scoring.py [--answers 20000] [--stages]

`--stages` also prints CPU microseconds per answer for each step, measured one step at a time.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import result
from interview_sim.core.bank_set import BankSet, load_bank_set
from interview_sim.core.batch import BatchScorer
from interview_sim.core.delivery import measure
from interview_sim.core.normalize import Tokens, tokens_of
from interview_sim.core.payload import score_payload
from interview_sim.core.scoring import RubricCache

BANKS = Path(__file__).resolve().parent.parent / "banks"
FILLERS = ["um", "uh", "so", "you", "know", "i", "mean", "like", "basically", "kind", "of"]


def make_answers(count: int, seed: int = 7) -> list[str]:
    """Spoken-style answers: words of a reference, reordered in runs, with fillers, 100 words."""
    banks = load_bank_set(BANKS)
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


def score_lines(lines: list[str], banks: BankSet) -> int:
    """Score the lines as `score --batch` does (fresh rubric cache); the output's length."""
    return sum(map(len, BatchScorer(banks).lines(lines)))


def cpu_seconds(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def stages(lines: list[str], banks: BankSet, runs: int = 3) -> dict[str, float]:
    """Median CPU microseconds per answer of each step, each timed on its own, one answer at a
    time as in `score --batch` (a step's result is dropped at once)."""
    items = [json.loads(line) for line in lines]
    cache = RubricCache()
    work = []
    for item in items:
        bank = banks.banks[item["bank"]]
        question = bank.question(item["question"])
        assert question is not None
        work.append((bank, question, cache.get(bank.id, question), item["text"]))
    results = [(b, q, rubric.score(text), measure(text)) for b, q, rubric, text in work]

    def parse() -> None:
        for line in lines:
            orjson.loads(line)

    def tokenise() -> None:
        for *_, text in work:
            Tokens(text)

    def tokenise_and_score() -> None:
        for *_, rubric, text in work:
            rubric.score(text)

    def tokenise_only_once() -> None:
        for *_, text in work:
            tokens_of(text)

    def tokenise_and_measure() -> None:
        for *_, text in work:
            tokens_of(text)
            measure(text)  # its tokens are the scorer's, as in `score --batch`

    def write() -> None:
        for bank, question, scored, delivery in results:
            orjson.dumps(score_payload(bank, question, scored, delivery))

    def median(step: Callable[[], object]) -> float:
        seconds = statistics.median(cpu_seconds(step) for _ in range(runs))
        return seconds / len(lines) * 1e6

    base = median(tokenise_only_once)
    return {
        "parse JSON": median(parse),
        "tokenise": median(tokenise),
        "match (score - tokenise)": median(tokenise_and_score) - median(tokenise),
        "delivery": median(tokenise_and_measure) - base,
        "JSON out": median(write),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--stages", action="store_true", help="Also time each step apart.")
    args = parser.parse_args()
    lines = make_answers(args.answers)
    loading = cpu_seconds(lambda: load_bank_set(BANKS))
    banks = load_bank_set(BANKS)
    gc.freeze()  # as `score --batch` does once its start-up is over
    first = cpu_seconds(lambda: score_lines(lines, banks))  # cold: stems not seen yet
    rates = sorted(len(lines) / cpu_seconds(lambda: score_lines(lines, banks)) for _ in range(3))
    rate = rates[1]
    print(
        f"batch scoring: {rate:,.0f} answers/s of CPU on one core (median of 3, {len(lines)}"
        f" answers of ~100 words; first, cold run {len(lines) / first:,.0f}/s; loading the"
        f" banks from YAML, start-up, {loading:.2f} s)"
    )
    if args.stages:
        for name, micros in stages(lines[:5000], banks).items():
            print(f"  {name:<30} {micros:6.1f} us/answer")
    result(
        "batch scoring (answers/s, one core)",
        f"{rate:,.0f}",
        ">= 20,000",
        f"10,000 lines take {10_000 / rate:.1f} s (foundation target: under 10 s)",
    )


if __name__ == "__main__":
    main()
