"""The speech-in commands through click: output, settings, one-line errors with exit status 1."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from interview_sim.commands import speech_in
from interview_sim.config import load_settings
from interview_sim.speech import models
from interview_sim.speech.recognizer import SpeechModel


def make_cli(workspace: Path) -> click.Group:
    @click.group()
    @click.pass_context
    def cli(ctx: click.Context) -> None:
        ctx.obj = {"workspace": workspace}

    speech_in.register(cli)
    return cli


class Invoke:
    """Runs the commands in a workspace of its own."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.cli = make_cli(workspace)

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(self.cli, list(args), catch_exceptions=False)


@pytest.fixture
def invoke(tmp_path: Path) -> Invoke:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    return Invoke(workspace)


def assert_one_line_error(result: Result, text: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and text in lines[0], lines
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_transcribe_json_gives_text_and_timed_words(
    invoke: Invoke, ko_model: SpeechModel, ko_wavs: dict[str, Path]
) -> None:
    result = invoke("transcribe", str(ko_wavs["mono16k"]), "--model", str(ko_model.path), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["text"] and payload["words"]
    assert all(w["start"] <= w["end"] <= payload["audio_seconds"] for w in payload["words"])
    assert payload["model"] == str(ko_model.path)


@pytest.mark.slow
def test_transcribe_text_output_uses_the_saved_setting(
    invoke: Invoke, ko_model: SpeechModel, ko_wavs: dict[str, Path]
) -> None:
    assert invoke("model", "use", str(ko_model.path)).exit_code == 0
    assert load_settings(invoke.workspace).speech_model == str(ko_model.path.resolve())
    result = invoke("transcribe", str(ko_wavs["native"]))
    assert result.exit_code == 0, result.output
    first, *word_lines = result.stdout.splitlines()
    assert first.strip() and word_lines
    assert "s of audio in" in result.stderr


def test_transcribe_errors_are_one_line(invoke: Invoke, tmp_path: Path) -> None:
    assert_one_line_error(invoke("transcribe", str(tmp_path / "nope.wav")), "no such file")
    wav = tmp_path / "x.wav"
    wav.write_bytes(b"RIFF....WAVEjunk")
    assert_one_line_error(invoke("transcribe", str(wav)), "no speech model is installed")
    bad = tmp_path / "not-a-model"
    bad.mkdir()
    assert_one_line_error(invoke("transcribe", str(wav), "--model", str(bad)), "not a Vosk model")


def test_model_list_shows_the_catalogue(invoke: Invoke) -> None:
    result = invoke("model", "list")
    assert result.exit_code == 0
    assert "vosk-model-small-en-us-0.15" in result.stdout and "9.85/10.38" in result.stdout
    rows = json.loads(invoke("model", "list", "--json").stdout)
    assert {row["installed"] for row in rows} == {"no"}
    assert rows[0]["size_bytes"] == models.CATALOGUE[0].size_bytes


def test_model_use_refuses_what_is_not_installed(invoke: Invoke) -> None:
    result = invoke("model", "use", "vosk-model-small-en-us-0.15")
    assert_one_line_error(result, "model download vosk-model-small-en-us-0.15")
    assert_one_line_error(invoke("model", "use", "/no/such/folder"), "does not exist")


def test_model_status_without_a_model_exits_1_and_reports_the_microphone(invoke: Invoke) -> None:
    result = invoke("model", "status")
    assert result.exit_code == 1
    assert "NOT READY: no speech model is installed" in result.stdout
    assert "microphone" in result.stdout


def test_model_status_with_a_model(invoke: Invoke, ko_model_path: Path) -> None:
    result = invoke("model", "status", "--model", str(ko_model_path))
    assert result.exit_code == 0, result.output
    assert f"ok: {ko_model_path}" in result.stdout


def test_download_of_an_unknown_name_or_unreachable_server(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_one_line_error(invoke("model", "download", "vosk-model-xx"), "unknown model")
    monkeypatch.setenv(models.MIRROR_ENV, "http://127.0.0.1:9")
    result = invoke("model", "download", "vosk-model-small-en-us-0.15")
    assert_one_line_error(result, "cannot reach http://127.0.0.1:9")


def test_every_command_has_help(invoke: Invoke) -> None:
    for args in (["transcribe"], ["model"], *[["model", c] for c in speech_in.model.commands]):
        result = invoke(*args, "--help")
        assert result.exit_code == 0, args
        assert len(result.stdout.splitlines()) > 3, args
