"""History, session, replay, attempts, self-grade and progress screens, driven with Pilot on
sessions logged through PracticeSession (a fake player with scripted positions for replay)."""

from __future__ import annotations

import os
import threading
import time
import wave
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static
from ui_support import make_services, plain

from interview_sim.core.transcript import Word
from interview_sim.practice import PracticeSession
from interview_sim.services import Services
from interview_sim.speech.playback import PlaybackResult
from interview_sim.speech.protocols import ComponentStatus
from interview_sim.store import history
from interview_sim.ui.app import InterviewApp
from interview_sim.ui.screens.attempts import AttemptsScreen
from interview_sim.ui.screens.history import HistoryScreen
from interview_sim.ui.screens.history_dialogs import ConfirmDialog, GradeDialog
from interview_sim.ui.screens.home import HomeScreen
from interview_sim.ui.screens.interview import InterviewScreen
from interview_sim.ui.screens.progress import ProgressScreen
from interview_sim.ui.screens.replay import ReplayScreen, transcript_text
from interview_sim.ui.screens.session_view import SessionViewScreen
from interview_sim.workspace import Workspace

SPOKEN = "an overfit model will memorise noise and fail on unseen data"
WORD_STEP = 0.15  # word i starts at i * 0.15 s
RATE = 8000


class StepPlayer:
    """A player that plays nothing: it reports its scripted positions one at a time, each when
    the test releases a step, and stops when its cancel event is set."""

    def __init__(self, positions: Sequence[float], ready: bool = True) -> None:
        self.positions = list(positions)
        self.ready = ready
        self.steps = threading.Semaphore(0)
        self.calls: list[tuple[object, int | None]] = []
        self.ended: list[bool] = []

    def status(self) -> ComponentStatus:
        if self.ready:
            return ComponentStatus("audio out", True, "test output")
        return ComponentStatus(
            "audio out", False, "no audio output device found", "connect speakers"
        )

    def play(
        self,
        source: object,
        rate: int | None = None,
        on_position: Callable[[float], None] | None = None,
        *,
        channels: int = 1,
        sample_width: int = 2,
        cancel: threading.Event | None = None,
    ) -> PlaybackResult:
        self.calls.append((source if isinstance(source, (str, Path)) else len(source), rate))  # type: ignore[arg-type]
        played = 0.0
        for position in self.positions:
            while not self.steps.acquire(timeout=0.005):
                if cancel is not None and cancel.is_set():
                    self.ended.append(False)
                    return PlaybackResult(played, False)
            played = position
            if on_position is not None:
                on_position(position)
        self.ended.append(True)
        return PlaybackResult(played, True)


async def until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.01)


