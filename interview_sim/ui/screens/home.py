"""Home: the banks with their size, topics and last score; unfinished sessions; readiness."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from interview_sim.ui.screens.base import AppScreen
from interview_sim.ui.widgets.key_bar import KeyBar
from interview_sim.ui.widgets.status_line import StatusLine
from interview_sim.ui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from interview_sim.practice import PracticeSession
    from interview_sim.ui.screens.start import StartChoice


def model_missing() -> bool:
    """True when no speech model is installed anywhere Vosk looks."""
    try:
        from interview_sim.speech.models import installed_models
    except ImportError:  # pragma: no cover
        return False
    return not installed_models()


class HomeScreen(AppScreen[None]):
    """Pick a bank and start, or resume an unfinished session."""

    BINDINGS = [
        Binding("enter", "start", "Start", show=True),
        Binding("r", "resume", "Resume", show=True),
        Binding("h", "history", "History", show=True),
        Binding("p", "progress", "Progress", show=True),
        Binding("l", "rubric_lab", "Rubric lab", show=True),
        Binding("m", "download_model", "Speech model", show=True),
        Binding("comma", "app.settings", "Settings", show=True),
        Binding("question_mark", "app.help", "Help", show=True),
        Binding("q", "app.quit", "Quit", show=True),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(
            "Choose a question bank and press Enter to start an interview.", id="home-title"
        )
        yield DataTable(id="banks", cursor_type="row", zebra_stripes=True)
        yield Static(
            "Unfinished sessions (r to resume)", classes="section-title", id="resume-title"
        )
        yield DataTable(id="resume", cursor_type="row")
        yield StatusLine(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.interview_app.status_listeners.append(self.refresh_status)
        banks = self.query_one("#banks", DataTable)
        banks.add_column("Bank", width=44)
        banks.add_column("Questions", width=9)
        banks.add_column("Topics", width=40)
        banks.add_column("Last score", width=10)
        banks.focus()
        self.query_one("#resume", DataTable).display = False
        self.query_one("#resume-title").display = False
        if self.interview_app.services_ready:
            self._fill()
        else:
            self.query_one(StatusLine).update("Opening the workspace…")

    def _fill(self) -> None:
        self._filled = True
        self.refresh_tables()
        self.refresh_status()
        for warning in self.services.warnings:
            self.notify(warning, title="Check your set-up", severity="error", timeout=30)
        for problem in self.services.banks.problems[:3]:
            self.notify(
                str(problem), title="A bank file has problems", severity="warning", timeout=10
            )

    def on_unmount(self) -> None:
        listeners = self.interview_app.status_listeners
        if self.refresh_status in listeners:
            listeners.remove(self.refresh_status)

    _filled = False

    def on_screen_resume(self) -> None:
        if self.interview_app.services_ready:
            self.refresh_tables()
            self.refresh_status()

    def refresh_tables(self) -> None:
        """Fill the bank and resume tables from the services."""
        services = self.services
        banks = self.query_one("#banks", DataTable)
        banks.clear()
        for bank in services.banks.banks.values():
            last = services.store.last_session_score(bank.id)
            topics = ", ".join(bank.topics[:3]) + (" ..." if len(bank.topics) > 3 else "")
            banks.add_row(
                bank.title,
                str(len(bank.questions)),
                topics,
                "-" if last is None else f"{last:.0f}",
                key=bank.id,
            )
        resume = self.query_one("#resume", DataTable)
        resume.clear(columns=True)
        resume.add_column("Session", width=8)
        resume.add_column("Bank", width=40)
        resume.add_column("Started", width=17)
        resume.add_column("Answered", width=9)
        rows = services.store.resumable()
        for row in rows[:5]:
            resume.add_row(
                str(row["id"]),
                row["bank_title"] or row["bank"],
                (row["started_at"] or "")[:16].replace("T", " "),
                f"{row['answered']}/{row['count']}",
                key=str(row["id"]),
            )
        resume.display = bool(rows)
        self.query_one("#resume-title").display = bool(rows)

    def refresh_status(self) -> None:
        """Redraw the status line (and fill the tables once the services are ready)."""
        if not self.interview_app.services_ready:
            return
        if not self._filled:
            self._fill()
            return
        self.query_one(StatusLine).show(self.services.statuses(), model_missing())

    @on(DataTable.RowSelected, "#banks")
    def _bank_chosen(self, event: DataTable.RowSelected) -> None:
        self.action_start()

    @on(DataTable.RowSelected, "#resume")
    def _resume_chosen(self, event: DataTable.RowSelected) -> None:
        self.action_resume()

    def action_start(self) -> None:
        if not self.interview_app.services_ready:
            self.notify("Still opening the workspace…")
            return
        from interview_sim.ui.screens.start import StartScreen

        banks = self.query_one("#banks", DataTable)
        if banks.row_count == 0:
            self.notify("No banks in this workspace: add YAML files to banks/.", severity="warning")
            return
        key = banks.coordinate_to_cell_key(banks.cursor_coordinate).row_key.value
        bank = self.services.banks.get(str(key))
        if bank is None:
            return
        has_history = bool(self.services.store.question_stats(bank.id))
        listener_ready = self.services.listener.status()
        self.app.push_screen(
            StartScreen(bank, self.services.settings, has_history, listener_ready),
            self._started,
        )

    def _started(self, choice: StartChoice | None) -> None:
        if choice is None:
            return
        from interview_sim.practice import PracticeSession

        session = PracticeSession.start(
            self.services.store,
            choice.bank,
            count=choice.count,
            order=choice.order,
            mode=choice.mode,
            probes=self.services.settings.follow_up_probes,
            settings={
                "answer_seconds": choice.answer_seconds,
                "think_seconds": choice.think_seconds,
            },
        )
        self._open(session, choice.answer_seconds, choice.think_seconds)

    def _open(
        self, session: PracticeSession, answer_seconds: int | None, think_seconds: int
    ) -> None:
        from interview_sim.ui.screens.interview import InterviewScreen

        self.app.push_screen(InterviewScreen(session, answer_seconds, think_seconds))

    def action_resume(self) -> None:
        if not self.interview_app.services_ready:
            return
        from interview_sim.practice import PracticeSession

        resume = self.query_one("#resume", DataTable)
        if not resume.display or resume.row_count == 0:
            self.notify("No unfinished sessions.")
            return
        key = resume.coordinate_to_cell_key(resume.cursor_coordinate).row_key.value
        row = self.services.store.session(int(str(key)))
        if row is None:
            return
        bank = self.services.banks.get(row["bank"])
        if bank is None:
            self.notify(f"The bank {row['bank']!r} is no longer in banks/.", severity="error")
            return
        session = PracticeSession.resume(
            self.services.store, bank, int(str(key)), probes=self.services.settings.follow_up_probes
        )
        stored = row.get("settings") or {}
        self._open(
            session,
            stored.get("answer_seconds"),
            int(stored.get("think_seconds", self.services.settings.think_seconds)),
        )

    def action_history(self) -> None:
        from interview_sim.ui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen())

    def action_progress(self) -> None:
        from interview_sim.ui.screens.progress import ProgressScreen

        self.app.push_screen(ProgressScreen())

    def action_rubric_lab(self) -> None:
        from interview_sim.ui.screens.rubric_lab import RubricLabScreen

        self.app.push_screen(RubricLabScreen())

    def action_download_model(self) -> None:
        from interview_sim.ui.screens.model_download import ModelDownloadScreen

        self.app.push_screen(ModelDownloadScreen(), lambda _ok: self._after_download())

    def _after_download(self) -> None:
        self.interview_app.build_engines()
        self.refresh_status()
