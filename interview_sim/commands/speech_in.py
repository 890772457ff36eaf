"""Speech-in commands: `transcribe FILE.wav` and the `model` group (list, download, use, ...).

cli.py registers them with `register(cli)`. Every failure is one line on stderr and exit 1.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from interview_sim.config import SettingsError, load_settings, update_settings
from interview_sim.speech.audio_in import AudioInputError, MicrophoneSource, WavFormatError
from interview_sim.speech.model_download import download_model
from interview_sim.speech.models import (
    CATALOGUE,
    ModelError,
    catalogue_entry,
    check_model_dir,
    download_dir,
    find_installed,
    installed_models,
    partial_downloads,
    remove_model,
    resolve_model,
)
from interview_sim.speech.recognizer import SpeechModel, is_verified, transcribe_file

MODEL_OPTION_HELP = "Model folder to use instead of the speech_model setting."


@contextmanager
def _clear_errors() -> Iterator[None]:
    """Turn the errors users can meet into one line and exit status 1."""
    try:
        yield
    except (ModelError, AudioInputError) as exc:
        fix = f" {exc.fix}" if exc.fix else ""
        raise click.ClickException(f"{exc}.{fix}") from exc
    except (WavFormatError, SettingsError) as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        raise click.ClickException(f"{where}{exc.strerror or exc}") from exc


def _workspace(ctx: click.Context) -> Path:
    """ctx.obj["workspace"] when set; the main CLI's own resolution when it left it None."""
    obj = ctx.find_root().obj
    if not isinstance(obj, dict) or "workspace" not in obj:
        return Path.cwd()
    if obj["workspace"]:
        return Path(obj["workspace"])
    from interview_sim.commands.common import workspace_of  # same rules as every other command

    return workspace_of(ctx.find_root()).root


def _model_spec(ctx: click.Context, model_path: Path | None) -> str:
    if model_path is not None:
        return str(model_path)
    return load_settings(_workspace(ctx)).speech_model


