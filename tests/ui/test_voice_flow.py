"""Voice mode with a scripted listener: half duplex, live partials, scoring of the transcript."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.widgets import Input, Select
from ui_support import EventListener, make_services

from interview_sim.speech.fakes_asr import ScriptedListener
from interview_sim.ui.app import InterviewApp
from interview_sim.ui.screens.feedback import FeedbackScreen
from interview_sim.ui.screens.interview import InterviewScreen
from interview_sim.ui.screens.settings import SettingsScreen
from interview_sim.ui.screens.start import StartScreen

ANSWER = "overfitting means the model memorises noise and fails on unseen data"


async def _wait_for(pilot, predicate, steps: int = 100) -> None:  # type: ignore[no-untyped-def]
    for _ in range(steps):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached")


async def test_voice_answer_is_heard_after_the_question(ui_workspace) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []
    listener = EventListener(ScriptedListener([ANSWER], step_seconds=0.01), events)
    services = make_services(
        ui_workspace,
        listener=listener,
        events=events,  # type: ignore[arg-type]
        mode="voice",
    )
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        start = app.screen
        assert isinstance(start, StartScreen)
        assert start.query_one("#mode", Select).value == "voice"
        start.query_one("#count", Input).value = "1"
        start.query_one("#order", Select).value = "in-order"
        await pilot.press("ctrl+s")
        await _wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen))
        feedback = app.screen
        assert isinstance(feedback, FeedbackScreen)
        assert feedback.feedback.question.id == "overfitting"
        assert feedback.feedback.text == ANSWER
        assert feedback.feedback.result.score > 40
        assert feedback.feedback.delivery.words_per_minute is not None
    # half duplex: the microphone opened only after the interviewer stopped
    assert events.index("listen-start") > events.index("speak-end")
    answers = services.store.answers(services.store.list_sessions()[0]["id"])
    assert answers[0]["mode"] == "voice" and answers[0]["words"]
    assert answers[0]["audio_path"] and answers[0]["audio_path"].endswith(".wav")


async def test_stop_key_during_question_opens_microphone_at_once(ui_workspace) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []
    listener = EventListener(ScriptedListener([ANSWER], step_seconds=0.01), events)
    services = make_services(
        ui_workspace,
        listener=listener,
        events=events,  # type: ignore[arg-type]
        mode="voice",
    )
    services.speaker.seconds = 5.0  # type: ignore[attr-defined]
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#count", Input).value = "1"
        await pilot.press("ctrl+s")
        await _wait_for(pilot, lambda: "speak-start" in events)
        assert isinstance(app.screen, InterviewScreen)
        await pilot.press("ctrl+s")  # answer now: speech stops, microphone opens
        await _wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen))
    assert events.index("speak-end") < events.index("listen-start")


async def test_settings_are_validated_and_saved(ui_workspace) -> None:  # type: ignore[no-untyped-def]
    services = make_services(ui_workspace)
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(100, 50)) as pilot:
        app.action_settings()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#set-rate", Input).value = "9999"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)  # refused: stays open with the error
        assert "rate" in str(screen.query_one("#error").content)
        screen.query_one("#set-rate", Input).value = "200"
        screen.query_one("#set-silence_seconds", Input).value = "3.5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SettingsScreen)
    saved = tomllib.loads((ui_workspace.root / "settings.toml").read_text())
    assert saved["rate"] == 200 and saved["silence_seconds"] == 3.5
    assert services.settings.rate == 200


async def _voice_session(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("enter")
    await pilot.pause()
    app.screen.query_one("#count", Input).value = "1"
    app.screen.query_one("#order", Select).value = "in-order"
    await pilot.press("ctrl+s")
    await _wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen))
    await pilot.press("s")
    await _wait_for(pilot, lambda: not isinstance(app.screen, FeedbackScreen))
    await pilot.press("enter")  # summary -> home
    await pilot.pause()


async def test_recordings_of_older_sessions_are_pruned(ui_workspace) -> None:  # type: ignore[no-untyped-def]
    listener = ScriptedListener([ANSWER])
    services = make_services(ui_workspace, listener=listener, mode="voice")  # type: ignore[arg-type]
    services.settings = services.settings.model_copy(
        update={"keep_recordings": "last", "keep_last_sessions": 1}
    )
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(100, 34)) as pilot:
        await _voice_session(app, pilot)
        first = services.store.list_sessions()[0]["id"]
        first_audio = services.store.answers(first)[0]["audio_path"]
        assert first_audio and Path(first_audio).exists()
        await _voice_session(app, pilot)
        await app.workers.wait_for_complete()
    assert not Path(first_audio).exists()
    assert services.store.answers(first)[0]["audio_path"] in (None, "")
    newest = services.store.list_sessions()[0]["id"]
    assert Path(services.store.answers(newest)[0]["audio_path"]).exists()
