"""`interview-sim rubric rescore` over a large log: 100,000 answers in a temp workspace.

    python benchmarks/rescore.py [--answers 100000] [--quick]

Builds a workspace in a temp folder (never in the repository) with the bundled banks and a
session database of spoken-style answers scored under them, then edits a few rubrics (weights,
a dropped phrase) and times the command in this process, the way a user runs it: the dry run
(diff only) and --apply (new scores written, old ones kept in score_history).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from click.testing import CliRunner

from benchmarks.common import machine, result
from interview_sim.cli import cli
from interview_sim.core.bank_set import load_bank_set
from interview_sim.core.payload import concept_dicts, misconception_dicts
from interview_sim.core.scoring import RubricCache
from interview_sim.rubric_edit import BankDocument
from interview_sim.store.session_store import SessionStore, now_iso

REPO = Path(__file__).resolve().parent.parent
FILLERS = ["um", "uh", "so", "you", "know", "i", "mean", "like", "basically", "kind", "of"]


def build_log(root: Path, count: int, seed: int = 7) -> int:
    """A workspace at `root` with the bundled banks and `count` scored answers."""
    (root / "banks").mkdir(parents=True)
    for path in sorted((REPO / "banks").glob("*.yaml")):
        shutil.copyfile(path, root / "banks" / path.name)
    (root / "sessions").mkdir()
    banks = load_bank_set(root / "banks")
    questions = [(b, q) for b in banks.banks.values() for q in b.questions]
    rng = random.Random(seed)
    store = SessionStore.open(root / "sessions" / "interview.db")
    cache = RubricCache()
    stamp = now_iso()
    session = store.start_session(bank="mixed", bank_title="benchmark", mode="typed", planned=[])
    rows = []
    for index in range(count):
        bank, question = rng.choice(questions)
        other = rng.choice(questions)[1]
        words = (question.reference + " " + other.reference).lower().split()
        start = rng.randrange(max(1, len(words) - 100))
        chosen = [w.strip(".,;:") for w in words[start : start + 92]]
        for _ in range(8):
            chosen.insert(rng.randrange(len(chosen)), rng.choice(FILLERS))
        text = " ".join(chosen)
        scored = cache.get(bank.id, question).score(text)
        rows.append(
            {
                "session_id": session,
                "position": index + 1,
                "bank": bank.id,
                "question_id": question.id,
                "question_number": question.number,
                "topic": question.topic,
                "prompt": question.prompt,
                "transcript": text,
                "mode": "typed",
                "score": scored.score,
                "band": scored.band,
                "coverage": scored.coverage,
                "capped": int(scored.capped),
                "penalty": scored.penalty,
                "concepts": json.dumps(concept_dicts(scored)),
                "misconceptions": json.dumps(misconception_dicts(scored)),
                "delivery": "{}",
                "words": "[]",
                "hints": "[]",
                "rubric_hash": scored.rubric_hash,
                "skipped": 0,
                "is_probe": 0,
                "created_at": stamp,
            }
        )
    with store.db.atomic():
        store.db.table("answers").insert_all(rows, batch_size=2000)
    store.close()
    return len(questions)


def edit_rubrics(root: Path, questions: int = 6) -> list[str]:
    """Change a few rubrics on disk the way a user would in the lab."""
    path = sorted((root / "banks").glob("*.yaml"))[0]
    document = BankDocument.load(path)
    edited: list[str] = []
    for question in document.bank.questions[:questions]:
        first = question.rubric.concepts[0]
        document.set_weight(question.id, first.name, min(10.0, first.weight + 2))
        last = question.rubric.concepts[-1]
        if len(last.phrases) > 1:
            document.set_phrases(question.id, last.name, last.phrases[:-1])
        edited.append(f"{document.bank.id}/{question.id}")
    document.save()
    return edited


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run(root: Path, *args: str) -> tuple[float, dict[str, object]]:
    """Run the command in this process; its wall time (CPU time printed, since other work on
    a shared machine slows the wall clock but not the CPU seconds)."""
    started, cpu = time.perf_counter(), _cpu()
    outcome = CliRunner().invoke(
        cli, ["--workspace", str(root), "rubric", "rescore", "--json", *args]
    )
    seconds = time.perf_counter() - started
    print(f"  ({' '.join(args) or 'dry run'}: {seconds:.2f} s wall, {_cpu() - cpu:.2f} s CPU)")
    if outcome.exit_code != 0:
        raise SystemExit(f"rescore failed: {outcome.output[-2000:]}")
    return seconds, json.loads(outcome.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2,000 answers, for a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.answers = 2_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "workspace"
        started = time.perf_counter()
        questions = build_log(root, args.answers)
        print(f"built {args.answers:,} answers to {questions} questions in"
              f" {time.perf_counter() - started:.1f} s ({machine()})")  # fmt: skip
        unchanged, report = run(root)
        print(f"rescore, rubrics unchanged: {unchanged:.2f} s, {report['changed']} changed")
        edited = edit_rubrics(root)
        dry, report = run(root)
        print(
            f"rescore after editing {len(edited)} rubrics: {dry:.2f} s, {report['changed']:,}"
            f" of {report['answers']:,} answers change"
        )
        applied, report = run(root, "--apply")
        print(f"rescore --apply: {applied:.2f} s, {report['applied']:,} rows rewritten")
        again, report = run(root)
        print(f"rescore after --apply: {again:.2f} s, {report['changed']} changed")
    target = "100,000 answers under 10 s"
    result("rubric rescore, dry run (s)", f"{dry:.2f}", target, f"{args.answers:,} answers")
    result("rubric rescore --apply (s)", f"{applied:.2f}", target, f"{args.answers:,} answers")


if __name__ == "__main__":
    main()
