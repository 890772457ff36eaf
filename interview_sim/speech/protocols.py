"""Small protocols the rest of the app uses for speech and audio, so fakes can stand in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from interview_sim.core.transcript import Transcript


@dataclass(frozen=True, slots=True)
class ComponentStatus:
    """Whether one part (speech out, microphone, speech model) is ready, and how to fix it."""

    name: str
    ready: bool
    detail: str
    fix: str = ""


class Speaker(Protocol):
    """Speaks text aloud. `speak` blocks until the speech ends or `stop` is called."""

    def status(self) -> ComponentStatus: ...

    def speak(self, text: str) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ListenSettings:
    """How one answer is captured and when it ends."""

    max_seconds: float = 120.0
    silence_seconds: float = 2.5
    lead_in_seconds: float = 8.0  # give up waiting for the first word after this long (0: never)
    record_to: Path | None = None


@dataclass(frozen=True, slots=True)
class ListenResult:
    """One captured answer."""

    transcript: Transcript
    ended_by: str  # "silence" | "stop" | "time" | "end-of-file" | "cancelled"
    audio_seconds: float
    audio_path: Path | None
    speech_ended_at: float | None = None  # monotonic time the end of speech was detected
    final_at: float | None = None  # monotonic time the final transcript was ready


class Listener(Protocol):
    """Captures one spoken answer and transcribes it. Runs in a worker thread."""

    def status(self) -> ComponentStatus: ...

    def listen(
        self,
        settings: ListenSettings,
        on_partial: Callable[[str], None],
        on_level: Callable[[float], None],
        should_stop: Callable[[], bool],
    ) -> ListenResult: ...
