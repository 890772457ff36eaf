"""Text snapshots of stable screens (help, start dialog, a feedback screen, the summary)."""

from __future__ import annotations

from textual.widgets import Input, Select, TextArea
from ui_support import check_snapshot, make_services, screen_text

from interview_sim.ui.app import InterviewApp
from interview_sim.ui.screens.feedback import FeedbackScreen
from interview_sim.ui.screens.summary import SummaryScreen


async def test_snapshots_of_stable_screens(ui_workspace) -> None:  # type: ignore[no-untyped-def]
    services = make_services(ui_workspace)
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(90, 32)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        check_snapshot("help", screen_text(app))
        await pilot.press("escape")
        await pilot.press("enter")
        await pilot.pause()
        start = app.screen
        start.query_one("#count", Input).value = "1"
        start.query_one("#order", Select).value = "in-order"
        await pilot.pause()
        check_snapshot("start-dialog", screen_text(app))
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#typed", TextArea).text = (
            "Overfitting: the model memorises the training data, noise included, and then does"
            " badly on new data."
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        check_snapshot("feedback", screen_text(app))
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        session_id = app.screen.summary.session_id
        check_snapshot("summary", text.replace(f"session {session_id}", "session N"))
