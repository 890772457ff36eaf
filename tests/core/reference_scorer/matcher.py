"""Finding rubric phrases in an answer, forgiving what speech and speech recognition do.

A phrase is compiled once into the canonical form of its words joined without spaces. The answer
is canonicalised the same way and joined too, remembering where each token starts and ends; a
phrase matches where its joined form occurs starting and ending on token boundaries. That one rule
makes "k-means", "k means" and "kmeans" the same, and "c n n" the same as "cnn", while "relu" can
never match inside "relupdate". Long words one edit away from a rubric word are corrected first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from rapidfuzz.distance import Levenshtein

from .normalize import NEGATORS, Tokens, canonical_words, raw_words

GAP_WORDS = 8
# A gap phrase "a ... b" does not reach across these: "bagging is parallel whereas boosting is
# sequential" must not match "bagging ... sequential".
CONTRASTS = frozenset(
    ["whereas", "while", "whilst", "but", "unlike", "however", "although", "though", "versus", "vs"]
)
FUZZY_MIN_LEN = 8


@dataclass(frozen=True, slots=True)
class PhrasePart:
    """One piece of a phrase: canonical (folded) or exact."""

    joined: str
    exact: bool
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CompiledPhrase:
    """A rubric phrase ready to match: one part, or several separated by `...`."""

    text: str
    parts: tuple[PhrasePart, ...]


def compile_phrase(text: str) -> CompiledPhrase | None:
    """Compile one phrase; None when it has no letters or digits at all."""
    parts: list[PhrasePart] = []
    for piece in text.split("..."):
        piece = piece.strip()
        exact = piece.startswith("=")
        words = raw_words(piece[1:]) if exact else canonical_words(piece)
        if not words:
            continue
        parts.append(PhrasePart("".join(words), exact, tuple(words)))
    return CompiledPhrase(text, tuple(parts)) if parts else None


class PreparedAnswer:
    """An answer tokenised and joined once, so that every phrase is matched against it fast."""

    __slots__ = ("_exact", "_tokens", "canon", "ends", "offsets", "raw", "starts")

    def __init__(self, tokens: Tokens, vocabulary: frozenset[str], fuzzy: FuzzyIndex) -> None:
        canon = tokens.canon
        unknown = [
            i for i, w in enumerate(canon) if len(w) >= FUZZY_MIN_LEN and w not in vocabulary
        ]
        if unknown:
            canon = list(canon)
            for i in unknown:
                fixed = fuzzy.correct(canon[i])
                if fixed is not None:
                    canon[i] = fixed
        self.raw = tokens.raw
        self._tokens = tokens
        self.canon, self.starts, self.ends, self.offsets = _join(canon)
        self._exact: tuple[str, dict[int, int], dict[int, int], list[int]] | None = None

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Character offsets of the tokens in the original answer."""
        return self._tokens.spans

    def _exact_join(self) -> tuple[str, dict[int, int], dict[int, int], list[int]]:
        if self._exact is None:
            self._exact = _join(self.raw)
        return self._exact

    def find(self, part: PhrasePart, from_token: int = 0) -> Iterable[tuple[int, int]]:
        """Token ranges [first, last) where the part occurs, at or after `from_token`."""
        text, starts, ends, offsets = (
            self._exact_join() if part.exact else (self.canon, self.starts, self.ends, self.offsets)
        )
        needle = part.joined
        if not needle or from_token >= len(offsets):
            return
        pos = offsets[from_token]
        while True:
            pos = text.find(needle, pos)
            if pos < 0:
                return
            first = starts.get(pos)
            if first is not None:
                end = pos + len(needle)
                last = ends.get(end)
                if last is None and not part.exact and text[end : end + 1] == "s":
                    last = ends.get(end + 1)  # a plural the stemmer kept: "cnns", "svms"
                if (
                    part.exact
                    and last is not None
                    and tuple(self.raw[first : last + 1]) != part.words
                ):
                    last = None  # exact means word for word: "=ai" is not "a, i think"
                if last is not None:
                    yield first, last + 1
            pos += 1

    def negated_before(self, first: int, window: int = 3) -> bool:
        """Whether a negating word stands within `window` tokens before token `first`."""
        return any(self._negates(i) for i in range(max(0, first - window), first))

    def contrast_within(self, first: int, last: int) -> bool:
        """Whether a word that turns to another subject ("whereas", "but") stands in the range."""
        return any(w in CONTRASTS for w in self.raw[first:last])

    def sentence_break_between(self, before: int, after: int) -> bool:
        """Whether a full stop, semicolon, question or exclamation mark stands between token
        `before` and token `after` in the original text (typed answers have them)."""
        if before < 0 or after >= len(self.raw):
            return False
        spans = self._tokens.spans
        gap = self._tokens.text[spans[before][1] : spans[after][0]]
        return any(mark in gap for mark in ".;!?")

    def negated_within(self, first: int, last: int) -> bool:
        """Whether a negating word stands inside the token range."""
        return any(self._negates(i) for i in range(first, last))

    def _negates(self, index: int) -> bool:
        word = self.raw[index]
        # "can't" splits into "can" + "t", and "can" alone negates nothing
        return word in NEGATORS or (word == "t" and index > 0 and self.raw[index - 1] == "can")


