"""Drafting a rubric from a reference answer, so that an imported bank is usable at once.

The draft is a start the user then tunes. The rules are generic (nothing depends on a subject):

- the reference is cut into idea units: clauses, split at punctuation and at conjunctions and
  relative pronouns ("and", "because", "which", ...); each unit becomes one concept;
- a concept's phrases are the unit's content words (not stopwords, not words of the question's
  own prompt, not words an earlier concept already has), any one of which shows the concept; an
  acronym defined in the reference ("principal component analysis (PCA)") becomes two phrases,
  the expansion and the acronym, which the matcher then also hears spelled out ("p c a");
- a concept's weight is how specific its words are to this reference against the rest of the
  bank: the highest inverse document frequency of its words over the bank's references;
- when there are more units than a rubric may hold, units are merged into sentences, and then
  only the most specific sentences are kept;
- partial credit: with three ideas or more, one more concept holds the reference's most specific
  phrases ("key terms"), weighted so that an answer naming one idea earns about half the marks
  rather than 1/n of them; the other ideas then add the rest.

Nothing is marked required and no misconceptions are drafted: those need a person's judgement.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from interview_sim.core.bank_schema import Concept, Rubric
from interview_sim.core.normalize import canonical, raw_words

MAX_CONCEPTS = 12
MAX_PHRASES = 8
NAME_WORDS = 4
MAX_WEIGHT = 10.0
MAX_IDEAS = MAX_CONCEPTS - 1  # one slot is kept for the key-terms concept
KEY_TERMS = 4  # phrases of the key-terms concept: the most specific of the reference


def _wordlist(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words and light verbs of English, which show no idea by themselves. Words that do
# carry meaning in a technical answer ("first", "last", "two", "less", "new") are not in it.
STOPWORDS = _wordlist(
    """
    a about above across after again against all almost along also although always am among an
    and another any anyone anything are around as at be became because become becomes been
    before being below between both but by can could did do does doing done down during each
    either else etc even ever every for from further had has have having he her here hers
    herself him himself his how however i if in into is it its itself just let like may me might
    mine more most much must my myself neither no nor not now of off often on only onto or
    other others otherwise our ours ourselves out over own per quite rather really same shall
    she should since so some something such than that the their theirs them themselves then
    there therefore these they this those though through thus to too toward towards under unless
    until up upon us very via was we were what whatever when whenever where whereas whether
    which while who whom whose why will with within without would yes yet you your yours
    yourself yourselves basically usually generally simply actually someone one ones use used
    uses using eg ie
    go goes going went gone get gets getting got take takes taking took taken make makes making
    made give gives gave put puts come comes came say says said see sees saw seen want wants
    based given include includes included including involve involves involved achieve achieves
    achieved
    """
)
# Where one idea unit ends: coordinating and subordinating conjunctions, relative pronouns.
UNIT_BREAKS = _wordlist(
    """
    and or but nor so yet because although though while whereas if unless when whenever since
    until than then which that who whom whose where
    """
)
_PUNCT_BREAKS = frozenset('.,;:!?()[]{}"/')
_SENTENCE_ENDS = frozenset(".;!?")
_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*|[^\w\s]", re.UNICODE)
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9]*[A-Z0-9]s?$")


@dataclass(frozen=True, slots=True)
class DraftQuestion:
    """A question to draft a rubric for: its prompt and reference answer."""

    id: str
    prompt: str
    reference: str
    topic: str = "General"
    difficulty: str = "medium"


@dataclass(slots=True)
class _Unit:
    """An idea unit of the reference: its words in order and the sentence it belongs to."""

    sentence: int
    start: int = 0
    end: int = 0
    words: list[str] = field(default_factory=list)
    text: str = ""


class Specificity:
    """Inverse document frequency of canonical words over a bank's reference answers."""

    def __init__(self, references: Iterable[str]) -> None:
        self._df: dict[str, int] = {}
        self._n = 0
        for text in references:
            self._n += 1
            for word in set(canonical_content(text)):
                self._df[word] = self._df.get(word, 0) + 1

    def idf(self, word: str) -> float:
        """ln((N + 1) / (df + 1)) + 1: 1 for a word in every reference, more for rarer ones."""
        df = self._df.get(canonical(word.lower()), 0)
        return math.log((self._n + 1) / (df + 1)) + 1.0


