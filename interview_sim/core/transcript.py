"""What a recogniser hands back: the words of an answer with their times."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word; times in seconds from the start of the answer's audio."""

    text: str
    start: float
    end: float
    conf: float = 1.0


@dataclass(frozen=True, slots=True)
class Transcript:
    """The final result of recognising one answer."""

    text: str
    words: tuple[Word, ...] = field(default_factory=tuple)

    @property
    def duration(self) -> float:
        """Seconds from the first word's start to the last word's end (0 with no words)."""
        if not self.words:
            return 0.0
        return max(0.0, self.words[-1].end - self.words[0].start)
