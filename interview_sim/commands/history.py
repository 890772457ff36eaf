"""`interview-sim progress|due|attempts` and `sessions search|grade|prune-audio`."""

from __future__ import annotations

import click

from interview_sim.commands.common import (
    echo_json,
    fail,
    find_question,
    load_banks,
    open_store,
    table,
    workspace_of,
)
from interview_sim.commands.sessions import sessions
from interview_sim.config import SettingsError, load_settings
from interview_sim.core.bank_set import BankSet
from interview_sim.core.progress import DueItem, Series, sparkline
from interview_sim.store import history
from interview_sim.store.history import HistoryError


def _questions(banks: BankSet, bank: str | None) -> dict[str, list[str]]:
    """Bank id -> question ids, as the banks are now."""
    return {
        b.id: [q.id for q in b.questions]
        for b in banks.banks.values()
        if bank is None or b.id == bank
    }


def _check_bank(banks: BankSet, bank: str | None, known_in_store: bool) -> None:
    if bank and bank not in banks.banks and not known_in_store:
        known = ", ".join(sorted(banks.banks)) or "none"
        fail(f"no bank {bank!r} (banks: {known})")


def _bank_in_store(ctx: click.Context, bank: str | None) -> bool:
    if not bank:
        return False
    return bool(history.list_sessions(open_store(ctx), history.SessionFilter(bank=bank)).total)


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.0f}"


def _day(iso: str | None) -> str:
    return (iso or "")[:16].replace("T", " ") or "-"


def _due_cell(item: DueItem) -> str:
    if item.state == "new":
        return "never tried"
    if item.overdue_days is None:
        return "-"
    if item.overdue_days >= 0:
        return f"{item.overdue_days:.0f} d overdue" if item.overdue_days >= 1 else "today"
    return f"in {-item.overdue_days:.0f} d" if item.overdue_days <= -1 else "today"


def _series_rows(series: tuple[Series, ...]) -> list[list[str]]:
    return [
        [
            s.label,
            str(s.count),
            f"{s.mean:.0f}",
            _signed(s.change),
            sparkline([p.mean for p in s.points[-20:]]),
        ]
        for s in series
    ]


@click.command("progress")
@click.option("--bank", help="Only this bank.")
@click.option("--topics/--no-topics", default=True, show_default=True, help="Show each topic.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def progress(ctx: click.Context, bank: str | None, topics: bool, as_json: bool) -> None:
    """Score over time per bank and topic, weakest concepts, streaks and questions due."""
    banks = load_banks(ctx)
    _check_bank(banks, bank, _bank_in_store(ctx, bank))
    report = history.progress_report(open_store(ctx), _questions(banks, bank), bank=bank)
    if as_json:
        echo_json(report.to_dict())
        return
    if not report.answers:
        click.echo("No answers yet: practise a few questions and come back.")
        return
    streak = report.streak
    click.echo(
        f"{report.answers} answers in {report.sessions} sessions."
        f" Streak: {streak.current} day(s) in a row (longest {streak.longest},"
        f" {streak.days_practised} days practised)."
    )
    headers = ["bank", "answers", "mean", "change", "recent"]
    click.echo("\nScore by bank (change: the last 5 days of practice against the ones before)")
    click.echo(table(_series_rows(report.banks), headers))
    if topics and report.topics:
        click.echo("\nScore by topic")
        click.echo(table(_series_rows(report.topics), ["topic", *headers[1:]]))
    if report.weakest:
        click.echo("\nWeakest concepts (each question's last 3 attempts)")
        click.echo(
            table(
                [
                    [
                        w.concept,
                        f"{w.missed}/{w.seen}",
                        ", ".join(w.questions[:3]) + (" ..." if len(w.questions) > 3 else ""),
                    ]
                    for w in report.weakest
                ],
                ["concept", "missed", "in"],
            )
        )
    due_now = report.due_now
    new = sum(1 for i in report.due if i.state == "new")
    click.echo(
        f"\n{len(due_now)} question(s) due for review, {new} never tried"
        " (`interview-sim due` lists them)."
    )


@click.command("due")
@click.option("--bank", help="Only this bank.")
@click.option("--all", "every", is_flag=True, help="Also list the questions due later.")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1, 100000))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def due(ctx: click.Context, bank: str | None, every: bool, limit: int, as_json: bool) -> None:
    """Questions due for review (spaced repetition from past scores), most overdue first."""
    banks = load_banks(ctx)
    _check_bank(banks, bank, _bank_in_store(ctx, bank))
    items = history.due_items(open_store(ctx), _questions(banks, bank), bank=bank)
    shown = [i for i in items if every or i.state != "later"][:limit]
    if as_json:
        echo_json([i.to_dict() for i in shown])
        return
    if not shown:
        later = next((i for i in items if i.state == "later"), None)
        when = f"; the next one is due {_day(later.due.isoformat())}" if later and later.due else ""
        click.echo(f"Nothing is due for review{when}.")
        return
    click.echo(
        table(
            [
                [
                    i.bank,
                    i.question_id,
                    _due_cell(i),
                    "-" if i.last_score is None else str(i.last_score),
                    str(i.attempts),
                    f"{i.interval_days:.0f} d" if i.attempts else "-",
                ]
                for i in shown
            ],
            ["bank", "question", "due", "last score", "attempts", "interval"],
        )
    )


