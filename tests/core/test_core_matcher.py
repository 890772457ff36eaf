"""Phrase matching tables: what speech and speech recognition do must still match; near misses
must not. Each case builds a one-concept rubric, so the fuzzy vocabulary is that phrase alone."""

from __future__ import annotations

import pytest

from interview_sim.core.bank_schema import Rubric
from interview_sim.core.matcher import GAP_WORDS, compile_phrase
from interview_sim.core.normalize import americanize, canonical, tokenize
from interview_sim.core.scoring import CompiledRubric, ConceptResult


def concept_for(phrases: list[str], text: str) -> ConceptResult:
    rubric = Rubric(concepts=[{"name": "idea", "phrases": phrases}])
    return CompiledRubric(rubric).score(text).concepts[0]


# (phrase, answer, the exact substring of the answer that is the evidence)
MUST_MATCH = [
    # hyphens, spaces and joined words
    ("k-means", "we ran k means on it", "k means"),
    ("k-means", "kmeans is simple", "kmeans"),
    ("k-means", "k-means is simple", "k-means"),
    ("k means", "use kmeans here", "kmeans"),
    ("kmeans", "I would use K-Means first", "K-Means"),
    ("trade off", "there is a trade-off", "trade-off"),
    ("trade-off", "it is a tradeoff", "tradeoff"),
    # numbers and letters spoken as words
    ("l2", "add an l two penalty", "l two"),
    ("l2", "add an L2 penalty", "L2"),
    ("l two", "add an L2 penalty", "L2"),
    ("f1 score", "report the f one score", "f one score"),
    ("f1 score", "report the F1-score", "F1-score"),
    ("f one score", "the f1 score is", "f1 score"),
    ("cnn", "a c n n works", "c n n"),
    ("cnn", "a CNN works", "CNN"),
    ("c n n", "a CNN works", "CNN"),
    ("cnn", "CNNs are good for images", "CNNs"),
    ("svm", "SVMs use margins", "SVMs"),
    ("gpt 3", "gpt three is big", "gpt three"),
    # inflections
    ("overfit", "the model is overfitting", "overfitting"),
    ("overfit", "the model overfitted badly", "overfitted"),
    ("overfit", "it overfits", "overfits"),
    ("overfitting", "it overfit the data", "overfit"),
    ("overfitted", "it is overfitting", "overfitting"),
    ("centroid", "move the centroids", "centroids"),
    # British and American spellings
    ("regularisation", "use regularization", "regularization"),
    ("regularization", "use regularisation", "regularisation"),
    ("normalise", "we normalized the inputs", "normalized"),
    ("behaviour", "the behavior of the model", "behavior"),
    ("cluster centre", "the cluster center moves", "cluster center"),
    # one-letter mis-hearings of long words (8 letters or more): wrong, missing, added
    ("gradient", "the gradiant flows", "gradiant"),
    ("transformer", "a transfomer model", "transfomer"),
    ("gradient", "the gradieent flows", "gradieent"),
    ("backpropagation", "then backpropegation", "backpropegation"),
    ("centroid", "the nearest centroyd", "centroyd"),
    # case and punctuation
    ("bias", "BIAS!", "BIAS"),
    ("bias", "(bias)", "bias"),
    # exact phrases
    ("=ai", "ai is everywhere", "ai"),
    ("=ai", "AI. Then more", "AI"),
    ("=ReLU", "a relu layer", "relu"),
]


@pytest.mark.parametrize(("phrase", "text", "evidence"), MUST_MATCH)
def test_spoken_forms_match_with_evidence_pointing_into_the_answer(
    phrase: str, text: str, evidence: str
) -> None:
    result = concept_for([phrase], text)
    assert result.matched, f"{phrase!r} should match {text!r}"
    assert result.evidence == (evidence,)
    (start, end) = result.spans[0]
    assert text[start:end] == evidence
    assert (start, end) == (text.index(evidence), text.index(evidence) + len(evidence))


MUST_NOT_MATCH = [
    # never inside another word
    ("relu", "call relupdate now"),
    ("art", "start the job"),
    ("art", "a smart model"),
    ("bias", "unbiased estimate"),
    ("cnn", "cnnx is a thing"),
    ("k-means", "kmeansx"),
    # short words are never fuzzy-matched (fewer than 8 letters)
    ("bias", "bass guitar"),
    ("relu", "relo"),
    ("token", "tokan"),
    ("loss", "lose"),
    ("lasso", "lassa"),
    ("dropout", "dropaut"),
    ("softmax", "softmix"),
    # different first letter is never fuzzy
    ("variance", "cariance"),
    ("gradient", "bradient"),
    ("dropout", "cropout"),
    # more than one letter wrong
    ("variance", "varyense"),
    ("gradient", "gradyant"),
    # word order and missing words
    ("training data", "training the data"),
    ("weight decay", "decay weight"),
    # exact: no inflection, no fuzziness, no joining of separate words
    ("=ai", "ais are here"),
    ("=ai", "it's a, i think, fine"),
    ("=overfit", "it is overfitting"),
    ("=variance", "varience"),
    # numbers are numbers
    ("l2", "l1 penalty"),
    ("l2", "l twenty"),
]


