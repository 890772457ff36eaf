"""`progress`, `due`, `attempts` and `sessions list|search|grade|prune-audio|export` on
sessions logged through PracticeSession in the example workspace."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from interview_sim.cli import cli
from interview_sim.core.bank_schema import Bank
from interview_sim.practice import PracticeSession
from interview_sim.store.session_store import SessionStore
from interview_sim.workspace import Workspace

Run = Callable[..., Any]

WEAK = "A model that is too simple has bias."  # bias only: 40 on bias-variance
STRONG = "Too simple means bias, too flexible means variance; it is a trade off."
PENALTY = "it adds a penalty on the weights"


def iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def backdate(store: SessionStore, sid: int, when: datetime) -> None:
    store.db.execute(
        "update sessions set started_at = ?, ended_at = ? where id = ?",
        [iso(when), iso(when + timedelta(minutes=5)), sid],
    )
    store.db.execute(
        "update answers set created_at = ? where session_id = ?",
        [iso(when + timedelta(minutes=1)), sid],
    )
    store.db.conn.commit()


@pytest.fixture
def logged(example_workspace: Workspace, example_bank: Bank) -> dict[str, Any]:
    """Three sessions on the example bank: weak (20 days ago), strong (10 days ago), and one
    interrupted today, with a recording in the workspace's recordings folder."""
    store = SessionStore.open(example_workspace.database_path)
    now = datetime.now(UTC)
    ids: dict[str, Any] = {}
    first = PracticeSession.start(store, example_bank, count=2, order="in-order", probes=False)
    ids["weak_answer"] = first.submit(WEAK).answer_id
    first.submit(PENALTY)
    first.finish()
    backdate(store, first.session_id, now - timedelta(days=20))
    second = PracticeSession.start(
        store, example_bank, count=2, order="in-order", probes=False, mode="voice"
    )
    wav = example_workspace.recordings_dir / f"session-{second.session_id}" / "q1.wav"
    wav.parent.mkdir(parents=True)
    wav.write_bytes(b"RIFF0000WAVE")
    ids["strong_answer"] = second.submit(STRONG, audio_path=str(wav)).answer_id
    second.submit("no idea")
    second.finish()
    backdate(store, second.session_id, now - timedelta(days=10))
    third = PracticeSession.start(store, example_bank, count=3, order="in-order", probes=False)
    third.skip()  # bias-variance
    third.submit("k-means? I would guess centroids")  # to the regularisation question
    third.interrupt()
    ids.update(first=first.session_id, second=second.session_id, third=third.session_id, wav=wav)
    store.close()
    return ids


def test_list_filters_sort_and_paging(run: Run, run_json: Run, logged: dict[str, Any]) -> None:
    everything = run_json("sessions", "list", "--json")
    assert [r["id"] for r in everything] == [logged["third"], logged["second"], logged["first"]]
    assert [r["id"] for r in run_json("sessions", "list", "--json", "--mode", "voice")] == [
        logged["second"]
    ]
    since = (datetime.now(UTC) - timedelta(days=15)).date().isoformat()
    assert [r["id"] for r in run_json("sessions", "list", "--json", "--since", since)] == [
        logged["third"],
        logged["second"],
    ]
    until = (datetime.now(UTC) - timedelta(days=15)).date().isoformat()
    assert [r["id"] for r in run_json("sessions", "list", "--json", "--until", until)] == [
        logged["first"]
    ]
    by_score = run_json("sessions", "list", "--json", "--sort", "-score")
    scores = [r["score"] for r in by_score]
    assert scores == sorted(scores, reverse=True)
    low = run_json("sessions", "list", "--json", "--max-score", "60")
    assert all(r["score"] <= 60 for r in low) and low
    assert run_json("sessions", "list", "--json", "--min-score", "101") == []
    page = run("sessions", "list", "--limit", "2").stdout
    assert "(1-2 of 3; --offset 2 for more)" in page
    assert "5:00" in page  # the time column
    assert [r["id"] for r in run_json("sessions", "list", "--json", "--offset", "2")] == [
        logged["first"]
    ]
    assert "No sessions match" in run("sessions", "list", "--bank", "nope").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "'yesterday' is not a date: use YYYY-MM-DD"),
        (["--since", "2025-02-01", "--until", "2025-01-01"], "before it starts"),
        (["--sort", "colour"], "cannot sort by 'colour'"),
        (["--min-score", "90", "--max-score", "10"], "minimum score (90) is above"),
    ],
)
def test_list_errors_are_one_line(run: Run, args: list[str], message: str) -> None:
    result = run("sessions", "list", *args, code=1)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_search(run: Run, run_json: Run, logged: dict[str, Any]) -> None:
    hits = run_json("sessions", "search", "flexible", "variance", "--json")
    assert [h["answer_id"] for h in hits] == [logged["strong_answer"]]
    assert "[variance]" in hits[0]["snippet"] and "[flexible]" in hits[0]["snippet"]
    out = run("sessions", "search", "simple").stdout
    assert out.count("answer ") == 2
    assert f"session {logged['second']}" in out.splitlines()[0]  # newest first
    assert "No transcript contains" in run("sessions", "search", '"(NEAR*').stdout
    assert run_json("sessions", "search", "trade-off", "--json", "--prompts")  # the prompt


