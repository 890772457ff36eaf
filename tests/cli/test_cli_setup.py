"""`init`, `doctor`, the workspace resolution and main()'s last line of defence."""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from interview_sim import bank_cache
from interview_sim import cli as cli_module
from interview_sim.store.session_store import SessionStore
from interview_sim.workspace import Workspace, bundled_banks_dir, resolve_workspace

Run = Callable[..., Any]
ProcessRun = Callable[..., Any]


def test_init_makes_a_workspace_with_the_bundled_banks(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "new-ws"
    out = run("init", str(target)).stdout
    assert f"Workspace ready at {target.resolve()}" in out
    assert (target / "banks").is_dir()
    assert stat.S_IMODE((target / "sessions").stat().st_mode) == 0o700
    bundled = sorted(p.name for p in bundled_banks_dir().glob("*.yaml"))
    assert sorted(p.name for p in (target / "banks").glob("*.yaml")) == bundled


def test_init_never_overwrites_a_bank_the_user_has(
    tmp_path: Path, example_bank_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "bundled"
    source.mkdir()
    (source / "example.yaml").write_text(example_bank_text)
    monkeypatch.setattr("interview_sim.workspace.bundled_banks_dir", lambda: source)
    target = tmp_path / "ws"
    (target / "banks").mkdir(parents=True)
    (target / "banks" / "example.yaml").write_text("my own edits")
    result = CliRunner().invoke(cli_module.cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "banks" / "example.yaml").read_text() == "my own edits"


def test_init_in_an_impossible_place_fails_in_one_line(run: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run("init", str(blocker / "inside"), code=1)
    assert result.stderr.startswith("interview-sim: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_workspace_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    explicit = resolve_workspace(tmp_path / "explicit")
    assert explicit.root == (tmp_path / "explicit").resolve()
    assert explicit.banks_dir.is_dir()
    monkeypatch.setenv("INTERVIEW_SIM_HOME", str(tmp_path / "from-env"))
    assert resolve_workspace().root == (tmp_path / "from-env").resolve()
    monkeypatch.delenv("INTERVIEW_SIM_HOME")
    checkout = tmp_path / "checkout"
    (checkout / "banks").mkdir(parents=True)
    assert resolve_workspace(cwd=checkout).root == checkout.resolve()
    user = resolve_workspace(cwd=tmp_path / "elsewhere")
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert user.root.is_relative_to(data_home)  # the per-user folder, inside the temp home
    assert user.banks_dir.is_dir()


def test_doctor_json_shape(run_json: Callable[..., Any]) -> None:
    data = run_json("doctor", "--json")
    assert data["ok"] is True
    names = [c["name"] for c in data["checks"]]
    assert names[:6] == ["python", "workspace", "database", "banks", "scorer", "settings"]
    scorer = data["checks"][4]
    assert scorer["ok"] and scorer["detail"] in {"compiled (mypyc)", "pure Python"}
    for check in data["checks"]:
        assert set(check) == {"name", "ok", "detail", "fix", "essential"}
        assert isinstance(check["ok"], bool)
        assert isinstance(check["essential"], bool)
        assert isinstance(check["detail"], str)
    checks = {c["name"]: c for c in data["checks"]}
    assert checks["banks"]["ok"] is True
    assert checks["banks"]["detail"] == "1 banks, 0 problems"
    assert checks["database"]["ok"] is True


def test_doctor_text_and_a_private_database(run: Run, example_workspace: Workspace) -> None:
    SessionStore.open(example_workspace.database_path).close()
    out = run("doctor").stdout
    assert "[ok  ] python:" in out
    assert "ok, mode 600" in out
    assert "Typed answers work." in out


def test_doctor_reports_a_broken_database_and_reset_keeps_it_aside(
    run: Run, example_workspace: Workspace
) -> None:
    db = example_workspace.database_path
    db.write_bytes(b"garbage, not sqlite" * 200)
    result = run("doctor", "--json", code=1)
    data = json.loads(result.stdout)
    assert data["ok"] is False
    database = next(c for c in data["checks"] if c["name"] == "database")
    assert database["ok"] is False
    assert database["essential"] is True
    assert "--reset-database" in database["fix"]
    reset = run("doctor", "--reset-database")
    assert "Kept the old database as" in reset.stdout
    assert not db.exists()
    assert [p.name.startswith("interview.db.broken-") for p in db.parent.iterdir()] == [True]
    assert "No database to reset." in run("doctor", "--reset-database").stdout


def test_doctor_reports_bad_settings(run: Run, example_workspace: Workspace) -> None:
    (example_workspace.root / "settings.toml").write_text("rate = 'fast'\n")
    data = json.loads(run("doctor", "--json").stdout)
    settings = next(c for c in data["checks"] if c["name"] == "settings")
    assert settings["ok"] is False
    assert "rate" in settings["detail"]


def test_main_turns_an_unexpected_error_into_one_line_and_a_crash_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(bank_cache.ENV_CACHE, str(tmp_path / "cache"))

    def explode(**_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli_module, "cli", explode)
    with pytest.raises(SystemExit) as caught:
        cli_module.main()
    assert caught.value.code == 2
    err = capsys.readouterr().err
    log = tmp_path / "cache" / "crash.log"
    assert err == f"interview-sim: unexpected error: boom; details in {log}\n"
    assert "Traceback" in log.read_text()
    assert "RuntimeError: boom" in log.read_text()


def test_main_reports_an_interrupt_with_status_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupt(**_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "cli", interrupt)
    with pytest.raises(SystemExit) as caught:
        cli_module.main()
    assert caught.value.code == 130
    assert capsys.readouterr().err == "interrupted\n"


def test_main_runs_commands(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    example_workspace: Workspace,
) -> None:
    monkeypatch.setattr(sys, "argv", ["interview-sim", "banks", "list", "--json"])
    with pytest.raises(SystemExit) as caught:
        cli_module.main()
    assert caught.value.code == 0
    assert json.loads(capsys.readouterr().out)["banks"][0]["id"] == "example"


def test_real_process_help_doctor_and_init(run_process: ProcessRun, tmp_path: Path) -> None:
    helped = run_process(["--help"])
    assert helped.returncode == 0
    assert "Commands:" in helped.stdout
    doctor = run_process(["doctor", "--json"])
    assert doctor.returncode == 0, doctor.stderr
    assert json.loads(doctor.stdout)["ok"] is True
    made = run_process(["init", str(tmp_path / "made")])
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "made" / "sessions").is_dir()
    wrong = run_process(["sessions", "show", "not-a-number"])
    assert wrong.returncode == 2
    assert "Traceback" not in wrong.stderr


def test_the_workspace_fixture_is_a_fresh_workspace_with_the_bundled_banks(
    workspace: Workspace,
) -> None:
    assert os.environ["INTERVIEW_SIM_HOME"] == str(workspace.root)
    assert stat.S_IMODE(workspace.sessions_dir.stat().st_mode) == 0o700
    assert not workspace.database_path.exists()
    bundled = sorted(p.name for p in bundled_banks_dir().glob("*.yaml"))
    assert sorted(p.name for p in workspace.banks_dir.glob("*.yaml")) == bundled


def test_nothing_points_at_the_real_home(
    isolated_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert Path.home() == isolated_home
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "INTERVIEW_SIM_HOME"):
        assert Path(os.environ[name]).is_relative_to(isolated_home.parent)
    assert bank_cache.cache_dir().is_relative_to(tmp_path_factory.getbasetemp())
