"""`interview-sim score`: score a text, a WAV file, or a batch of answers in JSON lines."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import click
import orjson

from interview_sim.commands.common import (
    bank_from_file,
    echo_json,
    fail,
    find_bank,
    find_question,
    load_banks,
)
from interview_sim.core.bank_schema import Bank, Question
from interview_sim.core.bank_set import BankSet
from interview_sim.core.delivery import Delivery, delivery_dict, measure
from interview_sim.core.scoring import (
    CompiledRubric,
    RubricCache,
    ScoreResult,
)
from interview_sim.core.transcript import Transcript
from interview_sim.practice import concept_dicts, misconception_dicts

_loads = orjson.loads
_dumps = orjson.dumps
_NEWLINE = orjson.OPT_APPEND_NEWLINE


def score_payload(
    bank: Bank, question: Question, result: ScoreResult, delivery: Delivery
) -> dict[str, Any]:
    """The documented JSON shape of a scored answer."""
    return {
        "bank": bank.id,
        "question": question.id,
        "number": question.number,
        "score": result.score,
        "band": result.band,
        "capped": result.capped,
        "penalty": result.penalty,
        "concepts": concept_dicts(result),
        "misconceptions": misconception_dicts(result),
        "delivery": delivery_dict(delivery),
        "rubric_hash": result.rubric_hash,
        "notes": list(result.notes),
    }


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


class BatchScorer:
    """`score --batch`: JSON lines in, one JSON line out for each line that is not blank.

    A line is `{"bank", "question", "text"}` ("bank" is left out with a fixed bank); its output
    is `score_payload(...)` as compact JSON (orjson), or `{"line", "error"}` when it cannot be
    scored. `errors` counts those.
    """

    def __init__(self, banks: BankSet | None, fixed: Bank | None = None) -> None:
        self.banks = banks
        self.fixed = fixed
        self.cache = RubricCache()
        self.errors = 0
        # a question and its compiled rubric by bank and key ("3", "bias-variance"): the banks
        # do not change during a batch
        self._questions: dict[tuple[str, str], tuple[Question, CompiledRubric]] = {}

    def lines(self, stream: Iterable[str]) -> Iterator[bytes]:
        """The output line (UTF-8, ending in a newline) of each input line that is not blank."""
        fixed, questions = self.fixed, self._questions
        bank_of = self.banks.get if self.banks is not None else None
        for number, line in enumerate(stream, start=1):
            if not line or line.isspace():
                continue
            try:
                item = _loads(line)
                if not isinstance(item, dict):
                    raise ValueError("each line must be a JSON object")
                bank = fixed
                if bank is None:
                    assert bank_of is not None
                    bank = bank_of(str(item.get("bank", "")))
                    if bank is None:
                        raise ValueError(f"no bank {item.get('bank')!r}")
                key = (bank.id, str(item.get("question", "")))
                known = questions.get(key)
                if known is None:
                    question = bank.question(key[1])
                    if question is None:
                        raise ValueError(f"no question {item.get('question')!r} in {bank.id}")
                    if len(questions) > 100_000:
                        questions.clear()
                    compiled = self.cache.get(bank.id, question)
                    questions[key] = (question, compiled)
                else:
                    question, compiled = known
                answer = item.get("text")
                if not isinstance(answer, str):
                    raise ValueError('"text" must be a string')
                out = _dumps(
                    score_payload(bank, question, compiled.score(answer), measure(answer)),
                    option=_NEWLINE,
                )
            except (ValueError, orjson.JSONEncodeError) as exc:  # bad JSON is a ValueError
                self.errors += 1
                out = _dumps({"line": number, "error": str(exc)}, option=_NEWLINE)
            yield out