@pytest.mark.parametrize(("phrase", "text"), MUST_NOT_MATCH)
def test_near_misses_do_not_match(phrase: str, text: str) -> None:
    result = concept_for([phrase], text)
    assert not result.matched, f"{phrase!r} should not match {text!r}: {result.evidence}"
    assert result.evidence == ()
    assert result.spans == ()


# Known gaps, kept as strict xfails so that a fix is noticed (see the report).
STEMMER_OVERREACH = [
    ("regularization", "a regular model"),
    ("generalization", "in general it works"),
    ("normalization", "a normal distribution"),
    ("optimization", "the optimal point"),
    ("computation", "a computer"),
]


@pytest.mark.xfail(
    strict=True,
    reason="the Snowball stemmer folds derivations, not only inflections: 'regularization' and"
    " 'regular' share the stem 'regular', so a phrase matches words the answer never said",
)
@pytest.mark.parametrize(("phrase", "text"), STEMMER_OVERREACH)
def test_derived_words_are_not_the_same_word(phrase: str, text: str) -> None:
    assert not concept_for([phrase], text).matched


MISHEARD_LONG_WORDS = [
    ("variance", "high varience here"),
    ("variance", "high varance here"),
    ("variance", "high variancee here"),
    ("gradient", "the gradent flows"),  # the answer's word has 7 letters, the rubric's 8
]


@pytest.mark.xfail(
    strict=True,
    reason="the 8-letter threshold is measured on the stem, not the word: 'variance' stems to"
    " 'varianc' (7 letters), so 'varience' is never forgiven although docs/banks.md promises"
    " it for any word of 8 letters or more",
)
@pytest.mark.parametrize(("phrase", "text"), MISHEARD_LONG_WORDS)
def test_one_letter_mishearing_of_an_eight_letter_word(phrase: str, text: str) -> None:
    assert concept_for([phrase], text).matched


MISHEARD_SUFFIXES = [
    ("regularization", "we used regularizaton"),
    ("convolution", "a convoluton layer"),
    ("backpropagation", "then backpropagaton"),
    ("normalization", "layer normalizaton"),
    ("attention", "self attenton"),
]


@pytest.mark.xfail(
    strict=True,
    reason="the one-letter correction compares stems, not words: a mis-hearing in the part the"
    " stemmer changes ('regularizaton' stems to 'regularizaton', not 'regular') is not forgiven,"
    " although docs/banks.md promises it for any word of 8 letters or more",
)
@pytest.mark.parametrize(("phrase", "text"), MISHEARD_SUFFIXES)
def test_one_letter_mishearing_anywhere_in_a_long_word(phrase: str, text: str) -> None:
    assert concept_for([phrase], text).matched


def gap_answer(between: int) -> str:
    fillers = " ".join(f"w{i}" for i in range(between))
    return f"sensitive {fillers} training data".replace("  ", " ")


@pytest.mark.parametrize("between", [0, 1, 3, GAP_WORDS - 1])
def test_gap_phrase_matches_within_the_next_eight_words(between: int) -> None:
    text = gap_answer(between)
    result = concept_for(["sensitive ... training data"], text)
    assert result.matched
    assert result.evidence == ("sensitive", "training data")
    assert [text[s:e] for s, e in result.spans] == ["sensitive", "training data"]


@pytest.mark.parametrize("between", [GAP_WORDS + 1, GAP_WORDS + 5, 40])
def test_gap_phrase_does_not_match_beyond_eight_words(between: int) -> None:
    assert not concept_for(["sensitive ... training data"], gap_answer(between)).matched


def test_gap_phrase_allows_at_most_eight_words_between() -> None:
    # docs/banks.md: `a ... b` matches with at most 8 words between the parts
    assert concept_for(["sensitive ... training data"], gap_answer(GAP_WORDS)).matched


def test_gap_phrase_uses_a_later_start_when_the_first_is_too_far() -> None:
    text = "sensitive " + "x " * 20 + "and sensitive to the training data"
    result = concept_for(["sensitive ... training data"], text)
    assert result.matched
    first = result.spans[0][0]
    assert first == text.rindex("sensitive")


def test_gap_phrase_needs_its_parts_in_order() -> None:
    assert not concept_for(["sensitive ... training data"], "training data is sensitive").matched


