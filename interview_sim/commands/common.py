"""What every command shares: the workspace from the context, clear failures, JSON output."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from interview_sim.bank_cache import load_bank_cached
from interview_sim.core.bank_loader import BankError
from interview_sim.core.bank_schema import Bank, Question
from interview_sim.core.bank_set import BankSet, load_bank_set
from interview_sim.store.session_store import SessionStore, StoreError
from interview_sim.workspace import Workspace, WorkspaceError, resolve_workspace


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one clear line on stderr and exit."""
    click.echo(f"interview-sim: {message}", err=True)
    sys.exit(code)


def workspace_of(ctx: click.Context) -> Workspace:
    """The workspace chosen by --workspace, the environment or the current folder."""
    obj = ctx.ensure_object(dict)
    cached = obj.get("_workspace")
    if isinstance(cached, Workspace):
        return cached
    try:
        workspace = resolve_workspace(obj.get("workspace"))
    except WorkspaceError as exc:
        fail(str(exc))
    obj["_workspace"] = workspace
    obj["workspace"] = workspace.root
    return workspace


def open_store(ctx: click.Context) -> SessionStore:
    """The workspace's session store, or a clear failure."""
    try:
        return SessionStore.open(workspace_of(ctx).database_path)
    except StoreError as exc:
        fail(str(exc))


def load_banks(ctx: click.Context) -> BankSet:
    """Every bank of the workspace."""
    return load_bank_set(workspace_of(ctx).banks_dir, loader=load_bank_cached)


def bank_from_file(path: Path) -> Bank:
    """One bank from a file path, or a failure listing its problems."""
    try:
        return load_bank_cached(path)
    except BankError as exc:
        fail("the bank has problems:\n" + "\n".join(str(p) for p in exc.problems))


def find_bank(banks: BankSet, bank_id: str) -> Bank:
    """A bank by id, or a failure naming the banks there are."""
    bank = banks.get(bank_id)
    if bank is None:
        broken = [p for p in banks.problems if Path(p.file).stem == bank_id]
        if broken:
            fail(f"bank {bank_id!r} has problems:\n" + "\n".join(str(p) for p in broken))
        known = ", ".join(sorted(banks.banks)) or "none"
        fail(f"no bank {bank_id!r} (banks: {known})")
    return bank


def find_question(bank: Bank, key: str) -> Question:
    """A question by id or number, or a failure."""
    question = bank.question(key)
    if question is None:
        fail(
            f"bank {bank.id!r} has no question {key!r} (numbers"
            f" {min(q.number for q in bank.questions)}-{max(q.number for q in bank.questions)},"
            " or an id from `interview-sim banks show`)"
        )
    return question


def bank_files(ctx: click.Context, paths: tuple[Path, ...]) -> list[Path]:
    """The bank files named (folders mean their *.yaml), or the workspace's banks."""
    files: list[Path] = []
    for path in paths or (workspace_of(ctx).banks_dir,):
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")))
        elif path.exists():
            files.append(path)
        else:
            fail(f"{path}: no such file")
    return files


def echo_json(data: Any) -> None:
    """Print JSON for scripts."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A plain text table."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)
