"""Feedback after an answer: score, band, evidence, missed concepts, misconceptions, delivery."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from interview_sim.core.delivery import Delivery
from interview_sim.practice import Feedback, PracticeSession
from interview_sim.ui.screens.base import AppScreen
from interview_sim.ui.widgets.highlighted import highlighted_transcript
from interview_sim.ui.widgets.key_bar import KeyBar
from interview_sim.ui.widgets.title_bar import TitleBar

BAND_STYLE = {"strong": "bold green", "good": "green", "partial": "yellow", "weak": "red"}


def delivery_line(d: Delivery) -> str:
    """Delivery figures in one line."""
    parts = [f"{d.words} words"]
    if d.duration_seconds is not None:
        parts.append(f"{d.duration_seconds:.0f} s")
    if d.words_per_minute is not None:
        parts.append(f"{d.words_per_minute:.0f} words/min")
    fillers = f"{d.fillers} fillers"
    if d.fillers_per_minute is not None:
        fillers += f" ({d.fillers_per_minute:.1f}/min)"
    if d.filler_words:
        fillers += ": " + ", ".join(sorted(set(d.filler_words)))
    parts.append(fillers)
    parts.append(f"{d.hedges} hedges")
    if d.duration_seconds is not None:
        parts.append(f"{d.long_pauses} long pauses")
    return "  ·  ".join(parts)


def feedback_renderable(feedback: Feedback, show_reference: bool) -> Group:
    """Everything the feedback screen shows, as one Rich renderable."""
    result = feedback.result
    head = Text()
    head.append(f"{result.score}/100 ", style="bold")
    head.append(result.band, style=BAND_STYLE.get(result.band, ""))
    if feedback.is_probe:
        head.append("  (after the follow-up)", style="dim")
    for note in result.notes:
        head.append(f"\n{note}", style="italic")
    concepts = Table(show_header=True, header_style="bold", expand=True, box=None)
    concepts.add_column("", width=2)
    concepts.add_column("Concept", ratio=1)
    concepts.add_column("Evidence or what it means", ratio=3)
    for c in result.concepts:
        mark = Text("✓", style="green") if c.matched else Text("✗", style="red")
        name = c.name + (" (required)" if c.required else "") + (" (hint)" if c.hinted else "")
        detail = ", ".join(f"“{e}”" for e in c.evidence) if c.matched else c.meaning
        concepts.add_row(mark, name, detail)
    parts: list[object] = [
        head,
        Text(""),
        Text("Your answer", style="bold"),
        highlighted_transcript(feedback.text, result),
        Text(""),
        concepts,
    ]
    if result.misconceptions:
        wrong = Text("\nMisconceptions\n", style="bold red")
        for m in result.misconceptions:
            wrong.append(f"• {m.name}: ", style="bold")
            wrong.append(f"{m.correction}  (you said “{', '.join(m.evidence)}”)\n")
        parts.append(wrong)
    parts.append(Text("\nDelivery: " + delivery_line(feedback.delivery), style="cyan"))
    if feedback.probe:
        parts.append(Text(f"\nFollow-up: {feedback.probe}", style="bold yellow"))
    if show_reference:
        parts.append(Text("\nReference answer", style="bold"))
        parts.append(Text(feedback.question.reference.strip()))
    return Group(*parts)  # type: ignore[arg-type]


class FeedbackScreen(AppScreen[str]):
    """Shows one answer's verdict; returns "next", "retry", "skip-probe" or "quit"."""

    BINDINGS = [
        Binding("enter", "next", "Next", show=True),
        Binding("a", "reference", "Reference answer", show=True),
        Binding("r", "retry", "Retry", show=True),
        Binding("s", "skip_probe", "Skip follow-up", show=False),
        Binding("escape", "quit", "Quit", show=True),
    ]

    def __init__(self, feedback: Feedback, session: PracticeSession) -> None:
        super().__init__()
        self.feedback = feedback
        self.session = session
        self.show_reference = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="feedback-body"):
            yield Static(id="feedback")
        yield KeyBar()

    def on_mount(self) -> None:
        self._show()
        if self.session.pending_probe:
            self.notify("Enter answers the follow-up; s skips it.")

    def _show(self) -> None:
        self.query_one("#feedback", Static).update(
            feedback_renderable(self.feedback, self.show_reference)
        )

    def action_next(self) -> None:
        self.dismiss("next")

    def action_reference(self) -> None:
        self.show_reference = not self.show_reference
        self._show()

    def action_retry(self) -> None:
        self.session.retry(self.feedback.question)
        self.dismiss("retry")

    def action_skip_probe(self) -> None:
        self.dismiss("skip-probe" if self.session.pending_probe else "next")

    def action_quit(self) -> None:
        self.dismiss("quit")
