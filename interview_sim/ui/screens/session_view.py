"""One session: its answers with question, score, concepts found and missed, your grade."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from interview_sim.store import history
from interview_sim.ui.screens.base import AppScreen
from interview_sim.ui.screens.history import CSS_PATH, resume_session
from interview_sim.ui.screens.history_dialogs import GradeChoice, GradeDialog, export_sessions
from interview_sim.ui.widgets.key_bar import KeyBar
from interview_sim.ui.widgets.title_bar import TitleBar

BAND_STYLE = {"strong": "bold green", "good": "green", "partial": "yellow", "weak": "red"}


def _names(concepts: object, matched: bool) -> list[str]:
    if not isinstance(concepts, list):
        return []
    return [
        str(c.get("name", ""))
        for c in concepts
        if isinstance(c, Mapping) and bool(c.get("matched")) == matched
    ]


def delivery_summary(delivery: object) -> str:
    """Stored delivery figures in one line."""
    if not isinstance(delivery, Mapping):
        return ""
    parts = [f"{delivery.get('words', 0)} words"]
    if delivery.get("duration_seconds") is not None:
        parts.append(f"{float(delivery['duration_seconds']):.0f} s")
    if delivery.get("words_per_minute") is not None:
        parts.append(f"{float(delivery['words_per_minute']):.0f} words/min")
    parts.append(f"{delivery.get('fillers', 0)} fillers")
    if delivery.get("long_pauses"):
        parts.append(f"{delivery['long_pauses']} long pauses")
    return "  ·  ".join(parts)


def verdict_renderable(answer: Mapping[str, Any], grade: float | None = None) -> Group:
    """An answer's verdict: score and band, each concept found (with evidence) or missed (with
    what it means), misconceptions, delivery and your own grade."""
    head = Text()
    if answer.get("skipped"):
        head.append("Skipped", style="bold")
        return Group(head)
    head.append(f"{answer.get('score')}/100 ", style="bold")
    band = str(answer.get("band") or "")
    head.append(band, style=BAND_STYLE.get(band, ""))
    if answer.get("is_probe"):
        head.append("  (after the follow-up)", style="dim")
    if grade is not None:
        head.append(f"   your grade: {grade:g}/5", style="bold cyan")
    lines = Text()
    for c in answer.get("concepts") or []:
        if not isinstance(c, Mapping):
            continue
        if c.get("matched"):
            lines.append("✓ ", style="green")
            lines.append(str(c.get("name")), style="bold")
            evidence = ", ".join(f"“{e}”" for e in c.get("evidence") or [])
            lines.append(f"  {evidence}\n" if evidence else "\n")
        else:
            lines.append("✗ ", style="red")
            lines.append(str(c.get("name")), style="bold")
            lines.append("  missed\n", style="dim")
    for m in answer.get("misconceptions") or []:
        if isinstance(m, Mapping):
            lines.append("! ", style="bold red")
            lines.append(f"{m.get('name')}: ", style="bold")
            lines.append(f"{m.get('correction', '')}\n")
    tail = Text(delivery_summary(answer.get("delivery")), style="cyan")
    return Group(head, lines, tail)


class SessionViewScreen(AppScreen[None]):
    """A session's answers; Enter replays one, a shows earlier attempts, g grades it."""

    CSS_PATH = CSS_PATH
    BINDINGS = [
        Binding("enter", "replay", "Replay", show=True),
        Binding("a", "attempts", "Attempts", show=True),
        Binding("g", "grade", "Grade", show=True),
        Binding("r", "resume", "Resume", show=False),
        Binding("x", "export", "Export", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.session: dict[str, Any] | None = None
        self.answers: dict[int, dict[str, Any]] = {}
        self.grades: dict[int, float] = {}
        self._suspended = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="session-head")
        yield DataTable(id="session-answers", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="session-detail"):
            yield Static("", id="session-verdict")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#session-answers", DataTable)
        for label in ("#", "Question", "Topic", "Score", "Band", "Found", "Missed", "You"):
            table.add_column(label, key=label)
        table.focus()
        self.refresh_answers()

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        if self._suspended:  # back from replay, attempts or a dialog (not the first showing)
            self._suspended = False
            self.refresh_answers(keep_cursor=True)

    def refresh_answers(self, keep_cursor: bool = False) -> None:
        """Read the session again and fill the table."""
        store = self.services.store
        self.session = store.session(self.session_id)
        table = self.query_one("#session-answers", DataTable)
        cursor = table.cursor_row
        table.clear()
        if self.session is None:
            self.query_one("#session-head", Static).update(f"Session {self.session_id} is gone.")
            return
        answers = self.session["answers"]
        self.answers = {int(a["id"]): a for a in answers}
        self.grades = history.latest_grades(store, list(self.answers))
        s = self.session
        score = s.get("score")
        self.query_one("#session-head", Static).update(
            f"Session {s['id']} · {s.get('bank_title') or s['bank']} ·"
            f" {(s.get('started_at') or '')[:16].replace('T', ' ')} · {s.get('mode')} ·"
            f" {s.get('status')} · score {'-' if score is None else f'{score:.0f}'} ·"
            f" {len(answers)} answer(s)\nEnter replays an answer · a: every attempt at its"
            " question · g: grade it yourself"
        )
        for a in answers:
            found, missed = _names(a.get("concepts"), True), _names(a.get("concepts"), False)
            number = f"{a.get('question_number')}" + (" +" if a.get("is_probe") else "")
            grade = self.grades.get(int(a["id"]))
            table.add_row(
                number,
                " ".join(str(a.get("prompt") or "").split())[:60],
                str(a.get("topic") or ""),
                "-" if a.get("score") is None else str(a.get("score")),
                "skipped" if a.get("skipped") else str(a.get("band") or ""),
                Text(", ".join(found), style="green"),
                Text(", ".join(missed), style="red"),
                "-" if grade is None else f"{grade:g}",
                key=str(a["id"]),
            )
        if keep_cursor and table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        self._show_detail()

    def selected(self) -> dict[str, Any] | None:
        """The answer under the cursor."""
        table = self.query_one("#session-answers", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.answers.get(int(str(key)))

    @on(DataTable.RowHighlighted, "#session-answers")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        answer = self.selected()
        target = self.query_one("#session-verdict", Static)
        if answer is None:
            target.update("No answers in this session yet.")
            return
        prompt = Text(" ".join(str(answer.get("prompt") or "").split()), style="bold")
        transcript = Text(str(answer.get("transcript") or "(no answer)"), style="italic")
        target.update(
            Group(
                prompt,
                verdict_renderable(answer, self.grades.get(int(answer["id"]))),
                Text(""),
                transcript,
            )
        )

    @on(DataTable.RowSelected, "#session-answers")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.action_replay()

    def action_replay(self) -> None:
        answer = self.selected()
        if answer is None:
            return
        from interview_sim.ui.screens.replay import ReplayScreen

        self.app.push_screen(ReplayScreen(int(answer["id"])))

    def action_attempts(self) -> None:
        answer = self.selected()
        if answer is None:
            return
        from interview_sim.ui.screens.attempts import AttemptsScreen

        self.app.push_screen(AttemptsScreen(str(answer["bank"]), str(answer["question_id"])))

    def action_grade(self) -> None:
        answer = self.selected()
        if answer is None:
            return
        if answer.get("skipped"):
            self.notify("A skipped question has no answer to grade.")
            return
        answer_id = int(answer["id"])

        def chosen(choice: GradeChoice | None) -> None:
            if choice is None:
                return
            history.grade_answer(self.services.store, answer_id, choice.grade, choice.note)
            self.notify(f"Your grade: {choice.grade:g}/5 (kept for the rubric lab).")
            self.refresh_answers(keep_cursor=True)

        title = f"Q{answer.get('question_number')}: {answer.get('score')}/100 by the rubric"
        self.app.push_screen(GradeDialog(title, self.grades.get(answer_id)), chosen)

    def action_resume(self) -> None:
        if self.session is None:
            return
        answered = sum(1 for a in self.session["answers"] if not a.get("is_probe"))
        if not history.resumable({**self.session, "answered": answered}):
            self.notify("Only an interrupted session with questions left can be resumed.")
            return
        resume_session(self, self.session_id)

    def action_export(self) -> None:
        if self.session is None:
            return
        folder = self.services.workspace.sessions_dir / "exports"
        try:
            files = export_sessions([self.session], folder, f"session-{self.session_id}")
        except OSError as exc:
            self.notify(f"Cannot write to {folder}: {exc.strerror}", severity="error")
            return
        self.notify(f"Written to {folder}: " + ", ".join(p.name for p in files), title="Exported")

    def action_back(self) -> None:
        self.dismiss(None)
