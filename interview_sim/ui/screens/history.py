"""History: every session in a table that sorts, filters and searches the transcripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Select, Static

from interview_sim.store import history
from interview_sim.store.history import HistoryError, SessionFilter, SessionPage
from interview_sim.ui.screens.base import AppScreen
from interview_sim.ui.screens.history_dialogs import ConfirmDialog, export_sessions
from interview_sim.ui.widgets.key_bar import KeyBar
from interview_sim.ui.widgets.title_bar import TitleBar

CSS_PATH = Path(__file__).resolve().parent.parent / "history.tcss"
PAGE_SIZE = 100
EXPORT_LIMIT = 5_000
# (column key, label, sort key)
COLUMNS = (
    ("id", "#", "id"),
    ("date", "Started", "date"),
    ("bank", "Bank", "bank"),
    ("answered", "Questions", "answered"),
    ("score", "Score", "score"),
    ("duration", "Time", "duration"),
    ("mode", "Mode", "mode"),
    ("status", "Status", "status"),
    ("match", "Match", ""),
)
SORT_CYCLE = ("-date", "date", "-score", "score", "bank", "-duration", "-answered", "mode")
STATUS_STYLE = {"finished": "green", "interrupted": "yellow", "active": "cyan"}


def duration_text(seconds: object) -> str:
    """Seconds as m:ss (h:mm:ss past an hour)."""
    if not isinstance(seconds, (int, float)) or seconds < 0:
        return "-"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def sort_label(sort: str) -> str:
    key = sort.lstrip("-")
    if key == "date":
        return "newest first" if sort.startswith("-") else "oldest first"
    return f"{key} ({'high to low' if sort.startswith('-') else 'low to high'})"


class HistoryScreen(AppScreen[None]):
    """All sessions: sort (s, or click a header), filter, search transcripts, open, resume."""

    CSS_PATH = CSS_PATH
    BINDINGS = [
        Binding("enter", "open", "Open", show=True),
        Binding("r", "resume", "Resume", show=True),
        Binding("s", "cycle_sort", "Sort", show=True),
        Binding("slash", "search", "Search", show=True),
        Binding("x", "export_one", "Export", show=True),
        Binding("X", "export_filtered", "Export all shown", show=False),
        Binding("d", "delete", "Delete", show=True),
        Binding("c", "clear_filters", "Clear filters", show=False),
        Binding("escape", "back", "Back", show=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort = "-date"
        self.filter = SessionFilter()
        self.page: SessionPage | None = None
        self.rows: dict[int, dict[str, Any]] = {}
        self.snippets: dict[int, str] = {}
        self._suspended = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="history-filters"):
            yield Input(placeholder="search transcripts (Enter)", id="history-search")
            yield Select[str]([], prompt="All banks", id="history-bank")
            yield Select[str](
                [("Finished", "finished"), ("Interrupted", "interrupted"), ("Active", "active")],
                prompt="Any status",
                id="history-status",
            )
            yield Input(placeholder="from YYYY-MM-DD", id="history-since")
            yield Input(placeholder="to YYYY-MM-DD", id="history-until")
            yield Input(placeholder="min score", id="history-min-score", type="number")
        yield Static("", id="history-summary")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#history-table", DataTable)
        for key, label, _sort in COLUMNS:
            table.add_column(label, key=key)
        table.focus()
        if not self.interview_app.services_ready:
            self.query_one("#history-summary", Static).update("Opening the workspace…")
            self.interview_app.status_listeners.append(self._when_ready)
            return
        self._bank_choices()
        self.reload()

    def _when_ready(self) -> None:
        if self.interview_app.services_ready and self.page is None:
            self._bank_choices()
            self.reload()

    def on_unmount(self) -> None:
        listeners = self.interview_app.status_listeners
        if self._when_ready in listeners:
            listeners.remove(self._when_ready)

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        # back from a session or a dialog: a grade, a deletion or a resumed interview may
        # have changed what the table shows (the first resume is the first showing)
        if self._suspended and self.interview_app.services_ready and self.page is not None:
            self._suspended = False
            self.reload(keep_cursor=True)

    def _bank_choices(self) -> None:
        services = self.services
        names = {b.id: b.title for b in services.banks.banks.values()}
        for bank in history.banks_in_history(services.store):
            names.setdefault(bank, bank)
        options: list[tuple[str, str]] = [(title, bank) for bank, title in names.items()]
        options.sort(key=lambda o: o[0].lower())
        self.query_one("#history-bank", Select).set_options(options)

    # loading --------------------------------------------------------------------------------

    def reload(self, keep_cursor: bool = False) -> None:
        """Show the first page for the current filter and sort."""
        table = self.query_one("#history-table", DataTable)
        cursor = table.cursor_row if keep_cursor else 0
        table.clear()
        self.rows = {}
        self.snippets = {}
        if self.filter.search:
            hits = history.search_transcripts(
                self.services.store, self.filter.search, limit=500, include_prompts=True
            )
            for hit in reversed(hits):  # newest last, so the newest hit's snippet wins
                self.snippets[hit.session_id] = hit.snippet
        self.page = None
        self._load_more()
        if keep_cursor and table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def _load_more(self) -> None:
        offset = 0 if self.page is None else self.page.offset + len(self.page.rows)
        try:
            page = history.list_sessions(
                self.services.store, self.filter, sort=self.sort, limit=PAGE_SIZE, offset=offset
            )
        except HistoryError as exc:
            self.notify(str(exc), severity="error")
            return
        self.page = page
        table = self.query_one("#history-table", DataTable)
        for row in page.rows:
            self.rows[int(row["id"])] = row
            table.add_row(*self._cells(row), key=str(row["id"]))
        self._summary()

    def _cells(self, row: dict[str, Any]) -> list[object]:
        score = row.get("score")
        snippet = self.snippets.get(int(row["id"]), "")
        match = Text()
        for part, hit in history.snippet_parts(" ".join(snippet.split())):
            match.append(part, style="bold reverse" if hit else "")
        status = str(row.get("status") or "")
        return [
            str(row["id"]),
            (row.get("started_at") or "")[:16].replace("T", " "),
            str(row.get("bank_title") or row.get("bank") or ""),
            f"{row.get('answered', 0)}/{row.get('count') or 0}",
            "-" if score is None else f"{score:.0f}",
            duration_text(row.get("duration_s")),
            str(row.get("mode") or ""),
            Text(status, style=STATUS_STYLE.get(status, "")),
            match,
        ]

    def _summary(self) -> None:
        page = self.page
        shown = len(self.rows)
        total = page.total if page else 0
        parts = [f"{total} session(s)" if total != shown else f"{shown} session(s)"]
        if total != shown:
            parts[0] = f"{shown} of {total} sessions (more load as you scroll)"
        parts.append(f"sorted by {sort_label(self.sort)} (s)")
        if shown:
            parts.append("Enter opens")
        active = self._filter_words()
        if active:
            parts.append("filtered: " + ", ".join(active) + " (c clears)")
        if total == 0 and not active:
            parts = ["No sessions yet: start an interview from Home."]
        self.query_one("#history-summary", Static).update("  ·  ".join(parts))

    def _filter_words(self) -> list[str]:
        f = self.filter
        words = []
        if f.search:
            words.append(f"“{f.search}”")
        if f.bank:
            words.append(f.bank)
        if f.status:
            words.append(f.status)
        if f.since or f.until:
            words.append(f"{f.since or '…'} to {f.until or '…'}")
        if f.min_score is not None:
            words.append(f"score ≥ {f.min_score:g}")
        return words

    @on(DataTable.RowHighlighted, "#history-table")
    def _maybe_more(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if self.page is not None and self.page.has_more and event.cursor_row >= table.row_count - 1:
            self._load_more()

    # filters and sort -----------------------------------------------------------------------

    def _read_filter(self) -> SessionFilter | None:
        def text(widget_id: str) -> str:
            return self.query_one(widget_id, Input).value.strip()

        bank = self.query_one("#history-bank", Select).value
        status = self.query_one("#history-status", Select).value
        try:
            min_score = float(text("#history-min-score")) if text("#history-min-score") else None
            return SessionFilter(
                bank=bank if isinstance(bank, str) else None,
                status=status if isinstance(status, str) else None,
                since=history.parse_day(text("#history-since")) if text("#history-since") else None,
                until=history.parse_day(text("#history-until")) if text("#history-until") else None,
                min_score=min_score,
                search=text("#history-search") or None,
            )
        except (HistoryError, ValueError) as exc:
            self.notify(str(exc), title="Filter not applied", severity="error")
            return None

    def apply_filters(self) -> None:
        """Read the filter bar and show the matching sessions."""
        flt = self._read_filter()
        if flt is None:
            return
        self.filter = flt
        self.reload()

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        self.apply_filters()
        self.query_one("#history-table", DataTable).focus()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if self.page is None:
            return
        flt = self._read_filter()
        if flt is not None and flt != self.filter:
            self.filter = flt
            self.reload()

    @on(DataTable.HeaderSelected, "#history-table")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        key = next((s for k, _l, s in COLUMNS if k == event.column_key.value), "")
        if not key:
            return
        self.sort = f"-{key}" if self.sort != f"-{key}" else key
        self.reload()

    def action_cycle_sort(self) -> None:
        index = SORT_CYCLE.index(self.sort) if self.sort in SORT_CYCLE else -1
        self.sort = SORT_CYCLE[(index + 1) % len(SORT_CYCLE)]
        self.reload()

    def action_search(self) -> None:
        self.query_one("#history-search", Input).focus()

    def action_clear_filters(self) -> None:
        for widget_id in (
            "#history-search",
            "#history-since",
            "#history-until",
            "#history-min-score",
        ):
            self.query_one(widget_id, Input).value = ""
        self.filter = SessionFilter()
        with self.prevent(Select.Changed):
            self.query_one("#history-bank", Select).clear()
            self.query_one("#history-status", Select).clear()
        self.reload()

    # acting on a session --------------------------------------------------------------------

    def selected(self) -> dict[str, Any] | None:
        """The session under the cursor."""
        table = self.query_one("#history-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(int(str(key)))

    def action_open(self) -> None:
        row = self.selected()
        if row is None:
            return
        from interview_sim.ui.screens.session_view import SessionViewScreen

        self.app.push_screen(SessionViewScreen(int(row["id"])))

    @on(DataTable.RowSelected, "#history-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_resume(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not history.resumable(row):
            state = "finished" if row.get("status") == "finished" else str(row.get("status"))
            self.notify(f"Session {row['id']} is {state}: only interrupted sessions resume.")
            return
        resume_session(self, int(row["id"]))

    def action_export_one(self) -> None:
        row = self.selected()
        if row is None:
            return
        session = self.services.store.session(int(row["id"]))
        if session is None:
            return
        self._export([session], f"session-{row['id']}")

    def action_export_filtered(self) -> None:
        sessions = history.sessions_for_export(self.services.store, self.filter, limit=EXPORT_LIMIT)
        if not sessions:
            self.notify("No sessions to export.")
            return
        self._export(sessions, "history")

    def _export(self, sessions: list[dict[str, Any]], stem: str) -> None:
        folder = self.services.workspace.sessions_dir / "exports"
        try:
            files = export_sessions(sessions, folder, stem)
        except OSError as exc:
            self.notify(f"Cannot write to {folder}: {exc.strerror}", severity="error")
            return
        self.notify(
            f"{len(sessions)} session(s) written to {folder} as "
            + ", ".join(p.suffix[1:] for p in files),
            title="Exported",
        )

    def action_delete(self) -> None:
        row = self.selected()
        if row is None:
            return
        sid = int(row["id"])

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            removed = self.services.store.delete_session(sid)
            self.notify(f"Session {sid} deleted ({len(removed)} recording(s) removed).")
            self.reload(keep_cursor=True)

        self.app.push_screen(
            ConfirmDialog(f"Delete session {sid}, its answers, grades and recordings?"), confirmed
        )

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input):
            self.query_one("#history-table", DataTable).focus()
            return
        self.dismiss(None)


def resume_session(screen: AppScreen[Any], session_id: int) -> None:
    """Carry on an interrupted session in the interview screen (as Home's r does)."""
    from interview_sim.practice import PracticeSession
    from interview_sim.ui.screens.interview import InterviewScreen

    services = screen.services
    row = services.store.session(session_id)
    if row is None:
        screen.notify(f"Session {session_id} is gone.", severity="error")
        return
    bank = services.banks.get(row["bank"])
    if bank is None:
        screen.notify(f"The bank {row['bank']!r} is no longer in banks/.", severity="error")
        return
    session = PracticeSession.resume(
        services.store, bank, session_id, probes=services.settings.follow_up_probes
    )
    stored = row.get("settings") or {}
    screen.app.push_screen(
        InterviewScreen(
            session,
            stored.get("answer_seconds"),
            int(stored.get("think_seconds", services.settings.think_seconds)),
        )
    )
