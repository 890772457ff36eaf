"""Building a bank from a list of questions with reference answers, with drafted rubrics.

Three input formats, each giving the fields id, prompt, reference and optionally topic and
difficulty (common aliases accepted: qid, question, reference_answer, answer):

- csv: a header row naming the columns, then one question per row;
- jsonl: one JSON object per line;
- md: a `## ` heading per question holding the prompt, optional `id:`, `topic:` and
  `difficulty:` lines right under it, then the reference answer as the heading's text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from interview_sim.core.bank_loader import Problem
from interview_sim.core.bank_schema import ID_PATTERN, Rubric, suggest_id
from interview_sim.core.drafting import DraftQuestion, draft_bank_rubrics

FORMATS = ("csv", "jsonl", "md")
DIFFICULTIES = ("easy", "medium", "hard")
_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "qid", "question_id", "key"),
    "prompt": ("prompt", "question", "question_text"),
    "reference": ("reference", "reference_answer", "answer", "model_answer"),
    "topic": ("topic", "category", "section"),
    "difficulty": ("difficulty", "level"),
}


class ImportProblems(Exception):
    """An input file that cannot become a bank; `problems` says every reason and where."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    fields: dict[str, str]


def format_for(filename: str) -> str | None:
    """The format a file name suggests (.csv, .jsonl/.ndjson, .md/.markdown)."""
    lower = filename.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if lower.endswith((".md", ".markdown")):
        return "md"
    return None


def _canonical_fields(raw: dict[str, Any]) -> dict[str, str]:
    lowered = {str(k).strip().lower(): v for k, v in raw.items() if k is not None}
    out: dict[str, str] = {}
    for name, aliases in _ALIASES.items():
        for alias in aliases:
            value = lowered.get(alias)
            if value is not None and str(value).strip():
                out[name] = str(value).strip()
                break
    return out


def _csv_rows(text: str) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text))
    rows: list[_Row] = []
    for record in reader:
        rows.append(_Row(reader.line_num, _canonical_fields(dict(record))))
    return rows


def _jsonl_rows(text: str, file: str) -> list[_Row]:
    rows: list[_Row] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(file, number, exc.colno, f"not valid JSON: {exc.msg}"))
            continue
        if not isinstance(item, dict):
            problems.append(Problem(file, number, 1, "each line must be a JSON object"))
            continue
        rows.append(_Row(number, _canonical_fields(item)))
    if problems:
        raise ImportProblems(problems)
    return rows


_META = re.compile(r"^(id|topic|difficulty)\s*:\s*(.+?)\s*$", re.IGNORECASE)


def _md_rows(text: str) -> list[_Row]:
    rows: list[_Row] = []
    current: dict[str, str] | None = None
    body: list[str] = []
    line_of = 0
    in_meta = False

    def close() -> None:
        if current is not None:
            reference = "\n".join(body).strip()
            if reference:
                current["reference"] = re.sub(r"\s*\n\s*", " ", reference)
            rows.append(_Row(line_of, current))

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            close()
            current = {"prompt": line[3:].strip()}
            body = []
            line_of = number
            in_meta = True
            continue
        if current is None:
            continue  # a title or introduction before the first question
        meta = _META.match(line.strip()) if in_meta else None
        if meta:
            current[meta.group(1).lower()] = meta.group(2)
            continue
        if line.strip():
            in_meta = False
        body.append(line)
    close()
    return rows


def parse_questions(text: str, fmt: str, file: str) -> list[DraftQuestion]:
    """The questions of an input file; ImportProblems lists every row that cannot be used."""
    text = text.removeprefix("\ufeff")
    if fmt == "csv":
        rows = _csv_rows(text)
    elif fmt == "jsonl":
        rows = _jsonl_rows(text, file)
    elif fmt == "md":
        rows = _md_rows(text)
    else:
        raise ImportProblems([Problem(file, 1, 1, f"unknown format {fmt!r} (csv, jsonl, md)")])
    problems: list[Problem] = []
    questions: list[DraftQuestion] = []
    taken: set[str] = set()
    for row in rows:
        fields = row.fields
        missing = [k for k in ("prompt", "reference") if not fields.get(k)]
        if missing:
            problems.append(
                Problem(file, row.line, 1, f"missing {' and '.join(missing)} (see docs/rubrics.md)")
            )
            continue
        difficulty = fields.get("difficulty", "medium").lower()
        if difficulty not in DIFFICULTIES:
            problems.append(
                Problem(
                    file, row.line, 1, f"difficulty {difficulty!r} is not one of easy, medium, hard"
                )
            )
            continue
        wanted = fields.get("id", "")
        base = wanted.lower() if re.fullmatch(ID_PATTERN, wanted.lower()) else ""
        base = base or suggest_id(wanted or fields["prompt"])[:60].strip("-") or "question"
        key, n = base, 2
        while key in taken:
            key = f"{base}-{n}"
            n += 1
        taken.add(key)
        questions.append(
            DraftQuestion(
                key,
                fields["prompt"],
                fields["reference"],
                fields.get("topic", "General"),
                difficulty,
            )
        )
    if problems:
        raise ImportProblems(problems)
    if not questions:
        raise ImportProblems([Problem(file, 1, 1, "no questions found")])
    return questions


def rubric_node(rubric: Rubric) -> CommentedMap:
    """A rubric as a YAML mapping in the bank style: phrases as a flow list."""
    concepts = CommentedSeq()
    for concept in rubric.concepts:
        node = CommentedMap()
        node["name"] = concept.name
        node["weight"] = int(concept.weight) if concept.weight.is_integer() else concept.weight
        if concept.required:
            node["required"] = True
        if concept.meaning:
            node["meaning"] = concept.meaning
        phrases = CommentedSeq(concept.phrases)
        phrases.fa.set_flow_style()
        node["phrases"] = phrases
        if concept.probe:
            node["probe"] = concept.probe
        concepts.append(node)
    out = CommentedMap()
    out["concepts"] = concepts
    if rubric.misconceptions:
        out["misconceptions"] = [m.model_dump() for m in rubric.misconceptions]
    return out


def _dump(data: Any) -> str:
    yaml = YAML(typ="rt")
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def rubric_yaml(rubric: Rubric) -> str:
    """A rubric as the YAML text of a question's `rubric:` key."""
    root = CommentedMap()
    root["rubric"] = rubric_node(rubric)
    return _dump(root)


def build_bank_yaml(
    bank_id: str,
    title: str,
    source: str,
    questions: Sequence[DraftQuestion],
    rubrics: Sequence[Rubric] | None = None,
) -> str:
    """The YAML text of a bank made of these questions, with drafted rubrics."""
    drafted = list(rubrics) if rubrics is not None else draft_bank_rubrics(questions)
    root = CommentedMap()
    root["id"] = bank_id
    root["title"] = title
    root["description"] = f"{len(questions)} questions imported with drafted rubrics."
    root["source"] = source
    items = CommentedSeq()
    for number, (question, rubric) in enumerate(zip(questions, drafted, strict=True), start=1):
        node = CommentedMap()
        node["id"] = question.id
        node["number"] = number
        node["topic"] = question.topic
        node["difficulty"] = question.difficulty
        node["prompt"] = question.prompt
        node["reference"] = question.reference
        node["rubric"] = rubric_node(rubric)
        items.append(node)
    root["questions"] = items
    root.yaml_set_start_comment(
        "Imported by `interview-sim banks import`. The rubrics are DRAFTS made from each\n"
        "reference answer: check each concept's phrases, weight and `required`, add\n"
        "misconceptions, then run `interview-sim rubric lint` on this file."
    )
    return _dump(root)
