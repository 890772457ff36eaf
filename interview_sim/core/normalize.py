"""Turning spoken or typed text into canonical tokens that rubric phrases are matched against.

Both the answer and every rubric phrase go through the same steps, so each step only has to be
consistent, not linguistically perfect: lower case, split on anything that is not a letter or a
digit, number words as digits, British spellings as American, then a Snowball stem.

Speed (issue 10): an ASCII text, which nearly every answer is, is split with one `str.translate`
and one `str.split` instead of a regular expression, and its character spans come from the
lengths of the tokens and of the spaces between them; any other text takes the
regular-expression path. Canonical forms come from a plain dict, and the last few texts
tokenised are kept (`tokens_of`), so an answer scored against several rubrics, then measured for
delivery, is split only once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from functools import lru_cache
from itertools import compress, count

import snowballstemmer

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_STEMMER = snowballstemmer.stemmer("english")

NUMBER_WORDS: dict[str, str] = {
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "hundred": "100",
    "thousand": "1000",
}

_BRITISH_WORDS: dict[str, str] = {
    "behaviour": "behavior",
    "behaviours": "behaviors",
    "behavioural": "behavioral",
    "colour": "color",
    "favour": "favor",
    "neighbour": "neighbor",
    "neighbours": "neighbors",
    "labour": "labor",
    "centre": "center",
    "centres": "centers",
    "metre": "meter",
    "analyse": "analyze",
    "analysed": "analyzed",
    "analysing": "analyzing",
    "catalogue": "catalog",
    "programme": "program",
    "grey": "gray",
    "travelled": "traveled",
    "modelling": "modeling",
    "modelled": "modeled",
    "labelled": "labeled",
    "labelling": "labeling",
    "cancelled": "canceled",
    "signalling": "signaling",
    "tokenisation": "tokenization",
    "defence": "defense",
    "licence": "license",
    "optimisation": "optimization",
}

_BRITISH_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("iser", "izer"),
    ("isers", "izers"),
    ("ise", "ize"),
)
_ISE_KEEP = frozenset(
    [
        "rise",
        "arise",
        "wise",
        "otherwise",
        "likewise",
        "precise",
        "concise",
        "exercise",
        "noise",
        "raise",
        "praise",
        "advise",
        "devise",
        "revise",
        "supervise",
        "surprise",
        "expertise",
        "enterprise",
        "promise",
        "premise",
        "compromise",
        "franchise",
        "merchandise",
        "disguise",
        "comprise",
        "demise",
        "despise",
        "paradise",
        "cruise",
        "poise",
        "vise",
        "bruise",
        "concisely",
        "precisely",
        "exercised",
        "exercises",
        "raised",
        "raises",
        "praised",
        "advised",
        "supervised",
        "supervises",
        "supervising",
        "unsupervised",
        "semisupervised",
        "revised",
        "devised",
        "surprised",
        "promised",
        "comprised",
        "rises",
        "arises",
        "arising",
        "rising",
        "raising",
        "advising",
        "revising",
        "surprising",
        "promising",
        "noises",
        "wiser",
        "exerciser",
        "advisers",
        "adviser",
        "advisor",
        "supervisor",
    ]
)

NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "without",
        "neither",
        "nor",
        "isn",
        "aren",
        "doesn",
        "don",
        "didn",
        "wasn",
        "weren",
        "cannot",
        "shouldn",
        "mustn",
        "won",
        "wouldn",
        "hasn",
        "haven",
        "rather",
        "instead",
    ]
)


def americanize(word: str) -> str:
    """The American spelling of a British one (consistency matters more than coverage)."""
    mapped = _BRITISH_WORDS.get(word)
    if mapped is not None:
        return mapped
    if word in _ISE_KEEP or len(word) < 6:
        return word
    for suffix, replacement in _BRITISH_SUFFIXES:
        if word.endswith(suffix):
            return word[: -len(suffix)] + replacement
    return word


@lru_cache(maxsize=200_000)
def canonical(word: str) -> str:
    """The canonical form of one lower-case token: digits for number words, American, stemmed."""
    number = NUMBER_WORDS.get(word)
    if number is not None:
        return number
    if word.isdigit():
        return word
    return str(_STEMMER.stemWord(americanize(word)))


# Canonical forms by lower-case token, and the long ones among them (for fuzzy correction). Both
# are cleared together when the dict grows past the limit; `_generation` tells a Tokens made
# before a clear not to trust `_LONG`.
_CANON: dict[str, str] = {}
_CANON_LIMIT = 500_000
_LONG: set[str] = set()
_EMPTY: set[str] = set()  # tokens whose canonical form is empty (none known; never cleared)
_generation = 0
LONG_WORD = 8  # canonical words of this many letters or more may be corrected (matcher)

# ASCII letters lowered, digits kept, every other byte a space: what `_TOKEN` splits on, as a
# byte table (`bytes.translate` looks a byte up in an array; `str.translate` would look each
# character up in a dict). Only the first 128 entries are ever used.
_ASCII_BYTES = bytes(ord(chr(i).lower()) if chr(i).isalnum() else 32 for i in range(128)) + (
    b" " * 128
)


def _ascii_spaced(text: str) -> str:
    """An ASCII text lowered, with a space for every character that is not a letter or a digit
    (so its tokens are what `split()` gives, at the same offsets as in the text)."""
    return text.encode("ascii").translate(_ASCII_BYTES).decode("ascii")


def starts_of(words: list[str] | tuple[str, ...]) -> list[int]:
    """Where each word starts when the words are joined, and the joined length last: what
    `accumulate(map(len, words), initial=0)` gives, twice as quick compiled."""
    found = [0]
    at = 0
    for word in words:
        at += len(word)
        found.append(at)
    return found


def _canonical_list(raw: list[str]) -> list[str]:
    known = _CANON
    found: list[str] = []
    for word in raw:  # a compiled loop: one dict look-up each, no call through a bound method
        value = known.get(word)
        if value is None:
            break
        found.append(value)
    else:
        return found
    # a word not seen yet: the whole list again, learning as it goes (after a clear every word
    # must be learned again, so that `_LONG` holds the long forms of all of them)
    global _generation
    if len(_CANON) > _CANON_LIMIT:
        _CANON.clear()
        _LONG.clear()
        _generation += 1
    found = []
    for word in raw:
        value = _CANON.get(word)
        if value is None:
            value = _CANON[word] = canonical(word)
            if len(value) >= LONG_WORD:
                _LONG.add(value)
            elif not value:
                _EMPTY.add(word)
        found.append(value)
    return found


class Tokens:
    """An answer split into tokens, with where each came from in the original text.

    Character spans are worked out only when asked for (to show evidence). Treat the lists as
    read-only: a Tokens may be shared by everything that looks at the same text.
    """

    __slots__ = (
        "_generation",
        "_index",
        "_long",
        "_offsets",
        "_spaced",
        "_spans",
        "canon",
        "has_empty",
        "raw",
        "text",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        spaced: str | None = None
        if text.isascii():
            spaced = _ascii_spaced(text)
            raw = spaced.split()
        else:  # lower() may change the length of non-ASCII text: split, then lower each token
            raw = [t.lower() for t in _TOKEN.findall(text)]
        self._spaced = spaced
        self.raw: list[str] = raw
        self.canon: list[str] = _canonical_list(raw)
        self.has_empty = bool(_EMPTY) and not _EMPTY.isdisjoint(raw)
        self._generation = _generation
        self._long: AbstractSet[str] | None = None
        self._spans: list[tuple[int, int]] | None = None
        self._offsets: list[int] | None = None
        self._index: list[int] | None = None

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Character offsets of each token in the original text."""
        if self._spans is None:
            if self._spaced is None:
                self._spans = [m.span() for m in _TOKEN.finditer(self.text)]
            else:
                self._spans = list(self.spans_of([(i, i + 1) for i in range(len(self.raw))]))
        return self._spans

    def spans_of(self, ranges: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
        """Character offsets of token ranges [first, last), each taken as a whole."""
        spaced = self._spaced
        if spaced is None:
            spans = self.spans
            return tuple([(spans[first][0], spans[last - 1][1]) for first, last in ranges])
        offsets = self._offsets
        if offsets is None:
            raw = self.raw
            offsets = starts_of(raw)
            if offsets[-1] + len(raw) - 1 != len(spaced):  # not just one space between tokens
                # then piece i of the text split at each space starts at offsets[i] + i
                pieces = spaced.split(" ")
                offsets = starts_of(pieces)
                self._index = list(compress(count(), pieces))
            self._offsets = offsets
        index = self._index
        if index is None:  # token i starts at offsets[i] + i
            return tuple([(offsets[a] + a, offsets[b] + b - 1) for a, b in ranges])
        found = []
        for first, last in ranges:
            a, b = index[first], index[last - 1]
            found.append((offsets[a] + a, offsets[b + 1] + b))
        return tuple(found)

    @property
    def long_words(self) -> AbstractSet[str]:
        """The distinct canonical tokens of at least LONG_WORD letters (read-only)."""
        if self._long is None:
            long = _LONG.intersection(self.canon) if self._generation == _generation else None
            if long is None or self._generation != _generation:  # _LONG cleared since
                long = {w for w in self.canon if len(w) >= LONG_WORD}
            self._long = long
        return self._long


def tokenize(text: str) -> Tokens:
    """Split text into tokens with their canonical forms and character spans."""
    return Tokens(text)


_RECENT: dict[str, Tokens] = {}
_RECENT_LIMIT = 16


def tokens_of(text: str) -> Tokens:
    """Like `tokenize`, but shared with the last few callers that asked for the same text."""
    tokens = _RECENT.get(text)
    if tokens is None:
        if len(_RECENT) >= _RECENT_LIMIT:
            _RECENT.clear()
        tokens = _RECENT[text] = Tokens(text)
    return tokens


def raw_words(text: str) -> list[str]:
    """The lower-case tokens of a short text, without folding."""
    if text.isascii():
        return _ascii_spaced(text).split()
    return [t.lower() for t in _TOKEN.findall(text)]


def canonical_words(text: str) -> list[str]:
    """The canonical tokens of a short text such as a rubric phrase."""
    return [canonical(word) for word in raw_words(text)]
