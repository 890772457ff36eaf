"""`interview-sim rubric ...` (lint, rescore, draft, calibrate) and `interview-sim banks import`.

`register(cli)` adds the `rubric` group and hangs `import` under the existing `banks` group.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import click

from interview_sim.commands.common import (
    bank_files,
    bank_from_file,
    echo_json,
    fail,
    find_bank,
    find_question,
    load_banks,
    open_store,
    table,
    workspace_of,
)
from interview_sim.core.bank_import import (
    FORMATS,
    ImportProblems,
    build_bank_yaml,
    format_for,
    parse_questions,
    rubric_yaml,
)
from interview_sim.core.bank_schema import ID_PATTERN, Bank, suggest_id
from interview_sim.core.calibration import GradedScore, calibrate
from interview_sim.core.drafting import Specificity, draft_rubric
from interview_sim.core.rescore import AnswerChange, Rescorer
from interview_sim.core.rubric_lint import LintContext, LintWarning, LoggedAnswer, bank_words
from interview_sim.core.scoring import RubricCache

CHANGES_SHOWN = 50


@click.group()
def rubric() -> None:
    """Tune rubrics: lint them, re-score the log, draft, calibrate against your grades."""


def register(cli: click.Group) -> None:
    """Add the rubric commands to the CLI (and `import` to its `banks` group)."""
    cli.add_command(rubric)
    banks_group = cli.commands.get("banks")
    if isinstance(banks_group, click.Group):
        banks_group.add_command(import_bank, "import")


# lint -------------------------------------------------------------------------------------------


def _bank_files(ctx: click.Context, paths: tuple[Path, ...]) -> list[Path]:
    return bank_files(ctx, paths)


def speech_vocabulary(path: Path, *, probe: bool = True) -> Callable[[str], bool]:
    """`word -> bool`: whether the Vosk model at `path` has the word (vosk_model_find_word).
    Loading takes seconds; ModelError when the folder is not a loadable model."""
    from interview_sim.speech.recognizer import SpeechModel

    model = SpeechModel(path, probe=probe, quiet_fd2=True).load()

    @lru_cache(maxsize=100_000)
    def knows(word: str) -> bool:
        return bool(model.vosk_model_find_word(word) != -1)

    return knows


def _model_vocabulary(
    ctx: click.Context, model_path: Path | None
) -> tuple[Callable[[str], bool] | None, str]:
    """The speech model's vocabulary, and a line saying which model (or why none)."""
    from interview_sim.speech.models import ModelError, resolve_model

    if model_path is None:
        from interview_sim.config import SettingsError, load_settings

        try:
            spec = load_settings(workspace_of(ctx).root).speech_model
        except SettingsError:
            spec = ""
    else:
        spec = str(model_path)
    try:
        path = resolve_model(spec)
        knows = speech_vocabulary(path)
    except ModelError as exc:
        if model_path is not None:
            fail(f"{exc} {exc.fix}".strip())
        return None, f"speech vocabulary not checked: {exc}"
    return knows, f"speech vocabulary checked against {path.name} ({path})"


def _logged_answers(ctx: click.Context) -> list[LoggedAnswer]:
    if not workspace_of(ctx).database_path.exists():
        return []
    from interview_sim.store.rubric_queries import recent_transcripts

    store = open_store(ctx)
    try:
        return [LoggedAnswer(b, q, t) for b, q, t in recent_transcripts(store)]
    finally:
        store.close()


@rubric.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--model",
    "model_path",
    type=click.Path(path_type=Path),
    help="Speech model folder whose vocabulary the phrases are checked against"
    " (default: the configured or best installed model, if any).",
)
@click.option("--no-model", is_flag=True, help="Skip the speech-vocabulary check.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def lint(
    ctx: click.Context,
    paths: tuple[Path, ...],
    model_path: Path | None,
    no_model: bool,
    as_json: bool,
) -> None:
    """Check bank files like `banks validate`, then warn about rubric phrases that cannot work.

    Prints file:line:col: level: message per finding; exits 1 on errors only. With no PATH,
    every bank of the workspace is checked.
    """
    from interview_sim.core.rubric_lint import lint_text

    files = _bank_files(ctx, paths)
    knows: Callable[[str], bool] | None = None
    note = "speech vocabulary not checked (--no-model)"
    if not no_model:
        knows, note = _model_vocabulary(ctx, model_path)
    known: list[str] = []
    for bank in load_banks(ctx).banks.values():
        known += bank_words(bank)
    context = LintContext(answers=_logged_answers(ctx), known_words=known, knows_word=knows)
    found: list[LintWarning] = []
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            found += _invalid(path)  # parse_bank reports the bad byte with its place
            continue
        except OSError as exc:
            fail(f"{path}: cannot read: {exc.strerror}")
        found += lint_text(text, str(path), expected_id=path.stem, context=context)
    errors = sum(1 for w in found if w.level == "error")
    warnings = len(found) - errors
    if as_json:
        echo_json(
            {
                "files": [str(p) for p in files],
                "errors": errors,
                "warnings": warnings,
                "findings": [w.as_dict() for w in found],
                "speech_vocabulary": note,
            }
        )
    else:
        for finding in found:
            click.echo(str(finding))
        click.echo(note, err=True)
        click.echo(f"{errors} error(s), {warnings} warning(s) in {len(files)} file(s)", err=True)
    if errors:
        raise SystemExit(1)


