"""A typed interview from Home to Summary, driven through the real screens with Pilot."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, Static, TextArea
from ui_support import make_services, plain

from interview_sim.ui.app import InterviewApp
from interview_sim.ui.screens.feedback import FeedbackScreen
from interview_sim.ui.screens.home import HomeScreen
from interview_sim.ui.screens.interview import InterviewScreen
from interview_sim.ui.screens.start import StartScreen
from interview_sim.ui.screens.summary import SummaryScreen


async def _start(pilot, count: str = "2", order: str = "in-order") -> None:  # type: ignore[no-untyped-def]
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, StartScreen)
    field = pilot.app.screen.query_one("#count", Input)
    field.value = count
    pilot.app.screen.query_one("#order", Select).value = order
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_home_lists_banks_and_status(ui_workspace) -> None:  # type: ignore[no-untyped-def]
    services = make_services(ui_workspace)
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#banks", DataTable)
        assert table.row_count == 1
        assert "Mini bank" in str(table.get_row_at(0)[0])
        status = plain(app.screen.query_one("#status", Static))
        assert "speech out" in status and "no microphone" in status
        assert "Typed answers always work" in status


async def test_typed_interview_to_summary(ui_workspace) -> None:  # type: ignore[no-untyped-def]
    services = make_services(ui_workspace)
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(100, 34)) as pilot:
        await _start(pilot)
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        assert screen.session.mode == "typed"
        for _ in range(6):
            current = app.screen
            if isinstance(current, SummaryScreen):
                break
            if isinstance(current, InterviewScreen):
                question = current.session.current
                assert question is not None
                area = current.query_one("#typed", TextArea)
                area.text = question.reference
                await pilot.press("ctrl+s")
                await pilot.pause()
                assert isinstance(app.screen, FeedbackScreen)
                assert app.screen.feedback.result.score >= 90
                await pilot.press("a")  # reference answer on demand
                await pilot.pause()
                assert "Reference answer" in plain(app.screen.query_one("#feedback"))
                await pilot.press("enter")
                await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        summary = app.screen.summary
        assert len(summary.rows) == 2 and summary.score is not None and summary.score >= 90
    sessions = services.store.list_sessions()
    assert sessions[0]["status"] == "finished"
    assert sessions[0]["answered"] == 2


async def test_probe_hint_and_quit_then_resume(ui_workspace) -> None:  # type: ignore[no-untyped-def]
    services = make_services(ui_workspace)
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(100, 34)) as pilot:
        await _start(pilot)
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        assert screen.session.current is not None
        assert screen.session.current.id == "overfitting"  # in order: answer it poorly
        screen.query_one("#typed", TextArea).text = "It does badly on new data."
        await pilot.press("ctrl+s")
        await pilot.pause()
        feedback = app.screen
        assert isinstance(feedback, FeedbackScreen)
        assert feedback.feedback.result.capped
        assert feedback.feedback.probe
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        assert "Follow-up" in plain(app.screen.query_one("#progress-line", Static))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        rows = services.store.list_sessions()
        assert rows[0]["status"] == "interrupted"
        resume = app.screen.query_one("#resume", DataTable)
        assert resume.display and resume.row_count == 1
        resume.focus()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.session.session_id == rows[0]["id"]


async def test_hint_is_shown_and_costs_half_credit(ui_workspace) -> None:  # type: ignore[no-untyped-def]
    services = make_services(ui_workspace)
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(100, 34)) as pilot:
        await _start(pilot)
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        question = screen.session.current
        assert question is not None
        await pilot.press("ctrl+t")
        await pilot.pause()
        hint = plain(screen.query_one("#hint", Static))
        assert "Hint" in hint and "half its" in hint
        screen.query_one("#typed", TextArea).text = question.reference
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        result = app.screen.feedback.result
        assert any(c.hinted for c in result.concepts)
        assert result.score < 100
        assert any("hint used" in note for note in result.notes)