def write_wav(path: Path, seconds: float = 2.0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(b"\0\0" * int(seconds * RATE))
    return path


def log_sessions(services: Services) -> dict[str, int]:
    """A typed weak answer, a voice strong one (with a recording), and an interrupted one."""
    store, bank = services.store, services.banks.get("mini")
    assert bank is not None
    ids: dict[str, int] = {}
    first = PracticeSession.start(store, bank, count=2, order="in-order", probes=False)
    ids["typed_answer"] = first.submit("it fits the noise").answer_id
    first.submit("precision is the share of predicted positives")
    first.finish()
    ids["first"] = first.session_id
    second = PracticeSession.start(
        store, bank, count=2, order="in-order", mode="voice", probes=False
    )
    wav = write_wav(services.workspace.recordings_dir / f"session-{second.session_id}" / "q1.wav")
    words = [Word(w, i * WORD_STEP, i * WORD_STEP + 0.1) for i, w in enumerate(SPOKEN.split())]
    ids["voice_answer"] = second.submit(
        SPOKEN, words=words, audio_path=str(wav), duration=2.0
    ).answer_id
    second.submit("precision is the share of actual positives")
    second.finish()
    ids["second"] = second.session_id
    third = PracticeSession.start(store, bank, count=2, order="in-order", probes=False)
    third.submit("regularization, like dropout")
    third.interrupt()
    ids["third"] = third.session_id
    return ids


@pytest.fixture
def services(ui_workspace: Workspace) -> Services:
    return make_services(ui_workspace)


def table_keys(screen: Any, selector: str) -> list[str]:
    table = screen.query_one(selector, DataTable)
    return [str(table.coordinate_to_cell_key((r, 0)).row_key.value) for r in range(table.row_count)]


async def test_history_lists_sorts_filters_searches_and_resumes(services: Services) -> None:
    ids = log_sessions(services)
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        newest_first = [str(ids[k]) for k in ("third", "second", "first")]
        assert table_keys(screen, "#history-table") == newest_first
        assert "3 session(s)" in plain(screen.query_one("#history-summary", Static))
        table = screen.query_one("#history-table", DataTable)
        assert str(table.get_row_at(0)[7]) == "interrupted"
        assert table.get_row_at(1)[6] == "voice"

        await pilot.press("s")  # oldest first
        await pilot.pause()
        assert table_keys(screen, "#history-table") == newest_first[::-1]
        assert "oldest first" in plain(screen.query_one("#history-summary", Static))
        screen.sort = "-date"

        await pilot.press("slash")
        assert isinstance(app.focused, Input) and app.focused.id == "history-search"
        await pilot.press(*"unseen", "enter")
        await pilot.pause()
        assert table_keys(screen, "#history-table") == [str(ids["second"])]
        assert "unseen" in str(table.get_row_at(0)[8])  # the match column's snippet
        assert "“unseen”" in plain(screen.query_one("#history-summary", Static))

        await pilot.press("c")
        await pilot.pause()
        assert len(table_keys(screen, "#history-table")) == 3

        screen.query_one("#history-status", Select).value = "interrupted"
        await pilot.pause()
        assert table_keys(screen, "#history-table") == [str(ids["third"])]
        screen.query_one("#history-min-score", Input).value = "101"
        screen.query_one("#history-since", Input).value = "soon"  # not a date: refused
        screen.apply_filters()
        await pilot.pause()
        assert table_keys(screen, "#history-table") == [str(ids["third"])]
        screen.query_one("#history-since", Input).value = ""
        screen.apply_filters()
        await pilot.pause()
        assert table_keys(screen, "#history-table") == []
        screen.query_one("#history-min-score", Input).value = ""
        screen.apply_filters()
        await pilot.pause()

        await pilot.press("r")  # resume the interrupted session
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.session.session_id == ids["third"]
        assert app.screen.session.position == 1  # carries on at the second question


async def test_finished_sessions_do_not_resume_and_delete_asks_first(services: Services) -> None:
    ids = log_sessions(services)
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        app.push_screen(HistoryScreen())
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        screen.query_one("#history-table", DataTable).move_cursor(row=1)  # the voice session
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        wav = services.workspace.recordings_dir / f"session-{ids['second']}" / "q1.wav"
        await pilot.press("x")
        await pilot.pause()
        exports = sorted((services.workspace.sessions_dir / "exports").iterdir())
        assert [p.suffix for p in exports] == [".csv", ".json", ".md"]
        assert all(os.stat(p).st_mode & 0o777 == 0o600 for p in exports)
        assert SPOKEN in exports[2].read_text()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert services.store.session(ids["second"]) is not None
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert services.store.session(ids["second"]) is None
        assert not wav.exists()
        assert table_keys(screen, "#history-table") == [str(ids["third"]), str(ids["first"])]


async def test_session_view_grade_attempts_and_typed_replay(services: Services) -> None:
    ids = log_sessions(services)
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        app.push_screen(HistoryScreen())
        await pilot.pause()
        app.screen.query_one("#history-table", DataTable).move_cursor(row=2)  # the first session
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen
        assert isinstance(view, SessionViewScreen) and view.session_id == ids["first"]
        table = view.query_one("#session-answers", DataTable)
        assert table.row_count == 2
        row = table.get_row_at(0)
        assert row[1] == "What is overfitting?" and str(row[5]) == "memorises noise"
        assert str(row[6]) == "unseen data, regularization"
        detail = plain(view.query_one("#session-verdict", Static))
        assert "✓ memorises noise" in detail and "✗ regularization" in detail
        assert "it fits the noise" in detail

        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, GradeDialog)
        await pilot.press("9", "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "between 0 and 5" in plain(app.screen.query_one("#grade-error", Static))
        app.screen.query_one("#grade-value", Input).value = "4"
        app.screen.query_one("#grade-note", Input).focus()
        await pilot.press(*"fair", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionViewScreen)
        grades = history.grades(services.store, ids["typed_answer"])
        assert [(g["grade"], g["note"]) for g in grades] == [(4.0, "fair")]
        assert table.get_row_at(0)[7] == "4"
        assert "your grade: 4/5" in plain(view.query_one("#session-verdict", Static))

        await pilot.press("a")
        await pilot.pause()
        attempts = app.screen
        assert isinstance(attempts, AttemptsScreen)
        rows = attempts.query_one("#attempts-table", DataTable)
        assert rows.row_count == 3  # typed, voice, and the interrupted session's answer
        voice, last = rows.get_row_at(1), rows.get_row_at(2)
        assert voice[2] == "voice" and str(voice[9]) == "unseen data"  # gained
        assert int(str(voice[3])) > int(str(rows.get_row_at(0)[3]))
        assert str(voice[4]).startswith("+")
        assert str(last[9]) == "regularization"
        assert str(last[10]) == "memorises noise, unseen data"  # lost
        grid = attempts.query_one("#attempts-matrix", DataTable)
        marks = {
            str(grid.get_row_at(r)[0]): [str(c) for c in grid.get_row_at(r)[1:]]
            for r in range(grid.row_count)
        }
        assert marks["unseen data"] == ["✗", "✓", "✗"]
        assert marks["memorises noise"] == ["✓", "✓", "✗"]
        assert "3 attempt(s)" in plain(attempts.query_one("#attempts-head", Static))

        rows.move_cursor(row=0)
        await pilot.press("enter")
        await pilot.pause()
        replay = app.screen
        assert isinstance(replay, ReplayScreen) and replay.answer_id == ids["typed_answer"]
        assert plain(replay.query_one("#replay-state", Static)).strip() == (
            "A typed answer: nothing to play."
        )
        assert "it fits the noise" in plain(replay.query_one("#replay-transcript", Static))
        assert "your grade: 4/5" in plain(replay.query_one("#replay-verdict", Static))
        await pilot.press("space")
        await pilot.pause()
        assert replay.playing is False


async def test_replay_highlights_word_by_word_pauses_seeks_and_reads_the_question(
    services: Services,
) -> None:
    ids = log_sessions(services)
    player = StepPlayer([0.16, 0.46, 0.95, 1.9])
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = ReplayScreen(ids["voice_answer"], player=player)
        app.push_screen(screen)
        await pilot.pause()
        assert "Q1: What is overfitting?" in plain(screen.query_one("#replay-question", Static))
        verdict = plain(screen.query_one("#replay-verdict", Static))
        assert "/100" in verdict and "✓ unseen data" in verdict and "✗ regularization" in verdict
        state = screen.query_one("#replay-state", Static)
        assert "space plays the recording · 11 words" in plain(state)

        await pilot.press("space")
        await until(pilot, lambda: len(player.calls) == 1)
        assert str(player.calls[0][0]).endswith("q1.wav")  # from the start: the file itself
        assert screen.playing and screen.current is None
        player.steps.release()
        await until(pilot, lambda: screen.current == 1)  # 0.16 s: the second word
        player.steps.release()
        await until(pilot, lambda: screen.current == 3)  # 0.46 s: the fourth
        assert "▶ 0:00 / 0:02 · word 4 of 11" in plain(state)

        await pilot.press("space")  # pause
        await until(pilot, lambda: player.ended == [False])
        assert not screen.playing and screen.current == 3
        assert "⏸ word 4 of 11" in plain(state)

        await pilot.press("right")
        await pilot.pause()
        assert screen.current == 4 and not screen.playing
        await pilot.press("left", "left")
        await pilot.pause()
        assert screen.current == 2

        await pilot.press("space")  # plays from the word under the cursor
        await until(pilot, lambda: len(player.calls) == 2)
        offset = 2 * WORD_STEP - 0.05
        expected_frames = int(2.0 * RATE) - int(offset * RATE)
        assert player.calls[1] == (expected_frames * 2, RATE)  # raw PCM from the offset
        player.steps.release()  # 0.16 s after the offset: still the third word
        player.steps.release()  # 0.46 s after it
        await until(pilot, lambda: screen.current == word_index(offset + 0.46))
        assert screen.current == 4
        await pilot.press("right")  # seeking while playing restarts from the next word
        await until(pilot, lambda: len(player.calls) == 3)
        assert screen.playing

        await pilot.press("q")  # the interviewer reads the question; playback pauses
        await until(pilot, lambda: services.speaker.said == ["What is overfitting?"])  # type: ignore[attr-defined]
        assert not screen.playing

        await pilot.press("home", "space")
        await until(pilot, lambda: len(player.calls) == 4)
        for _ in player.positions:
            player.steps.release()
        await until(pilot, lambda: not screen.playing)
        assert player.ended[-1] is True
        assert screen.current == len(SPOKEN.split()) - 1  # the end: the last word lit
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReplayScreen)


