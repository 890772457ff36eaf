"""Messages that workers post back to the UI (named as past events)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # annotations only: the app imports this module before its first paint
    from interview_sim.speech.protocols import ListenResult


@dataclass
class QuestionSpoken(Message):
    """The interviewer finished speaking (or was stopped)."""

    token: int


@dataclass
class PartialTranscribed(Message):
    """A live partial transcript; floods collapse to the latest."""

    text: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PartialTranscribed)


@dataclass
class LevelMeasured(Message):
    """The input level (0-1) of the latest audio chunk."""

    level: float

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LevelMeasured)


@dataclass
class AnswerCaptured(Message):
    """The spoken answer is over and transcribed."""

    token: int
    result: ListenResult


@dataclass
class ListeningFailed(Message):
    """The microphone or recogniser failed; the message says why."""

    token: int
    error: str


@dataclass
class ModelDownloadProgressed(Message):
    """Bytes of the speech model downloaded so far."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ModelDownloadProgressed)


@dataclass
class ModelDownloadFinished(Message):
    """The download ended: `error` is empty on success."""

    error: str
