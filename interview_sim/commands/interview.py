"""`interview-sim interview --plain`: a whole interview over plain stdin and stdout."""

from __future__ import annotations

import click

from interview_sim.commands.common import fail, find_bank, load_banks, open_store
from interview_sim.core.schedule import ORDERS
from interview_sim.practice import Feedback, PracticeSession

COMMANDS_HELP = "(empty line or :skip to skip, :hint for a hint, :quit to stop and resume later)"


def _print_feedback(feedback: Feedback) -> None:
    result = feedback.result
    click.echo(f"Score: {result.score}/100 ({result.band})")
    found = [c.name for c in result.concepts if c.matched]
    missed = [c for c in result.concepts if not c.matched]
    if found:
        click.echo("  found: " + ", ".join(found))
    for concept in missed:
        click.echo(f"  missed: {concept.name}: {concept.meaning}")
    for wrong in result.misconceptions:
        click.echo(f"  misconception: {wrong.name}: {wrong.correction}")
    for note in result.notes:
        click.echo(f"  note: {note}")


def _read_line() -> str | None:
    try:
        return input()
    except EOFError:
        return None


@click.command()
@click.option("--plain", is_flag=True, help="Plain text over stdin/stdout (no TUI).")
@click.option("--bank", "bank_id", help="Bank id.")
@click.option(
    "--count",
    default=5,
    show_default=True,
    type=click.IntRange(1, 500),
    help="Number of questions.",
)
@click.option("--order", type=click.Choice(ORDERS), default="random", show_default=True)
@click.option("--seed", type=int, help="Seed for the random order (repeatable interviews).")
@click.option("--resume", "resume_id", type=int, help="Resume an interrupted session by id.")
@click.option("--no-probes", is_flag=True, help="Do not ask follow-up questions.")
@click.pass_context
def interview(
    ctx: click.Context,
    plain: bool,
    bank_id: str | None,
    count: int,
    order: str,
    seed: int | None,
    resume_id: int | None,
    no_probes: bool,
) -> None:
    """Run an interview. Without --plain it opens the terminal app."""
    if not plain:
        from interview_sim.cli import run_tui

        run_tui(ctx)
        return
    store = open_store(ctx)
    banks = load_banks(ctx)
    if resume_id is not None:
        row = store.session(resume_id)
        if row is None:
            fail(f"no session {resume_id} (see `interview-sim sessions list`)")
        bank = find_bank(banks, row["bank"])
        session = PracticeSession.resume(store, bank, resume_id, probes=not no_probes)
        click.echo(
            f"Resuming session {resume_id} at question {session.position + 1} of {session.total}."
        )
    else:
        if not bank_id:
            fail("give --bank BANK (see `interview-sim banks list`)")
        bank = find_bank(banks, bank_id)
        session = PracticeSession.start(
            store, bank, count=count, order=order, seed=seed, mode="plain", probes=not no_probes
        )
        click.echo(f"Session {session.session_id}: {session.total} questions from {bank.title}.")
    click.echo(COMMANDS_HELP)
    while session.current is not None:
        question = session.current
        probe = session.pending_probe
        if probe:
            click.echo(f"\nFollow-up: {probe}")
        else:
            click.echo(
                f"\nQuestion {session.position + 1}/{session.total}"
                f" [{question.topic}, {question.difficulty}]: {question.prompt.strip()}"
            )
        line = _read_line()
        if line is None or line.strip() == ":quit":
            session.interrupt()
            click.echo(
                f"\nStopped. Resume with: interview-sim interview --plain --resume"
                f" {session.session_id}"
            )
            return
        answer = line.strip()
        if answer == ":hint":
            hint = session.hint()
            click.echo(f"Hint: {hint.name}: {hint.meaning}" if hint else "No more hints.")
            line = _read_line()
            if line is None:
                session.interrupt()
                return
            answer = line.strip()
        if answer in ("", ":skip"):
            session.skip()
            click.echo("Skipped.")
            continue
        _print_feedback(session.submit(answer))
    summary = session.finish()
    click.echo(
        f"\nSession {summary.session_id} done. Score: "
        + (f"{summary.score:.0f}" if summary.score is not None else "-")
    )
    for item in summary.rows:
        click.echo(
            f"  Q{item.number:<4} {item.topic[:28]:<28} "
            + ("skipped" if item.skipped else f"{item.score:>3} {item.band}")
        )
    if summary.strongest:
        click.echo("Strongest: " + ", ".join(summary.strongest))
    if summary.weakest:
        click.echo("Weakest: " + ", ".join(summary.weakest))
    if summary.change is not None:
        click.echo(f"Change since last session: {summary.change:+.1f}")
