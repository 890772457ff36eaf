"""Bad set-ups degrade with a clear message instead of a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable
from ui_support import RecordingSpeaker

from interview_sim.services import build_services
from interview_sim.speech.fakes_asr import ScriptedListener
from interview_sim.ui.app import InterviewApp
from interview_sim.ui.screens.home import HomeScreen


def test_corrupt_database_and_settings_degrade(ui_workspace) -> None:  # type: ignore[no-untyped-def]
    ui_workspace.database_path.write_bytes(b"this is not a database" * 100)
    (ui_workspace.root / "settings.toml").write_text("rate = 'fast'\n")
    services = build_services(
        ui_workspace,
        speaker=RecordingSpeaker([]),  # type: ignore[arg-type]
        listener=ScriptedListener(ready=False),
    )
    text = " ".join(services.warnings)
    assert "doctor --reset-database" in text and "NOT saved" in text
    assert "settings.toml" in text and services.settings.rate == 170
    # the broken file is left as it was, for the user to keep or reset
    assert ui_workspace.database_path.read_bytes().startswith(b"this is not a database")
    session_id = services.store.start_session(
        bank="mini", bank_title="Mini", mode="typed", planned=["overfitting"]
    )
    assert services.store.session(session_id) is not None


async def test_app_opens_the_workspace_after_the_first_paint(ui_workspace) -> None:  # type: ignore[no-untyped-def]
    def factory():  # type: ignore[no-untyped-def]
        return build_services(
            ui_workspace,
            speaker=RecordingSpeaker([]),  # type: ignore[arg-type]
            listener=ScriptedListener(ready=False),
        )

    app = InterviewApp(services_factory=factory, speech_builder=None)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        for _ in range(100):
            if app.services_ready and app.screen.query_one("#banks", DataTable).row_count:
                break
            await pilot.pause(0.02)
        assert app.screen.query_one("#banks", DataTable).row_count == 1
        app.services.store.close()


def test_unexpected_error_is_one_line_and_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INTERVIEW_SIM_CACHE_DIR", str(tmp_path / "cache"))
    app = InterviewApp(speech_builder=None)
    app._exception = RuntimeError("boom")
    app._exit_renderables.append(Text("Traceback (most recent call last): the details"))
    app._print_error_renderables()
    err = capsys.readouterr().err
    assert "unexpected error: boom" in err and "Traceback" not in err
    log = (tmp_path / "cache" / "crash.log").read_text()
    assert "Traceback (most recent call last): the details" in log


async def test_disk_full_while_saving_keeps_the_answer_to_submit_again(  # type: ignore[no-untyped-def]
    ui_workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from textual.widgets import Input, TextArea
    from ui_support import make_services

    from interview_sim.ui.screens.feedback import FeedbackScreen
    from interview_sim.ui.screens.interview import InterviewScreen

    services = make_services(ui_workspace)
    store = services.store
    from sqlite_utils.db import Table

    original = Table.insert
    failures = {"left": 1}

    def insert(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.name == "answers" and failures["left"]:
            failures["left"] -= 1
            raise sqlite3.OperationalError("database or disk is full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Table, "insert", insert)
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#count", Input).value = "1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        screen.query_one("#typed", TextArea).text = "An answer worth keeping."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and "Not saved yet" in screen.state
        assert screen.query_one("#typed", TextArea).text == "An answer worth keeping."
        await pilot.press("ctrl+s")  # space freed: the same answer goes in
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
    answers = store.answers(store.list_sessions()[0]["id"])
    assert [a["transcript"] for a in answers] == ["An answer worth keeping."]