def canonical_content(text: str) -> list[str]:
    """The canonical forms of a text's content words."""
    return [canonical(w) for w in raw_words(text) if _is_content(w)]


def _is_content(word: str) -> bool:
    if word in STOPWORDS:
        return False
    return not (len(word) == 1 and not word.isdigit())


def _is_symbol(token: str) -> bool:
    """A one-letter name written in capitals, such as the N of "N operations"."""
    return len(token) == 1 and token.isupper() and token not in {"A", "I"}


def _units(reference: str) -> list[_Unit]:
    """Cut a reference into idea units, keeping original spellings, spans and sentences."""
    units: list[_Unit] = []
    sentence = 0
    current = _Unit(sentence)

    def close() -> None:
        nonlocal current
        if current.words:
            units.append(current)
        current = _Unit(sentence)

    for match in _TOKEN.finditer(reference):
        token = match.group()
        if not token[0].isalnum():
            if token in _PUNCT_BREAKS:
                close()
                if token in _SENTENCE_ENDS:
                    sentence += 1
                    current.sentence = sentence
            continue
        if token.lower() in UNIT_BREAKS:
            close()
            continue
        if not current.words:
            current.start = match.start()
        current.end = match.end()
        current.words.append(token)
    close()
    for unit in units:
        unit.text = reference[unit.start : unit.end]
    return units


def _acronyms(reference: str) -> dict[str, tuple[str, str]]:
    """Acronyms the reference defines, by the lower-case acronym: (expansion, acronym)."""
    found: dict[str, tuple[str, str]] = {}
    pattern = re.compile(r"([A-Za-z][A-Za-z\- ]{2,80}?)\s*\(\s*([A-Za-z][A-Za-z0-9]{1,7})\s*\)")
    for match in pattern.finditer(reference):
        before, acronym = match.group(1), match.group(2)
        if not _ACRONYM.match(acronym):
            continue
        letters = acronym.rstrip("s").lower()
        words = re.findall(r"[A-Za-z]+", before)
        # the expansion is the shortest tail of the words whose initials spell the acronym
        for size in range(1, min(len(words), len(letters) + 3) + 1):
            tail = words[-size:]
            initials = "".join(w[0].lower() for w in tail if w.lower() not in STOPWORDS)
            if initials == letters:
                found[letters] = (" ".join(t.lower() for t in tail), acronym.lower())
                break
    return found


def _unique_name(base: str, taken: set[str]) -> str:
    name = base[:60].strip() or "idea"
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate = f"{name} ({n})"
        n += 1
    taken.add(candidate.lower())
    return candidate


def draft_rubric(prompt: str, reference: str, specificity: Specificity | None = None) -> Rubric:
    """A drafted rubric for one question (see the module docstring for the rules)."""
    spec = specificity or Specificity([reference])
    asked = {canonical(w) for w in raw_words(prompt)}
    acronyms = _acronyms(reference)
    expansion_words = {
        canonical(w) for expansion, _ in acronyms.values() for w in raw_words(expansion)
    }
    seen: set[str] = set()
    groups: list[tuple[_Unit, list[str]]] = []
    for unit in _units(reference):
        phrases: list[str] = []
        for token in unit.words:
            lower = token.lower()
            acronym_key = lower.removesuffix("s") if lower not in acronyms else lower
            if acronym_key in acronyms:
                expansion, acronym = acronyms[acronym_key]
                if acronym not in seen:
                    seen.add(acronym)
                    phrases += [expansion, acronym]
                continue
            parts = raw_words(lower)
            if not (any(_is_content(w) for w in parts) or _is_symbol(token)):
                continue
            folded = [canonical(w) for w in parts]
            key = "".join(folded)
            if key in seen or all(f in asked or f in expansion_words for f in folded):
                continue
            seen.add(key)
            phrases.append(lower)
        if phrases:
            groups.append((unit, phrases))
    if not groups:
        # everything the reference says is already in the prompt: keep its content words
        fallback = list(dict.fromkeys(w for w in raw_words(reference) if _is_content(w)))
        fallback = fallback or raw_words(reference)[:1] or ["answer"]
        whole = _Unit(0, 0, len(reference), fallback, reference.strip())
        groups = [(whole, fallback[:MAX_PHRASES])]
    if len(groups) > MAX_IDEAS:
        groups = _merge_sentences(groups, reference)
    concepts = [_concept(unit, phrases, spec) for unit, phrases in groups]
    if len(concepts) > MAX_IDEAS:
        keep = sorted(range(len(concepts)), key=lambda i: -concepts[i][1])[:MAX_IDEAS]
        concepts = [concepts[i] for i in sorted(keep)]
    concepts = _with_key_terms(concepts, spec)
    taken: set[str] = set()
    return Rubric(
        concepts=[
            Concept(
                name=_unique_name(name, taken),
                weight=weight,
                meaning=meaning,
                phrases=phrases,
            )
            for name, weight, meaning, phrases in concepts
        ]
    )


