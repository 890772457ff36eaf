"""History at scale: 10,000 sessions and 100,000 answers of realistic size, in a temp folder.

Prints medians of the history's first page (the query, and the History screen opened headless
through Pilot), transcript search (a common and a rare word), the due list and the progress
report. Targets: first page 300 ms, search 100 ms. No assertions; nothing is written in the
repository (the database lives in a temporary directory that is deleted at the end).

    python benchmarks/history.py [--sessions 10000] [--answers 10] [--runs 5] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import machine, median_seconds, result
from interview_sim.store import history
from interview_sim.store.session_store import SessionStore

BANKS = {
    "ai-engineer": 60,
    "ai-researcher": 50,
    "experienced-ai": 45,
    "general-ml": 80,
    "top-100": 100,
}
TOPICS = ["Evaluation", "Deep learning", "NLP", "Systems", "Statistics", "Behavioural"]
COMMON = [
    "the",
    "a",
    "of",
    "to",
    "and",
    "is",
    "in",
    "that",
    "it",
    "we",
    "model",
    "data",
    "so",
    "you",
    "the",
    "training",
    "it's",
    "this",
    "with",
    "for",
    "are",
    "be",
    "on",
    "as",
    "can",
    "um",
    "like",
    "which",
    "then",
    "if",
    "loss",
    "more",
    "when",
    "layer",
    "set",
]
DOMAIN = [
    "gradient",
    "descent",
    "overfitting",
    "regularization",
    "dropout",
    "validation",
    "variance",
    "bias",
    "attention",
    "transformer",
    "embedding",
    "tokenizer",
    "batch",
    "normalization",
    "learning",
    "rate",
    "optimizer",
    "adam",
    "momentum",
    "precision",
    "recall",
    "threshold",
    "classifier",
    "logistic",
    "regression",
    "decision",
    "tree",
    "forest",
    "boosting",
    "feature",
    "pipeline",
    "inference",
    "latency",
    "throughput",
    "deployment",
    "monitoring",
    "drift",
    "retraining",
    "convolution",
    "kernel",
    "pooling",
    "residual",
    "encoder",
    "decoder",
    "softmax",
    "entropy",
    "likelihood",
    "prior",
    "posterior",
    "sampling",
    "bootstrap",
    "cross",
    "validation",
    "holdout",
    "metric",
    "baseline",
    "ablation",
]
RARE_WORD = "quokka"  # appears in about 1 in 2,000 answers
CONCEPTS = [
    "definition",
    "trade-off",
    "example",
    "failure mode",
    "mitigation",
    "metric",
    "intuition",
    "scaling",
]


def transcript(rng: random.Random, words: int) -> str:
    out = []
    for _ in range(words):
        roll = rng.random()
        out.append(rng.choice(COMMON) if roll < 0.55 else rng.choice(DOMAIN))
    if rng.random() < 1 / 2000:
        out.insert(rng.randrange(len(out)), RARE_WORD)
    return " ".join(out)


def answer_row(
    rng: random.Random, session_id: int, position: int, bank: str, when: datetime, voice: bool
) -> dict[str, Any]:
    qnum = rng.randrange(1, BANKS[bank] + 1)
    n_words = rng.randint(120, 320) if voice else rng.randint(40, 160)
    text = transcript(rng, n_words)
    score = max(0, min(100, int(rng.gauss(62, 18))))
    concepts = [
        {
            "name": name,
            "weight": rng.choice([1, 2, 3]),
            "required": rng.random() < 0.3,
            "matched": rng.random() < score / 100,
            "hinted": False,
            "evidence": ["gradient descent"],
            "spans": [[10, 26]],
        }
        for name in rng.sample(CONCEPTS, rng.randint(3, 6))
    ]
    words: list[dict[str, Any]] = []
    if voice:
        t = 0.3
        for w in text.split():
            length = 0.12 + len(w) * 0.04
            words.append({"w": w, "s": round(t, 2), "e": round(t + length, 2), "c": 0.93})
            t += length + rng.choice([0.05, 0.08, 0.12, 0.4])
    duration = words[-1]["e"] if words else None
    delivery = {
        "words": n_words,
        "duration_seconds": duration,
        "words_per_minute": round(n_words / (duration / 60), 1) if duration else None,
        "fillers": text.split().count("um"),
        "fillers_per_minute": None,
        "filler_words": ["um"] * text.split().count("um"),
        "hedges": 1,
        "long_pauses": 2,
        "longest_pause_seconds": 1.8,
    }
    return {
        "session_id": session_id,
        "position": position,
        "bank": bank,
        "question_id": f"q{qnum:03d}",
        "question_number": qnum,
        "topic": TOPICS[qnum % len(TOPICS)],
        "prompt": f"Question {qnum} of {bank}: explain {rng.choice(DOMAIN)} in practice.",
        "is_probe": 0,
        "transcript": text,
        "mode": "voice" if voice else "typed",
        "audio_path": f"/nonexistent/recordings/session-{session_id}/q{position}.wav"
        if voice
        else None,
        "duration_s": duration,
        "score": score,
        "band": "good" if score >= 60 else "partial",
        "coverage": score / 100,
        "capped": 0,
        "penalty": 0,
        "concepts": json.dumps(concepts),
        "misconceptions": "[]",
        "delivery": json.dumps(delivery),
        "words": json.dumps(words),
        "hints": "[]",
        "rubric_hash": "bench",
        "skipped": 0,
        "created_at": when.isoformat(timespec="seconds"),
    }


def build(store: SessionStore, sessions: int, per_session: int, seed: int = 7) -> int:
    """Fill the store; returns the number of answers."""
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(days=3 * 365)
    step = timedelta(days=3 * 365) / sessions
    db = store.db
    total = 0

    def session_rows() -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
        for sid in range(1, sessions + 1):
            bank = rng.choice(list(BANKS))
            when = start + step * sid + timedelta(minutes=rng.randint(0, 60))
            voice = rng.random() < 0.6
            answers = [
                answer_row(rng, sid, pos, bank, when + timedelta(minutes=2 * pos), voice)
                for pos in range(1, per_session + 1)
            ]
            mean = round(sum(a["score"] for a in answers) / len(answers), 1)
            finished = rng.random() < 0.95
            ended = when + timedelta(minutes=2 * per_session + 1)
            yield (
                {
                    "id": sid,
                    "bank": bank,
                    "bank_title": bank.replace("-", " ").title(),
                    "mode": "voice" if voice else "typed",
                    "status": "finished" if finished else "interrupted",
                    "order_kind": "random",
                    "planned": json.dumps([a["question_id"] for a in answers]),
                    "count": per_session,
                    "seed": None,
                    "started_at": when.isoformat(timespec="seconds"),
                    "ended_at": ended.isoformat(timespec="seconds"),
                    "updated_at": ended.isoformat(timespec="seconds"),
                    "pid": 0,
                    "host": "bench",
                    "score": mean,
                    "settings": "{}",
                },
                answers,
            )

    batch_s: list[dict[str, Any]] = []
    batch_a: list[dict[str, Any]] = []
    for srow, arows in session_rows():
        batch_s.append(srow)
        batch_a += arows
        if len(batch_s) >= 500:
            with db.atomic():
                db.table("sessions").insert_all(batch_s)
                db.table("answers").insert_all(batch_a)
            total += len(batch_a)
            batch_s, batch_a = [], []
    if batch_s:
        with db.atomic():
            db.table("sessions").insert_all(batch_s)
            db.table("answers").insert_all(batch_a)
        total += len(batch_a)
    db.execute("analyze")
    return total


async def _screen_first_page(workspace: Any, store: SessionStore, runs: int) -> list[float]:
    """Open the History screen headless and time it until its table shows rows."""
    from textual.widgets import DataTable

    from interview_sim.config import Settings
    from interview_sim.services import build_services, unavailable_listener, unavailable_speaker
    from interview_sim.ui.app import InterviewApp
    from interview_sim.ui.screens.history import HistoryScreen

    services = build_services(
        workspace,
        store=store,
        speaker=unavailable_speaker(),
        listener=unavailable_listener(),
        settings=Settings(),
    )
    times: list[float] = []
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(runs):
            started = time.perf_counter()
            screen = HistoryScreen()
            await app.push_screen(screen)
            table = screen.query_one("#history-table", DataTable)
            while table.row_count == 0:
                await asyncio.sleep(0.001)
            await pilot.pause()
            times.append(time.perf_counter() - started)
            app.pop_screen()
            await pilot.pause()
    return times


def _tty_first_page(workspace: Any, runs: int) -> list[float]:
    """Run the real app in a pseudo-terminal (100x30) on the workspace, press h, and time until
    the History screen's first page is on the terminal; Esc back to Home between runs."""
    import fcntl
    import os
    import pty
    import select
    import signal
    import struct
    import termios

    exe = str(Path(sys.executable).with_name("interview-sim"))
    env = dict(
        os.environ,
        TERM="xterm-256color",
        INTERVIEW_SIM_HOME=str(workspace.root),
        INTERVIEW_SIM_CACHE_DIR=str(workspace.root / "cache"),
    )
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(exe, [exe], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    seen = bytearray()

    def wait_for(needle: bytes, timeout: float = 30.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.02)
            if ready:
                seen.extend(os.read(fd, 1 << 16))
                if needle in seen.replace(b"\x1b", b""):
                    return time.monotonic()
        raise RuntimeError(f"{needle!r} never appeared")

    times: list[float] = []
    try:
        wait_for(b"Choose a question bank")
        time.sleep(3.0)  # let the workspace open and the speech engines settle
        for _ in range(runs):
            seen.clear()
            pressed = time.monotonic()
            os.write(fd, b"h")
            times.append(wait_for(b"sessions (more load") - pressed)
            seen.clear()
            os.write(fd, b"\x1b")
            wait_for(b"Choose a question bank")
            time.sleep(0.3)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=10, help="answers per session")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--quick", action="store_true", help="1,000 sessions and 3 runs, for a smoke run."
    )
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.runs = min(args.sessions, 1_000), min(args.runs, 3)
    print(f"# history benchmark on {machine()}")
    with tempfile.TemporaryDirectory(prefix="interview-sim-bench-") as tmp:
        from interview_sim.workspace import Workspace

        workspace = Workspace(Path(tmp) / "ws")
        workspace.ensure()
        store = SessionStore.open(workspace.database_path)
        began = time.perf_counter()
        answers = build(store, args.sessions, args.answers)
        size = workspace.database_path.stat().st_size / 1_000_000
        print(
            f"# built {args.sessions} sessions, {answers} answers, {size:.0f} MB"
            f" in {time.perf_counter() - began:.0f} s"
        )
        questions = {b: [f"q{n:03d}" for n in range(1, c + 1)] for b, c in BANKS.items()}
        counts = {
            word: len(history.search_transcripts(store, word, limit=1_000_000))
            for word in ("gradient", RARE_WORD)
        }
        print(f"# answers matching: {counts}")
        runs = args.runs
        figures = [
            (
                "history first page (query, 50 rows)",
                lambda: history.list_sessions(store, limit=50),
                0.3,
            ),
            (
                "history first page sorted by score",
                lambda: history.list_sessions(store, sort="-score", limit=50),
                0.3,
            ),
            (
                "history first page, bank + date filter",
                lambda: history.list_sessions(
                    store,
                    history.SessionFilter(
                        bank="general-ml", since=datetime.now(UTC).date() - timedelta(days=400)
                    ),
                    limit=50,
                ),
                0.3,
            ),
            (
                "history filtered by transcript word (common)",
                lambda: history.list_sessions(
                    store, history.SessionFilter(search="gradient"), limit=50
                ),
                0.3,
            ),
            (
                "transcript search, common word (50 hits)",
                lambda: history.search_transcripts(store, "gradient"),
                0.1,
            ),
            (
                "transcript search, two common words",
                lambda: history.search_transcripts(store, "gradient descent"),
                0.1,
            ),
            (
                "transcript search, rare word",
                lambda: history.search_transcripts(store, RARE_WORD),
                0.1,
            ),
            ("due list (all banks)", lambda: history.due_items(store, questions), None),
            (
                "due order of one bank (Home's 'due for review')",
                lambda: history.due_items(store, {"top-100": questions["top-100"]}, bank="top-100"),
                None,
            ),
            (
                "progress report (all banks)",
                lambda: history.progress_report(store, questions),
                None,
            ),
        ]
        for name, fn, target in figures:
            seconds = median_seconds(fn, runs)
            verdict = "" if target is None else ("met" if seconds <= target else "MISSED")
            result(
                name,
                f"{seconds * 1000:.1f} ms",
                f"{target * 1000:.0f} ms" if target else "report",
                verdict,
            )
        screen_times = asyncio.run(_screen_first_page(workspace, store, runs))
        seconds = sorted(screen_times)[len(screen_times) // 2]
        result(
            "History screen pushed to idle (Pilot, headless)",
            f"{seconds * 1000:.1f} ms",
            "report",
        )
        store.close()
        try:
            tty_times = _tty_first_page(workspace, runs)
        except (OSError, RuntimeError) as exc:
            print(f"# the terminal measurement did not run: {exc}")
        else:
            seconds = sorted(tty_times)[len(tty_times) // 2]
            result(
                "History first page on a terminal after h (real app, pty)",
                f"{seconds * 1000:.1f} ms",
                "300 ms",
                "met" if seconds <= 0.3 else "MISSED",
            )


if __name__ == "__main__":
    main()
