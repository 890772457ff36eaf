"""Small dialogs and helpers shared by the history screens: confirm, self-grade, export."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from interview_sim.core.export import to_csv, to_json, to_markdown
from interview_sim.ui.screens.base import AppModal


class ConfirmDialog(AppModal[bool]):
    """Ask a yes/no question; returns True for yes."""

    DEFAULT_CLASSES = "modal"
    BINDINGS = [
        Binding("escape", "no", "No"),
        Binding("y", "yes", "Yes"),
        Binding("n", "no", "No", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, id="confirm-question")
            with Horizontal(classes="buttons"):
                yield Button("Yes (y)", id="confirm-yes", variant="error")
                yield Button("No (n)", id="confirm-no")

    @on(Button.Pressed, "#confirm-yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_no(self) -> None:
        self.dismiss(False)


@dataclass(frozen=True, slots=True)
class GradeChoice:
    """A self-grade typed in the dialog."""

    grade: float
    note: str


def parse_grade(text: str) -> float:
    """A 0-5 grade, or ValueError with a message for the dialog."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise ValueError("Enter a grade from 0 to 5 (halves allowed, e.g. 3.5).") from None
    if not 0 <= value <= 5:
        raise ValueError("A grade is between 0 and 5.")
    return value


class GradeDialog(AppModal[GradeChoice | None]):
    """Grade an answer yourself, 0-5, with an optional note."""

    DEFAULT_CLASSES = "modal"
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, title: str, current: float | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"[b]Grade your answer[/b]  {self.title_text}", id="grade-title")
            yield Label("Your grade, 0 (missed it) to 5 (interview-ready)")
            yield Input(
                "" if self.current is None else f"{self.current:g}",
                placeholder="0-5",
                id="grade-value",
            )
            yield Label("Note (optional): why this grade")
            yield Input(id="grade-note")
            yield Static("", id="grade-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="grade-save", variant="primary")
                yield Button("Cancel (Esc)", id="grade-cancel")

    def on_mount(self) -> None:
        self.query_one("#grade-value", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "grade-value":
            self.query_one("#grade-note", Input).focus()
        else:
            self.action_save()

    @on(Button.Pressed, "#grade-save")
    def action_save(self) -> None:
        try:
            grade = parse_grade(self.query_one("#grade-value", Input).value)
        except ValueError as exc:
            self.query_one("#grade-error", Static).update(str(exc))
            return
        self.dismiss(GradeChoice(grade, self.query_one("#grade-note", Input).value.strip()))

    @on(Button.Pressed, "#grade-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (exports hold transcripts: personal data)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(path, 0o600)


def export_sessions(sessions: Sequence[dict[str, Any]], folder: Path, stem: str) -> list[Path]:
    """Write sessions as Markdown, JSON and CSV side by side; returns the files."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    written: list[Path] = []
    for suffix, render in (("md", to_markdown), ("json", to_json), ("csv", to_csv)):
        path = folder / f"{stem}-{stamp}.{suffix}"
        write_private(path, render(sessions))
        written.append(path)
    return written
