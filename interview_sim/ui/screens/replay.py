"""Replay one answer: the recording plays with its transcript lit word by word, beside the
rubric's verdict. Space pauses, ←/→ seek by word, q reads the question again.

Playback runs in a thread worker (group "playback") that reports its position by messages; the
screen alone touches the widgets. Without a sound card the words can still be stepped through.
"""

from __future__ import annotations

import threading
import wave
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.worker import get_current_worker

from interview_sim.core.replay import align_words, seek_word, word_at, words_from_rows
from interview_sim.core.transcript import Word
from interview_sim.speech.playback import AudioFileError, PlaybackError, PlaybackResult
from interview_sim.speech.protocols import ComponentStatus
from interview_sim.store import history
from interview_sim.ui.replay_messages import (
    PlaybackFailed,
    PlaybackFinished,
    PlaybackPositioned,
    QuestionReplayed,
)
from interview_sim.ui.screens.base import AppScreen
from interview_sim.ui.screens.history import CSS_PATH
from interview_sim.ui.screens.history_dialogs import GradeChoice, GradeDialog
from interview_sim.ui.screens.session_view import verdict_renderable
from interview_sim.ui.widgets.key_bar import KeyBar
from interview_sim.ui.widgets.title_bar import TitleBar

LEAD_IN_SECONDS = 0.05  # start a seek a little before the word so its first sound is heard


class RecordingPlayer(Protocol):
    """What the screen needs of a player (speech.playback.WavPlayer is the real one)."""

    def status(self) -> ComponentStatus: ...

    def play(
        self,
        source: Path | str | bytes,
        rate: int | None = None,
        on_position: Callable[[float], None] | None = None,
        *,
        channels: int = 1,
        sample_width: int = 2,
        cancel: threading.Event | None = None,
    ) -> PlaybackResult: ...


def default_player() -> RecordingPlayer:
    """The sound card through PortAudio (nothing is opened until something plays)."""
    from interview_sim.speech.playback import WavPlayer

    return WavPlayer()


def read_from(path: Path, seconds: float) -> tuple[bytes, int, int, int]:
    """The PCM of a WAV file from `seconds` on, with its rate, channels and sample width."""
    try:
        with wave.open(str(path), "rb") as wav:
            rate = wav.getframerate()
            start = max(0, min(wav.getnframes(), int(seconds * rate)))
            wav.setpos(start)
            data = wav.readframes(wav.getnframes() - start)
            return data, rate, wav.getnchannels(), wav.getsampwidth()
    except FileNotFoundError as exc:
        raise AudioFileError(f"{path}: no such file") from exc
    except (wave.Error, EOFError, OSError) as exc:
        raise AudioFileError(f"{path}: not a PCM WAV file ({exc})") from exc


def recording_seconds(path: Path) -> float | None:
    """A WAV file's length, or None when it cannot be read."""
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() / wav.getframerate()
    except (wave.Error, EOFError, OSError, ZeroDivisionError):
        return None


