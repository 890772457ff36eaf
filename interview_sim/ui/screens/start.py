"""The start dialog: how many questions, in which order, voice or typed, time limits."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from interview_sim.config import Settings
from interview_sim.core.bank_schema import Bank
from interview_sim.speech.protocols import ComponentStatus
from interview_sim.ui.screens.base import AppModal

ORDER_LABELS = {
    "random": "Random",
    "in-order": "In order",
    "weakest": "Weakest first",
    "due": "Due for review",
}


@dataclass(frozen=True, slots=True)
class StartChoice:
    """What the candidate chose."""

    bank: Bank
    count: int
    order: str
    mode: str
    answer_seconds: int | None
    think_seconds: int


def parse_int(text: str, low: int, high: int, name: str) -> int:
    """A whole number in range, or ValueError with a message for the dialog."""
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(f"{name}: enter a whole number") from None
    if not low <= value <= high:
        raise ValueError(f"{name}: between {low} and {high}")
    return value


class StartScreen(AppModal[StartChoice | None]):
    """Choose the interview's shape, then start."""

    DEFAULT_CLASSES = "modal"
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "go", "Start")]

    def __init__(
        self, bank: Bank, settings: Settings, has_history: bool, listener: ComponentStatus
    ) -> None:
        super().__init__()
        self.bank = bank
        self.settings = settings
        self.has_history = has_history
        self.listener = listener

    def compose(self) -> ComposeResult:
        orders = ["random", "in-order"] + (["weakest", "due"] if self.has_history else [])
        voice_ok = self.listener.ready
        modes = [("Typed answers", "typed")]
        if voice_ok:
            modes.insert(0, ("Voice answers", "voice"))
        mode = self.settings.answer_mode if voice_ok else "typed"
        with VerticalScroll(classes="dialog"):
            yield Static(f"[b]{self.bank.title}[/b]  ({len(self.bank.questions)} questions)")
            yield Label("Number of questions")
            yield Input(str(min(5, len(self.bank.questions))), id="count", type="integer")
            yield Label("Order")
            yield Select(
                [(ORDER_LABELS[o], o) for o in orders],
                value="random",
                id="order",
                allow_blank=False,
            )
            yield Label("Answers")
            yield Select(modes, value=mode, id="mode", allow_blank=False)
            if not voice_ok:
                yield Static(
                    f"Voice is unavailable: {self.listener.detail}"
                    + (f" ({self.listener.fix})" if self.listener.fix else ""),
                    classes="error",
                )
            yield Label("Seconds per answer (blank: each question's own limit)")
            yield Input(
                "",
                id="answer-seconds",
                type="integer",
                placeholder=str(self.bank.defaults.answer_seconds),
            )
            yield Label("Think time before the microphone opens (seconds)")
            yield Input(str(self.settings.think_seconds), id="think", type="integer")
            yield Static("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Start", variant="primary", id="go")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#count", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#go")
    def action_go(self) -> None:
        try:
            count = parse_int(
                self.query_one("#count", Input).value,
                1,
                len(self.bank.questions),
                "Number of questions",
            )
            raw_limit = self.query_one("#answer-seconds", Input).value.strip()
            limit = parse_int(raw_limit, 10, 1800, "Seconds per answer") if raw_limit else None
            think = parse_int(self.query_one("#think", Input).value, 0, 120, "Think time")
        except ValueError as exc:
            self.query_one("#error", Static).update(Text(str(exc)))
            return
        order = str(self.query_one("#order", Select).value)
        mode = str(self.query_one("#mode", Select).value)
        self.dismiss(StartChoice(self.bank, count, order, mode, limit, think))
