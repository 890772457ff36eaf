"""Session exports (Markdown, JSON, CSV) and the settings file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from interview_sim.config import (
    Settings,
    SettingsError,
    load_settings,
    save_settings,
    settings_path,
    update_settings,
)
from interview_sim.core.export import CSV_COLUMNS, to_csv, to_json, to_markdown


def session_rows() -> list[dict[str, Any]]:
    return [
        {
            "id": 7,
            "bank": "example",
            "bank_title": "Example bank",
            "started_at": "2024-01-01T09:00:00+00:00",
            "status": "finished",
            "mode": "typed",
            "score": 62.5,
            "answers": [
                {
                    "position": 1,
                    "question_number": 1,
                    "question_id": "bias-variance",
                    "topic": "Model | evaluation",
                    "prompt": "What is the bias-variance trade-off? " + "Explain it well. " * 8,
                    "score": 40,
                    "band": "partial",
                    "skipped": 0,
                    "is_probe": 0,
                    "mode": "typed",
                    "transcript": "Bias is error.\nVariance too, naïvely.",
                    "concepts": [
                        {"name": "bias", "matched": True, "evidence": ["Bias"]},
                        {"name": "variance", "matched": False, "evidence": []},
                    ],
                    "misconceptions": [{"name": "swapped", "correction": "Not the other way."}],
                    "delivery": {"words_per_minute": 120.0, "fillers": 2},
                },
                {
                    "position": 1,
                    "question_number": 1,
                    "question_id": "bias-variance",
                    "topic": "Model | evaluation",
                    "prompt": "What is the bias-variance trade-off?",
                    "score": 85,
                    "band": "strong",
                    "skipped": 0,
                    "is_probe": 1,
                    "transcript": "It overfits.",
                    "concepts": [],
                },
                {
                    "position": 2,
                    "question_number": 2,
                    "question_id": "regularization",
                    "topic": "Regularisation",
                    "prompt": "How?",
                    "score": None,
                    "band": "skipped",
                    "skipped": 1,
                    "is_probe": 0,
                    "transcript": "",
                },
            ],
        }
    ]


def test_markdown_report() -> None:
    text = to_markdown(session_rows())
    assert text.startswith("# Session 7: Example bank\n")
    assert "- Status: finished, mode: typed" in text
    assert "- Score: 62.5" in text
    table = [line for line in text.splitlines() if line.startswith("| 1")]
    assert len(table) == 2
    assert "Model \\| evaluation" in table[0]  # a pipe cannot break the table
    assert "..." in table[0]  # a long prompt is cut in the table
    assert len(table[0].split(" | ")[1]) == 70
    assert "| 1 (follow-up) |" in table[1]
    assert "| 2 | How? | Regularisation | - | skipped |" in text
    assert "> Bias is error.\n> Variance too, naïvely." in text
    assert '- [x] bias: "Bias"' in text
    assert "- [ ] variance" in text
    assert "- misconception: swapped: Not the other way." in text
    assert "## Q2: How?\n\nSkipped." in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_json_export_keeps_everything_and_unicode() -> None:
    text = to_json(session_rows())
    assert "naïvely" in text
    assert json.loads(text) == session_rows()


def test_csv_export_one_row_per_answer() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(session_rows()))))
    assert tuple(rows[0]) == CSV_COLUMNS
    records = [dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows[1:]]
    assert len(records) == 3
    first = records[0]
    assert first["session_id"] == "7"
    assert first["concepts_found"] == "bias"
    assert first["concepts_missed"] == "variance"
    assert first["words_per_minute"] == "120.0"
    assert first["transcript"] == "Bias is error.\nVariance too, naïvely."  # quoted, not split
    assert records[1]["is_probe"] == "1"
    assert records[2]["skipped"] == "1"
    assert records[2]["score"] == ""


def test_exports_of_no_sessions() -> None:
    assert json.loads(to_json([])) == []
    assert to_csv([]).strip() == ",".join(CSV_COLUMNS)


def test_settings_default_without_a_file(tmp_path: Path) -> None:
    assert load_settings(tmp_path) == Settings()
    assert Settings().answer_mode == "voice"


def test_settings_round_trip(tmp_path: Path) -> None:
    saved = update_settings(tmp_path, rate=200, answer_mode="typed")
    assert saved.rate == 200
    assert load_settings(tmp_path) == saved
    assert not list(tmp_path.glob("*.tmp"))
    assert "rate = 200" in settings_path(tmp_path).read_text()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("rate = 5000\n", "rate"),
        ("colour = 'red'\n", "colour"),
        ("rate = [\n", "cannot read settings"),
        ("answer_mode = 'shouted'\n", "answer_mode"),
    ],
)
def test_bad_settings_name_the_file_and_the_problem(tmp_path: Path, text: str, words: str) -> None:
    settings_path(tmp_path).write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path)
    message = str(caught.value)
    assert str(settings_path(tmp_path)) in message
    assert words in message


def test_a_bad_update_keeps_the_file(tmp_path: Path) -> None:
    save_settings(tmp_path, Settings(rate=150))
    before = settings_path(tmp_path).read_text()
    with pytest.raises(SettingsError):
        update_settings(tmp_path, rate=1)
    assert settings_path(tmp_path).read_text() == before
