"""The end of an interview: session score, per-question table, topics, change since last time."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from interview_sim.practice import Summary
from interview_sim.ui.screens.base import AppScreen
from interview_sim.ui.widgets.key_bar import KeyBar
from interview_sim.ui.widgets.title_bar import TitleBar


def summary_renderable(summary: Summary, title: str) -> Group:
    """The summary as one Rich renderable."""
    head = Text()
    head.append(f"{title}: session {summary.session_id}\n", style="bold")
    head.append("Score: ")
    head.append("-" if summary.score is None else f"{summary.score:.0f}/100", style="bold")
    if summary.change is not None:
        style = "green" if summary.change >= 0 else "red"
        head.append(f"   ({summary.change:+.0f} since your last session on this bank)", style=style)
    table = Table(expand=True)
    table.add_column("#", justify="right")
    table.add_column("Topic")
    table.add_column("Score", justify="right")
    table.add_column("Band")
    for row in summary.rows:
        table.add_row(
            str(row.number),
            row.topic,
            "-" if row.score is None else str(row.score),
            "skipped" if row.skipped else row.band,
        )
    tail = Text()
    if summary.strongest:
        tail.append("\nStrongest: ", style="bold green")
        tail.append(", ".join(summary.strongest))
    if summary.weakest:
        tail.append("\nWeakest: ", style="bold red")
        tail.append(", ".join(summary.weakest))
    return Group(head, table, tail)


class SummaryScreen(AppScreen[None]):
    """Shown once the last question is answered."""

    BINDINGS = [
        Binding("enter", "done", "Home", show=True),
        Binding("escape", "done", "Home", show=False),
    ]

    def __init__(self, summary: Summary, title: str) -> None:
        super().__init__()
        self.summary = summary
        self.bank_title = title

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="summary-body"):
            yield Static(summary_renderable(self.summary, self.bank_title), id="summary")
        yield KeyBar()

    def action_done(self) -> None:
        self.dismiss(None)