def _mb(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


@click.command("transcribe")
@click.argument("wav", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--model", "model_path", type=click.Path(path_type=Path), help=MODEL_OPTION_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the text and words as JSON.")
@click.pass_context
def transcribe(ctx: click.Context, wav: Path, model_path: Path | None, as_json: bool) -> None:
    """Transcribe a WAV file offline: the text, then each word with its start/end seconds."""
    with _clear_errors():
        if not wav.is_file():
            raise click.ClickException(f"{wav}: no such file")
        path = resolve_model(_model_spec(ctx, model_path))
        model = SpeechModel.shared(path, probe=True, quiet_fd2=True)
        started = time.monotonic()
        transcript, seconds = transcribe_file(wav, model)
        took = time.monotonic() - started
    words = [
        {
            "text": w.text,
            "start": round(w.start, 3),
            "end": round(w.end, 3),
            "conf": round(w.conf, 3),
        }
        for w in transcript.words
    ]
    if as_json:
        payload = {"text": transcript.text, "words": words, "audio_seconds": round(seconds, 3)}
        payload["model"] = str(path)
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(transcript.text)
    for word in words:
        click.echo(f"{word['start']:8.2f} {word['end']:8.2f}  {word['conf']:.2f}  {word['text']}")
    click.echo(f"{path}: {seconds:.1f} s of audio in {took:.1f} s", err=True)


@click.group("model")
def model() -> None:
    """Speech recognition models: list, download, choose, check, remove."""


def _installed_state(name: str) -> tuple[str, str | None, int]:
    found = find_installed(name)
    part = download_dir() / f"{name}.zip.part"
    partial = part.stat().st_size if part.exists() else 0
    if found is not None:
        return ("yes" if found.problem is None else "broken"), str(found.path), partial
    return ("partial" if partial else "no"), None, partial


@model.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
def list_models(as_json: bool) -> None:
    """Known English models with size, published WER and whether they are installed."""
    with _clear_errors():
        rows: list[dict[str, Any]] = []
        for entry in CATALOGUE:
            state, path, partial = _installed_state(entry.name)
            rows.append(
                {
                    "name": entry.name,
                    "size_bytes": entry.size_bytes,
                    "url": entry.url,
                    "wer_librispeech": entry.wer_librispeech,
                    "wer_tedlium": entry.wer_tedlium,
                    "good_for": entry.good_for,
                    "sha256": entry.sha256,
                    "installed": state,
                    "path": path,
                    "partial_bytes": partial,
                }
            )
        for found in installed_models():
            if catalogue_entry(found.name) is None:
                state = "yes" if found.problem is None else "broken"
                rows.append({"name": found.name, "installed": state, "path": str(found.path)})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo(f"{'NAME':34} {'SIZE':>7}  {'WER LS/TED':10}  {'INSTALLED':9}  GOOD FOR")
    for row in rows:
        size = _mb(row["size_bytes"]) if "size_bytes" in row else "-"
        wer = f"{row['wer_librispeech']:.2f}/{row['wer_tedlium']:.2f}" if "good_for" in row else "-"
        good = row.get("good_for", "(not in the catalogue)")
        click.echo(f"{row['name']:34} {size:>7}  {wer:10}  {row['installed']:9}  {good}")


class _ProgressBar:
    """A click progress bar on stderr, created once the total is known."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None
        self._last = 0

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._last)
        self._last = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@model.command("download")
@click.argument("name")
def download(name: str) -> None:
    """Download NAME from alphacephei.com into ~/.cache/vosk (Ctrl-C keeps a resumable part)."""
    bar = _ProgressBar(name)
    with _clear_errors():
        try:
            folder = download_model(name, progress=bar)
        except KeyboardInterrupt:
            bar.close()
            raise click.ClickException(
                f"interrupted; the partial download is kept in {download_dir()}. "
                "Run the same command again to resume."
            ) from None
        finally:
            bar.close()
    installed = find_installed(name)
    sha = installed.manifest.get("sha256", "") if installed else ""
    click.echo(f"installed {name} in {folder} (sha256 {sha})")
    click.echo(f"use it with: interview-sim model use {name}")


@model.command("use")
@click.argument("name_or_path")
@click.pass_context
def use(ctx: click.Context, name_or_path: str) -> None:
    """Make NAME (an installed model) or PATH (a model folder) the model the app uses."""
    with _clear_errors():
        as_path = Path(name_or_path).expanduser()
        if "/" in name_or_path or as_path.is_dir():
            problem = check_model_dir(as_path)
            if problem:
                raise ModelError(problem, "Pass the folder that contains am/ and conf/.")
            value = str(as_path.resolve())
        else:
            resolve_model(name_or_path)  # refuses names that are not installed
            value = name_or_path
        workspace = _workspace(ctx)
        workspace.mkdir(parents=True, exist_ok=True)
        update_settings(workspace, speech_model=value)
    click.echo(f"speech_model = {value}")


def _line(label: str, ready: bool, detail: str, fix: str = "") -> str:
    state = "ok" if ready else "NOT READY"
    tail = f". Fix: {fix}" if fix and not ready else ""
    return f"{label:11} {state}: {detail}{tail}"


@model.command("status")
@click.option("--model", "model_path", type=click.Path(path_type=Path), help=MODEL_OPTION_HELP)
@click.option("--load", is_flag=True, help="Also load the model and report how long it took.")
@click.pass_context
def status(ctx: click.Context, model_path: Path | None, load: bool) -> None:
    """The chosen speech model, downloads in progress and the microphone. Exit 1 if no model."""
    echo: Callable[[str], None] = click.echo
    with _clear_errors():
        spec = _model_spec(ctx, model_path)
        echo(f"{'setting':11} speech_model = {spec!r}" + ("" if spec else " (best installed)"))
        try:
            path: Path | None = resolve_model(spec)
        except ModelError as exc:
            echo(_line("model", False, str(exc), exc.fix))
            path = None
        if path is not None:
            checked = "checked before" if is_verified(path) else "not loaded yet"
            echo(_line("model", True, f"{path} ({checked})"))
            if load:
                speech_model = SpeechModel.shared(path, probe=True, quiet_fd2=True)
                speech_model.load()
                echo(f"{'load':11} {speech_model.load_seconds or 0:.1f} s")
        echo(f"{'downloads':11} {download_dir()}")
        for part in partial_downloads():
            echo(f"{'partial':11} {part.name} ({_mb(part.stat().st_size)})")
        mic = MicrophoneSource(load_settings(_workspace(ctx)).input_device).status()
        echo(_line("microphone", mic.ready, mic.detail, mic.fix))
    if path is None:
        ctx.exit(1)


@model.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Delete a model that interview-sim downloaded (or its partial download)."""
    with _clear_errors():
        removed = remove_model(name)
    click.echo(f"removed {removed}")


def register(cli: click.Group) -> None:
    """Add this module's commands to the main command group."""
    cli.add_command(transcribe)
    cli.add_command(model)