def test_grade(
    run: Run, run_json: Run, logged: dict[str, Any], example_workspace: Workspace
) -> None:
    answer = logged["weak_answer"]
    assert "Graded answer" in run("sessions", "grade", str(answer), "3.5", "--note", "fair").stdout
    store = SessionStore.open(example_workspace.database_path)
    rows = list(store.db.query("select grade, note from grades where answer_id = ?", [answer]))
    store.close()
    assert rows == [{"grade": 3.5, "note": "fair"}]
    for args, message in [
        (["999999", "3"], "no answer 999999"),
        ([str(answer), "7"], "between 0 and 5"),
        ([str(answer), "good"], "'good' is not a grade"),
    ]:
        result = run("sessions", "grade", *args, code=1)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_attempts(run: Run, run_json: Run, logged: dict[str, Any]) -> None:
    data = run_json("attempts", "example", "1", "--json")  # by number
    assert data["question_id"] == "bias-variance"
    weak, strong = data["attempts"]
    assert weak["score"] < strong["score"]
    assert strong["score_change"] == strong["score"] - weak["score"]
    assert set(strong["gained"]) == {"variance", "trade-off"}
    assert strong["lost"] == []
    out = run("attempts", "example", "bias-variance").stdout
    assert "2 attempt(s) at example/bias-variance" in out
    assert "trade-off" in out
    assert "bank 'example' has no question '99'" in run("attempts", "example", "99", code=1).stderr
    assert "no bank 'nope'" in run("attempts", "nope", "x", code=1).stderr
    assert "No attempts at example/cnn" in run("attempts", "example", "cnn").stdout


def test_due_and_progress(run: Run, run_json: Run, logged: dict[str, Any]) -> None:
    due = run_json("due", "--json")
    states = {d["question_id"]: d["state"] for d in due}
    # bias-variance was last answered 10 days ago with a good score: due again (SM-2 day 6)
    assert states["bias-variance"] == "due"
    assert states["cnn"] == "new" and states["failure-story"] == "new"
    assert "regularization" not in states  # answered (badly) today: due tomorrow
    later = run_json("due", "--json", "--all")
    assert {d["question_id"] for d in later} == {
        "bias-variance",
        "regularization",
        "k-means",
        "cnn",
        "failure-story",
    }
    assert len(run_json("due", "--json", "--limit", "1")) == 1
    assert "never tried" in run("due").stdout
    assert "no bank 'nope'" in run("due", "--bank", "nope", code=1).stderr
    report = run_json("progress", "--json")
    assert report["answers"] == 6 and report["sessions"] == 3
    assert report["banks"][0]["bank"] == "example"
    assert len(report["banks"][0]["points"]) == 3  # three days of practice
    assert {t["topic"] for t in report["topics"]} >= {"Model evaluation", "Regularisation"}
    assert report["weakest_concepts"][0]["miss_rate"] == 1.0
    assert report["streak"]["current"] == 1 and report["streak"]["days_practised"] == 3
    assert report["due_now"] >= 1
    text = run("progress").stdout
    assert "6 answers in 3 sessions" in text and "Weakest concepts" in text
    assert "Score by topic" not in run("progress", "--no-topics").stdout


