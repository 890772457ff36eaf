"""PracticeSession: the interview flow over the store (start, submit, probes, hints, skips,
retries, finish and the summary), with the small example bank and an in-memory store."""

from __future__ import annotations

import pytest

from interview_sim.core.bank_schema import Bank
from interview_sim.core.transcript import Word
from interview_sim.practice import PracticeSession
from interview_sim.store.session_store import SessionStore

GOOD = {
    "bias-variance": "Too simple means bias, too flexible overfits, so it is a trade off.",
    "regularization": "Weight decay adds an L2 penalty so we get a simpler model.",
    "k-means": "Assign points to the nearest centroid, then repeat until they converge.",
    "cnn": "A convolution filter with shared weights slides over the image.",
    "failure-story": "I learned a lesson. " + "word " * 150,
}


def in_order(store: SessionStore, bank: Bank, count: int = 5, **kw: object) -> PracticeSession:
    return PracticeSession.start(store, bank, count=count, order="in-order", **kw)  # type: ignore[arg-type]


def test_start_picks_the_questions_and_opens_a_session(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = in_order(memory_store, example_bank, count=3, settings={"voice": "x"})
    assert [q.id for q in session.questions] == ["bias-variance", "regularization", "k-means"]
    assert session.total == 3
    assert session.current is example_bank.questions[0]
    row = memory_store.session(session.session_id)
    assert row is not None
    assert row["planned"] == ["bias-variance", "regularization", "k-means"]
    assert row["order_kind"] == "in-order"
    assert row["settings"] == {"voice": "x"}
    assert row["status"] == "active"
    assert row["answers"] == []


def test_count_larger_than_the_bank_takes_every_question(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = PracticeSession.start(memory_store, example_bank, count=50, seed=3)
    assert sorted(q.id for q in session.questions) == sorted(q.id for q in example_bank.questions)
    again = PracticeSession.start(memory_store, example_bank, count=50, seed=3)
    assert [q.id for q in again.questions] == [q.id for q in session.questions]


def test_a_full_answer_scores_and_moves_on(memory_store: SessionStore, example_bank: Bank) -> None:
    session = in_order(memory_store, example_bank)
    feedback = session.submit(GOOD["bias-variance"])
    assert feedback.result.score == 100
    assert feedback.result.band == "strong"
    assert feedback.probe is None
    assert not feedback.is_probe
    assert session.position == 1
    assert session.current is not None
    assert session.current.id == "regularization"
    (saved,) = memory_store.answers(session.session_id)
    assert saved["id"] == feedback.answer_id
    assert saved["transcript"] == GOOD["bias-variance"]
    assert saved["score"] == 100
    assert saved["position"] == 1
    assert saved["rubric_hash"] == feedback.result.rubric_hash
    assert [c["name"] for c in saved["concepts"]] == ["bias", "variance", "trade-off"]
    assert all(c["matched"] for c in saved["concepts"])
    assert saved["delivery"]["words"] == len(GOOD["bias-variance"].split())
    assert saved["delivery"]["words_per_minute"] is None


def test_a_missed_concept_brings_a_probe_whose_answer_replaces_the_score(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = in_order(memory_store, example_bank)
    first = session.submit("A model that is too simple has a lot of bias.")
    assert first.result.score == 40  # capped: variance is required
    assert first.probe == "And what happens when the model is too flexible?"
    assert first.probe_concept == "variance"
    assert session.pending_probe == first.probe
    assert session.position == 0  # still on the same question
    follow = session.submit("Then it overfits the training data.")
    assert follow.is_probe
    assert follow.probe is None
    assert follow.result.score == 80
    assert follow.text == (
        "A model that is too simple has a lot of bias.\nThen it overfits the training data."
    )
    assert session.pending_probe is None
    assert session.position == 1
    answers = memory_store.answers(session.session_id)
    assert [(a["position"], a["is_probe"], a["score"]) for a in answers] == [
        (1, 0, 40),
        (1, 1, 80),
    ]
    session.position = session.total  # end the interview
    summary = session.finish()
    assert [(r.number, r.score) for r in summary.rows] == [(1, 80)]


def test_the_heaviest_required_missed_concept_is_probed(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = in_order(memory_store, example_bank)
    feedback = session.submit("It is a trade off, a balance.")
    assert feedback.probe_concept == "bias"  # required and heaviest; ties keep rubric order
    assert feedback.probe == "What kind of error does a model that is too simple make?"


def test_declining_or_skipping_a_probe_moves_on_without_a_record(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = in_order(memory_store, example_bank)
    session.submit("too simple means bias")
    session.decline_probe()
    assert session.position == 1
    assert session.pending_probe is None
    session.submit("a penalty")  # misses "simpler model", which has no probe
    assert session.pending_probe is None
    session.submit("closest points")  # misses centroids: probe
    assert session.pending_probe == "What represents each cluster?"
    session.skip()
    assert session.position == 3
    assert len(memory_store.answers(session.session_id)) == 3


def test_no_probes_when_disabled(memory_store: SessionStore, example_bank: Bank) -> None:
    session = in_order(memory_store, example_bank, probes=False)
    feedback = session.submit("too simple means bias")
    assert feedback.probe is None
    assert session.position == 1


def test_hints_reveal_required_and_heavy_concepts_first_and_earn_half(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = in_order(memory_store, example_bank)
    names = []
    while (hint := session.hint()) is not None:
        names.append(hint.name)
        assert hint.meaning
    assert names == ["bias", "variance", "trade-off"]
    assert session.hinted == names
    feedback = session.submit(GOOD["bias-variance"])
    assert feedback.result.score == 50  # every concept at half weight
    assert all(c.hinted for c in feedback.result.concepts)
    assert feedback.probe is None  # hinted concepts are not probed
    assert memory_store.answer(feedback.answer_id)["hints"] == names  # type: ignore[index]
    assert session.hinted == []  # hints belong to one question


def test_a_hint_then_a_probe_on_another_concept(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = in_order(memory_store, example_bank)
    assert session.hint() is not None  # bias
    feedback = session.submit("a model that is too simple")
    assert feedback.result.score == 20  # bias at half weight (1 of 5), and capped anyway
    assert feedback.probe_concept == "variance"


def test_skip_is_logged_as_skipped(memory_store: SessionStore, example_bank: Bank) -> None:
    session = in_order(memory_store, example_bank)
    session.skip()
    assert session.position == 1
    (saved,) = memory_store.answers(session.session_id)
    assert saved["skipped"] == 1
    assert saved["score"] is None
    assert saved["band"] == "skipped"
    assert saved["question_id"] == "bias-variance"


def test_submitting_after_the_end_is_an_error(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = in_order(memory_store, example_bank, count=1)
    session.submit(GOOD["bias-variance"])
    assert session.current is None
    with pytest.raises(RuntimeError, match="over"):
        session.submit("more")
    assert session.hint() is None
    session.skip()  # harmless
    assert len(memory_store.answers(session.session_id)) == 1


def test_spoken_answers_use_their_timings_for_pace_and_length(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = PracticeSession.start(
        memory_store, example_bank, count=5, order="in-order", mode="voice", probes=False
    )
    session.position = 4  # the behavioural question with a 45-150 s target
    words = [
        Word("i", 0.0, 0.5),
        Word("learned", 0.5, 1.0),
        Word("a", 30.0, 30.5),
        Word("lesson", 59.5, 60.0),
    ]
    feedback = session.submit("I learned a lesson", words=words, audio_path="/x/answer.wav")
    length = feedback.result.concepts[-1]
    assert length.matched  # 60 s spoken, though only four words
    assert feedback.result.score == 100
    assert feedback.delivery.words_per_minute == 4.0
    assert feedback.delivery.long_pauses == 2
    saved = memory_store.answer(feedback.answer_id)
    assert saved is not None
    assert saved["duration_s"] == 60.0
    assert saved["audio_path"] == "/x/answer.wav"
    assert saved["mode"] == "voice"
    assert [w["w"] for w in saved["words"]] == ["i", "learned", "a", "lesson"]


def test_typed_answer_length_is_timed_from_the_words(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = in_order(memory_store, example_bank, probes=False)
    session.position = 4
    assert session.submit("I learned a lesson").result.score == 50  # about 2 s: too short
    session.position = 4
    assert session.submit(GOOD["failure-story"]).result.score == 100  # 154 words: about 62 s


def test_answer_seconds_comes_from_the_question_or_the_bank(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = in_order(memory_store, example_bank)
    assert session.answer_seconds(example_bank.questions[0]) == 120
    assert session.answer_seconds(example_bank.questions[4]) == 150


def test_finish_summary_with_strongest_and_weakest_topics(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = in_order(memory_store, example_bank, probes=False)
    session.submit(GOOD["bias-variance"])  # Model evaluation 100
    session.submit("a penalty")  # Regularisation 75
    session.submit("closest")  # Unsupervised learning: capped, 25
    session.skip()  # Deep learning: skipped
    session.submit("nothing useful")  # Behavioural: 0
    summary = session.finish()
    assert [(r.number, r.score, r.skipped) for r in summary.rows] == [
        (1, 100, False),
        (2, 75, False),
        (3, 25, False),
        (4, None, True),
        (5, 0, False),
    ]
    assert summary.score == 50.0
    assert summary.strongest == ("Model evaluation", "Regularisation")
    assert summary.weakest == ("Behavioural", "Unsupervised learning")
    assert summary.previous_score is None
    assert summary.change is None
    row = memory_store.session(session.session_id)
    assert row is not None
    assert row["status"] == "finished"
    assert row["score"] == 50.0


def test_change_since_the_last_session_and_weakest_order_next_time(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    first = in_order(memory_store, example_bank, count=3, probes=False)
    first.submit(GOOD["bias-variance"])  # 100
    first.submit("a penalty")  # 75
    first.submit("closest")  # 25
    assert first.finish().score == pytest.approx(66.7)
    second = PracticeSession.start(memory_store, example_bank, count=3, order="weakest", seed=1)
    # lowest last score first, then the ones never attempted
    assert [q.id for q in second.questions][:1] == ["k-means"]
    for _ in range(second.total):
        second.submit("nothing relevant at all")
        if second.pending_probe:
            second.decline_probe()
    summary = second.finish()
    assert summary.score == 0.0
    assert summary.previous_score == pytest.approx(66.7)
    assert summary.change == pytest.approx(-66.7)


def test_due_order_asks_the_never_attempted_questions_before_recent_passes(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    first = in_order(memory_store, example_bank, count=3, probes=False)
    for qid in ("bias-variance", "regularization", "k-means"):
        first.submit(GOOD[qid])
    first.finish()
    due = PracticeSession.start(memory_store, example_bank, count=2, order="due", seed=5)
    assert sorted(q.id for q in due.questions) == ["cnn", "failure-story"]


def test_retry_keeps_both_answers_and_the_latest_counts(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = in_order(memory_store, example_bank, count=1, probes=False)
    session.submit("closest")  # wrong question text: 0
    session.retry(example_bank.questions[0])
    assert session.current is example_bank.questions[0]
    session.submit(GOOD["bias-variance"])
    answers = memory_store.answers(session.session_id)
    assert [a["score"] for a in answers] == [0, 100]
    summary = session.finish()
    assert [r.score for r in summary.rows] == [100]
    assert summary.score == 100.0
    with pytest.raises(LookupError):
        session.retry(example_bank.questions[3])


def test_interrupt_and_resume_in_the_same_process(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = in_order(memory_store, example_bank, count=4, probes=False)
    session.submit(GOOD["bias-variance"])
    session.skip()
    session.interrupt()
    row = memory_store.session(session.session_id)
    assert row is not None
    assert row["status"] == "interrupted"
    resumed = PracticeSession.resume(memory_store, example_bank, session.session_id)
    assert resumed.position == 2
    assert resumed.current is not None
    assert resumed.current.id == "k-means"
    assert resumed.total == 4
    assert memory_store.session(session.session_id)["status"] == "active"  # type: ignore[index]
    with pytest.raises(LookupError):
        PracticeSession.resume(memory_store, example_bank, 12345)


def test_finishing_early_marks_the_session_interrupted(
    memory_store: SessionStore, example_bank: Bank
) -> None:
    session = in_order(memory_store, example_bank, count=3, probes=False)
    session.submit(GOOD["bias-variance"])
    summary = session.finish()
    assert memory_store.session(session.session_id)["status"] == "interrupted"  # type: ignore[index]
    assert summary.score == 100.0
    assert [r.number for r in summary.rows] == [1]
