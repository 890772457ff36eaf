"""Re-scoring the whole log under the current rubrics, fast.

Answers are read a page at a time (keyset paging, memory stays flat) and each question's rubric
is compiled once. A large log is split into id ranges scored by worker processes, each reading
its range over its own read-only connection and sending back only what the parent needs: the
per-question summaries, the answers that changed and, with apply, the new scores. The parent is
the only writer: it records each range's new scores in one transaction, the old ones copied to
score_history first.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from interview_sim.core.bank_schema import Bank
from interview_sim.core.payload import concept_dicts, misconception_dicts
from interview_sim.core.rescore import AnswerChange, QuestionSummary, Rescorer, StoredAnswer
from interview_sim.store.rubric_queries import (
    NewScore,
    count_scored,
    id_range,
    read_only_pages,
    record_rescores,
    scored_answer_pages,
)
from interview_sim.store.session_store import SessionStore

PARALLEL_FROM = 5_000  # answers: below this, one process is faster than starting workers
RANGES_PER_WORKER = 4
MAX_WORKERS = 8


@dataclass(slots=True)
class RescoreReport:
    """What a re-score found (and wrote, with apply)."""

    answers: int = 0
    changed: list[AnswerChange] = field(default_factory=list)
    summaries: dict[tuple[str, str], QuestionSummary] = field(default_factory=dict)
    missing: Counter[tuple[str, str]] = field(default_factory=Counter)
    applied: int = 0
    workers: int = 1


@dataclass(slots=True)
class _Part:
    """One id range's outcome, as a worker sends it back."""

    answers: int = 0
    changed: list[AnswerChange] = field(default_factory=list)
    scores: list[NewScore] = field(default_factory=list)
    summaries: dict[tuple[str, str], QuestionSummary] = field(default_factory=dict)
    missing: Counter[tuple[str, str]] = field(default_factory=Counter)


def _new_score(change: AnswerChange) -> NewScore:
    result = change.result
    assert result is not None
    return NewScore(
        change.answer_id,
        result.score,
        result.band,
        result.coverage,
        result.capped,
        result.penalty,
        json.dumps(concept_dicts(result)),
        json.dumps(misconception_dicts(result)),
        result.rubric_hash,
    )


def _score(rescorer: Rescorer, answers: Iterable[StoredAnswer], apply: bool, part: _Part) -> None:
    for stored in answers:
        part.answers += 1
        change = rescorer.rescore(stored)
        if change is None:
            continue
        if change.changed:
            part.changed.append(change.without_result())
        if apply and change.stale:
            part.scores.append(_new_score(change))


_worker: Rescorer | None = None


def _start_worker(banks_json: dict[str, str]) -> None:
    global _worker
    _worker = Rescorer({k: Bank.model_validate_json(v) for k, v in banks_json.items()})


def _score_range(
    path: str,
    bank_id: str | None,
    question_id: str | None,
    after: int,
    until: int,
    apply: bool,
) -> _Part:
    assert _worker is not None
    _worker.summaries = {}
    _worker.missing = Counter()
    part = _Part()
    for page in read_only_pages(Path(path), bank_id, question_id, after, until):
        _score(_worker, page, apply, part)
    part.summaries = _worker.summaries
    part.missing = _worker.missing
    return part


def _merge(report: RescoreReport, part: _Part) -> None:
    report.answers += part.answers
    report.changed += part.changed
    report.missing.update(part.missing)
    for key, summary in part.summaries.items():
        if key in report.summaries:
            report.summaries[key].merge(summary)
        else:
            report.summaries[key] = summary


def rescore_log(
    store: SessionStore,
    banks: Mapping[str, Bank],
    *,
    bank_id: str | None = None,
    question_id: str | None = None,
    apply: bool = False,
    workers: int | None = None,
) -> RescoreReport:
    """Re-score every scored answer (of a bank, of a question) under `banks`."""
    total = count_scored(store, bank_id, question_id)
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if total >= PARALLEL_FROM else 1
    if store.path is None:
        workers = 1  # an in-memory database cannot be read from another process
    report = RescoreReport(workers=workers)
    if workers <= 1:
        rescorer = Rescorer(banks)
        for page in scored_answer_pages(store, bank_id, question_id):
            part = _Part()
            _score(rescorer, page, apply, part)
            report.answers += part.answers
            report.changed += part.changed
            if part.scores:
                report.applied += record_rescores(store, part.scores)
        report.summaries = rescorer.summaries
        report.missing = rescorer.missing
        report.changed.sort(key=lambda c: c.answer_id)
        return report
    low, high = id_range(store, bank_id, question_id)
    pieces = workers * RANGES_PER_WORKER
    step = max(1, (high - low + pieces) // pieces)
    bounds = [(start - 1, min(high, start + step - 1)) for start in range(low, high + 1, step)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=({k: b.model_dump_json() for k, b in banks.items()},),
    ) as pool:
        futures = [
            pool.submit(_score_range, str(store.path), bank_id, question_id, a, b, apply)
            for a, b in bounds
        ]
        for future in as_completed(futures):
            part = future.result()
            _merge(report, part)
            if part.scores:
                report.applied += record_rescores(store, part.scores)
    report.changed.sort(key=lambda c: c.answer_id)
    return report
