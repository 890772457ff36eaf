"""Delivery figures: pace, fillers (one and two words, "like" only as a filler), hedges, pauses."""

from __future__ import annotations

import pytest

from interview_sim.core.delivery import LONG_PAUSE_SECONDS, measure
from interview_sim.core.transcript import Transcript, Word


def timed(text: str, *, step: float = 0.5, gaps: dict[int, float] | None = None) -> list[Word]:
    """Words of `text` each `step` long, back to back, with extra silence before some indexes."""
    words: list[Word] = []
    clock = 0.0
    for index, token in enumerate(text.split()):
        clock += (gaps or {}).get(index, 0.0)
        words.append(Word(token, clock, clock + step))
        clock += step
    return words


def test_words_per_minute_from_timings() -> None:
    text = " ".join(["word"] * 60)
    delivery = measure(text, timed(text, step=0.5))  # 60 words in 30 s
    assert delivery.words == 60
    assert delivery.duration_seconds == 30.0
    assert delivery.words_per_minute == 120.0


def test_words_per_minute_counts_from_first_start_to_last_end() -> None:
    words = [Word("a", 10.0, 10.5), Word("b", 10.5, 11.0), Word("c", 39.5, 40.0)]
    delivery = measure("a b c", words)
    assert delivery.duration_seconds == 30.0
    assert delivery.words_per_minute == 6.0


@pytest.mark.parametrize(
    ("text", "fillers"),
    [
        ("um the model uh works", ["um", "uh"]),
        ("erm hmm so", ["erm", "hmm"]),
        ("you know it overfits", ["you know"]),
        ("i mean the variance", ["i mean"]),
        ("it is sort of linear", ["sort of"]),
        ("it is kind of linear", ["kind of"]),
        ("um you know i mean sort of kind of", ["um", "you know", "i mean", "sort of", "kind of"]),
        ("the gradient flows back", []),
    ],
)
def test_fillers_single_and_multi_word(text: str, fillers: list[str]) -> None:
    delivery = measure(text)
    assert delivery.fillers == len(fillers)
    assert sorted(delivery.filler_words) == sorted(fillers)


@pytest.mark.parametrize(
    ("text", "likes"),
    [
        ("like, the loss goes down", 0),  # "like the": a comparison or a verb
        ("so like we train it", 1),
        ("it was like huge", 1),
        ("it's like, um, big", 1),
        ("like we said", 1),
        ("I like it", 0),
        ("models like transformers", 0),
        ("I would like to add", 0),
        ("it looks like a curve", 0),
        ("and like like twice", 2),
    ],
)
def test_like_counts_only_as_a_filler(text: str, likes: int) -> None:
    assert measure(text).filler_words.count("like") == likes


def test_filler_words_are_not_counted_twice() -> None:
    delivery = measure("you know you know")
    assert delivery.filler_words == ("you know", "you know")
    assert delivery.fillers == 2


@pytest.mark.parametrize(
    ("text", "hedges"),
    [
        ("I think it overfits", 1),
        ("maybe it is probably fine", 2),
        ("I'm not sure", 1),  # one hedge, not also "not sure"
        ("not sure, perhaps, I guess", 3),
        ("I believe it might be bias", 2),
        ("it overfits", 0),
    ],
)
def test_hedges(text: str, hedges: int) -> None:
    assert measure(text).hedges == hedges


def test_long_pauses_are_gaps_over_one_and_a_half_seconds() -> None:
    words = [
        Word("a", 0.0, 0.5),
        Word("b", 0.5, 1.0),  # no gap
        Word("c", 1.25, 1.75),  # 0.25 s
        Word("d", 3.25, 3.75),  # exactly 1.5 s: not long
        Word("e", 5.5, 6.0),  # 1.75 s
        Word("f", 10.0, 10.5),  # 4 s
    ]
    assert words[3].start - words[2].end == LONG_PAUSE_SECONDS
    delivery = measure("a b c d e f", words)
    assert delivery.long_pauses == 2
    assert delivery.longest_pause_seconds == 4.0
    assert delivery.duration_seconds == 10.5


def test_fillers_per_minute() -> None:
    text = "um a b uh c d"
    delivery = measure(text, timed(text, step=5.0))  # 6 words over 30 s
    assert delivery.fillers == 2
    assert delivery.fillers_per_minute == 4.0


def test_typed_answers_have_no_timings() -> None:
    delivery = measure("um I think the model overfits, you know")
    assert delivery.words == 8
    assert delivery.fillers == 2
    assert delivery.hedges == 1
    assert delivery.duration_seconds is None
    assert delivery.words_per_minute is None
    assert delivery.fillers_per_minute is None
    assert delivery.longest_pause_seconds is None
    assert delivery.long_pauses == 0


def test_a_single_instant_word_has_no_pace() -> None:
    delivery = measure("a", [Word("a", 1.0, 1.0)])
    assert delivery.duration_seconds == 0.0
    assert delivery.words_per_minute is None
    assert delivery.longest_pause_seconds is None


def test_empty_answer() -> None:
    delivery = measure("")
    assert (delivery.words, delivery.fillers, delivery.hedges) == (0, 0, 0)


def test_transcript_duration() -> None:
    assert Transcript("").duration == 0.0
    assert Transcript("a b", (Word("a", 1.0, 1.5), Word("b", 2.0, 3.25))).duration == 2.25