def word_index(seconds: float) -> int:
    return int(seconds / WORD_STEP)


async def test_replay_without_a_sound_card_still_steps_through_words(services: Services) -> None:
    ids = log_sessions(services)
    services.player = StepPlayer([0.5], ready=False)  # type: ignore[attr-defined]
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(SessionViewScreen(ids["second"]))
        await pilot.pause()
        await pilot.press("enter")  # replay through the screens: the Services' player is used
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await pilot.press("space")
        await until(pilot, lambda: bool(screen.note))
        state = plain(screen.query_one("#replay-state", Static))
        assert "No sound: no audio output device found. Fix: connect speakers." in state
        assert "←/→ still step through the words" in state
        assert services.player.calls == []  # type: ignore[attr-defined]
        await pilot.press("right", "right", "right")
        await pilot.pause()
        assert screen.current == 2
        assert "word 3 of 11" in plain(screen.query_one("#replay-state", Static))


async def test_replay_of_a_pruned_recording_says_so(services: Services) -> None:
    ids = log_sessions(services)
    history.prune_recordings(services.store, "none")
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = ReplayScreen(ids["voice_answer"], player=StepPlayer([]))
        app.push_screen(screen)
        await pilot.pause()
        assert "No recording of this answer" in plain(screen.query_one("#replay-state", Static))
        await pilot.press("right")
        await pilot.pause()
        assert screen.current == 0


