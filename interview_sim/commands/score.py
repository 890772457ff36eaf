"""`interview-sim score`: score a text, a WAV file, or a batch of answers in JSON lines."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

import click

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
from interview_sim.core.delivery import Delivery, measure
from interview_sim.core.scoring import (
    CompiledRubric,
    ConceptResult,
    MisconceptionResult,
    RubricCache,
    ScoreResult,
)
from interview_sim.core.transcript import Transcript
from interview_sim.practice import concept_dicts, misconception_dicts


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
        "delivery": asdict(delivery),
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
    sys.stdout.writelines(scorer.lines(stream))
    if scorer.errors:
        click.echo(f"{scorer.errors} line(s) could not be scored", err=True)
        raise SystemExit(1)


class BatchScorer:
    """`score --batch`: JSON lines in, one JSON line out for each line that is not blank.

    A line is `{"bank", "question", "text"}` ("bank" is left out with a fixed bank); its output
    is `json.dumps(score_payload(...), ensure_ascii=False)`, or `{"line", "error"}` when it cannot
    be scored. `errors` counts those.
    """

    def __init__(self, banks: BankSet | None, fixed: Bank | None = None) -> None:
        self.banks = banks
        self.fixed = fixed
        self.cache = RubricCache()
        self.errors = 0
        self._writer = PayloadWriter()
        self._checked = False
        # a question and its compiled rubric by bank and key ("3", "bias-variance"): the banks
        # do not change during a batch
        self._questions: dict[tuple[str, str], tuple[Question, CompiledRubric]] = {}

    def lines(self, stream: Iterable[str]) -> Iterator[str]:
        """The output line (ending in a newline) of each input line that is not blank."""
        fixed, questions = self.fixed, self._questions
        bank_of = self.banks.get if self.banks is not None else None
        for number, line in enumerate(stream, start=1):
            if not line or line.isspace():
                continue
            try:
                item = json.loads(line)
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
                    compiled = None
                else:
                    question, compiled = known
                answer = item.get("text")
                if not isinstance(answer, str):
                    raise ValueError('"text" must be a string')
                if compiled is None:
                    if len(questions) > 100_000:
                        questions.clear()
                    compiled = self.cache.get(bank.id, question)
                    questions[key] = (question, compiled)
                result = compiled.score(answer)
                if self._checked:
                    out = self._writer.line(bank, question, result, measure(answer), "\n")
                else:
                    out = self._write(bank, question, result, measure(answer))
            except (ValueError, json.JSONDecodeError) as exc:
                self.errors += 1
                out = json.dumps({"line": number, "error": str(exc)}, ensure_ascii=False) + "\n"
            yield out

    def _write(
        self, bank: Bank, question: Question, result: ScoreResult, delivery: Delivery
    ) -> str:
        # the first line is written both ways: should the payload's shape ever change without
        # the writer, every line is written the slow, sure way instead of a wrong one
        sure = json.dumps(score_payload(bank, question, result, delivery), ensure_ascii=False)
        if self._writer.line(bank, question, result, delivery) == sure:
            self._checked = True
        return sure + "\n"


_string = json.encoder.encode_basestring  # what json.dumps(s, ensure_ascii=False) writes
_encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(v, ensure_ascii=False)
_FLOAT_WORDS = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _value(value: object) -> str:
    """json.dumps(value, ensure_ascii=False), quicker for scalars and lists of them."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):  # in the json module's order of tests
        return _string(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        text = float.__repr__(value)
        return _FLOAT_WORDS.get(text, text)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(_value, value)) + "]"
    return _encode(value)


def _strings(values: Sequence[str]) -> str:
    """A JSON list of strings (evidence, notes, filler words: strings by construction)."""
    return "[" + ", ".join(map(_string, values)) + "]" if values else "[]"


_BRACKETS = str.maketrans("()", "[]")


def _spans(spans: tuple[tuple[int, int], ...]) -> str:
    """A JSON list of [start, end] pairs (of ints, as the scorer makes them): Python writes a
    tuple of pairs of ints the same way, but for the brackets and a lone pair's comma."""
    if len(spans) > 1:
        return str(spans).translate(_BRACKETS)
    if spans:
        start, end = spans[0]
        return f"[[{start}, {end}]]"
    return "[]"


