"""ScriptedListener: a Listener that "hears" given answers, for tests of the UI and the session.

It emits a few growing partials and some levels, honours should_stop between steps, builds word
timings at a plausible speaking pace, and writes a short silent WAV when asked to record.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from interview_sim.core.transcript import Transcript, Word
from interview_sim.speech.protocols import ComponentStatus, ListenResult, ListenSettings
from interview_sim.speech.recording import WavRecorder


@dataclass(frozen=True, slots=True)
class ScriptedAnswer:
    """One answer to play back: its text and how the capture ends."""

    text: str
    ended_by: str = "silence"


def timed_words(text: str, *, lead_in: float = 0.4, words_per_minute: float = 150.0) -> list[Word]:
    """Words with times as a steady speaker would say them (short pauses after punctuation)."""
    words: list[Word] = []
    beat = 60.0 / words_per_minute
    clock = lead_in
    for token in text.split():
        length = beat * (0.6 + 0.1 * min(len(token), 8))
        words.append(Word(token.strip(".,;:!?"), round(clock, 3), round(clock + length, 3), 0.95))
        clock += length + (beat * 0.8 if token[-1] in ".,;:!?" else beat * 0.15)
    return [word for word in words if word.text]


class ScriptedListener:
    """Returns the scripted answers in turn (the last one repeats when they run out)."""

    def __init__(
        self,
        answers: Iterable[str | ScriptedAnswer] = ("",),
        *,
        ready: bool = True,
        partials: int = 3,
        step_seconds: float = 0.0,
        words_per_minute: float = 150.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        items = [a if isinstance(a, ScriptedAnswer) else ScriptedAnswer(a) for a in answers]
        self._answers = deque(items or [ScriptedAnswer("")])
        self._ready = ready
        self._partials = max(1, partials)
        self._step = step_seconds
        self._wpm = words_per_minute
        self._clock = clock
        self.calls: list[ListenSettings] = []

    def status(self) -> ComponentStatus:
        """Ready unless made otherwise."""
        if self._ready:
            return ComponentStatus("speech input", True, "scripted answers")
        return ComponentStatus("speech input", False, "no microphone (scripted)", "Plug one in.")

    def _next(self) -> ScriptedAnswer:
        answer = self._answers[0]
        if len(self._answers) > 1:
            self._answers.popleft()
        return answer

    def listen(
        self,
        settings: ListenSettings,
        on_partial: Callable[[str], None],
        on_level: Callable[[float], None],
        should_stop: Callable[[], bool],
    ) -> ListenResult:
        """Play the next answer back through the callbacks."""
        self.calls.append(settings)
        answer = self._next()
        words = timed_words(answer.text, words_per_minute=self._wpm)
        ended_by = answer.ended_by
        heard = len(words)
        for step in range(1, self._partials + 1):
            if should_stop():
                ended_by, heard = "stop", len(words) * (step - 1) // self._partials
                break
            on_level(0.3 + 0.5 * (step % 2))
            count = len(words) * step // self._partials
            if count:
                on_partial(" ".join(word.text for word in words[:count]))
            if self._step:
                time.sleep(self._step)
        on_level(0.0)
        kept = tuple(words[:heard])
        speech_end = kept[-1].end if kept else 0.0
        audio_seconds = min(settings.max_seconds, speech_end + settings.silence_seconds)
        if settings.record_to is not None:
            with WavRecorder(settings.record_to, 16000) as recorder:
                recorder.write(bytes(2 * int(16000 * min(audio_seconds, 1.0))))
        now = self._clock()
        return ListenResult(
            transcript=Transcript(" ".join(word.text for word in kept), kept),
            ended_by=ended_by,
            audio_seconds=audio_seconds,
            audio_path=settings.record_to,
            speech_ended_at=now,
            final_at=now,
        )
