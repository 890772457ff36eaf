"""One practice interview from start to summary, shared by the TUI and `interview --plain`.

It owns the flow (which question is next, hints, follow-up probes, skips) and commits every
answer to the store the moment it is scored, so nothing is lost on quit or crash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from interview_sim.core.bank_schema import Bank, Question
from interview_sim.core.delivery import Delivery, measure
from interview_sim.core.payload import concept_dicts, misconception_dicts
from interview_sim.core.schedule import order_questions
from interview_sim.core.scoring import ConceptResult, RubricCache, ScoreResult
from interview_sim.core.transcript import Word
from interview_sim.store.session_store import AnswerRecord, SessionStore


@dataclass(frozen=True, slots=True)
class Feedback:
    """What the candidate sees after an answer."""

    question: Question
    text: str
    result: ScoreResult
    delivery: Delivery
    answer_id: int
    probe: str | None  # the follow-up question to ask, if any
    probe_concept: str | None
    is_probe: bool = False


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One line of the end-of-session table."""

    number: int
    question_id: str
    topic: str
    score: int | None
    band: str
    skipped: bool


@dataclass(frozen=True, slots=True)
class Summary:
    """The end of a session."""

    session_id: int
    score: float | None
    rows: tuple[SummaryRow, ...]
    strongest: tuple[str, ...]
    weakest: tuple[str, ...]
    previous_score: float | None

    @property
    def change(self) -> float | None:
        """Points gained (or lost) since the last session on the bank."""
        if self.score is None or self.previous_score is None:
            return None
        return round(self.score - self.previous_score, 1)


