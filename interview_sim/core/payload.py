"""The documented JSON shape of a scored answer (`score --json`, `score --batch`, the store)."""

from __future__ import annotations

from typing import Any

from interview_sim.core.bank_schema import Bank, Question
from interview_sim.core.delivery import Delivery, delivery_dict
from interview_sim.core.scoring import ScoreResult


def concept_dicts(result: ScoreResult) -> list[dict[str, Any]]:
    """Concept verdicts as plain dicts (for JSON and the store)."""
    return [
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
    ]


def misconception_dicts(result: ScoreResult) -> list[dict[str, Any]]:
    """Misconceptions as plain dicts."""
    return [
        {
            "name": m.name,
            "correction": m.correction,
            "evidence": list(m.evidence),
            "spans": [list(s) for s in m.spans],
        }
        for m in result.misconceptions
    ]


def score_payload(
    bank: Bank, question: Question, result: ScoreResult, delivery: Delivery
) -> dict[str, Any]:
    """The documented JSON shape of a scored answer."""
    return {
        "bank": bank.id,
        "question": question.id,
        "number": question.number,
        "score": result.score,
        "band": result.band,
        "capped": result.capped,
        "penalty": result.penalty,
        "concepts": concept_dicts(result),
        "misconceptions": misconception_dicts(result),
        "delivery": delivery_dict(delivery),
        "rubric_hash": result.rubric_hash,
        "notes": list(result.notes),
    }