def _merge_sentences(
    groups: list[tuple[_Unit, list[str]]], reference: str
) -> list[tuple[_Unit, list[str]]]:
    merged: dict[int, tuple[_Unit, list[str]]] = {}
    for unit, phrases in groups:
        if unit.sentence in merged:
            whole, words = merged[unit.sentence]
            whole.end = unit.end
            whole.text = reference[whole.start : whole.end]
            whole.words += unit.words
            words += phrases
        else:
            copy = _Unit(unit.sentence, unit.start, unit.end, list(unit.words), unit.text)
            merged[unit.sentence] = (copy, list(phrases))
    return list(merged.values())


def _concept(
    unit: _Unit, phrases: list[str], spec: Specificity
) -> tuple[str, float, str, list[str]]:
    scored = [
        (spec.idf(p.split()[-1]) if " " in p else spec.idf(p), i, p) for i, p in enumerate(phrases)
    ]
    weight = max(s for s, _, _ in scored)
    if len(scored) > MAX_PHRASES:
        keep = sorted(scored, key=lambda t: (-t[0], t[1]))[:MAX_PHRASES]
        scored = sorted(keep, key=lambda t: t[1])
    kept = [p for _, _, p in scored]
    name = " ".join(kept[:NAME_WORDS])
    meaning = f"The reference answer says: {unit.text.strip()}."
    return name, round(min(MAX_WEIGHT, weight), 1), meaning, kept


def _with_key_terms(
    concepts: list[tuple[str, float, str, list[str]]], spec: Specificity
) -> list[tuple[str, float, str, list[str]]]:
    """The idea concepts and, for three ideas or more, a key-terms concept for partial credit.

    With n ideas of mean weight w, the key-terms concept (any one of the reference's most
    specific phrases) weighs (n - 2) * w, so that an answer naming one idea with a key term
    earns about half the marks, however many ideas the reference lists; with two ideas or fewer
    one idea already earns half, and nothing is added. Weights are then scaled to stay within
    the schema's limit.
    """
    if len(concepts) < 3:
        return concepts
    every = [p for _, _, _, phrases in concepts for p in phrases]
    ranked = sorted(range(len(every)), key=lambda i: (-_phrase_idf(every[i], spec), i))
    key_terms = [every[i] for i in sorted(ranked[:KEY_TERMS])]
    mean = sum(weight for _, weight, _, _ in concepts) / len(concepts)
    weights = [weight for _, weight, _, _ in concepts] + [(len(concepts) - 2) * mean]
    scale = min(1.0, MAX_WEIGHT / max(weights))
    meaning = "Names at least one key term of the reference answer: " + ", ".join(key_terms) + "."
    drafted = [*concepts, ("key terms", 0.0, meaning, key_terms)]
    return [
        (name, max(0.1, round(weight * scale, 1)), text, phrases)
        for (name, _, text, phrases), weight in zip(drafted, weights, strict=True)
    ]


def _phrase_idf(phrase: str, spec: Specificity) -> float:
    words = [w for w in raw_words(phrase) if _is_content(w)] or raw_words(phrase)
    return max((spec.idf(w) for w in words), default=1.0)


def draft_bank_rubrics(questions: Sequence[DraftQuestion]) -> list[Rubric]:
    """A drafted rubric for every question, specificity measured over all their references."""
    spec = Specificity(q.reference for q in questions)
    return [draft_rubric(q.prompt, q.reference, spec) for q in questions]
