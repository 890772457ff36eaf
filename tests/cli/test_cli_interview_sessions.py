"""`interview --plain` over stdin, then `sessions list|show|export|delete` on what it logged."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from interview_sim.store.session_store import SessionStore
from interview_sim.workspace import Workspace

Run = Callable[..., Any]
ProcessRun = Callable[..., Any]

ANSWERS = {
    1: "Too simple models have bias, flexible ones overfit; it is a trade off.",
    2: "Weight decay adds an L2 penalty so we get a simpler model.",
    3: "Assign each point to the nearest centroid and repeat until they converge.",
}


def session_id_of(output: str) -> int:
    match = re.search(r"Session (\d+): ", output)
    assert match, output
    return int(match.group(1))


def plain(run: Run, *extra: str, input: str, code: int = 0) -> Any:
    return run(
        "interview",
        "--plain",
        "--bank",
        "example",
        "--order",
        "in-order",
        *extra,
        input=input,
        code=code,
    )


@pytest.fixture
def finished_session(run: Run) -> int:
    """A finished three-question session, answered through `interview --plain`."""
    lines = "\n".join(ANSWERS.values()) + "\n"
    result = plain(run, "--count", "3", "--no-probes", input=lines)
    return session_id_of(result.stdout)


def test_plain_interview_scores_each_answer_and_sums_up(run: Run) -> None:
    lines = "\n".join(ANSWERS.values()) + "\n"
    out = plain(run, "--count", "3", "--no-probes", input=lines).stdout
    assert "3 questions from Example bank" in out
    assert "Question 1/3 [Model evaluation, medium]: What is the bias-variance trade-off?" in out
    assert "Question 3/3 [Unsupervised learning, easy]" in out
    assert out.count("Score: 100/100 (strong)") == 3
    assert "found: bias, variance, trade-off" in out
    sid = session_id_of(out)
    assert f"Session {sid} done. Score: 100" in out
    strongest = re.search(r"^Strongest: (.+)$", out, re.M)
    assert strongest, out
    assert len(strongest.group(1).split(", ")) == 2  # the two best topics, all at 100 here
    assert "Weakest" not in out


def test_plain_interview_logs_a_session_that_sessions_show_displays(
    run: Run, run_json: Callable[..., Any], finished_session: int
) -> None:
    data = run_json("sessions", "show", str(finished_session), "--json")
    assert data["id"] == finished_session
    assert data["bank"] == "example"
    assert data["mode"] == "plain"
    assert data["status"] == "finished"
    assert data["score"] == 100.0
    assert [a["transcript"] for a in data["answers"]] == list(ANSWERS.values())
    assert [a["question_number"] for a in data["answers"]] == [1, 2, 3]
    assert all(a["score"] == 100 for a in data["answers"])
    markdown = run("sessions", "show", str(finished_session)).stdout
    assert markdown.startswith(f"# Session {finished_session}: Example bank")
    assert "> " + ANSWERS[2] in markdown


def test_plain_interview_follow_up_hint_skip_and_missed_concepts(run: Run) -> None:
    lines = [
        "A model that is too simple has a lot of bias.",  # misses variance: follow-up
        "Then it overfits the training data.",  # the follow-up's answer
        ":hint",  # question 2: a hint, then the answer
        "a penalty on the weights",
        ":skip",  # question 3
    ]
    out = plain(run, "--count", "3", input="\n".join(lines) + "\n").stdout
    assert "Follow-up: And what happens when the model is too flexible?" in out
    assert "missed: variance: Variance is error from sensitivity" in out
    assert "Score: 80/100 (strong)" in out  # after the follow-up
    assert "Hint: penalty: A penalty on the size of the weights" in out
    assert "note: hint used" in out
    assert "Skipped." in out
    assert re.search(r"Q3\s+Unsupervised learning\s+skipped", out)


def test_quit_then_resume_continues_where_it_stopped(
    run: Run, run_json: Callable[..., Any]
) -> None:
    first = plain(run, "--count", "3", "--no-probes", input=ANSWERS[1] + "\n:quit\n").stdout
    sid = session_id_of(first)
    assert f"Resume with: interview-sim interview --plain --resume {sid}" in first
    shown = run_json("sessions", "show", str(sid), "--json")
    assert shown["status"] == "interrupted"
    assert len(shown["answers"]) == 1
    listed = run_json("sessions", "list", "--json", "--status", "interrupted")
    assert [s["id"] for s in listed] == [sid]
    again = run(
        "interview",
        "--plain",
        "--resume",
        str(sid),
        "--no-probes",
        input=ANSWERS[2] + "\n" + ANSWERS[3] + "\n",
    ).stdout
    assert f"Resuming session {sid} at question 2 of 3." in again
    assert "Question 2/3" in again
    assert "Question 1/3" not in again
    done = run_json("sessions", "show", str(sid), "--json")
    assert done["status"] == "finished"
    assert [a["transcript"] for a in done["answers"]] == list(ANSWERS.values())


def test_end_of_input_interrupts_the_session(run: Run, run_json: Callable[..., Any]) -> None:
    out = plain(run, "--count", "2", "--no-probes", input=ANSWERS[1] + "\n").stdout
    sid = session_id_of(out)
    assert "Stopped." in out
    assert run_json("sessions", "show", str(sid), "--json")["status"] == "interrupted"


def test_interview_needs_a_bank_and_a_known_session(run: Run) -> None:
    assert "give --bank" in run("interview", "--plain", code=1).stderr
    assert "no session 42" in run("interview", "--plain", "--resume", "42", code=1).stderr
    assert "no bank 'nope'" in run("interview", "--plain", "--bank", "nope", code=1).stderr


def test_without_plain_or_a_terminal_the_app_refuses_clearly(run: Run) -> None:
    for args in ((), ("interview",)):
        result = run(*args, code=1)
        assert "needs a terminal" in result.stderr


def test_interview_as_a_real_process_then_sessions_show(run_process: ProcessRun) -> None:
    lines = "\n".join(ANSWERS.values()) + "\n"
    result = run_process(
        [
            "interview",
            "--plain",
            "--bank",
            "example",
            "--order",
            "in-order",
            "--count",
            "3",
            "--no-probes",
        ],
        input=lines,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    sid = session_id_of(result.stdout)
    shown = run_process(["sessions", "show", str(sid), "--json"])
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert [a["transcript"] for a in data["answers"]] == list(ANSWERS.values())
    assert data["status"] == "finished"


def test_sessions_list_json_and_filters(
    run: Run, run_json: Callable[..., Any], finished_session: int
) -> None:
    later = session_id_of(plain(run, "--count", "1", input=":quit\n").stdout)
    rows = run_json("sessions", "list", "--json")
    assert [r["id"] for r in rows] == [later, finished_session]
    first = rows[1]
    assert set(first) == {
        "id",
        "bank",
        "bank_title",
        "mode",
        "status",
        "started_at",
        "ended_at",
        "count",
        "answered",
        "score",
    }
    assert (first["count"], first["answered"], first["status"]) == (3, 3, "finished")
    assert [r["id"] for r in run_json("sessions", "list", "--json", "--status", "finished")] == [
        finished_session
    ]
    assert run_json("sessions", "list", "--json", "--bank", "other") == []
    assert [r["id"] for r in run_json("sessions", "list", "--json", "--search", "centroid")] == [
        finished_session
    ]
    assert run_json("sessions", "list", "--json", "--search", '"(NEAR* OR') == []
    assert len(run_json("sessions", "list", "--json", "--limit", "1")) == 1
    table = run("sessions", "list").stdout
    assert re.search(
        rf"^{finished_session}\s.*example\s+plain\s+finished\s+3/3\s+100$", table, re.M
    )


def test_sessions_list_when_there_are_none(run: Run) -> None:
    assert "No sessions yet" in run("sessions", "list").stdout


def test_export_md_json_csv(run: Run, finished_session: int, tmp_path: Path) -> None:
    sid = str(finished_session)
    markdown = run("sessions", "export", sid, "--format", "md").stdout
    assert markdown.startswith(f"# Session {sid}: Example bank")
    assert "| 1 | What is the bias-variance trade-off? | Model evaluation | 100 | strong |" in (
        markdown
    )
    assert '- [x] variance: "overfit"' in markdown

    exported = json.loads(run("sessions", "export", sid, "--format", "json").stdout)
    assert [s["id"] for s in exported] == [finished_session]
    assert [a["transcript"] for a in exported[0]["answers"]] == list(ANSWERS.values())

    rows = list(
        csv.DictReader(io.StringIO(run("sessions", "export", sid, "--format", "csv").stdout))
    )
    assert [r["question_id"] for r in rows] == ["bias-variance", "regularization", "k-means"]
    assert rows[0]["concepts_found"] == "bias; variance; trade-off"
    assert rows[0]["concepts_missed"] == ""
    assert rows[1]["transcript"] == ANSWERS[2]
    assert rows[0]["session_id"] == sid

    out = tmp_path / "report.md"
    written = run("sessions", "export", sid, "--out", str(out))
    assert f"wrote {out}" in written.stderr
    assert out.read_text(encoding="utf-8") == markdown
    assert "no session 999" in run("sessions", "export", sid, "999", code=1).stderr


def test_delete_with_yes_removes_the_session_and_its_recordings(
    run: Run, finished_session: int, example_workspace: Workspace
) -> None:
    recording = example_workspace.recordings_dir / "answer.wav"
    recording.parent.mkdir(parents=True)
    recording.write_bytes(b"RIFF")
    store = SessionStore.open(example_workspace.database_path)
    try:
        store.db.execute(
            "update answers set audio_path = ? where session_id = ? and position = 1",
            [str(recording), finished_session],
        )
        store.db.conn.commit()
    finally:
        store.close()
    kept = run("sessions", "delete", str(finished_session), input="n\n")
    assert "Nothing deleted." in kept.stdout
    assert recording.exists()
    result = run("sessions", "delete", str(finished_session), "--yes")
    assert f"Deleted session {finished_session} (1 recording(s) removed)." in result.stdout
    assert not recording.exists()
    assert "no session" in run("sessions", "show", str(finished_session), code=1).stderr
    assert "no session" in run("sessions", "delete", str(finished_session), "--yes", code=1).stderr
