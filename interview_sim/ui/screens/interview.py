"""The interview: the question shown and spoken, then a spoken or typed answer.

Half duplex: the microphone opens only after the interviewer has stopped talking. All blocking
audio work runs in thread workers (one group per concern) that talk back only by messages; a
token identifies each ask so that a late result from a cancelled worker is ignored.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Static, TextArea
from textual.worker import get_current_worker

from interview_sim.practice import Feedback, PracticeSession
from interview_sim.speech.protocols import ListenSettings
from interview_sim.ui.messages import (
    AnswerCaptured,
    LevelMeasured,
    ListeningFailed,
    PartialTranscribed,
    QuestionSpoken,
)
from interview_sim.ui.screens.base import AppScreen
from interview_sim.ui.widgets.key_bar import KeyBar
from interview_sim.ui.widgets.level_meter import LevelMeter
from interview_sim.ui.widgets.title_bar import TitleBar


def clock(seconds: float) -> str:
    """Seconds as m:ss."""
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


class InterviewScreen(AppScreen[None]):
    """Ask, listen (or read the typed answer), score, show feedback, repeat."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Done answering", show=True, priority=True),
        Binding("ctrl+r", "repeat", "Repeat", show=True, priority=True),
        Binding("ctrl+t", "hint", "Hint", show=True, priority=True),
        Binding("ctrl+n", "skip", "Skip", show=True, priority=True),
        Binding("ctrl+b", "pause", "Pause", show=True, priority=True),
        Binding("escape", "quit_interview", "Quit", show=True, priority=True),
    ]

    def __init__(
        self, session: PracticeSession, answer_seconds: int | None, think_seconds: int
    ) -> None:
        super().__init__()
        self.session = session
        self.answer_limit = answer_seconds
        self.think_seconds = think_seconds
        self.state = "idle"
        self.token = 0
        self._stop_listening = threading.Event()
        self._answer_started: float | None = None
        self._paused_at: float | None = None
        self._think_left = 0
        self._answer_now = False
        self._unsaved: tuple[str, dict[str, object]] | None = None
        self._ticker: Timer | None = None

    @property
    def voice(self) -> bool:
        return self.session.mode == "voice"

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="progress-line")
        yield Static("", id="prompt")
        yield Static("", id="hint")
        yield Static("", id="state")
        if self.voice:
            yield LevelMeter(id="level")
            yield Static("", id="partial")
        else:
            yield TextArea("", id="typed", soft_wrap=True, show_line_numbers=False)
        yield Static("", id="timer")
        yield KeyBar()

    def on_mount(self) -> None:
        self._ticker = self.set_interval(0.25, self._tick)
        self.ask()

    # asking ---------------------------------------------------------------------------------

    def limit_for_current(self) -> int:
        question = self.session.current
        if self.answer_limit is not None:
            return self.answer_limit
        return self.session.answer_seconds(question) if question else 120

    def ask(self) -> None:
        """Show (and speak) the current question or the pending follow-up."""
        question = self.session.current
        if question is None:
            self._finish()
            return
        self.token += 1
        self._answer_now = False
        self._unsaved = None
        self._cancel_audio()
        probe = self.session.pending_probe
        text = probe or question.prompt.strip()
        number = self.session.position + 1
        label = "Follow-up" if probe else f"Question {number} of {self.session.total}"
        self.query_one("#progress-line", Static).update(
            f"[b]{label}[/b]  ·  {question.topic}  ·  {question.difficulty}"
        )
        self.query_one("#prompt", Static).update(text)
        self.query_one("#hint", Static).update("")
        self._answer_started = None
        if self.voice:
            self.query_one("#partial", Static).update("")
            self._set_state("The interviewer is asking…  (ctrl+s to answer now)")
        else:
            area = self.query_one("#typed", TextArea)
            area.text = ""
            area.focus()
            self._answer_started = time.monotonic()
            self._set_state("Type your answer, then ctrl+s.")
        self.speak(text, self.token)

    @work(
        thread=True,
        group="tts",
        exclusive=True,
        exit_on_error=False,
        description="speaking the question",
    )
    def speak(self, text: str, token: int) -> None:
        """Speak in a worker; the microphone waits for QuestionSpoken."""
        self.services.speaker.speak(text)
        self.post_message(QuestionSpoken(token))

    def on_question_spoken(self, message: QuestionSpoken) -> None:
        if message.token != self.token or not self.voice or self.state == "paused":
            return
        if self._answer_now:
            self._answer_now = False
            self.start_listening()
        elif self.state.startswith("The interviewer"):
            self._think_left = self.think_seconds
            self._think_step()

    def _think_step(self) -> None:
        if self.state == "paused":
            return
        if self._think_left <= 0:
            self.start_listening()
            return
        self._set_state(
            f"Think… the microphone opens in {self._think_left} s  (ctrl+s to start now)"
        )
        self._think_left -= 1
        token = self.token
        self.set_timer(1.0, lambda: self._think_step() if token == self.token else None)

    # listening ------------------------------------------------------------------------------

    def start_listening(self) -> None:
        """Open the microphone for the answer."""
        self._think_left = 0
        self._stop_listening.clear()
        self._answer_started = time.monotonic()
        self._set_state("Listening… speak your answer; ctrl+s when done (or pause to end).")
        self.listen(self.token, self._record_path())

    def _record_path(self) -> Path | None:
        if self.services.settings.keep_recordings == "none":
            return None
        folder = self.services.workspace.recordings_dir / f"session-{self.session.session_id}"
        return folder / f"q{self.session.position + 1}-{self.token}.wav"

    @work(
        thread=True,
        group="asr",
        exclusive=True,
        exit_on_error=False,
        description="listening to the answer",
    )
    def listen(self, token: int, record_to: Path | None) -> None:
        """Capture and transcribe one answer in a worker."""
        worker = get_current_worker()
        settings = ListenSettings(
            max_seconds=float(self.limit_for_current()),
            silence_seconds=self.services.settings.silence_seconds,
            record_to=record_to,
        )

        def on_partial(text: str) -> None:
            self.post_message(PartialTranscribed(text))

        def on_level(level: float) -> None:
            self.post_message(LevelMeasured(level))

        try:
            result = self.services.listener.listen(
                settings,
                on_partial=on_partial,
                on_level=on_level,
                should_stop=lambda: worker.is_cancelled or self._stop_listening.is_set(),
            )
        except Exception as exc:  # any engine failure becomes a message, never a crash
            self.post_message(ListeningFailed(token, str(exc) or type(exc).__name__))
            return
        if not worker.is_cancelled:
            self.post_message(AnswerCaptured(token, result))

    def on_partial_transcribed(self, message: PartialTranscribed) -> None:
        if self.voice and self.state.startswith("Listening"):
            self.query_one("#partial", Static).update(message.text)

    def on_level_measured(self, message: LevelMeasured) -> None:
        if self.voice:
            self.query_one("#level", LevelMeter).level = message.level

    def on_listening_failed(self, message: ListeningFailed) -> None:
        if message.token != self.token:
            return
        self._set_state(
            f"The microphone failed: {message.error}. Press ctrl+r to try again,"
            " or Esc and choose typed answers."
        )
        self.notify(message.error, title="Listening failed", severity="error")

    def on_answer_captured(self, message: AnswerCaptured) -> None:
        if message.token != self.token or message.result.ended_by == "cancelled":
            return
        result = message.result
        text = result.transcript.text.strip()
        if not text:
            self._set_state("Nothing was heard. ctrl+r to try again, ctrl+n to skip.")
            return
        audio = str(result.audio_path) if result.audio_path else None
        failed = getattr(self.services.listener, "recording_error", None)
        if failed is not None and audio is None:
            self.notify(
                f"The recording was not saved ({failed}); the answer was.", severity="warning"
            )
        self._submit(
            text,
            words=result.transcript.words,
            audio_path=audio,
            duration=result.transcript.duration or result.audio_seconds,
        )

    # answering ------------------------------------------------------------------------------

    def _submit(self, text: str, **kwargs: object) -> None:
        from interview_sim.store.session_store import StoreError

        self._cancel_audio()
        self.token += 1
        try:
            feedback = self.session.submit(text, **kwargs)  # type: ignore[arg-type]
        except StoreError as exc:
            # nothing is lost: the typed text stays in the editor, a spoken one is kept here
            self._unsaved = (text, kwargs)
            self._set_state("Not saved yet: press ctrl+s to try again.")
            self.notify(str(exc), title="Could not save the answer", severity="error", timeout=15)
            return
        self._unsaved = None
        self._set_state("")
        from interview_sim.ui.screens.feedback import FeedbackScreen

        self.app.push_screen(FeedbackScreen(feedback, self.session), self._after_feedback)

    def _after_feedback(self, choice: str | None) -> None:
        if choice == "retry":
            return self.ask()
        if choice == "quit":
            return self.action_quit_interview()
        if choice == "skip-probe":
            self.session.decline_probe()
        self.ask()

    def action_submit(self) -> None:
        if self._unsaved is not None and self.voice:
            text, kwargs = self._unsaved
            self._submit(text, **kwargs)
            return
        if self.voice:
            if self.state.startswith("The interviewer"):
                # half duplex: the microphone opens when the speech has really stopped
                self._answer_now = True
                self._set_state("The interviewer stops…")
                self.services.speaker.stop()
            elif self.state.startswith("Think"):
                self.token += 1  # drop the pending think-time timer
                self.start_listening()
            elif self.state.startswith("Listening"):
                self._set_state("Transcribing…")
                self._stop_listening.set()
            return
        text = self.query_one("#typed", TextArea).text.strip()
        if not text:
            self.notify("Type an answer first, or ctrl+n to skip.")
            return
        self._submit(text)

    def action_repeat(self) -> None:
        self.ask()

    def action_skip(self) -> None:
        self._cancel_audio()
        self.session.skip()
        self.ask()

    def action_hint(self) -> None:
        concept = self.session.hint()
        text = (
            (
                f"Hint: think about [b]{concept.name}[/b]: {concept.meaning}  (a hinted concept"
                " earns half its weight)"
            )
            if concept
            else "No more hints for this question."
        )
        self.query_one("#hint", Static).update(text)

    def action_pause(self) -> None:
        if self.state == "paused":
            if self._paused_at is not None and self._answer_started is not None:
                self._answer_started += time.monotonic() - self._paused_at
            self._paused_at = None
            self.state = "idle"
            if self.voice:
                self.ask()  # a paused spoken answer starts again from the question
            else:
                self._set_state("Type your answer, then ctrl+s.")
            return
        self._cancel_audio()
        self.token += 1
        self._paused_at = time.monotonic()
        self._set_state("paused")
        self.query_one("#state", Static).update("Paused. ctrl+b to carry on.")

    def action_quit_interview(self) -> None:
        self._cancel_audio()
        self.token += 1
        if self.session.current is not None:
            self.session.interrupt()
            self.notify("Saved. Resume it from Home with r.", title="Interview paused")
        self.dismiss(None)

    # helpers --------------------------------------------------------------------------------

    def _cancel_audio(self) -> None:
        self._stop_listening.set()
        self.services.speaker.stop()
        for worker in self.workers:
            if worker.group in ("tts", "asr"):
                worker.cancel()

    def _set_state(self, state: str) -> None:
        self.state = state
        self.query_one("#state", Static).update(state)

    def _tick(self) -> None:
        if self._answer_started is None or self.state == "paused":
            self.query_one("#timer", Static).update("")
            return
        elapsed = time.monotonic() - self._answer_started
        limit = self.limit_for_current()
        self.query_one("#timer", Static).update(
            f"elapsed {clock(elapsed)}  ·  remaining {clock(limit - elapsed)}"
        )
        if not self.voice and elapsed >= limit and self.state.startswith("Type"):
            text = self.query_one("#typed", TextArea).text.strip()
            if text:
                self.notify("Time is up: your answer was submitted.")
                self._submit(text)
            else:
                self.notify("Time is up: the question was skipped.")
                self.action_skip()

    def _finish(self) -> None:
        self._cancel_audio()
        summary = self.session.finish()
        self.apply_retention()
        from interview_sim.ui.screens.summary import SummaryScreen

        self.app.switch_screen(SummaryScreen(summary, self.session.bank.title))

    @work(
        thread=True,
        group="retention",
        exit_on_error=False,
        description="applying the recordings setting",
    )
    def apply_retention(self) -> None:
        """Delete recordings the keep_recordings setting no longer keeps."""
        from interview_sim.store.history import prune_recordings

        settings = self.services.settings
        prune_recordings(
            self.services.store,
            settings.keep_recordings,
            settings.keep_last_sessions,
            recordings_dir=self.services.workspace.recordings_dir,
        )

    def on_unmount(self) -> None:
        self._cancel_audio()


__all__ = ["Feedback", "InterviewScreen"]
