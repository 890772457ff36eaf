"""How an answer was delivered: length, pace, fillers, hedges and long pauses."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from interview_sim.core.transcript import Word

from .normalize import raw_words

LONG_PAUSE_SECONDS = 1.5

SINGLE_FILLERS = frozenset(
    ["um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "ahh", "hmm", "mm", "mhm"]
)
MULTI_FILLERS: tuple[tuple[str, ...], ...] = (
    ("you", "know"),
    ("i", "mean"),
    ("sort", "of"),
    ("kind", "of"),
    ("you", "see"),
)
HEDGES: tuple[tuple[str, ...], ...] = (
    ("i", "think"),
    ("i", "guess"),
    ("i", "believe"),
    ("maybe",),
    ("probably",),
    ("perhaps",),
    ("i", "m", "not", "sure"),
    ("not", "sure"),
    ("might", "be"),
)
# "like" is a filler only where it cannot be a verb or a comparison.
_LIKE_BEFORE = frozenset(
    [
        "um",
        "uh",
        "so",
        "and",
        "but",
        "like",
        "was",
        "is",
        "were",
        "it",
        "s",
        "just",
        "really",
        "yeah",
        "okay",
        "well",
        "then",
    ]
)
_NOT_FILLER_AFTER = frozenset(["to", "a", "an", "the", "this", "that", "it", "these", "those"])


@dataclass(frozen=True, slots=True)
class Delivery:
    """Delivery figures of one answer; timed figures are None for typed answers."""

    words: int
    duration_seconds: float | None
    words_per_minute: float | None
    fillers: int
    fillers_per_minute: float | None
    filler_words: tuple[str, ...]
    hedges: int
    long_pauses: int
    longest_pause_seconds: float | None


def _alternation(phrases: Sequence[tuple[str, ...]]) -> re.Pattern[str]:
    ordered = sorted((" ".join(p) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\S)")


_FILLER_RE = _alternation([*((f,) for f in SINGLE_FILLERS), *MULTI_FILLERS])
_HEDGE_RE = _alternation(HEDGES)


def _fillers(tokens: Sequence[str], joined: str) -> list[str]:
    found = _FILLER_RE.findall(joined)
    if "like" in joined:
        for i, token in enumerate(tokens):
            if token != "like":
                continue
            before = tokens[i - 1] if i else ""
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            if (not before or before in _LIKE_BEFORE) and after not in _NOT_FILLER_AFTER:
                found.append("like")
    return found


def measure(text: str, words: Sequence[Word] = ()) -> Delivery:
    """Delivery figures from the answer text and, for spoken answers, word timings."""
    tokens = raw_words(text)
    joined = " ".join(tokens)
    fillers = _fillers(tokens, joined)
    hedges = len(_HEDGE_RE.findall(joined))
    if not words:
        return Delivery(
            len(tokens), None, None, len(fillers), None, tuple(fillers), hedges, 0, None
        )
    duration = max(0.0, words[-1].end - words[0].start)
    minutes = duration / 60.0
    gaps = [b.start - a.end for a, b in pairwise(words)]
    long_gaps = [g for g in gaps if g > LONG_PAUSE_SECONDS]
    return Delivery(
        words=len(tokens),
        duration_seconds=round(duration, 2),
        words_per_minute=round(len(words) / minutes, 1) if minutes > 0 else None,
        fillers=len(fillers),
        fillers_per_minute=round(len(fillers) / minutes, 2) if minutes > 0 else None,
        filler_words=tuple(fillers),
        hedges=hedges,
        long_pauses=len(long_gaps),
        longest_pause_seconds=round(max(gaps), 2) if gaps else None,
    )
