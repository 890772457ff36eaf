"""The `score --batch` loop as it was before the issue-10 speed work, on the frozen scorer, with
the payload it wrote (json.dumps of plain dicts)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from interview_sim.core.bank_schema import Bank, Question
from interview_sim.core.bank_set import BankSet

from .delivery import Delivery, measure
from .scoring import RubricCache, ScoreResult


def score_payload(
    bank: Bank, question: Question, result: ScoreResult, delivery: Delivery
) -> dict[str, Any]:
    return {
        "bank": bank.id,
        "question": question.id,
        "number": question.number,
        "score": result.score,
        "band": result.band,
        "capped": result.capped,
        "penalty": result.penalty,
        "concepts": [
            {
                "name": c.name,
                "weight": c.weight,
                "required": c.required,
                "matched": c.matched,
                "hinted": c.hinted,
                "evidence": list(c.evidence),
                "spans": [list(s) for s in c.spans],
            }
            for c in result.concepts
        ],
        "misconceptions": [
            {
                "name": m.name,
                "correction": m.correction,
                "evidence": list(m.evidence),
                "spans": [list(s) for s in m.spans],
            }
            for m in result.misconceptions
        ],
        "delivery": asdict(delivery),
        "rubric_hash": result.rubric_hash,
        "notes": list(result.notes),
    }


def score_lines(lines: Iterable[str], banks: BankSet | None, fixed: Bank | None) -> Iterator[str]:
    """The output lines (with their newline) of the old batch loop."""
    cache = RubricCache()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("each line must be a JSON object")
            bank = fixed
            if bank is None:
                assert banks is not None
                bank = banks.get(str(item.get("bank", "")))
                if bank is None:
                    raise ValueError(f"no bank {item.get('bank')!r}")
            question = bank.question(str(item.get("question", "")))
            if question is None:
                raise ValueError(f"no question {item.get('question')!r} in {bank.id}")
            answer = item.get("text")
            if not isinstance(answer, str):
                raise ValueError('"text" must be a string')
            result = cache.get(bank.id, question).score(answer)
            payload = score_payload(bank, question, result, measure(answer))
        except (ValueError, json.JSONDecodeError) as exc:
            payload = {"line": number, "error": str(exc)}
        yield json.dumps(payload, ensure_ascii=False) + "\n"
