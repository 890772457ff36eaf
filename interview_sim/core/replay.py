"""Word timings of a recorded answer: which word is playing, where it sits in the transcript."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from interview_sim.core.transcript import Word


def words_from_rows(rows: Iterable[Mapping[str, Any]] | None) -> list[Word]:
    """Stored word timings ({"w", "s", "e", "c"}) as Words, in time order; bad entries dropped."""
    words: list[Word] = []
    for row in rows or ():
        if not isinstance(row, Mapping):
            continue
        text = str(row.get("w") or "").strip()
        try:
            start = float(row.get("s", 0.0))
            end = float(row.get("e", start))
            conf = float(row.get("c", 1.0))
        except (TypeError, ValueError):
            continue
        if not text or not math.isfinite(start) or not math.isfinite(end):
            continue
        start = max(0.0, start)
        words.append(Word(text, start, max(start, end), conf))
    words.sort(key=lambda w: w.start)
    return words


def word_at(words: Sequence[Word], seconds: float) -> int | None:
    """The index of the word being heard at `seconds` into the audio: the last word that has
    started (so a pause keeps the previous word lit); None before the first word."""
    if not words:
        return None
    index = bisect.bisect_right([w.start for w in words], seconds) - 1
    return index if index >= 0 else None


def seek_word(words: Sequence[Word], current: int | None, step: int) -> int | None:
    """The word `step` words after (or before, when negative) `current`, kept in range."""
    if not words:
        return None
    if current is None:
        return 0 if step >= 0 else None
    return max(0, min(len(words) - 1, current + step))


def align_words(text: str, words: Sequence[Word]) -> list[tuple[int, int] | None]:
    """Where each timed word sits in the transcript text, as (start, end) character offsets.

    Words are looked for in order, case-insensitively; a word not found (the transcript was
    edited, say) gets None and the search carries on after the last word found.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters change length in lower case: match as is
        lowered = text
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for word in words:
        needle = word.text.lower() if lowered is not text else word.text
        found = lowered.find(needle, cursor) if needle else -1
        if found < 0:
            spans.append(None)
            continue
        spans.append((found, found + len(needle)))
        cursor = found + len(needle)
    return spans
