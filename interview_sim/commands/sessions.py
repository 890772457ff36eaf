"""`interview-sim sessions ...`: list, show, export and delete logged sessions.

interview_sim.commands.history adds search, grade and prune-audio to this group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from interview_sim.commands.common import echo_json, fail, open_store, table, workspace_of
from interview_sim.core.export import to_csv, to_json, to_markdown
from interview_sim.store import history
from interview_sim.store.history import DEFAULT_SORT, SORTS, HistoryError, SessionFilter, parse_day


@click.group()
def sessions() -> None:
    """List, show, export and delete logged sessions."""


def session_filter(
    *,
    bank: str | None = None,
    status: str | None = None,
    search: str | None = None,
    since: str | None = None,
    until: str | None = None,
    min_score: float | None = None,
    max_score: float | None = None,
    mode: str | None = None,
) -> SessionFilter:
    """The filter the options describe, or a one-line failure."""
    try:
        return SessionFilter(
            bank=bank,
            since=parse_day(since) if since else None,
            until=parse_day(until) if until else None,
            min_score=min_score,
            max_score=max_score,
            status=status,
            mode=mode,
            search=search,
        )
    except HistoryError as exc:
        fail(str(exc))


# the JSON keys scripts rely on (the text table also shows each session's length)
LIST_KEYS = (
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


@sessions.command("list")
@click.option("--bank", help="Only this bank.")
@click.option("--status", type=click.Choice(["finished", "interrupted", "active"]))
@click.option("--search", help="Only sessions whose transcripts or prompts contain these words.")
@click.option("--since", metavar="YYYY-MM-DD", help="Only sessions started on or after this day.")
@click.option("--until", metavar="YYYY-MM-DD", help="Only sessions started on or before this day.")
@click.option("--min-score", type=float, help="Only sessions scoring at least this (0-100).")
@click.option("--max-score", type=float, help="Only sessions scoring at most this (0-100).")
@click.option("--mode", type=click.Choice(["voice", "typed"]), help="Only voice or typed sessions.")
@click.option(
    "--sort",
    default=DEFAULT_SORT,
    show_default=True,
    help=f"Sort by {', '.join(SORTS)}; a leading - sorts descending (e.g. -score).",
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100000))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_sessions(
    ctx: click.Context,
    bank: str | None,
    status: str | None,
    search: str | None,
    since: str | None,
    until: str | None,
    min_score: float | None,
    max_score: float | None,
    mode: str | None,
    sort: str,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Sessions, newest first, filtered and sorted."""
    flt = session_filter(
        bank=bank,
        status=status,
        search=search,
        since=since,
        until=until,
        min_score=min_score,
        max_score=max_score,
        mode=mode,
    )
    try:
        page = history.list_sessions(open_store(ctx), flt, sort=sort, limit=limit, offset=offset)
    except HistoryError as exc:
        fail(str(exc))
    rows = page.rows
    if as_json:
        echo_json([{k: r.get(k) for k in LIST_KEYS} for r in rows])
        return
    if not rows:
        if flt == SessionFilter():
            click.echo(
                "No sessions yet. Start one with `interview-sim` or"
                " `interview-sim interview --plain --bank BANK`."
            )
        else:
            click.echo("No sessions match these filters.")
        return
    click.echo(
        table(
            [
                [
                    str(r["id"]),
                    (r["started_at"] or "")[:16].replace("T", " "),
                    minutes(r.get("duration_s")),
                    r["bank"],
                    r["mode"],
                    r["status"],
                    f"{r['answered']}/{r['count']}",
                    "-" if r["score"] is None else f"{r['score']:.0f}",
                ]
                for r in rows
            ],
            ["id", "started", "time", "bank", "mode", "status", "answered", "score"],
        )
    )
    if page.has_more:
        click.echo(
            f"({page.offset + 1}-{page.offset + len(rows)} of {page.total};"
            f" --offset {page.offset + len(rows)} for more)"
        )


def minutes(seconds: object) -> str:
    """A duration as m:ss."""
    if not isinstance(seconds, (int, float)) or seconds < 0:
        return "-"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


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


def relative_paths(session: dict[str, Any], root: Path) -> dict[str, Any]:
    """A copy of a session whose recordings' paths are relative to the workspace (an export
    shared with someone should not reveal the user's home folder)."""
    answers = []
    for answer in session.get("answers", []):
        path = answer.get("audio_path")
        if path:
            try:
                path = str(Path(path).resolve().relative_to(root.resolve()))
            except ValueError:
                path = Path(path).name
        answers.append({**answer, "audio_path": path})
    return {**session, "answers": answers}


@sessions.command("export")
@click.argument("session_ids", type=int, nargs=-1)
@click.option(
    "--format", "fmt", type=click.Choice(["md", "json", "csv"]), default="md", show_default=True
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file instead of stdout.",
)
@click.option("--since", metavar="YYYY-MM-DD", help="Export the sessions started from this day.")
@click.option("--until", metavar="YYYY-MM-DD", help="Export the sessions started up to this day.")
@click.option("--bank", help="Export only this bank's sessions (with a date range or --all).")
@click.option("--all", "every", is_flag=True, help="Export every session.")
@click.option(
    "--full-paths",
    is_flag=True,
    help="Keep recordings' absolute paths (by default they are given relative to the workspace).",
)
@click.pass_context
def export(
    ctx: click.Context,
    session_ids: tuple[int, ...],
    fmt: str,
    out: Path | None,
    since: str | None,
    until: str | None,
    bank: str | None,
    every: bool,
    full_paths: bool,
) -> None:
    """Export sessions (by id, a date range or --all) as Markdown, JSON or CSV."""
    store = open_store(ctx)
    ranged = bool(since or until or every)
    if not session_ids and not ranged:
        fail("name the sessions to export: their ids, --since/--until DAY, or --all")
    rows = []
    for sid in session_ids:
        row = store.session(sid)
        if row is None:
            fail(f"no session {sid}")
        rows.append(row)
    if ranged or (bank and not session_ids):
        flt = session_filter(bank=bank, since=since, until=until)
        seen = {r["id"] for r in rows}
        rows += [r for r in history.sessions_for_export(store, flt) if r["id"] not in seen]
        if not rows:
            fail("no sessions in that range (see `interview-sim sessions list`)")
    if not full_paths:
        rows = [relative_paths(row, workspace_of(ctx).root) for row in rows]
    text = {"md": to_markdown, "json": to_json, "csv": to_csv}[fmt](rows)
    if out is None:
        click.echo(text, nl=False)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"{out}: cannot write: {exc.strerror}")
        click.echo(f"wrote {out} ({len(rows)} session(s))", err=True)


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
