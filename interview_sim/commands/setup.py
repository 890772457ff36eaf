"""`interview-sim init` and `interview-sim doctor`: make a workspace, check the set-up."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import stat
import sys
import time
from pathlib import Path

import click

from interview_sim.commands.common import echo_json, fail, load_banks, workspace_of
from interview_sim.config import SettingsError, load_settings
from interview_sim.workspace import WorkspaceError, init_workspace


@click.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=".")
def init(directory: Path) -> None:
    """Create a workspace (banks/ with the bundled banks, sessions/) in DIRECTORY."""
    try:
        workspace = init_workspace(directory)
    except (WorkspaceError, OSError) as exc:
        fail(str(exc))
    click.echo(f"Workspace ready at {workspace.root}")
    click.echo(f"  banks:    {workspace.banks_dir}")
    click.echo(f"  sessions: {workspace.sessions_dir}")
    click.echo(f"Use it with: cd {workspace.root} && interview-sim")


def _check(
    name: str, ok: bool, detail: str, fix: str = "", essential: bool = False
) -> dict[str, object]:
    return {"name": name, "ok": ok, "detail": detail, "fix": fix, "essential": essential}


def _database_check(path: Path) -> dict[str, object]:
    if not path.exists():
        return _check("database", True, f"{path} (created on first session)")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            result = conn.execute("pragma quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return _check(
            "database",
            False,
            f"{path}: {exc}",
            "interview-sim doctor --reset-database (keeps the old file aside)",
            True,
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    private = mode & 0o077 == 0
    if result != "ok":
        return _check(
            "database",
            False,
            f"{path}: {result}",
            "interview-sim doctor --reset-database (keeps the old file aside)",
            True,
        )
    return _check(
        "database", private, f"{path}: ok, mode {mode:o}", "" if private else f"chmod 600 {path}"
    )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--reset-database",
    is_flag=True,
    help="Move an unusable database aside (kept as *.broken-TIME) and start fresh.",
)
@click.pass_context
def doctor(ctx: click.Context, as_json: bool, reset_database: bool) -> None:
    """Check the set-up: Python, workspace, database, banks, speech out, microphone, model."""
    workspace = workspace_of(ctx)
    if reset_database:
        db = workspace.database_path
        if db.exists():
            aside = db.with_name(f"{db.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(db, aside)
            for suffix in ("-wal", "-shm"):
                extra = db.with_name(db.name + suffix)
                if extra.exists():
                    os.replace(extra, aside.with_name(aside.name + suffix))
            click.echo(
                f"Kept the old database as {aside}; a fresh one starts with the next session."
            )
        else:
            click.echo("No database to reset.")
        return
    checks = [
        _check(
            "python",
            sys.version_info >= (3, 11),
            platform.python_version(),
            "install Python 3.11 or newer",
            True,
        )
    ]
    writable = os.access(workspace.root, os.W_OK)
    checks.append(
        _check(
            "workspace",
            writable,
            str(workspace.root),
            "" if writable else "choose a writable folder with --workspace",
            True,
        )
    )
    checks.append(_database_check(workspace.database_path))
    banks = load_banks(ctx)
    checks.append(
        _check(
            "banks",
            bool(banks.banks) and not banks.problems,
            f"{len(banks.banks)} banks, {len(banks.problems)} problems",
            "run `interview-sim banks validate`" if banks.problems else "",
            not banks.banks,
        )
    )
    from interview_sim.scorer_build import scorer_build

    build = scorer_build()
    checks.append(
        _check(
            "scorer",
            build != "partly compiled",
            build,
            "reinstall: pip install --force-reinstall . (or make clean run from a checkout)",
        )
    )
    try:
        settings = load_settings(workspace.root)
        checks.append(_check("settings", True, "ok"))
    except SettingsError as exc:
        checks.append(_check("settings", False, str(exc), "fix or delete settings.toml"))
        settings = None
    checks.append(
        _check(
            "espeak-ng",
            shutil.which("espeak-ng") is not None,
            shutil.which("espeak-ng") or "not found",
            "sudo apt-get install espeak-ng (speech out)",
        )
    )
    if settings is not None:
        from interview_sim.services import build_speech

        speaker, listener = build_speech(settings, workspace)
        statuses = [speaker.status()]
        more = getattr(listener, "statuses", None)
        statuses += more() if callable(more) else [listener.status()]
        for status in statuses:
            checks.append(_check(status.name, status.ready, status.detail, status.fix))
    essential_ok = all(c["ok"] for c in checks if c["essential"])
    if as_json:
        echo_json({"ok": essential_ok, "checks": checks})
    else:
        for c in checks:
            mark = "ok  " if c["ok"] else "FAIL" if c["essential"] else "warn"
            line = f"[{mark}] {c['name']}: {c['detail']}"
            if not c["ok"] and c["fix"]:
                line += f"\n       fix: {c['fix']}"
            click.echo(line)
        click.echo("Typed answers work." if essential_ok else "Essential checks failed.")
    if not essential_ok:
        raise SystemExit(1)
