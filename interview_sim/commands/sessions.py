"""`interview-sim sessions ...`: list, show, export and delete logged sessions."""

from __future__ import annotations

from pathlib import Path

import click

from interview_sim.commands.common import echo_json, fail, open_store, table
from interview_sim.core.export import to_csv, to_json, to_markdown


@click.group()
def sessions() -> None:
    """List, show, export and delete logged sessions."""


@sessions.command("list")
@click.option("--bank", help="Only this bank.")
@click.option("--status", type=click.Choice(["finished", "interrupted", "active"]))
@click.option("--search", help="Only sessions whose transcripts or prompts contain these words.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100000))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_sessions(
    ctx: click.Context,
    bank: str | None,
    status: str | None,
    search: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Sessions, newest first."""
    rows = open_store(ctx).list_sessions(limit=limit, bank=bank, status=status, search=search)
    if as_json:
        echo_json(
            [
                {
                    k: r.get(k)
                    for k in (
                        "id",
                        "bank",
                        "bank_title",
                        "mode",
                        "status",
                        "started_at",
                        "ended_at",
                        "count",
                        "answered",
                        "score",
                    )
                }
                for r in rows
            ]
        )
        return
    if not rows:
        click.echo(
            "No sessions yet. Start one with `interview-sim` or"
            " `interview-sim interview --plain --bank BANK`."
        )
        return
    click.echo(
        table(
            [
                [
                    str(r["id"]),
                    (r["started_at"] or "")[:16].replace("T", " "),
                    r["bank"],
                    r["mode"],
                    r["status"],
                    f"{r['answered']}/{r['count']}",
                    "-" if r["score"] is None else f"{r['score']:.0f}",
                ]
                for r in rows
            ],
            ["id", "started", "bank", "mode", "status", "answered", "score"],
        )
    )


@sessions.command("show")
@click.argument("session_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, session_id: int, as_json: bool) -> None:
    """One session with its answers."""
    row = open_store(ctx).session(session_id)
    if row is None:
        fail(f"no session {session_id} (see `interview-sim sessions list`)")
    if as_json:
        echo_json(row)
        return
    click.echo(to_markdown([row]))


@sessions.command("export")
@click.argument("session_ids", type=int, nargs=-1, required=True)
@click.option(
    "--format", "fmt", type=click.Choice(["md", "json", "csv"]), default="md", show_default=True
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file instead of stdout.",
)
@click.pass_context
def export(ctx: click.Context, session_ids: tuple[int, ...], fmt: str, out: Path | None) -> None:
    """Export sessions as Markdown, JSON or CSV."""
    store = open_store(ctx)
    rows = []
    for sid in session_ids:
        row = store.session(sid)
        if row is None:
            fail(f"no session {sid}")
        rows.append(row)
    text = {"md": to_markdown, "json": to_json, "csv": to_csv}[fmt](rows)
    if out is None:
        click.echo(text, nl=False)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"{out}: cannot write: {exc.strerror}")
        click.echo(f"wrote {out}", err=True)


@sessions.command("delete")
@click.argument("session_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def delete(ctx: click.Context, session_id: int, yes: bool) -> None:
    """Delete a session with its answers, grades and recordings."""
    store = open_store(ctx)
    if store.session(session_id) is None:
        fail(f"no session {session_id}")
    if not yes and not click.confirm(f"Delete session {session_id} and its recordings?"):
        click.echo("Nothing deleted.")
        return
    removed = store.delete_session(session_id)
    click.echo(f"Deleted session {session_id} ({len(removed)} recording(s) removed).")
