"""`interview-sim score`: score a text, a WAV file, or a batch of answers in JSON lines."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import IO

import click

from interview_sim.commands.common import (
    bank_from_file,
    echo_json,
    fail,
    find_bank,
    find_question,
    load_banks,
)
from interview_sim.core.bank_schema import Question
from interview_sim.core.batch import BatchScorer
from interview_sim.core.delivery import Delivery, measure
from interview_sim.core.payload import score_payload
from interview_sim.core.scoring import (
    RubricCache,
    ScoreResult,
)
from interview_sim.core.transcript import Transcript


def _print_human(question: Question, text: str, result: ScoreResult, delivery: Delivery) -> None:
    click.echo(f"Q{question.number} {question.prompt.strip()}")
    click.echo(f"Score {result.score}/100 ({result.band})")
    for concept in result.concepts:
        mark = "found" if concept.matched else "missed"
        detail = (
            ", ".join(f'"{e}"' for e in concept.evidence) if concept.matched else (concept.meaning)
        )
        click.echo(
            f"  [{mark:>6}] {concept.name} (weight {concept.weight:g}"
            f"{', required' if concept.required else ''}): {detail}"
        )
    for wrong in result.misconceptions:
        click.echo(f"  [ wrong] {wrong.name}: {wrong.correction}")
    for note in result.notes:
        click.echo(f"  note: {note}")
    pace = f", {delivery.words_per_minute:.0f} words/min" if delivery.words_per_minute else ""
    click.echo(
        f"Delivery: {delivery.words} words{pace}, {delivery.fillers} fillers,"
        f" {delivery.hedges} hedges, {delivery.long_pauses} long pauses"
    )


@click.command()
@click.option("--bank", "bank_id", help="Bank id (see `banks list`).")
@click.option(
    "--bank-file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Use this bank file instead of the workspace's banks.",
)
@click.option("--question", "question_key", help="Question id or number.")
@click.option("--text", help="The answer text.")
@click.option(
    "--audio",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="A WAV file of the spoken answer (transcribed offline first).",
)
@click.option(
    "--model",
    "model_path",
    type=click.Path(path_type=Path),
    help="Speech model folder for --audio.",
)
@click.option(
    "--batch",
    type=click.File("r", encoding="utf-8"),
    help='JSON lines {"bank", "question", "text"}; "-" reads stdin.',
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def score(
    ctx: click.Context,
    bank_id: str | None,
    bank_file: Path | None,
    question_key: str | None,
    text: str | None,
    audio: Path | None,
    model_path: Path | None,
    batch: IO[str] | None,
    as_json: bool,
) -> None:
    """Score an answer against its question's rubric."""
    if batch is not None:
        _score_batch(ctx, batch, bank_file)
        return
    if bank_file is not None:
        bank = bank_from_file(bank_file)
    elif bank_id:
        bank = find_bank(load_banks(ctx), bank_id)
    else:
        fail("give --bank BANK (or --bank-file PATH), --question Q and --text or --audio")
    if not question_key:
        fail("give --question (an id or a number)")
    question = find_question(bank, question_key)
    transcript = Transcript(text or "")
    if audio is not None:
        from interview_sim.commands.audio import transcribe_for_command

        transcript = transcribe_for_command(ctx, audio, model_path)
    elif text is None:
        fail("give --text TEXT or --audio FILE.wav")
    result = (
        RubricCache()
        .get(bank.id, question)
        .score(transcript.text, spoken_seconds=transcript.duration if transcript.words else None)
    )
    delivery = measure(transcript.text, transcript.words)
    if as_json:
        payload = score_payload(bank, question, result, delivery)
        payload["transcript"] = transcript.text
        echo_json(payload)
    else:
        if audio is not None:
            click.echo(f"Transcript: {transcript.text}")
        _print_human(question, transcript.text, result, delivery)


def _score_batch(ctx: click.Context, stream: IO[str], bank_file: Path | None) -> None:
    fixed = bank_from_file(bank_file) if bank_file else None
    scorer = BatchScorer(None if fixed else load_banks(ctx), fixed)
    # Start-up is over: what is loaded now (banks, modules) lives as long as the process, so the
    # cycle collector need not walk it again and again while thousands of answers are scored.
    gc.freeze()
    sys.stdout.flush()
    sys.stdout.buffer.writelines(scorer.lines(stream))
    if scorer.errors:
        click.echo(f"{scorer.errors} line(s) could not be scored", err=True)
        raise SystemExit(1)
