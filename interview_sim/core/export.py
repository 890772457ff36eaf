"""Sessions as Markdown reports, JSON and CSV (pure formatting of stored rows)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

CSV_COLUMNS = (
    "session_id",
    "started_at",
    "bank",
    "position",
    "question_number",
    "question_id",
    "topic",
    "score",
    "band",
    "skipped",
    "is_probe",
    "mode",
    "duration_s",
    "words_per_minute",
    "fillers",
    "concepts_found",
    "concepts_missed",
    "transcript",
)


def to_json(sessions: Sequence[dict[str, Any]]) -> str:
    """Sessions with their answers as JSON."""
    return json.dumps(list(sessions), ensure_ascii=False, indent=2, default=str)


def to_csv(sessions: Sequence[dict[str, Any]]) -> str:
    """One row per answer."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for session in sessions:
        for a in session.get("answers", []):
            concepts = a.get("concepts") or []
            delivery = a.get("delivery") or {}
            writer.writerow(
                [
                    session["id"],
                    session.get("started_at"),
                    a.get("bank"),
                    a.get("position"),
                    a.get("question_number"),
                    a.get("question_id"),
                    a.get("topic"),
                    a.get("score"),
                    a.get("band"),
                    a.get("skipped"),
                    a.get("is_probe"),
                    a.get("mode"),
                    a.get("duration_s"),
                    delivery.get("words_per_minute"),
                    delivery.get("fillers"),
                    "; ".join(c["name"] for c in concepts if c.get("matched")),
                    "; ".join(c["name"] for c in concepts if not c.get("matched")),
                    a.get("transcript"),
                ]
            )
    return buffer.getvalue()


def to_markdown(sessions: Sequence[dict[str, Any]]) -> str:
    """A readable report."""
    out: list[str] = []
    for s in sessions:
        score = s.get("score")
        out.append(f"# Session {s['id']}: {s.get('bank_title') or s.get('bank')}")
        out.append("")
        out.append(f"- Started: {s.get('started_at')}  ")
        out.append(f"- Status: {s.get('status')}, mode: {s.get('mode')}  ")
        out.append(f"- Score: {score if score is not None else '-'}")
        out.append("")
        out.append("| # | Question | Topic | Score | Band |")
        out.append("|---|---|---|---|---|")
        for a in s.get("answers", []):
            label = f"{a.get('question_number')}" + (" (follow-up)" if a.get("is_probe") else "")
            sc = "-" if a.get("score") is None else str(a.get("score"))
            out.append(
                f"| {label} | {_cell(a.get('prompt'))} | {_cell(a.get('topic'))} | {sc}"
                f" | {a.get('band')} |"
            )
        out.append("")
        for a in s.get("answers", []):
            out.append(f"## Q{a.get('question_number')}: {(a.get('prompt') or '').strip()}")
            out.append("")
            if a.get("skipped"):
                out.append("Skipped.")
                out.append("")
                continue
            out.append(f"**Score {a.get('score')} ({a.get('band')})**")
            out.append("")
            out.append("> " + (a.get("transcript") or "").strip().replace("\n", "\n> "))
            out.append("")
            for c in a.get("concepts") or []:
                mark = "x" if c.get("matched") else " "
                evidence = ", ".join(f'"{e}"' for e in c.get("evidence") or [])
                out.append(
                    f"- [{mark}] {c['name']}"
                    + (f": {evidence}" if c.get("matched") and evidence else "")
                )
            for m in a.get("misconceptions") or []:
                out.append(f"- misconception: {m['name']}: {m['correction']}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _cell(text: object) -> str:
    value = " ".join(str(text or "").split())
    value = value.replace("|", "\\|")
    return value if len(value) <= 70 else value[:67] + "..."