def clock(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def transcript_text(
    text: str,
    words: Sequence[Word],
    spans: Sequence[tuple[int, int] | None],
    current: int | None,
    answer: Mapping[str, Any],
) -> Text:
    """The transcript with found concepts in green, misconceptions in red and the word being
    heard in reverse video; words already heard are plain, those to come dimmed."""
    if not text.strip() and words:
        text = " ".join(w.text for w in words)
        spans = align_words(text, words)
    rich = Text(text or "(no answer)")
    for c in answer.get("concepts") or []:
        if isinstance(c, Mapping) and c.get("matched"):
            for span in c.get("spans") or []:
                if isinstance(span, Sequence) and len(span) == 2:
                    rich.stylize("bold green", int(span[0]), int(span[1]))
    for m in answer.get("misconceptions") or []:
        if isinstance(m, Mapping):
            for span in m.get("spans") or []:
                if isinstance(span, Sequence) and len(span) == 2:
                    rich.stylize("bold red underline", int(span[0]), int(span[1]))
    if current is not None and 0 <= current < len(spans):
        later = next((s for s in spans[current + 1 :] if s is not None), None)
        if later is not None:
            rich.stylize("dim", later[0], len(text))
        here = spans[current]
        if here is not None:
            rich.stylize("reverse bold", here[0], here[1])
    return rich


class ReplayScreen(AppScreen[None]):
    """One answer: its recording, its transcript lit as it plays, and the verdict."""

    CSS_PATH = CSS_PATH
    BINDINGS = [
        Binding("space", "play_pause", "Play/pause", show=True),
        Binding("left", "seek(-1)", "◀ word", show=True),
        Binding("right", "seek(1)", "word ▶", show=True),
        Binding("home", "restart", "Start", show=False),
        Binding("q", "question", "Hear the question", show=True),
        Binding("g", "grade", "Grade", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    def __init__(self, answer_id: int, player: RecordingPlayer | None = None) -> None:
        super().__init__()
        self.answer_id = answer_id
        self._player = player
        self.answer: dict[str, Any] = {}
        self.words: list[Word] = []
        self.spans: list[tuple[int, int] | None] = []
        self.current: int | None = None
        self.playing = False
        self.seconds = 0.0
        self.length: float | None = None
        self.note = ""
        self.token = 0
        self._cancel: threading.Event | None = None
        self._speaking = False

    @property
    def player(self) -> RecordingPlayer:
        """The injected player, the Services' one if it has one, else the sound card."""
        if self._player is None:
            found = getattr(self.services, "player", None)
            self._player = found if found is not None else default_player()
        return self._player

    @property
    def audio_path(self) -> Path | None:
        name = self.answer.get("audio_path")
        return Path(name) if name else None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="replay-question")
        # not focusable: the arrows and space belong to the player
        with VerticalScroll(id="replay-body", can_focus=False):
            yield Static("", id="replay-verdict")
            yield Static("", id="replay-transcript")
        yield Static("", id="replay-state")
        yield KeyBar()

    def on_mount(self) -> None:
        answer = self.services.store.answer(self.answer_id)
        if answer is None:
            self.query_one("#replay-question", Static).update(f"Answer {self.answer_id} is gone.")
            return
        self.answer = answer
        self.words = words_from_rows(answer.get("words"))
        self.spans = align_words(str(answer.get("transcript") or ""), self.words)
        number = answer.get("question_number")
        self.query_one("#replay-question", Static).update(
            f"Q{number}: " + " ".join(str(answer.get("prompt") or "").split())
        )
        self._show_verdict()
        path = self.audio_path
        if not self.words:
            self.note = (
                "A typed answer: nothing to play."
                if answer.get("mode") == "typed" or not path
                else "No word timings were kept for this answer."
            )
        elif path is None:
            self.note = (
                "No recording of this answer (recordings off, or removed by the retention"
                " setting). ←/→ step through the words."
            )
        else:
            self.length = recording_seconds(path)
            if self.length is None:
                self.note = (
                    f"The recording {path.name} is missing or unreadable."
                    " ←/→ step through the words."
                )
        self._show()

    def on_unmount(self) -> None:
        self._stop_playing()
        if self._speaking:
            self.services.speaker.stop()

    # drawing --------------------------------------------------------------------------------

    def _show_verdict(self) -> None:
        grade = history.latest_grades(self.services.store, [self.answer_id]).get(self.answer_id)
        self.query_one("#replay-verdict", Static).update(verdict_renderable(self.answer, grade))

    def _show(self) -> None:
        self.query_one("#replay-transcript", Static).update(
            Group(
                Text("Your answer", style="bold"),
                transcript_text(
                    str(self.answer.get("transcript") or ""),
                    self.words,
                    self.spans,
                    self.current,
                    self.answer,
                ),
            )
        )
        self.query_one("#replay-state", Static).update(self.state_line())

    def state_line(self) -> str:
        """What the player is doing, in one line."""
        count = len(self.words)
        where = (
            f"word {self.current + 1} of {count}" if self.current is not None else f"{count} words"
        )
        if self.playing:
            total = f" / {clock(self.length)}" if self.length else ""
            return f"▶ {clock(self.seconds)}{total} · {where} · space pauses"
        if self.note:
            return f"{self.note}  ({where})" if count else self.note
        if self.current is None:
            return f"space plays the recording · {where} · ←/→ step by word"
        return f"⏸ {where} · space plays from here"

    # playing --------------------------------------------------------------------------------

    def action_play_pause(self) -> None:
        if self.playing:
            self._stop_playing()
            self._show()
            return
        if not self.words:
            self.notify(self.note or "Nothing to play.")
            return
        path = self.audio_path
        if path is None or self.length is None:
            self.notify(self.note, severity="warning")
            return
        at_end = self.current is not None and self.current >= len(self.words) - 1
        start = 0.0 if self.current is None or at_end else self.words[self.current].start
        if at_end:
            self.current = None
        self._start_playing(path, max(0.0, start - LEAD_IN_SECONDS) if start else 0.0)

    def _start_playing(self, path: Path, offset: float) -> None:
        self._stop_playing()
        if self._speaking:
            self.services.speaker.stop()
        self.token += 1
        self._cancel = threading.Event()
        self.playing = True
        self.seconds = offset
        self.play_recording(self.token, path, offset, self._cancel)
        self._show()

    def _stop_playing(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None
        self.token += 1  # late position messages of that play are dropped
        self.playing = False

    @work(
        thread=True,
        group="playback",
        exclusive=True,
        exit_on_error=False,
        description="playing the recording",
    )
    def play_recording(
        self, token: int, path: Path, offset: float, cancel: threading.Event
    ) -> None:
        """Play the recording from `offset` seconds; report the position as it goes."""
        worker = get_current_worker()
        player = self.player
        status = player.status()
        if not status.ready:
            self.post_message(PlaybackFailed(token, status.detail, status.fix))
            return

        def on_position(seconds: float) -> None:
            if worker.is_cancelled:
                cancel.set()  # the player stops before its next block
                return
            self.post_message(PlaybackPositioned(token, offset + seconds))

        try:
            if offset > 0:
                data, rate, channels, width = read_from(path, offset)
                result = player.play(
                    data, rate, on_position, channels=channels, sample_width=width, cancel=cancel
                )
            else:
                result = player.play(path, None, on_position, cancel=cancel)
        except PlaybackError as exc:
            self.post_message(PlaybackFailed(token, str(exc), exc.fix))
            return
        except Exception as exc:  # a player failure is shown, never a crash
            self.post_message(PlaybackFailed(token, str(exc) or type(exc).__name__))
            return
        self.post_message(PlaybackFinished(token, offset + result.seconds_played, result.completed))

    def on_playback_positioned(self, message: PlaybackPositioned) -> None:
        if message.token != self.token or not self.playing:
            return
        self.seconds = message.seconds
        index = word_at(self.words, message.seconds)
        if index != self.current and index is not None:
            self.current = index
            self._show()
        else:
            self.query_one("#replay-state", Static).update(self.state_line())

    def on_playback_finished(self, message: PlaybackFinished) -> None:
        if message.token != self.token:
            return
        self.playing = False
        self._cancel = None
        if message.completed and self.words:
            self.current = len(self.words) - 1
        self._show()

    def on_playback_failed(self, message: PlaybackFailed) -> None:
        if message.token != self.token:
            return
        self.playing = False
        self._cancel = None
        fix = f" Fix: {message.fix}." if message.fix else ""
        self.note = f"No sound: {message.error}.{fix} ←/→ still step through the words."
        self.notify(message.error, title="Cannot play the recording", severity="warning")
        self._show()

    def action_seek(self, step: int) -> None:
        if not self.words:
            return
        self.current = seek_word(self.words, self.current, step)
        if self.current is None:
            return
        if self.playing and self.audio_path is not None:
            start = self.words[self.current].start
            self._start_playing(self.audio_path, max(0.0, start - LEAD_IN_SECONDS))
        else:
            self.seconds = self.words[self.current].start
            self._show()

    def action_restart(self) -> None:
        self.current = None
        if self.playing and self.audio_path is not None:
            self._start_playing(self.audio_path, 0.0)
        else:
            self._show()

    # the question, grading ------------------------------------------------------------------

    def action_question(self) -> None:
        prompt = " ".join(str(self.answer.get("prompt") or "").split())
        if not prompt:
            return
        if self.playing:
            self._stop_playing()
            self._show()
        status = self.services.speaker.status()
        if not status.ready:
            fix = f" Fix: {status.fix}" if status.fix else ""
            self.notify(f"{status.detail}.{fix}", title="Cannot speak the question")
            return
        self._speaking = True
        self.speak_question(prompt)

    @work(
        thread=True,
        group="tts",
        exclusive=True,
        exit_on_error=False,
        description="reading the question",
    )
    def speak_question(self, prompt: str) -> None:
        """Read the question aloud in the interviewer's voice."""
        try:
            self.services.speaker.speak(prompt)
        except Exception as exc:  # the speech engine's failure is shown, never a crash
            self.post_message(QuestionReplayed(str(exc) or type(exc).__name__))
            return
        self.post_message(QuestionReplayed())

    def on_question_replayed(self, message: QuestionReplayed) -> None:
        self._speaking = False
        if message.error:
            self.notify(message.error, title="Cannot speak the question", severity="warning")

    def action_grade(self) -> None:
        if not self.answer or self.answer.get("skipped"):
            return
        current = history.latest_grades(self.services.store, [self.answer_id]).get(self.answer_id)

        def chosen(choice: GradeChoice | None) -> None:
            if choice is None:
                return
            history.grade_answer(self.services.store, self.answer_id, choice.grade, choice.note)
            self.notify(f"Your grade: {choice.grade:g}/5.")
            self._show_verdict()

        self.app.push_screen(
            GradeDialog(f"{self.answer.get('score')}/100 by the rubric", current), chosen
        )

    def action_back(self) -> None:
        self._stop_playing()
        self.dismiss(None)