def test_three_part_gap_phrase() -> None:
    text = "high bias means the model will underfit and then high error"
    result = concept_for(["high bias ... underfit ... error"], text)
    assert result.matched
    assert result.evidence == ("high bias", "underfit", "error")


def test_any_one_phrase_of_a_concept_is_enough_and_all_found_are_evidence() -> None:
    text = "too simple models underfit"
    result = concept_for(["bias", "underfit", "too simple"], text)
    assert result.matched
    assert result.evidence == ("too simple", "underfit")  # in the order of the answer
    assert [text[s:e] for s, e in result.spans] == ["too simple", "underfit"]


def test_evidence_keeps_the_original_spelling_and_case_with_unicode_around() -> None:
    text = "Le café « dit »: Regularisation helps"
    result = concept_for(["regularization"], text)
    assert result.evidence == ("Regularisation",)
    assert text[slice(*result.spans[0])] == "Regularisation"


def test_fuzzy_correction_needs_exactly_one_close_rubric_word() -> None:
    rubric = Rubric(
        concepts=[
            {"name": "gradient", "phrases": ["gradient"]},
            {"name": "gradiest", "phrases": ["gradiest"]},
        ]
    )
    compiled = CompiledRubric(rubric)
    clear = compiled.score("the gradiont").concepts  # one letter from gradient only
    assert [c.matched for c in clear] == [True, False]
    # "gradiemt" is one letter from both rubric words: too close to call, so no correction
    ambiguous = compiled.score("the gradiemt").concepts
    assert not any(c.matched for c in ambiguous)


def test_phrases_without_letters_or_digits_are_ignored() -> None:
    assert compile_phrase("...") is None
    assert compile_phrase(" - ") is None
    compiled = compile_phrase("a ... b")
    assert compiled is not None
    assert [p.joined for p in compiled.parts] == ["a", "b"]


def test_exact_part_is_not_folded() -> None:
    compiled = compile_phrase("=Overfitting")
    assert compiled is not None
    (part,) = compiled.parts
    assert part.exact
    assert part.words == ("overfitting",)


@pytest.mark.parametrize(
    ("word", "american"),
    [
        ("regularisation", "regularization"),
        ("optimise", "optimize"),
        ("normalised", "normalized"),
        ("colour", "color"),
        ("supervised", "supervised"),  # -ise words that are not British spellings stay
        ("exercise", "exercise"),
        ("promise", "promise"),
        ("rise", "rise"),
        ("noise", "noise"),
    ],
)
def test_americanize(word: str, american: str) -> None:
    assert americanize(word) == american


def test_number_words_become_digits() -> None:
    assert [canonical(w) for w in ("two", "ten", "twenty", "2")] == ["2", "10", "20", "2"]


def test_tokenize_spans_point_into_the_text() -> None:
    text = "K-means, (CNNs) & L2!"
    tokens = tokenize(text)
    assert list(tokens.raw) == ["k", "means", "cnns", "l2"]
    assert [text[s:e] for s, e in tokens.spans] == ["K", "means", "CNNs", "L2"]
    assert len(tokens.canon) == len(tokens.raw)


@pytest.mark.parametrize(
    "text",
    [
        "bagging is parallel whereas boosting is sequential",
        "bagging is parallel but boosting is sequential",
        "bagging is parallel, unlike boosting which is sequential",
        "bagging is parallel; however boosting is sequential",
    ],
)
def test_gap_phrase_does_not_reach_across_a_turn(text: str) -> None:
    assert not concept_for(["bagging ... sequential"], text).matched


def test_gap_phrase_without_a_turn_still_matches() -> None:
    text = "bagging is not sequential"
    assert concept_for(["bagging ... sequential"], text).evidence == ("bagging", "sequential")


def test_a_cut_off_stem_never_matches() -> None:
    assert not concept_for(["regularis"], "we use regularisation").matched
    assert not concept_for(["regulariz"], "we use regularization").matched


def test_ascii_fast_path_splits_every_character_as_the_regular_expression_does() -> None:
    # each ASCII character between letters, and a run of all of them: the split of the byte
    # table (ASCII text) and of the regular expression (anything else) must agree, spans too
    everything = "".join(chr(i) for i in range(128))
    for text in [f"ab{chr(i)}Cd" for i in range(128)] + [everything, f" {everything}x "]:
        fast = tokenize(text)
        slow = tokenize(text + " é")  # not ASCII: the regular-expression path
        assert slow.raw == [*fast.raw, "é"]
        assert slow.spans[:-1] == fast.spans


def test_starts_of_is_the_running_total_of_lengths() -> None:
    from itertools import accumulate

    from interview_sim.core.normalize import starts_of

    for words in ([], ["a"], ["", "bc", "", "def"], ["x" * 300] * 5):
        assert starts_of(words) == list(accumulate(map(len, words), initial=0))