def test_transcript_text_lights_the_current_word_and_dims_the_rest() -> None:
    words = [Word(w, i * 0.1, i * 0.1 + 0.05) for i, w in enumerate(["fits", "the", "noise"])]
    spans = [(0, 4), (5, 8), (9, 14)]
    text = transcript_text("fits the noise", words, spans, 1, {})
    styles = {(s.start, s.end, str(s.style)) for s in text.spans}
    assert (5, 8, "reverse bold") in styles and (9, 14, "dim") in styles
    plain_text = transcript_text("", words, [], None, {})  # no transcript: the words
    assert plain_text.plain == "fits the noise"


async def test_progress_chart_weakest_and_due(services: Services) -> None:
    log_sessions(services)
    month_ago = (datetime.now(UTC) - timedelta(days=30)).isoformat(timespec="seconds")
    services.store.db.execute("update answers set created_at = ?", [month_ago])
    services.store.db.conn.commit()
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        await until(pilot, lambda: screen.report is not None)
        await pilot.pause()
        report = screen.report
        assert report is not None
        summary = plain(screen.query_one("#progress-summary", Static))
        assert "5 answers in 3 sessions" in summary and "longest 1" in summary
        weakest = screen.query_one("#progress-weakest", DataTable)
        concepts = [str(weakest.get_row_at(r)[0]) for r in range(weakest.row_count)]
        assert concepts and concepts == [w.concept for w in report.weakest]
        assert "regularization" in concepts
        due = screen.query_one("#progress-due", DataTable)
        assert due.row_count == 2  # both questions, answered a month ago
        assert {str(due.get_row_at(r)[1]) for r in range(2)} == {"overfitting", "precision"}
        assert all("d overdue" in str(due.get_row_at(r)[2]) for r in range(2))
        chart = screen.query_one("#progress-chart").plt  # type: ignore[attr-defined]
        assert "Score over time by bank" in chart.build()
        screen.query_one("#progress-bank", Select).value = "mini"
        await until(pilot, lambda: screen.bank == "mini" and screen.report is not report)
        await until(pilot, lambda: "by topic" in chart.build())
        assert all(s.bank == "mini" for s in screen.report.banks)  # type: ignore[union-attr]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_history_pages_in_as_the_cursor_reaches_the_end(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from interview_sim.ui.screens import history as history_screen

    monkeypatch.setattr(history_screen, "PAGE_SIZE", 2)
    ids = log_sessions(services)
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        app.push_screen(HistoryScreen())
        await pilot.pause()
        screen = app.screen
        assert table_keys(screen, "#history-table") == [str(ids["third"]), str(ids["second"])]
        assert "2 of 3 sessions" in plain(screen.query_one("#history-summary", Static))
        await pilot.press("down")
        await pilot.pause()
        assert len(table_keys(screen, "#history-table")) == 3
        await pilot.press("X")  # every session shown by the filter, exported at once
        await pilot.pause()
        exported = list((services.workspace.sessions_dir / "exports").glob("history-*.json"))
        assert len(exported) == 1
        assert exported[0].read_text().count('"bank_title"') == 3


async def test_history_opened_before_the_workspace_is_ready_fills_in_later(
    services: Services,
) -> None:
    log_sessions(services)
    gate = threading.Event()

    def slow_factory() -> Services:
        gate.wait(5)
        return services

    app = InterviewApp(services_factory=slow_factory, speech_builder=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        screen = HistoryScreen()
        app.push_screen(screen)
        await pilot.pause()
        assert "Opening the workspace" in plain(screen.query_one("#history-summary", Static))
        gate.set()
        await until(pilot, lambda: screen.query_one("#history-table", DataTable).row_count == 3)
        assert "3 session(s)" in plain(screen.query_one("#history-summary", Static))
