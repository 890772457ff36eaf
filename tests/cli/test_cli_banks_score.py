"""`banks list|show|validate` and `score` (text, JSON, batch), run in the example workspace."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from interview_sim.workspace import Workspace

Run = Callable[..., Any]  # the `run` fixture: CliRunner in the example workspace
ProcessRun = Callable[..., Any]  # the `run_process` fixture: the real `interview-sim`

GOOD_BIAS = "Too simple models have bias, flexible ones overfit; it is a trade off."
LOCATED = re.compile(r"^(?P<file>.+\.yaml):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


def broken_copy(workspace: Workspace, text: str) -> Path:
    path = workspace.root / "broken.yaml"
    path.write_text(
        text.replace("id: example", "id: broken").replace("difficulty: hard", "difficulty: brutal")
    )
    return path


def test_banks_list_json(run_json: Callable[..., Any], example_workspace: Workspace) -> None:
    data = run_json("banks", "list", "--json")
    assert data["problems"] == []
    (bank,) = data["banks"]
    assert bank["id"] == "example"
    assert bank["questions"] == 5
    assert bank["topics"][0] == "Model evaluation"
    assert bank["path"] == str(example_workspace.banks_dir / "example.yaml")


def test_banks_list_text_warns_about_a_broken_bank(run: Run, example_workspace: Workspace) -> None:
    (example_workspace.banks_dir / "broken.yaml").write_text("id: broken\ntitle: [\n")
    result = run("banks", "list")
    assert "example" in result.stdout
    assert "Example bank" in result.stdout
    assert "1 banks in" in result.stdout
    assert "warning:" in result.stderr
    assert "broken.yaml:" in result.stderr


def test_banks_show(run: Run, run_json: Callable[..., Any]) -> None:
    text = run("banks", "show", "example").stdout
    assert "Example bank (example)" in text
    assert "k-means" in text
    data = run_json("banks", "show", "example", "--json")
    assert [q["id"] for q in data["questions"]][:2] == ["bias-variance", "regularization"]
    missing = run("banks", "show", "nope", code=1)
    assert "no bank 'nope' (banks: example)" in missing.stderr


def test_banks_show_a_broken_bank_names_its_problems(
    run: Run, example_workspace: Workspace
) -> None:
    (example_workspace.banks_dir / "broken.yaml").write_text("id: broken\ntitle: [\n")
    result = run("banks", "show", "broken", code=1)
    assert "bank 'broken' has problems" in result.stderr
    assert "broken.yaml:" in result.stderr


def test_banks_validate_a_broken_bank_prints_file_line_col_and_exits_1(
    run: Run, example_workspace: Workspace, example_bank_text: str
) -> None:
    path = broken_copy(example_workspace, example_bank_text)
    result = run("banks", "validate", str(path), code=1)
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    match = LOCATED.match(lines[0])
    assert match, lines[0]
    assert match["file"] == str(path)
    text = path.read_text()
    line = text[: text.index("brutal")].count("\n") + 1
    assert (int(match["line"]), int(match["col"])) == (line, len("    difficulty: ") + 1)
    assert "'easy', 'medium' or 'hard'" in match["message"]
    assert "1 problem(s) in 1 file(s)" in result.stderr


def test_banks_validate_good_files_and_folders(run: Run, example_workspace: Workspace) -> None:
    result = run("banks", "validate", str(example_workspace.banks_dir / "example.yaml"))
    assert result.stdout == ""
    assert "ok (5 questions)" in result.stderr
    assert "ok (5 questions)" in run("banks", "validate").stderr  # the workspace's banks
    assert "ok (5 questions)" in run("banks", "validate", str(example_workspace.banks_dir)).stderr


def test_banks_validate_reports_every_file(
    run: Run, example_workspace: Workspace, example_bank_text: str
) -> None:
    broken = broken_copy(example_workspace, example_bank_text)
    empty = example_workspace.root / "empty.yaml"
    empty.write_text("")
    result = run(
        "banks",
        "validate",
        str(broken),
        str(empty),
        str(example_workspace.banks_dir / "example.yaml"),
        code=1,
    )
    files = [LOCATED.match(line)["file"] for line in result.stdout.splitlines()]  # type: ignore[index]
    assert files == [str(broken), str(empty)]
    assert "2 problem(s) in 3 file(s)" in result.stderr


def test_banks_validate_a_missing_path(run: Run, tmp_path: Path) -> None:
    result = run("banks", "validate", str(tmp_path / "nope.yaml"), code=1)
    assert "no such file" in result.stderr


def test_banks_validate_as_a_real_process(
    run_process: ProcessRun, example_workspace: Workspace, example_bank_text: str
) -> None:
    path = broken_copy(example_workspace, example_bank_text)
    path.write_bytes(path.read_bytes().replace(b"Example bank", b"Example \xff bank"))
    result = run_process(["banks", "validate", str(path)])
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    match = LOCATED.match(result.stdout.strip())
    assert match, result.stdout
    assert "not valid UTF-8" in match["message"]
    assert (match["line"], match["col"]) == ("3", "16")


def test_score_json_shape(run_json: Callable[..., Any]) -> None:
    data = run_json(
        "score", "--bank", "example", "--question", "bias-variance", "--text", GOOD_BIAS, "--json"
    )
    assert {"score", "band", "concepts", "misconceptions", "delivery"} <= set(data)
    assert data["score"] == 100
    assert data["band"] == "strong"
    assert data["question"] == "bias-variance"
    assert data["number"] == 1
    assert data["transcript"] == GOOD_BIAS
    assert len(data["rubric_hash"]) == 12
    assert [c["name"] for c in data["concepts"]] == ["bias", "variance", "trade-off"]
    for concept in data["concepts"]:
        assert {"name", "weight", "matched", "evidence"} <= set(concept)
        assert concept["matched"] is True
        assert isinstance(concept["weight"], float)
        for start, end in concept["spans"]:
            assert GOOD_BIAS[start:end] in concept["evidence"]
    assert data["concepts"][1]["evidence"] == ["overfit"]
    assert data["misconceptions"] == []
    assert data["delivery"]["words"] == len(GOOD_BIAS.split())
    assert data["delivery"]["words_per_minute"] is None


def test_score_json_with_misconception_and_cap(run_json: Callable[..., Any]) -> None:
    data = run_json(
        "score",
        "--bank",
        "example",
        "--question",
        "3",
        "--text",
        "It is supervised and uses the nearest points, um, you know.",
        "--json",
    )
    assert data["question"] == "k-means"
    assert data["capped"] is True
    assert data["penalty"] == 15
    assert data["score"] == 25 - 15
    (wrong,) = data["misconceptions"]
    assert wrong["name"] == "supervised"
    assert wrong["evidence"] == ["supervised"]
    assert "correction" in wrong
    assert data["delivery"]["fillers"] == 2


def test_score_text_output(run: Run) -> None:
    out = run("score", "--bank", "example", "--question", "2", "--text", "an l two penalty").stdout
    assert "Score 75/100 (good)" in out
    assert '[ found] penalty (weight 3, required): "l two"' in out
    assert "[missed] simpler model" in out
    assert "Delivery: 4 words" in out


def test_score_with_a_bank_file(run_json: Callable[..., Any], example_bank_file: Path) -> None:
    data = run_json(
        "score",
        "--bank-file",
        str(example_bank_file),
        "--question",
        "cnn",
        "--text",
        "convolution",
        "--json",
    )
    assert data["score"] == 67


def test_score_failures_are_one_line(run: Run) -> None:
    assert "give --bank" in run("score", "--text", "x", code=1).stderr
    assert "give --question" in run("score", "--bank", "example", "--text", "x", code=1).stderr
    missing = run("score", "--bank", "example", "--question", "99", "--text", "x", code=1)
    assert "has no question '99' (numbers 1-5" in missing.stderr
    assert "give --text" in run("score", "--bank", "example", "--question", "1", code=1).stderr
    assert (
        "no bank 'nope'"
        in run("score", "--bank", "nope", "--question", "1", "--text", "x", code=1).stderr
    )


def batch_lines(*items: object) -> str:
    return "\n".join(i if isinstance(i, str) else json.dumps(i) for i in items) + "\n"


def test_score_batch_keeps_the_input_order_and_reports_bad_lines(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text(
        batch_lines(
            {"bank": "example", "question": "cnn", "text": "convolution with shared weights"},
            {"bank": "example", "question": 2, "text": "a penalty"},
            "{not json",
            "",
            {"bank": "nope", "question": 1, "text": "x"},
            {"bank": "example", "question": "zzz", "text": "x"},
            {"bank": "example", "question": 1, "text": 42},
            ["a", "list"],
            {"bank": "example", "question": "bias-variance", "text": GOOD_BIAS},
        ),
        encoding="utf-8",
    )
    result = run("score", "--batch", str(path), code=1)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 8  # the blank line is skipped, every other line has its output
    assert [r.get("question") for r in rows] == [
        "cnn", "regularization", None, None, None, None, None, "bias-variance",
    ]  # fmt: skip
    assert [r.get("score") for r in (rows[0], rows[1], rows[7])] == [100, 75, 100]
    errors = [r for r in rows if "error" in r]
    assert [r["line"] for r in errors] == [3, 5, 6, 7, 8]
    assert all(set(r) == {"line", "error"} for r in errors)
    assert "no bank 'nope'" in errors[1]["error"]
    assert "no question 'zzz' in example" in errors[2]["error"]
    assert '"text" must be a string' in errors[3]["error"]
    assert "5 line(s) could not be scored" in result.stderr


def test_score_batch_from_stdin_with_a_bank_file(run: Run, example_bank_file: Path) -> None:
    lines = batch_lines(
        {"question": "k-means", "text": "nearest centroid, repeat"},
        {"question": 4, "text": "kernel"},
    )
    result = run("score", "--batch", "-", "--bank-file", str(example_bank_file), input=lines)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["question"], r["score"]) for r in rows] == [("k-means", 100), ("cnn", 67)]
    assert all({"score", "band", "concepts", "misconceptions", "delivery"} <= set(r) for r in rows)
