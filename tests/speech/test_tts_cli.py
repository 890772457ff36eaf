"""The `say` and `voices` click commands."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from interview_sim.commands.speech_out import say, voices
from interview_sim.config import Settings
from interview_sim.speech.tts import engine_status

needs_engine = pytest.mark.skipif(not engine_status().ready, reason="pyttsx3 engine missing")


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEW_SIM_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.parametrize("command", [say, voices])
def test_commands_have_help(command: click.Command) -> None:
    result = CliRunner().invoke(command, ["--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


@needs_engine
def test_say_out_writes_a_valid_wav(tmp_path: Path) -> None:
    out = tmp_path / "q.wav"
    args = ["Why does batch normalisation help training?", "--out", str(out), "--rate", "200"]
    result = CliRunner().invoke(say, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}")
    with wave.open(str(out), "rb") as wav:
        assert wav.getnframes() / wav.getframerate() > 1.0
    assert not list(tmp_path.glob(".*.part"))


@needs_engine
def test_say_uses_settings_from_the_context(tmp_path: Path) -> None:
    out = tmp_path / "q.wav"
    settings = Settings(voice="no-such-voice")
    result = CliRunner().invoke(say, ["Hello.", "--out", str(out)], obj=settings)
    assert result.exit_code == 1 and "unknown voice 'no-such-voice'" in result.output


@needs_engine
def test_say_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (
        ["Hello.", "--voice", "no-such-voice", "--out", str(tmp_path / "a.wav")],
        ["Hello.", "--out", str(tmp_path / "missing-dir" / "a.wav")],
        ["   "],
    ):
        result = runner.invoke(say, args)
        assert result.exit_code == 1, args
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
        assert "Traceback" not in result.output and result.exception is not None
        assert isinstance(result.exception, SystemExit)


def test_say_without_an_output_device_explains(monkeypatch: pytest.MonkeyPatch) -> None:
    sd = pytest.importorskip("sounddevice")

    def no_device(*args: object, **kwargs: object) -> object:
        raise sd.PortAudioError("Error querying device -1")

    monkeypatch.setattr(sd, "query_devices", no_device)
    result = CliRunner().invoke(say, ["Hello."])
    assert result.exit_code == 1
    if engine_status().ready:
        assert "no audio output device found" in result.output


def test_say_refuses_a_bad_rate() -> None:
    result = CliRunner().invoke(say, ["Hello.", "--rate", "5"])
    assert result.exit_code == 2 and "80<=x<=400" in result.output


@needs_engine
def test_voices_json_shape() -> None:
    result = CliRunner().invoke(voices, ["--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert rows and all(set(row) == {"id", "name", "languages"} for row in rows)
    assert all(isinstance(row["languages"], list) for row in rows)
    plain = CliRunner().invoke(voices, [])
    assert plain.exit_code == 0 and rows[0]["id"] in plain.output


@needs_engine
def test_say_under_the_main_command_uses_the_workspace_settings(tmp_path: Path) -> None:
    from interview_sim.cli import cli
    from interview_sim.config import save_settings

    workspace = tmp_path / "ws"
    (workspace / "banks").mkdir(parents=True)
    save_settings(workspace, Settings(voice="no-such-voice"))
    out = tmp_path / "a.wav"
    args = ["--workspace", str(workspace), "say", "Hello.", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and "no-such-voice" in result.output
    result = CliRunner().invoke(cli, [*args, "--voice", ""])
    assert result.exit_code == 0, result.output
    assert out.exists()