def _invalid(path: Path) -> list[LintWarning]:
    from interview_sim.core.bank_loader import BankError, parse_bank

    try:
        parse_bank(path.read_bytes(), str(path), expected_id=path.stem)
    except BankError as exc:
        return [
            LintWarning(p.file, p.line, p.col, "error", "invalid", p.message) for p in exc.problems
        ]
    return []


# rescore ----------------------------------------------------------------------------------------


def _describe_change(change: AnswerChange) -> str:
    old = "-" if change.old_score is None else str(change.old_score)
    concepts = [f"+{c}" for c in change.gained] + [f"-{c}" for c in change.lost]
    tail = f"  {', '.join(concepts)}" if concepts else ""
    return (
        f"#{change.answer_id} {change.bank}/{change.question_id}: {old} -> {change.new_score}{tail}"
    )


@rubric.command("rescore")
@click.option("--bank", "bank_id", help="Only answers to this bank.")
@click.option("--question", "question_key", help="Only answers to this question (with --bank).")
@click.option("--apply", "apply_", is_flag=True, help="Record the new scores (old ones are kept).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def rescore(
    ctx: click.Context,
    bank_id: str | None,
    question_key: str | None,
    apply_: bool,
    as_json: bool,
) -> None:
    """Re-score every logged answer under the current rubric files and show what changes.

    Prints each changed answer (old -> new score, concepts gained + and lost -) and a summary
    per question. Nothing is written unless --apply, which records the new scores with the
    new rubric hash and keeps each old score in the score history.
    """
    from interview_sim.rubric_rescore import rescore_log

    found = load_banks(ctx)
    question_id: str | None = None
    if question_key and not bank_id:
        fail("--question needs --bank")
    if bank_id:
        bank = find_bank(found, bank_id)
        if question_key:
            question_id = find_question(bank, question_key).id
    store = open_store(ctx)
    try:
        report = rescore_log(
            store, found.banks, bank_id=bank_id, question_id=question_id, apply=apply_
        )
    finally:
        store.close()
    changed, total, applied = report.changed, report.answers, report.applied
    summaries = sorted(report.summaries.values(), key=lambda s: (s.bank, s.question_id))
    missing = [{"bank": b, "question": q, "answers": n} for (b, q), n in report.missing.items()]
    if as_json:
        echo_json(
            {
                "answers": total,
                "changed": len(changed),
                "applied": applied,
                "changes": [c.as_dict() for c in changed],
                "questions": [s.as_dict() for s in summaries],
                "missing": missing,
            }
        )
        return
    if not total:
        click.echo("No scored answers in the log yet.")
        return
    for change in changed[:CHANGES_SHOWN]:
        click.echo(_describe_change(change))
    if len(changed) > CHANGES_SHOWN:
        click.echo(f"... and {len(changed) - CHANGES_SHOWN} more (--json lists them all)")
    rows = [
        [
            f"{s.bank}/{s.question_id}",
            str(s.answers),
            str(s.changed),
            f"{s.up}/{s.down}",
            f"{s.mean_old:.1f} -> {s.mean_new:.1f}",
            ", ".join(f"+{n} {c}" for c, n in s.gained.most_common(3))
            + (" " if s.gained and s.lost else "")
            + ", ".join(f"-{n} {c}" for c, n in s.lost.most_common(3)),
        ]
        for s in summaries
        if s.changed or question_id
    ]
    if rows:
        click.echo("")
        click.echo(table(rows, ["question", "answers", "changed", "up/down", "mean", "concepts"]))
    for item in missing:
        click.echo(
            f"skipped {item['answers']} answer(s) to {item['bank']}/{item['question']}: the"
            " question is no longer in the banks",
            err=True,
        )
    click.echo(f"\n{len(changed)} of {total} answers change under the current rubrics.")
    if apply_:
        click.echo(f"Recorded {applied} new score(s); the old ones are kept in score_history.")
    elif changed:
        click.echo("Nothing written: --apply records the new scores (the old ones are kept).")


