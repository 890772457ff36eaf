"""How an answer was delivered: length, pace, fillers, hedges and long pauses.

Fillers and hedges are found on the answer's tokens (shared with the scorer through
`tokens_of`): one compiled pass over the tokens finds the few that can start one, and only those
are looked at. The result is what the regular expressions `_FILLER_RE` and `_HEDGE_RE` find on the
tokens joined by spaces, leftmost first and without overlaps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from interview_sim.core.normalize import tokens_of
from interview_sim.core.transcript import Word

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


# `__init__` written out, as for the scorer's results (scoring.py): mypyc compiles it. Read-only.
@dataclass(init=False)
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

    def __init__(
        self,
        words: int,
        duration_seconds: float | None,
        words_per_minute: float | None,
        fillers: int,
        fillers_per_minute: float | None,
        filler_words: tuple[str, ...],
        hedges: int,
        long_pauses: int,
        longest_pause_seconds: float | None,
    ) -> None:
        self.words = words
        self.duration_seconds = duration_seconds
        self.words_per_minute = words_per_minute
        self.fillers = fillers
        self.fillers_per_minute = fillers_per_minute
        self.filler_words = filler_words
        self.hedges = hedges
        self.long_pauses = long_pauses
        self.longest_pause_seconds = longest_pause_seconds


def delivery_dict(delivery: Delivery) -> dict[str, object]:
    """The figures as a plain dict in field order (`dataclasses.asdict`, without its deep copy:
    five times quicker, for `score --batch`)."""
    return {
        "words": delivery.words,
        "duration_seconds": delivery.duration_seconds,
        "words_per_minute": delivery.words_per_minute,
        "fillers": delivery.fillers,
        "fillers_per_minute": delivery.fillers_per_minute,
        "filler_words": list(delivery.filler_words),
        "hedges": delivery.hedges,
        "long_pauses": delivery.long_pauses,
        "longest_pause_seconds": delivery.longest_pause_seconds,
    }


def _alternation(phrases: Sequence[tuple[str, ...]]) -> re.Pattern[str]:
    ordered = sorted((" ".join(p) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\S)")


_FILLER_RE = _alternation([*((f,) for f in SINGLE_FILLERS), *MULTI_FILLERS])
_HEDGE_RE = _alternation(HEDGES)


def _by_first_word(phrases: Sequence[tuple[str, ...]]) -> dict[str, tuple[list[str], ...]]:
    """The words after the first of each phrase, by first word, longest phrase first (the
    order of the alternation)."""
    ordered = sorted(phrases, key=lambda p: len(" ".join(p)), reverse=True)
    found: dict[str, list[list[str]]] = {}
    for phrase in ordered:
        found.setdefault(phrase[0], []).append(list(phrase[1:]))
    return {first: tuple(rests) for first, rests in found.items()}


_MULTI_FILLERS = _by_first_word(MULTI_FILLERS)
_HEDGE_WORDS = _by_first_word(HEDGES)
_STARTS = frozenset([*SINGLE_FILLERS, *_MULTI_FILLERS, *_HEDGE_WORDS, "like"])


def _fillers_and_hedges(tokens: list[str]) -> tuple[list[str], int]:
    """Fillers in order ("like" ones last) and the number of hedges: what `_FILLER_RE`,
    `_HEDGE_RE` and the "like" rule find."""
    fillers: list[str] = []
    likes: list[str] = []
    hedges = 0
    free_filler = free_hedge = 0  # a match uses up its words
    starts = _STARTS
    for index, token in enumerate(tokens):  # compiled: a set look-up a token, no calls
        if token not in starts:
            continue
        if index >= free_filler:
            if token in SINGLE_FILLERS:
                fillers.append(token)
                free_filler = index + 1
            else:
                for rest in _MULTI_FILLERS.get(token, ()):
                    if tokens[index + 1 : index + 1 + len(rest)] == rest:
                        fillers.append(" ".join([token, *rest]))
                        free_filler = index + 1 + len(rest)
                        break
        if index >= free_hedge:
            for rest in _HEDGE_WORDS.get(token, ()):
                if not rest or tokens[index + 1 : index + 1 + len(rest)] == rest:
                    hedges += 1
                    free_hedge = index + 1 + len(rest)
                    break
        if token == "like":
            before = tokens[index - 1] if index else ""
            after = tokens[index + 1] if index + 1 < len(tokens) else ""
            if (not before or before in _LIKE_BEFORE) and after not in _NOT_FILLER_AFTER:
                likes.append("like")
    return fillers + likes if likes else fillers, hedges


def measure(text: str, words: Sequence[Word] = ()) -> Delivery:
    """Delivery figures from the answer text and, for spoken answers, word timings."""
    tokens = tokens_of(text).raw
    fillers, hedges = _fillers_and_hedges(tokens)
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