@click.command("attempts")
@click.argument("bank")
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def attempts(ctx: click.Context, bank: str, question: str, as_json: bool) -> None:
    """Every attempt at one question (id or number): score, concepts gained and lost, delivery."""
    banks = load_banks(ctx)
    found = banks.get(bank)
    question_id = find_question(found, question).id if found is not None else question
    views = history.attempts(open_store(ctx), bank, question_id)
    if found is None and not views:
        known = ", ".join(sorted(banks.banks)) or "none"
        fail(f"no bank {bank!r} (banks: {known}) and no logged answers to {question!r} in it")
    if as_json:
        echo_json(
            {"bank": bank, "question_id": question_id, "attempts": [v.to_dict() for v in views]}
        )
        return
    if not views:
        click.echo(f"No attempts at {bank}/{question_id} yet.")
        return
    trend = sparkline([v.score or 0 for v in views])
    click.echo(f"{len(views)} attempt(s) at {bank}/{question_id}: {trend}")
    click.echo(
        table(
            [
                [
                    str(n),
                    _day(v.when),
                    f"{'-' if v.score is None else v.score} ({_signed(v.score_change)})",
                    "-" if v.words_per_minute is None else f"{v.words_per_minute:.0f}",
                    "-" if v.fillers is None else f"{v.fillers} ({_signed(v.fillers_change)})",
                    ", ".join(v.gained) or "-",
                    ", ".join(v.lost) or "-",
                ]
                for n, v in enumerate(views, 1)
            ],
            ["#", "when", "score", "wpm", "fillers", "gained", "lost"],
        )
    )


@click.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--bank", help="Only this bank.")
@click.option("--prompts", is_flag=True, help="Search the questions' prompts too.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10000))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def search(
    ctx: click.Context,
    words: tuple[str, ...],
    bank: str | None,
    prompts: bool,
    limit: int,
    as_json: bool,
) -> None:
    """Answers whose transcript contains every word (newest first), with a snippet."""
    text = " ".join(words)
    hits = history.search_transcripts(
        open_store(ctx), text, limit=limit, bank=bank, include_prompts=prompts
    )
    if as_json:
        echo_json([h.to_dict() for h in hits])
        return
    if not hits:
        click.echo(f"No transcript contains {text!r}.")
        return
    for hit in hits:
        score = "-" if hit.score is None else str(hit.score)
        click.echo(
            f"answer {hit.answer_id}  session {hit.session_id}  {_day(hit.created_at)}"
            f"  {hit.bank}/{hit.question_id}  score {score}"
        )
        click.echo("    " + " ".join(hit.plain_snippet().split()))


@click.command("grade")
@click.argument("answer_id", type=int)
@click.argument("grade")
@click.option("--note", default="", help="Why you gave this grade.")
@click.pass_context
def grade(ctx: click.Context, answer_id: int, grade: str, note: str) -> None:
    """Grade an answer yourself, 0-5 (the rubric lab checks rubrics against these grades)."""
    try:
        value = float(grade)
    except ValueError:
        fail(f"{grade!r} is not a grade: give a number from 0 to 5")
    try:
        history.grade_answer(open_store(ctx), answer_id, value, note)
    except LookupError:
        fail(f"no answer {answer_id} (answer ids are in `interview-sim sessions show ID --json`)")
    except (HistoryError, ValueError) as exc:
        fail(str(exc))
    click.echo(f"Graded answer {answer_id}: {value:g}/5.")


@click.command("prune-audio")
@click.option(
    "--keep",
    type=click.Choice(history.KEEP_CHOICES),
    help="Override the keep_recordings setting: all, none, or the last N sessions'.",
)
@click.option("--keep-last", type=click.IntRange(1), help="Override keep_last_sessions (N).")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted, delete nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def prune_audio(
    ctx: click.Context, keep: str | None, keep_last: int | None, dry_run: bool, as_json: bool
) -> None:
    """Delete old recordings as the keep_recordings setting says (transcripts stay)."""
    workspace = workspace_of(ctx)
    try:
        settings = load_settings(workspace.root)
    except SettingsError as exc:
        fail(str(exc))
    policy = keep or settings.keep_recordings
    last = keep_last or settings.keep_last_sessions
    report = history.prune_recordings(
        open_store(ctx), policy, last, recordings_dir=workspace.recordings_dir, dry_run=dry_run
    )
    if as_json:
        echo_json({"keep": policy, "keep_last": last, "dry_run": dry_run, **report.to_dict()})
        return
    if policy == "all":
        click.echo('keep_recordings is "all": nothing deleted (use --keep last or --keep none).')
        return
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(
        f"{verb} {report.files_removed} recording(s) from {len(report.sessions)} session(s),"
        f" {report.bytes_freed / 1_000_000:.1f} MB."
        + (f" {report.missing} were already gone." if report.missing else "")
    )
    if report.kept_outside:
        click.echo(f"Kept {len(report.kept_outside)} file(s) outside {workspace.recordings_dir}.")


def register(cli: click.Group) -> None:
    """Add the history commands to the top-level group and to `sessions`."""
    for command in (progress, due, attempts):
        cli.add_command(command)
    for command in (search, grade, prune_audio):
        sessions.add_command(command)