# draft and import -------------------------------------------------------------------------------


@rubric.command("draft")
@click.option("--bank", "bank_id", help="Bank id (see `banks list`).")
@click.option(
    "--bank-file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Use this bank file instead of the workspace's banks.",
)
@click.option("--question", "question_key", required=True, help="Question id or number.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def draft(
    ctx: click.Context,
    bank_id: str | None,
    bank_file: Path | None,
    question_key: str,
    as_json: bool,
) -> None:
    """Draft a rubric for one question from its reference answer (printed, not saved).

    Concepts are the reference's idea units, weighted by how specific their words are to this
    answer against the rest of the bank.
    """
    if bank_file is not None:
        bank = bank_from_file(bank_file)
    elif bank_id:
        bank = find_bank(load_banks(ctx), bank_id)
    else:
        fail("give --bank BANK or --bank-file PATH")
    question = find_question(bank, question_key)
    drafted = draft_rubric(
        question.prompt, question.reference, Specificity(q.reference for q in bank.questions)
    )
    if as_json:
        echo_json({"bank": bank.id, "question": question.id, "rubric": drafted.model_dump()})
        return
    click.echo(f"# Drafted for {bank.id}/{question.id}: replace the question's rubric with it.")
    click.echo(rubric_yaml(drafted), nl=False)


@click.command("import")
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="Input format (default: by extension)."
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The bank file to write, e.g. banks/my-bank.yaml (its name is the bank id).",
)
@click.option("--title", help="The bank's title (default: from the file name).")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def import_bank(source: Path, fmt: str | None, out: Path, title: str | None, force: bool) -> None:
    """Build a bank from questions with reference answers, drafting every rubric.

    SOURCE has the fields id, prompt, reference and optionally topic and difficulty (CSV with a
    header row, JSON lines, or Markdown with one `## prompt` heading per question). The drafted
    rubrics are a start: edit them, then run `interview-sim rubric lint` on the file.
    """
    from interview_sim.core.bank_loader import BankError, parse_bank
    from interview_sim.rubric_edit import EditError, write_atomic

    fmt = fmt or format_for(source.name)
    if fmt is None:
        fail(f"{source}: cannot tell the format from the name; give --format csv|jsonl|md")
    bank_id = out.stem
    if not re.fullmatch(ID_PATTERN, bank_id):
        fail(f"{out}: the file name is the bank id; try {suggest_id(bank_id)}.yaml")
    if out.exists() and not force:
        fail(f"{out} exists; choose another --out or pass --force")
    try:
        text = source.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        fail(f"{source}: not valid UTF-8; save it as UTF-8")
    except OSError as exc:
        fail(f"{source}: cannot read: {exc.strerror}")
    try:
        questions = parse_questions(text, fmt, str(source))
    except ImportProblems as exc:
        fail("cannot import:\n" + "\n".join(str(p) for p in exc.problems))
    yaml_text = build_bank_yaml(
        bank_id,
        title or bank_id.replace("-", " ").capitalize(),
        f"Imported from {source.name}.",
        questions,
    )
    try:
        bank = parse_bank(yaml_text, str(out), expected_id=bank_id)
    except BankError as exc:  # a drafting bug: say it plainly rather than write a broken file
        fail("the drafted bank is not valid:\n" + "\n".join(str(p) for p in exc.problems))
    try:
        write_atomic(out, yaml_text)
    except EditError as exc:
        fail(str(exc))
    concepts = sum(len(q.rubric.concepts) for q in bank.questions)
    click.echo(
        f"Wrote {out}: {len(bank.questions)} questions, {concepts} drafted concepts. Edit the"
        f" rubrics, then run `interview-sim rubric lint {out}`."
    )


# calibrate --------------------------------------------------------------------------------------


def _pairs_from_store(
    ctx: click.Context, banks: dict[str, Bank], bank_id: str | None
) -> list[GradedScore]:
    from interview_sim.store.rubric_queries import graded_answers

    store = open_store(ctx)
    try:
        graded = graded_answers(store, bank_id)
    finally:
        store.close()
    rescorer = Rescorer(banks)
    pairs: list[GradedScore] = []
    for item in graded:
        change = rescorer.rescore(item.answer)
        if change is None:
            continue
        pairs.append(_graded(item.answer.bank, item.answer.question_id, change.result, item.grade))
    return pairs