@dataclass
class PracticeSession:
    """A running interview over a chosen list of questions."""

    store: SessionStore
    bank: Bank
    questions: list[Question]
    session_id: int
    mode: str
    probes: bool = True
    position: int = 0
    rubrics: RubricCache = field(default_factory=RubricCache)
    hinted: list[str] = field(default_factory=list)
    _pending_probe: tuple[Question, str, str, int] | None = None

    # building -------------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        store: SessionStore,
        bank: Bank,
        *,
        count: int,
        order: str = "random",
        seed: int | None = None,
        mode: str = "typed",
        probes: bool = True,
        settings: dict[str, Any] | None = None,
    ) -> PracticeSession:
        """Pick the questions and open a session in the store."""
        stats = store.question_stats(bank.id)
        last_scores = {
            q: float(s["last_score"]) for q, s in stats.items() if s.get("last_score") is not None
        }
        due: dict[str, datetime | None] = {}
        if order == "due":  # one query over the bank's history (not one per question)
            from interview_sim.core.progress import due_map
            from interview_sim.store.history import due_items

            items = due_items(store, {bank.id: [q.id for q in bank.questions]}, bank=bank.id)
            due = due_map(items, bank.id)
        ids = order_questions(
            [q.id for q in bank.questions],
            order,
            count=min(count, len(bank.questions)),
            seed=seed,
            last_scores=last_scores,
            due=due,
        )
        by_id = {q.id: q for q in bank.questions}
        session_id = store.start_session(
            bank=bank.id,
            bank_title=bank.title,
            mode=mode,
            planned=ids,
            order_kind=order,
            seed=seed,
            settings=settings,
        )
        return cls(store, bank, [by_id[i] for i in ids], session_id, mode, probes)

    @classmethod
    def resume(
        cls, store: SessionStore, bank: Bank, session_id: int, probes: bool = True
    ) -> PracticeSession:
        """Carry on an interrupted session from its first unanswered question."""
        row = store.session(session_id)
        if row is None:
            raise LookupError(f"no session {session_id}")
        by_id = {q.id: q for q in bank.questions}
        planned = [by_id[i] for i in row.get("planned") or [] if i in by_id]
        answered = {a["position"] for a in row["answers"] if not a["is_probe"]}
        position = next((i for i in range(len(planned)) if i + 1 not in answered), len(planned))
        store.claim(session_id)
        return cls(store, bank, planned, session_id, row["mode"], probes, position)

    # flow -----------------------------------------------------------------------------------

    @property
    def current(self) -> Question | None:
        """The question being asked, or None when the interview is over."""
        return self.questions[self.position] if self.position < len(self.questions) else None

    @property
    def pending_probe(self) -> str | None:
        """A follow-up question waiting to be answered."""
        return self._pending_probe[1] if self._pending_probe else None

    @property
    def total(self) -> int:
        return len(self.questions)

    def answer_seconds(self, question: Question) -> int:
        """The time limit of a question."""
        return question.answer_seconds or self.bank.defaults.answer_seconds

    def hint(self) -> ConceptResult | None:
        """Reveal one concept not yet hinted (the heaviest, required first)."""
        question = self.current
        if question is None:
            return None
        compiled = self.rubrics.get(self.bank.id, question)
        result = compiled.score("")
        candidates = [c for c in result.concepts if c.name not in self.hinted and c.meaning]
        if not candidates:
            return None
        best = max(candidates, key=lambda c: (c.required, c.weight))
        self.hinted.append(best.name)
        return best

    def submit(
        self,
        text: str,
        *,
        words: Sequence[Word] = (),
        audio_path: str | None = None,
        duration: float | None = None,
    ) -> Feedback:
        """Score the answer to the current question (or to a pending probe) and commit it."""
        if self._pending_probe is not None:
            return self._submit_probe(text, words, audio_path, duration)
        question = self.current
        if question is None:
            raise RuntimeError("the interview is over")
        feedback = self._score_and_store(
            question, text, words, audio_path, duration, position=self.position + 1, is_probe=False
        )
        if feedback.probe and feedback.probe_concept:
            self._pending_probe = (question, feedback.probe, text, self.position + 1)
        else:
            self._advance()
        return feedback

    def _submit_probe(
        self, text: str, words: Sequence[Word], audio_path: str | None, duration: float | None
    ) -> Feedback:
        assert self._pending_probe is not None
        question, _probe, earlier, position = self._pending_probe
        self._pending_probe = None
        combined = f"{earlier}\n{text}"
        feedback = self._score_and_store(
            question, combined, words, audio_path, duration, position=position, is_probe=True
        )
        self._advance()
        return feedback

    def retry(self, question: Question) -> None:
        """Ask a question again; the new answer is kept beside the earlier one."""
        index = next((i for i, q in enumerate(self.questions) if q.id == question.id), None)
        if index is None:
            raise LookupError(f"{question.id} is not in this session")
        self._pending_probe = None
        self.position = index
        self.hinted = []

    def decline_probe(self) -> None:
        """Move on without answering the follow-up."""
        if self._pending_probe is not None:
            self._pending_probe = None
            self._advance()

    def skip(self) -> None:
        """Skip the current question; it is logged as skipped."""
        if self._pending_probe is not None:
            self.decline_probe()
            return
        question = self.current
        if question is None:
            return
        self.store.record_answer(
            self.session_id,
            AnswerRecord(
                position=self.position + 1,
                bank=self.bank.id,
                question_id=question.id,
                question_number=question.number,
                topic=question.topic,
                prompt=question.prompt,
                transcript="",
                mode=self.mode,
                score=None,
                band="skipped",
                skipped=True,
            ),
        )
        self._advance()

    def _advance(self) -> None:
        self.position += 1
        self.hinted = []

    def _score_and_store(
        self,
        question: Question,
        text: str,
        words: Sequence[Word],
        audio_path: str | None,
        duration: float | None,
        *,
        position: int,
        is_probe: bool,
    ) -> Feedback:
        compiled = self.rubrics.get(self.bank.id, question)
        delivery = measure(text, words)
        spoken = duration if duration is not None else delivery.duration_seconds
        result = compiled.score(text, hinted=self.hinted, spoken_seconds=spoken)
        answer_id = self.store.record_answer(
            self.session_id,
            AnswerRecord(
                position=position,
                bank=self.bank.id,
                question_id=question.id,
                question_number=question.number,
                topic=question.topic,
                prompt=question.prompt,
                transcript=text,
                mode=self.mode,
                score=result.score,
                band=result.band,
                coverage=result.coverage,
                capped=result.capped,
                penalty=result.penalty,
                concepts=concept_dicts(result),
                misconceptions=misconception_dicts(result),
                delivery=asdict(delivery),
                words=[{"w": w.text, "s": w.start, "e": w.end, "c": w.conf} for w in words],
                hints=list(self.hinted),
                rubric_hash=result.rubric_hash,
                audio_path=audio_path,
                duration_s=spoken,
                is_probe=is_probe,
            ),
        )
        probe, concept = (None, None) if is_probe else self._choose_probe(result)
        return Feedback(question, text, result, delivery, answer_id, probe, concept, is_probe)

    def _choose_probe(self, result: ScoreResult) -> tuple[str | None, str | None]:
        if not self.probes:
            return None, None
        missed = [c for c in result.missed if c.probe and not c.hinted]
        if not missed:
            return None, None
        best = max(missed, key=lambda c: (c.required, c.weight))
        return best.probe, best.name

    def finish(self) -> Summary:
        """Close the session and build its summary."""
        status = "finished" if self.current is None else "interrupted"
        self.store.finish_session(self.session_id, status)
        return self.summary()

    def interrupt(self) -> None:
        """Leave the session to be resumed later."""
        self.store.finish_session(self.session_id, "interrupted")

    def summary(self) -> Summary:
        """The session's table, strongest and weakest topics, and change since last time."""
        row = self.store.session(self.session_id) or {"answers": [], "score": None}
        finals: dict[int, dict[str, Any]] = {}
        for answer in row["answers"]:
            finals[answer["position"]] = answer  # a probe answer replaces the first score
        rows = tuple(
            SummaryRow(
                a["question_number"],
                a["question_id"],
                a["topic"] or "",
                a["score"],
                a["band"] or "",
                bool(a["skipped"]),
            )
            for _, a in sorted(finals.items())
        )
        by_topic: dict[str, list[int]] = {}
        for r in rows:
            if r.score is not None:
                by_topic.setdefault(r.topic, []).append(r.score)
        means = sorted(((sum(v) / len(v), t) for t, v in by_topic.items()), reverse=True)
        scored = [r.score for r in rows if r.score is not None]
        score = round(sum(scored) / len(scored), 1) if scored else None
        strongest = tuple(t for m, t in means[:2] if m >= 60)
        weakest = tuple(t for m, t in reversed(means[-2:]) if m < 60)
        previous = self.store.last_session_score(self.bank.id, before_id=self.session_id)
        return Summary(self.session_id, score, rows, strongest, weakest, previous)
