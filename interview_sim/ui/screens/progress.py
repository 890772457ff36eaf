"""Progress: score over time per bank (or per topic of one bank) as a chart, weakest concepts,
streaks and the questions due for review. The report is worked out in a thread worker."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Select, Static
from textual_plotext import PlotextPlot

from interview_sim.core.progress import DueItem, ProgressReport, Series
from interview_sim.store import history
from interview_sim.ui.replay_messages import ProgressComputed
from interview_sim.ui.screens.base import AppScreen
from interview_sim.ui.screens.history import CSS_PATH
from interview_sim.ui.widgets.key_bar import KeyBar
from interview_sim.ui.widgets.title_bar import TitleBar

MAX_LINES = 8  # lines on the chart, the banks (or topics) with the most answers first
DUE_ROWS = 50


def due_text(item: DueItem) -> str:
    """When a question is due, in words."""
    if item.state == "new":
        return "never tried"
    days = item.overdue_days
    if days is None:
        return "-"
    if -1 < days < 1:
        return "today"
    return f"{days:.0f} d overdue" if days > 0 else f"in {-days:.0f} d"


def chart_series(report: ProgressReport, bank: str | None) -> list[Series]:
    """What the chart draws: every bank, or one bank with its topics."""
    if bank is None:
        lines = sorted(report.banks, key=lambda s: -s.count)[:MAX_LINES]
        return sorted(lines, key=lambda s: s.label)
    topics = sorted((s for s in report.topics if s.bank == bank), key=lambda s: -s.count)
    return [*(s for s in report.banks if s.bank == bank), *topics[: MAX_LINES - 1]]


class ProgressScreen(AppScreen[None]):
    """Score over time, weakest concepts, streaks, due questions."""

    CSS_PATH = CSS_PATH
    BINDINGS = [Binding("escape", "back", "Back", show=True)]

    def __init__(self) -> None:
        super().__init__()
        self.report: ProgressReport | None = None
        self.bank: str | None = None
        self.token = 0

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="progress-top", classes="pane-title"):
            yield Select[str]([], prompt="All banks", id="progress-bank")
            yield Static("Working out your progress…", id="progress-summary")
        yield PlotextPlot(id="progress-chart")
        with Horizontal(id="progress-tables"):
            with Vertical():
                yield Static("Weakest concepts", classes="pane-title")
                yield DataTable(id="progress-weakest", cursor_type="row")
            with Vertical():
                yield Static("Due for review", classes="pane-title")
                yield DataTable(id="progress-due", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        weakest = self.query_one("#progress-weakest", DataTable)
        weakest.add_columns("Concept", "Missed", "In")
        due = self.query_one("#progress-due", DataTable)
        due.add_columns("Bank", "Question", "Due", "Last")
        if not self.interview_app.services_ready:
            self.query_one("#progress-summary", Static).update("Opening the workspace…")
            self.interview_app.status_listeners.append(self._when_ready)
            return
        self._start()

    def _when_ready(self) -> None:
        if self.interview_app.services_ready and self.token == 0:
            self._start()

    def on_unmount(self) -> None:
        listeners = self.interview_app.status_listeners
        if self._when_ready in listeners:
            listeners.remove(self._when_ready)

    def _start(self) -> None:
        banks = self.services.banks.banks
        names = {b.id: b.title for b in banks.values()}
        for bank in history.banks_in_history(self.services.store):
            names.setdefault(bank, bank)
        options: list[tuple[str, str]] = [(title, bank) for bank, title in names.items()]
        options.sort(key=lambda o: o[0].lower())
        self.query_one("#progress-bank", Select).set_options(options)
        self.compute()

    def compute(self) -> None:
        """Work the report out again for the chosen bank."""
        self.token += 1
        questions = {b.id: [q.id for q in b.questions] for b in self.services.banks.banks.values()}
        self.build_report(self.token, questions, self.bank)

    @work(
        thread=True,
        group="progress",
        exclusive=True,
        exit_on_error=False,
        description="working out your progress",
    )
    def build_report(self, token: int, questions: dict[str, list[str]], bank: str | None) -> None:
        """Read the history and build the report off the UI thread."""
        report = history.progress_report(self.services.store, questions, bank=bank)
        self.post_message(ProgressComputed(token, report))

    def on_progress_computed(self, message: ProgressComputed) -> None:
        if message.token != self.token:
            return
        self.report = message.report
        self._show()

    @on(Select.Changed, "#progress-bank")
    def _bank_changed(self, event: Select.Changed) -> None:
        value = event.value
        bank = value if isinstance(value, str) else None
        if bank != self.bank:
            self.bank = bank
            self.compute()

    def _show(self) -> None:
        report = self.report
        assert report is not None
        streak = report.streak
        due_now = len(report.due_now)
        summary = Text()
        if not report.answers:
            summary.append("No answers yet: practise a few questions and come back.")
        else:
            summary.append(f"{report.answers} answers in {report.sessions} sessions  ·  ")
            summary.append(f"streak {streak.current} day(s)", style="bold")
            summary.append(f" (longest {streak.longest}, {streak.days_practised} days practised)")
            summary.append(f"  ·  {due_now} due now", style="bold yellow" if due_now else "")
        self.query_one("#progress-summary", Static).update(summary)
        self._chart(report)
        weakest = self.query_one("#progress-weakest", DataTable)
        weakest.clear()
        for w in report.weakest:
            weakest.add_row(
                w.concept,
                f"{w.missed}/{w.seen}",
                ", ".join(q.split("/", 1)[-1] for q in w.questions[:3]),
            )
        due = self.query_one("#progress-due", DataTable)
        due.clear()
        for item in [i for i in report.due if i.state != "later"][:DUE_ROWS]:
            due.add_row(
                item.bank,
                item.question_id,
                due_text(item),
                "-" if item.last_score is None else str(item.last_score),
                key=f"{item.bank}\x00{item.question_id}",
            )

    def _chart(self, report: ProgressReport) -> None:
        plot = self.query_one("#progress-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        plt.date_form("Y-m-d")
        lines = chart_series(report, self.bank)
        drawn = 0
        for series in lines:
            points = series.points
            if not points:
                continue
            days = [_day(p.day) for p in points]
            means = [p.mean for p in points]
            if len(points) == 1:
                plt.scatter(days, means, label=series.label)
            else:
                plt.plot(days, means, label=series.label, marker="braille")
            drawn += 1
        plt.ylim(0, 100)
        plt.title(
            "Score over time" + (f": {self.bank} by topic" if self.bank else " by bank")
            if drawn
            else "Score over time: nothing scored yet"
        )
        plt.ylabel("score")
        plot.refresh()

    @on(DataTable.RowSelected, "#progress-due")
    def _due_chosen(self, event: DataTable.RowSelected) -> None:
        bank, _sep, question_id = str(event.row_key.value).partition("\x00")
        from interview_sim.ui.screens.attempts import AttemptsScreen

        self.app.push_screen(AttemptsScreen(bank, question_id))

    def action_back(self) -> None:
        self.dismiss(None)


def _day(day: date) -> str:
    return day.isoformat()