def _graded(bank: str, question: str, result: Any, grade: float) -> GradedScore:
    return GradedScore(
        bank,
        question,
        float(result.score),
        grade,
        tuple(c.name for c in result.concepts if c.matched),
        tuple(c.name for c in result.concepts if not c.matched),
    )


def _pairs_from_file(
    stream: IO[str], banks: dict[str, Bank], bank_id: str | None
) -> list[GradedScore]:
    cache = RubricCache()
    pairs: list[GradedScore] = []
    problems: list[str] = []
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("each line must be a JSON object")
            bank = banks.get(str(item.get("bank") or bank_id or ""))
            if bank is None:
                raise ValueError(f"no bank {item.get('bank')!r}")
            if bank_id and bank.id != bank_id:
                continue
            question = bank.question(str(item.get("question", "")))
            if question is None:
                raise ValueError(f"no question {item.get('question')!r} in {bank.id}")
            text, grade = item.get("text"), item.get("grade")
            if not isinstance(text, str) or not isinstance(grade, (int, float)):
                raise ValueError('"text" must be a string and "grade" a number')
            if not 0 <= grade <= 5:
                raise ValueError("a grade is between 0 and 5")
        except (ValueError, json.JSONDecodeError) as exc:
            problems.append(f"line {number}: {exc}")
            continue
        result = cache.get(bank.id, question).score(text)
        pairs.append(_graded(bank.id, question.id, result, float(grade)))
    if problems:
        fail("the grades file has problems:\n" + "\n".join(problems[:20]))
    return pairs


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


@rubric.command("calibrate")
@click.option("--bank", "bank_id", help="Only this bank.")
@click.option(
    "--grades",
    type=click.File("r", encoding="utf-8"),
    help='JSON lines {"bank", "question", "text", "grade"} (0-5) instead of your own grades'
    ' in the log; "-" reads stdin.',
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def calibrate_command(
    ctx: click.Context, bank_id: str | None, grades: IO[str] | None, as_json: bool
) -> None:
    """Compare rubric scores with human grades (your own 0-5 grades, or a file of them).

    Pearson and Spearman correlation, a fitted line grade = a * score + b with its RMSE, per
    question, and the concepts whose verdicts pull scores away from the grades.
    """
    found = load_banks(ctx)
    if bank_id:
        find_bank(found, bank_id)
    if grades is not None:
        pairs = _pairs_from_file(grades, found.banks, bank_id)
    else:
        pairs = _pairs_from_store(ctx, found.banks, bank_id)
    result = calibrate(pairs)
    if as_json:
        echo_json(result.as_dict())
        return
    if not pairs:
        click.echo(
            "No graded answers yet: grade answers in History (or `sessions grade`), or pass"
            " --grades FILE.jsonl."
        )
        return
    overall = result.overall
    click.echo(
        f"{overall.n} graded answers: Pearson {_fmt(overall.pearson)}, Spearman"
        f" {_fmt(overall.spearman)}"
    )
    if overall.fit is not None:
        fit = overall.fit
        click.echo(
            f"Fitted: grade = {fit.slope:.4f} * score {fit.intercept:+.2f} (RMSE {fit.rmse:.2f}"
            " grade points)"
        )
    rows = [
        [
            f"{b}/{q}",
            str(a.n),
            _fmt(a.pearson),
            _fmt(a.spearman),
            _fmt(a.fit.rmse) if a.fit else "-",
        ]
        for (b, q), a in result.questions.items()
    ]
    click.echo("")
    click.echo(table(rows, ["question", "graded", "pearson", "spearman", "rmse"]))
    if result.pulls:
        click.echo("\nConcepts that pull the score away from your grades:")
        for pull in result.pulls[:20]:
            if pull.verdict == "over-rewards":
                gap = -(pull.residual_found or 0)
                why = f"answers that show it are graded {gap:.1f} lower than scored"
                fix = "its phrases may be too easy, or its weight too high"
            else:
                gap = pull.residual_missed or 0
                why = f"answers that miss it are graded {gap:.1f} higher than scored"
                fix = "graders see it in words its phrases lack"
            click.echo(
                f"  {pull.bank}/{pull.question_id} '{pull.concept}' {pull.verdict}: {why}; {fix}"
            )
