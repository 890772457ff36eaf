"""Turning spoken or typed text into canonical tokens that rubric phrases are matched against.

Both the answer and every rubric phrase go through the same steps, so each step only has to be
consistent, not linguistically perfect: lower case, split on anything that is not a letter or a
digit, number words as digits, British spellings as American, then a Snowball stem.
"""

from __future__ import annotations

import re
from functools import lru_cache

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


_CANON: dict[str, str] = {}
_CANON_LIMIT = 500_000


class Tokens:
    """An answer split into tokens, with where each came from in the original text.

    Character spans are worked out only when asked for (to show evidence), since most of the
    time of scoring goes into tokenising.
    """

    __slots__ = ("_spans", "canon", "raw", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.raw: list[str] = [t.lower() for t in _TOKEN.findall(text)]
        cache = _CANON
        if len(cache) > _CANON_LIMIT:
            cache.clear()
        canon = [cache.get(t) for t in self.raw]
        for i, value in enumerate(canon):
            if value is None:
                word = self.raw[i]
                canon[i] = cache[word] = canonical(word)
        self.canon: list[str] = canon  # type: ignore[assignment]
        self._spans: list[tuple[int, int]] | None = None

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Character offsets of each token in the original text."""
        if self._spans is None:
            self._spans = [m.span() for m in _TOKEN.finditer(self.text)]
        return self._spans


def tokenize(text: str) -> Tokens:
    """Split text into tokens with their canonical forms and character spans."""
    return Tokens(text)


def canonical_words(text: str) -> list[str]:
    """The canonical tokens of a short text such as a rubric phrase."""
    return [canonical(m.group().lower()) for m in _TOKEN.finditer(text)]


def raw_words(text: str) -> list[str]:
    """The lower-case tokens of a short text, without folding."""
    return [m.group().lower() for m in _TOKEN.finditer(text)]
