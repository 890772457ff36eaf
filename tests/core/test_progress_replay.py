"""core.replay: which word is playing, seeking by word, words placed in the transcript."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interview_sim.core.replay import align_words, seek_word, word_at, words_from_rows
from interview_sim.core.transcript import Word

WORDS = [Word("gradient", 0.5, 0.9), Word("descent", 1.0, 1.4), Word("converges", 3.0, 3.6)]


@pytest.mark.parametrize(
    ("seconds", "index"),
    [(0.0, None), (0.49, None), (0.5, 0), (0.95, 0), (1.0, 1), (2.5, 1), (3.0, 2), (99.0, 2)],
)
def test_word_at_keeps_the_last_started_word_lit(seconds: float, index: int | None) -> None:
    assert word_at(WORDS, seconds) == index


def test_word_at_without_words() -> None:
    assert word_at([], 1.0) is None


@pytest.mark.parametrize(
    ("current", "step", "expected"),
    [(None, 1, 0), (None, -1, None), (0, 1, 1), (2, 1, 2), (1, -1, 0), (0, -5, 0), (0, 10, 2)],
)
def test_seek_word_stays_in_range(current: int | None, step: int, expected: int | None) -> None:
    assert seek_word(WORDS, current, step) == expected
    assert seek_word([], current, step) is None


def test_words_from_rows_drops_bad_entries_and_sorts() -> None:
    rows = [
        {"w": "b", "s": 2.0, "e": 2.5, "c": 0.8},
        {"w": "a", "s": "1.0", "e": 1.2},
        {"w": "", "s": 0.1, "e": 0.2},
        {"w": "x", "s": "soon"},
        {"w": "inf", "s": float("inf")},
        {"w": "neg", "s": -1.0, "e": -2.0},
        "not a dict",
    ]
    words = words_from_rows(rows)  # type: ignore[arg-type]
    assert [(w.text, w.start, w.end) for w in words] == [
        ("neg", 0.0, 0.0),
        ("a", 1.0, 1.2),
        ("b", 2.0, 2.5),
    ]
    assert words[2].conf == 0.8
    assert words_from_rows(None) == []


def test_align_words_finds_each_word_in_order() -> None:
    text = "Gradient descent, it converges."
    spans = align_words(text, WORDS)
    assert [text[s[0] : s[1]] for s in spans if s] == ["Gradient", "descent", "converges"]


def test_align_words_skips_words_not_in_the_text() -> None:
    text = "the the cat"
    words = [Word("the", 0, 1), Word("dog", 1, 2), Word("the", 2, 3), Word("cat", 3, 4)]
    assert align_words(text, words) == [(0, 3), None, (4, 7), (8, 11)]


@given(st.text(max_size=60), st.lists(st.text(max_size=8), max_size=10))
def test_align_words_spans_always_point_at_the_word(text: str, tokens: list[str]) -> None:
    words = [Word(t, float(i), float(i) + 0.5) for i, t in enumerate(tokens)]
    spans = align_words(text, words)
    assert len(spans) == len(words)
    ends = [s[1] for s in spans if s]
    assert ends == sorted(ends)
    for word, span in zip(words, spans, strict=True):
        if span is not None:
            assert text[span[0] : span[1]].lower() == word.text.lower()
