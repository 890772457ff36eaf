"""Finding rubric phrases in an answer, forgiving what speech and speech recognition do.

A phrase is compiled once into the canonical form of its words joined without spaces. The answer
is canonicalised the same way and joined too, remembering where each token starts and ends; a
phrase matches where its joined form occurs starting and ending on token boundaries. That one rule
makes "k-means", "k means" and "kmeans" the same, and "c n n" the same as "cnn", while "relu" can
never match inside "relupdate". Long words one edit away from a rubric word are corrected first.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from interview_sim.core.normalize import (
    LONG_WORD,
    NEGATORS,
    Tokens,
    canonical_words,
    raw_words,
    starts_of,
)

GAP_WORDS = 8
# A gap phrase "a ... b" does not reach across these: "bagging is parallel whereas boosting is
# sequential" must not match "bagging ... sequential".
CONTRASTS = frozenset(
    ["whereas", "while", "whilst", "but", "unlike", "however", "although", "though", "versus", "vs"]
)
FUZZY_MIN_LEN = LONG_WORD  # 8: Tokens.long_words are the words long enough to correct


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


@lru_cache(maxsize=100_000)
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
    """An answer tokenised and joined once, so that every phrase is matched against it fast.

    `canon` is the canonical tokens (long ones corrected) joined without spaces; `bounds` tells
    a scorer whether an occurrence found in `canon` starts and ends on token boundaries, and at
    which tokens.
    """

    __slots__ = ("_bounds", "_exact", "_joined", "_tokens", "canon", "raw", "words")

    def __init__(self, tokens: Tokens, vocabulary: AbstractSet[str], fuzzy: FuzzyIndex) -> None:
        words = tokens.canon
        unknown = tokens.long_words - vocabulary
        if unknown:
            fixes = fuzzy.corrections(unknown)
            if fixes:
                words = [fixes.get(w, w) for w in words]
        self.raw = tokens.raw
        self.words: list[str] = words
        self._tokens = tokens
        self.canon = "".join(words)
        self._bounds: list[int] | None = None
        self._joined: tuple[dict[int, int], dict[int, int], list[int]] | None = None
        self._exact: tuple[str, dict[int, int], dict[int, int], list[int]] | None = None

    @property
    def tokens(self) -> Tokens:
        """The tokens of the answer (with their character spans)."""
        return self._tokens

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Character offsets of the tokens in the original answer."""
        return self._tokens.spans

    @property
    def bounds(self) -> list[int] | None:
        """The offset in `canon` where each token starts, and its length last; None when a
        token is empty (an offset would then stand for two tokens): use `find` then."""
        if self._bounds is None and not self._tokens.has_empty:
            self._bounds = starts_of(self.words)
        return self._bounds

    def _canon_join(self) -> tuple[dict[int, int], dict[int, int], list[int]]:
        if self._joined is None:
            self._joined = _join(self.words)[1:]
        return self._joined

    def _exact_join(self) -> tuple[str, dict[int, int], dict[int, int], list[int]]:
        if self._exact is None:
            self._exact = _join(self.raw)
        return self._exact

    def find(self, part: PhrasePart, from_token: int = 0) -> Iterable[tuple[int, int]]:
        """Token ranges [first, last) where the part occurs, at or after `from_token`."""
        text, starts, ends, offsets = (
            self._exact_join() if part.exact else (self.canon, *self._canon_join())
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

    def find_exact(self, words: tuple[str, ...]) -> list[tuple[int, int]]:
        """Token ranges where the raw tokens are `words`, word for word (what `find` gives for
        an exact part, without joining the answer)."""
        raw = self.raw
        size = len(words)
        if not size:
            return []
        head = words[0]
        found: list[tuple[int, int]] = []
        i = 0
        while True:
            try:
                i = raw.index(head, i)
            except ValueError:
                return found
            if size == 1 or tuple(raw[i : i + size]) == words:
                found.append((i, i + size))
            i += 1

    def negated_before(self, first: int, window: int = 3) -> bool:
        """Whether a negating word stands within `window` tokens before token `first`."""
        return any(self._negates(i) for i in range(max(0, first - window), first))

    def contrast_within(self, first: int, last: int) -> bool:
        """Whether a word that turns to another subject ("whereas", "but") stands in the range."""
        return not CONTRASTS.isdisjoint(self.raw[first:last])

    def sentence_break_between(self, before: int, after: int) -> bool:
        """Whether a full stop, semicolon, question or exclamation mark stands between token
        `before` and token `after` in the original text (typed answers have them)."""
        if before < 0 or after >= len(self.raw):
            return False
        tokens = self._tokens
        (_, end), (start, _) = tokens.spans_of(((before, before + 1), (after, after + 1)))
        gap = tokens.text[end:start]
        return "." in gap or ";" in gap or "!" in gap or "?" in gap

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
    bounds = starts_of(words)
    offsets = bounds[:-1]
    indexes = range(len(words))
    starts = dict(zip(offsets, indexes, strict=True))
    ends = dict(zip(bounds[1:], indexes, strict=True))
    return "".join(words), starts, ends, offsets


class FuzzyIndex:
    """A rubric's long words, to correct one-letter mis-hearings.

    `correct` finds the indexed words one edit away by comparing with the few of the same first
    letter and a length within one (the same answer a symmetric-deletion index gives), and
    remembers its answers.
    """

    def __init__(self, words: Iterable[str]) -> None:
        groups: dict[str, list[str]] = {}
        for word in sorted(set(words)):
            if len(word) >= FUZZY_MIN_LEN and not word.isdigit():
                groups.setdefault(word[0], []).append(word)
        self._groups = {first: tuple(group) for first, group in groups.items()}
        self._known: dict[str, str | None] = {}
        self._fixes: dict[str, str] = {}  # the words of _known that have a correction

    def corrections(self, words: AbstractSet[str]) -> dict[str, str]:
        """`correct` of each word, for the words that have a correction."""
        if self._known.keys() >= words:  # all seen before: set operations only
            fixes = self._fixes
            return {w: fixes[w] for w in fixes.keys() & words} if fixes else {}
        found = {}
        for word in words:
            fixed = self.correct(word)
            if fixed is not None:
                found[word] = fixed
        return found

    def correct(self, word: str) -> str | None:
        """The rubric word one edit away from `word` (same first letter), if exactly one."""
        best = self._known.get(word, _UNKNOWN)
        if best is not _UNKNOWN:
            return best
        best = None
        if word:
            size = len(word)
            close = [
                w
                for w in self._groups.get(word[0], ())
                if -1 <= len(w) - size <= 1 and _distance(w, word, score_cutoff=1) <= 1
            ]
            best = close[0] if len(close) == 1 else None
        if len(self._known) > _KNOWN_LIMIT:
            self._known.clear()
            self._fixes.clear()
        self._known[word] = best
        if best is not None:
            self._fixes[word] = best
        return best


_distance = Levenshtein.distance
_KNOWN_LIMIT = 20_000  # words remembered by one rubric
_UNKNOWN = "\x00not known"  # no correction is this


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
