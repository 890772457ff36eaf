"""`score --batch`: JSON lines of answers in, JSON lines of scores out, as fast as one core can.

Compiled with mypyc with the rest of the scorer (setup.py); orjson reads and writes the lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from interview_sim.core.bank_schema import Bank, Question
from interview_sim.core.bank_set import BankSet
from interview_sim.core.delivery import measure
from interview_sim.core.payload import score_payload
from interview_sim.core.scoring import CompiledRubric, RubricCache

_loads = orjson.loads
_dumps = orjson.dumps
_NEWLINE = orjson.OPT_APPEND_NEWLINE


class BatchScorer:
    """`score --batch`: JSON lines in, one JSON line out for each line that is not blank.

    A line is `{"bank", "question", "text"}` ("bank" is left out with a fixed bank); its output
    is `score_payload(...)` as compact JSON (orjson), or `{"line", "error"}` when it cannot be
    scored. `errors` counts those.
    """

    def __init__(self, banks: BankSet | None, fixed: Bank | None = None) -> None:
        self.banks = banks
        self.fixed = fixed
        self.cache = RubricCache()
        self.errors = 0
        # a question and its compiled rubric by bank and key ("3", "bias-variance"): the banks
        # do not change during a batch
        self._questions: dict[tuple[str, str], tuple[Question, CompiledRubric]] = {}

    def lines(self, stream: Iterable[str]) -> Iterator[bytes]:
        """The output line (UTF-8, ending in a newline) of each input line that is not blank."""
        fixed, questions = self.fixed, self._questions
        bank_of = self.banks.get if self.banks is not None else None
        for number, line in enumerate(stream, start=1):
            if not line or line.isspace():
                continue
            try:
                item = _loads(line)
                if not isinstance(item, dict):
                    raise ValueError("each line must be a JSON object")
                bank = fixed
                if bank is None:
                    assert bank_of is not None
                    bank = bank_of(str(item.get("bank", "")))
                    if bank is None:
                        raise ValueError(f"no bank {item.get('bank')!r}")
                key = (bank.id, str(item.get("question", "")))
                known = questions.get(key)
                if known is None:
                    question = bank.question(key[1])
                    if question is None:
                        raise ValueError(f"no question {item.get('question')!r} in {bank.id}")
                    if len(questions) > 100_000:
                        questions.clear()
                    compiled = self.cache.get(bank.id, question)
                    questions[key] = (question, compiled)
                else:
                    question, compiled = known
                answer = item.get("text")
                if not isinstance(answer, str):
                    raise ValueError('"text" must be a string')
                out = _dumps(
                    score_payload(bank, question, compiled.score(answer), measure(answer)),
                    option=_NEWLINE,
                )
            except (ValueError, orjson.JSONEncodeError) as exc:  # bad JSON is a ValueError
                self.errors += 1
                out = _dumps({"line": number, "error": str(exc)}, option=_NEWLINE)
            yield out