def _join(
    words: list[str] | tuple[str, ...],
) -> tuple[str, dict[int, int], dict[int, int], list[int]]:
    """The words joined, with the token index at each start and end offset."""
    bounds = list(accumulate(map(len, words), initial=0))
    offsets = bounds[:-1]
    indexes = range(len(words))
    starts = dict(zip(offsets, indexes, strict=True))
    ends = dict(zip(bounds[1:], indexes, strict=True))
    return "".join(words), starts, ends, offsets


class FuzzyIndex:
    """Symmetric-deletion index of a rubric's long words, to correct one-letter mis-hearings."""

    def __init__(self, words: Iterable[str]) -> None:
        self._index: dict[str, set[str]] = {}
        for word in words:
            if len(word) < FUZZY_MIN_LEN or word.isdigit():
                continue
            for key in (word, *_deletions(word)):
                self._index.setdefault(key, set()).add(word)

    def correct(self, word: str) -> str | None:
        """The rubric word one edit away from `word` (same first letter), if exactly one."""
        found: set[str] = set()
        for key in (word, *_deletions(word)):
            found.update(self._index.get(key, ()))
        best = [
            w
            for w in found
            if w[0] == word[0] and Levenshtein.distance(w, word, score_cutoff=1) <= 1
        ]
        return best[0] if len(best) == 1 else None


def _deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def match_phrase(answer: PreparedAnswer, phrase: CompiledPhrase) -> list[tuple[int, int]] | None:
    """The token ranges of the first occurrence of the phrase (one per part), or None."""
    canon = answer.canon
    for part in phrase.parts:  # a cheap substring test rules out most phrases at C speed
        if not part.exact and part.joined not in canon:
            return None
    first_part, rest = phrase.parts[0], phrase.parts[1:]
    for start, end in answer.find(first_part):
        ranges = [(start, end)]
        if _match_rest(answer, rest, end, ranges):
            return ranges
    return None


def _match_rest(
    answer: PreparedAnswer, rest: tuple[PhrasePart, ...], after: int, ranges: list[tuple[int, int]]
) -> bool:
    if not rest:
        return True
    part = rest[0]
    for start, end in answer.find(part, after):
        if (
            start - after > GAP_WORDS
            or answer.contrast_within(after, start)
            or answer.sentence_break_between(after - 1, start)
        ):
            return False
        ranges.append((start, end))
        if _match_rest(answer, rest[1:], end, ranges):
            return True
        ranges.pop()
    return False


def vocabulary_of(phrases: Iterable[CompiledPhrase]) -> frozenset[str]:
    """The canonical words of phrases, for fuzzy correction."""
    words: set[str] = set()
    for phrase in phrases:
        for part in phrase.parts:
            if not part.exact:
                words.update(part.words)
    return frozenset(words)
