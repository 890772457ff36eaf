"""Messages the history, replay and progress workers post back to the UI (past events).

Each carries the `token` of the request it answers, so a screen drops the late messages of a
play (or a computation) it has already moved on from.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from interview_sim.core.progress import ProgressReport


@dataclass
class PlaybackPositioned(Message):
    """The recording has played up to `seconds` (from the start of the file)."""

    token: int
    seconds: float

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PlaybackPositioned) and message.token == self.token


@dataclass
class PlaybackFinished(Message):
    """A play ended: at the end of the file (`completed`) or because it was stopped."""

    token: int
    seconds: float
    completed: bool


@dataclass
class PlaybackFailed(Message):
    """The recording cannot be played; `fix` says what the user can do."""

    token: int
    error: str
    fix: str = ""


@dataclass
class QuestionReplayed(Message):
    """The interviewer has read the question again (`error` is empty when it worked)."""

    error: str = ""


@dataclass
class ProgressComputed(Message):
    """The progress report is ready."""

    token: int
    report: ProgressReport