def test_progress_with_no_answers(run: Run) -> None:
    assert "No answers yet" in run("progress").stdout
    assert run_json_of(run, "progress", "--json")["answers"] == 0


def run_json_of(run: Run, *args: str) -> Any:
    return json.loads(run(*args).stdout)


def test_prune_audio(run: Run, logged: dict[str, Any], example_workspace: Workspace) -> None:
    wav: Path = logged["wav"]
    assert 'keep_recordings is "all"' in run("sessions", "prune-audio").stdout
    dry = json.loads(run("sessions", "prune-audio", "--keep", "none", "--dry-run", "--json").stdout)
    assert dry["files_removed"] == 1 and dry["dry_run"] and wav.exists()
    kept = run("sessions", "prune-audio", "--keep", "last", "--keep-last", "2").stdout
    assert "Deleted 0 recording(s)" in kept and wav.exists()
    gone = run("sessions", "prune-audio", "--keep", "last", "--keep-last", "1").stdout
    assert "Deleted 1 recording(s) from 1 session(s)" in gone
    assert not wav.exists()
    shown = json.loads(run("sessions", "show", str(logged["second"]), "--json").stdout)
    assert [a["audio_path"] for a in shown["answers"]] == [None, None]


def test_prune_audio_follows_the_settings_file(
    run: Run, logged: dict[str, Any], example_workspace: Workspace
) -> None:
    (example_workspace.root / "settings.toml").write_text('keep_recordings = "none"\n')
    assert "Deleted 1 recording(s)" in run("sessions", "prune-audio").stdout
    (example_workspace.root / "settings.toml").write_text('keep_recordings = "sometimes"\n')
    assert "settings.toml" in run("sessions", "prune-audio", code=1).stderr


def test_export_a_date_range_field_by_field(run: Run, logged: dict[str, Any]) -> None:
    since = (datetime.now(UTC) - timedelta(days=15)).date().isoformat()
    data = json.loads(run("sessions", "export", "--since", since, "--format", "json").stdout)
    assert [s["id"] for s in data] == [logged["second"], logged["third"]]  # oldest first
    strong = data[0]["answers"][0]
    assert strong["transcript"] == STRONG and strong["mode"] == "voice"
    # recordings are given relative to the workspace (an export reveals no home folder)
    assert Path(logged["wav"]).as_posix().endswith(strong["audio_path"])
    assert not strong["audio_path"].startswith("/")
    rows = list(
        csv.DictReader(
            io.StringIO(run("sessions", "export", "--since", since, "--format", "csv").stdout)
        )
    )
    assert len(rows) == 4
    first = rows[0]
    assert first["session_id"] == str(logged["second"])
    assert first["question_id"] == "bias-variance" and first["question_number"] == "1"
    assert first["score"] == str(strong["score"]) and first["band"] == strong["band"]
    assert first["concepts_found"] == "bias; variance; trade-off"
    assert first["concepts_missed"] == ""
    assert first["transcript"] == STRONG
    assert rows[2]["session_id"] == str(logged["third"]) and rows[2]["skipped"] == "1"
    markdown = run("sessions", "export", "--all").stdout
    assert markdown.count("# Session ") == 3
    both = json.loads(
        run("sessions", "export", str(logged["first"]), "--since", since, "--format", "json").stdout
    )
    assert [s["id"] for s in both] == [logged["first"], logged["second"], logged["third"]]


def test_export_needs_something_to_export(run: Run, logged: dict[str, Any]) -> None:
    assert "name the sessions to export" in run("sessions", "export", code=1).stderr
    assert (
        "no sessions in that range"
        in run("sessions", "export", "--since", "2999-01-01", code=1).stderr
    )


def test_new_commands_have_help(example_workspace: Workspace) -> None:
    for path in (
        ["progress"],
        ["due"],
        ["attempts"],
        ["sessions", "search"],
        ["sessions", "grade"],
        ["sessions", "prune-audio"],
    ):
        result = CliRunner().invoke(cli, [*path, "--help"], prog_name="interview-sim")
        assert result.exit_code == 0, result.output
        assert result.output.startswith("Usage: interview-sim " + " ".join(path))
