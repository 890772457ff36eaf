"""Every attempt at one question side by side: score over time, concepts gained and lost,
delivery changes (words per minute, fillers)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from interview_sim.core.progress import AttemptView, concept_matrix, sparkline
from interview_sim.store import history
from interview_sim.ui.screens.base import AppScreen
from interview_sim.ui.screens.history import CSS_PATH
from interview_sim.ui.widgets.key_bar import KeyBar
from interview_sim.ui.widgets.title_bar import TitleBar

MATRIX_ATTEMPTS = 8  # the side-by-side concept grid shows the latest few attempts


def change(value: float | None, better_when_lower: bool = False) -> Text:
    """A signed change, green when it is an improvement."""
    if value is None:
        return Text("")
    if value == 0:
        return Text("±0", style="dim")
    good = value < 0 if better_when_lower else value > 0
    return Text(f"{value:+g}", style="green" if good else "red")


class AttemptsScreen(AppScreen[None]):
    """Attempts at one question, oldest first; Enter replays the one under the cursor."""

    CSS_PATH = CSS_PATH
    BINDINGS = [
        Binding("enter", "replay", "Replay", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    def __init__(self, bank: str, question_id: str) -> None:
        super().__init__()
        self.bank = bank
        self.question_id = question_id
        self.views: list[AttemptView] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="attempts-head")
        yield DataTable(id="attempts-table", cursor_type="row", zebra_stripes=True)
        yield Static("Concepts, attempt by attempt (latest on the right)", classes="pane-title")
        yield DataTable(id="attempts-matrix", cursor_type="none")
        yield KeyBar()

    def on_mount(self) -> None:
        self.views = history.attempts(self.services.store, self.bank, self.question_id)
        question = self.services.banks.question(self.bank, self.question_id)
        prompt = question.prompt.strip() if question else self.question_id
        table = self.query_one("#attempts-table", DataTable)
        for label in (
            "#",
            "When",
            "Mode",
            "Score",
            "±",
            "WPM",
            "±",
            "Fillers",
            "±",
            "Gained",
            "Lost",
        ):
            table.add_column(label)
        scores = [v.score for v in self.views if v.score is not None]
        head = Text(f"{prompt}\n", style="bold")
        if not self.views:
            head.append("No scored attempts at this question yet.")
        else:
            head.append(f"{len(self.views)} attempt(s)  {sparkline(scores)}  ")
            head.append(f"best {max(scores, default=0)} · latest {scores[-1] if scores else '-'}")
            first, last = (scores[0], scores[-1]) if scores else (0, 0)
            if len(scores) > 1:
                head.append(
                    f" ({last - first:+d} since the first)",
                    style="green" if last >= first else "red",
                )
        self.query_one("#attempts-head", Static).update(head)
        for n, v in enumerate(self.views, 1):
            table.add_row(
                str(n),
                v.when[:16].replace("T", " "),
                v.mode,
                "-" if v.score is None else str(v.score),
                change(v.score_change),
                "-" if v.words_per_minute is None else f"{v.words_per_minute:.0f}",
                change(v.wpm_change),
                "-" if v.fillers is None else str(v.fillers),
                change(v.fillers_change, better_when_lower=True),
                Text(", ".join(v.gained), style="green"),
                Text(", ".join(v.lost), style="red"),
                key=str(v.answer_id),
            )
        if table.row_count:
            table.move_cursor(row=table.row_count - 1)
        table.focus()
        self._matrix()

    def _matrix(self) -> None:
        shown = self.views[-MATRIX_ATTEMPTS:]
        offset = len(self.views) - len(shown)
        grid = self.query_one("#attempts-matrix", DataTable)
        grid.add_column("Concept")
        for n in range(len(shown)):
            grid.add_column(f"#{offset + n + 1}")
        for name, marks in concept_matrix(shown):
            cells: list[object] = [name]
            for mark in marks:
                cells.append(
                    Text("✓", style="green")
                    if mark
                    else Text("✗", style="red")
                    if mark is False
                    else Text("·", style="dim")
                )
            grid.add_row(*cells)

    def selected(self) -> AttemptView | None:
        """The attempt under the cursor."""
        table = self.query_one("#attempts-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((v for v in self.views if str(v.answer_id) == key), None)

    @on(DataTable.RowSelected, "#attempts-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.action_replay()

    def action_replay(self) -> None:
        view = self.selected()
        if view is None:
            return
        from interview_sim.ui.screens.replay import ReplayScreen

        self.app.push_screen(ReplayScreen(view.answer_id))

    def action_back(self) -> None:
        self.dismiss(None)