class PayloadWriter:
    """`json.dumps(score_payload(...), ensure_ascii=False)`, byte for byte, for results of
    `CompiledRubric.score` and `measure`, from cached pieces: what stays the same from one
    answer to the next (a question's head, a concept's name and weight, a missed concept whole)
    is encoded once."""

    def __init__(self) -> None:
        self._heads: dict[tuple[str, str, int], str] = {}
        self._concepts: dict[str, tuple[float, bool, str]] = {}
        self._whole: dict[int, tuple[ConceptResult, str]] = {}

    def line(
        self,
        bank: Bank,
        question: Question,
        result: ScoreResult,
        delivery: Delivery,
        end: str = "",
    ) -> str:
        """The JSON text of the payload, followed by `end`."""
        key = (bank.id, question.id, question.number)
        head = self._heads.get(key)
        if head is None:
            head = self._heads[key] = (
                f'{{"bank": {_value(bank.id)}, "question": {_value(question.id)},'
                f' "number": {_value(question.number)}, "score": '
            )
        wrong = result.misconceptions
        return "".join(
            [
                head,
                _value(result.score),
                ', "band": ',
                _string(result.band),
                ', "capped": ',
                "true" if result.capped else "false",
                ', "penalty": ',
                _value(result.penalty),
                ', "concepts": [',
                ", ".join(map(self._concept, result.concepts)),
                '], "misconceptions": [',
                ", ".join(map(_misconception, wrong)) if wrong else "",
                '], "delivery": ',
                _delivery(delivery),
                ', "rubric_hash": ',
                _string(result.rubric_hash),
                ', "notes": ',
                _strings(result.notes),
                "}",
                end,
            ]
        )

    def _concept(self, concept: ConceptResult) -> str:
        whole = self._whole.get(id(concept))
        if whole is not None and whole[0] is concept:
            return whole[1]  # the very same (shared, frozen) result: a missed concept
        name, weight, required = concept.name, concept.weight, concept.required
        known = self._concepts.get(name)
        if known is not None and known[0] is weight and known[1] is required:
            head = known[2]  # the very same weight and flag: the same concept
        else:
            if len(self._concepts) > 100_000:
                self._concepts.clear()
            head = (
                f'{{"name": {_value(name)}, "weight": {_value(weight)},'
                f' "required": {_value(required)}, "matched": '
            )
            self._concepts[name] = (weight, required, head)
        evidence = concept.evidence
        text = "".join(
            [
                head,
                "true" if concept.matched else "false",
                ', "hinted": ',
                "true" if concept.hinted else "false",
                ', "evidence": ',
                "[" + ", ".join(map(_string, evidence)) + "]" if evidence else "[]",
                ', "spans": ',
                _spans(concept.spans),
                "}",
            ]
        )
        if not concept.matched:
            if len(self._whole) > 100_000:
                self._whole.clear()
            self._whole[id(concept)] = (concept, text)  # kept alive, so its id is not reused
        return text


def _misconception(wrong: MisconceptionResult) -> str:
    return (
        f'{{"name": {_value(wrong.name)}, "correction": {_value(wrong.correction)},'
        f' "evidence": {_strings(wrong.evidence)}, "spans": {_spans(wrong.spans)}}}'
    )


def _delivery(delivery: Delivery) -> str:
    """`asdict(delivery)` as JSON (the field order of Delivery)."""
    return "".join(
        [
            '{"words": ',
            _value(delivery.words),
            ', "duration_seconds": ',
            _value(delivery.duration_seconds),
            ', "words_per_minute": ',
            _value(delivery.words_per_minute),
            ', "fillers": ',
            _value(delivery.fillers),
            ', "fillers_per_minute": ',
            _value(delivery.fillers_per_minute),
            ', "filler_words": ',
            _strings(delivery.filler_words),
            ', "hedges": ',
            _value(delivery.hedges),
            ', "long_pauses": ',
            _value(delivery.long_pauses),
            ', "longest_pause_seconds": ',
            _value(delivery.longest_pause_seconds),
            "}",
        ]
    )
