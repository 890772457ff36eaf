"""The `score --batch` loop as it was before the issue-10 speed work, on the frozen scorer."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import astuple

from interview_sim.commands.score import score_payload
from interview_sim.core.bank_schema import Bank
from interview_sim.core.bank_set import BankSet
from interview_sim.core.delivery import Delivery

from .delivery import measure
from .scoring import RubricCache


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
            # the current Delivery type: a compiled delivery_dict checks what it is given
            delivery = Delivery(*astuple(measure(answer)))
            payload = score_payload(bank, question, result, delivery)  # type: ignore[arg-type]
        except (ValueError, json.JSONDecodeError) as exc:
            payload = {"line": number, "error": str(exc)}
        yield json.dumps(payload, ensure_ascii=False) + "\n"
