"""`interview-sim banks ...`: list, show and validate question banks."""

from __future__ import annotations

from pathlib import Path

import click

from interview_sim.commands.common import (
    bank_files,
    echo_json,
    find_bank,
    load_banks,
    table,
    workspace_of,
)
from interview_sim.core.bank_loader import BankError, load_bank_file


@click.group()
def banks() -> None:
    """List, show and validate question banks."""


@banks.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_banks(ctx: click.Context, as_json: bool) -> None:
    """The workspace's banks with their size and topics."""
    found = load_banks(ctx)
    every = list(found.banks.values())
    if as_json:
        items = [
            {
                "id": b.id,
                "title": b.title,
                "questions": len(b.questions),
                "topics": b.topics,
                "path": str(found.paths[b.id]),
            }
            for b in every
        ]
        echo_json({"banks": items, "problems": [str(p) for p in found.problems]})
        return
    rows = [
        [
            b.id,
            b.title[:40],
            str(len(b.questions)),
            ", ".join(b.topics[:3]) + (" ..." if len(b.topics) > 3 else ""),
        ]
        for b in every
    ]
    click.echo(table(rows, ["id", "title", "questions", "topics"]))
    for problem in found.problems:
        click.echo(f"warning: {problem}", err=True)
    click.echo(f"\n{len(every)} banks in {workspace_of(ctx).banks_dir}")


@banks.command("show")
@click.argument("bank_id")
@click.option("--json", "as_json", is_flag=True, help="Print the whole bank as JSON.")
@click.pass_context
def show_bank(ctx: click.Context, bank_id: str, as_json: bool) -> None:
    """The questions of one bank."""
    bank = find_bank(load_banks(ctx), bank_id)
    if as_json:
        echo_json(bank.model_dump())
        return
    click.echo(f"{bank.title} ({bank.id}): {bank.description}\nSource: {bank.source}\n")
    rows = [[str(q.number), q.id, q.topic, q.difficulty, q.prompt[:60]] for q in bank.questions]
    click.echo(table(rows, ["#", "id", "topic", "difficulty", "prompt"]))


@banks.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Check bank files; prints file:line:col: message per problem and exits 1 on any.

    With no PATH, every bank of the workspace is checked.
    """
    files = bank_files(ctx, paths)
    problems = 0
    for path in files:
        try:
            bank = load_bank_file(path)
        except BankError as exc:
            for problem in exc.problems:
                click.echo(str(problem))
            problems += len(exc.problems)
            continue
        click.echo(f"{path}: ok ({len(bank.questions)} questions)", err=True)
    if problems:
        click.echo(f"{problems} problem(s) in {len(files)} file(s)", err=True)
        raise SystemExit(1)
