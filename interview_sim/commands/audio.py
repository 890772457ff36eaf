"""Transcribing a WAV file for `score --audio`, through the speech-in engine."""

from __future__ import annotations

from pathlib import Path

import click

from interview_sim.commands.common import fail, workspace_of
from interview_sim.config import SettingsError, load_settings
from interview_sim.core.transcript import Transcript


def transcribe_for_command(ctx: click.Context, wav: Path, model_path: Path | None) -> Transcript:
    """The transcript of a WAV file, or a one-line failure naming the fix."""
    from interview_sim.speech.audio_in import AudioInputError, WavFormatError
    from interview_sim.speech.models import ModelError, resolve_model
    from interview_sim.speech.recognizer import SpeechModel, transcribe_file

    try:
        spec = str(model_path) if model_path else load_settings(workspace_of(ctx).root).speech_model
        path = resolve_model(spec)
        model = SpeechModel.shared(path, probe=True, quiet_fd2=True)
        transcript, _seconds = transcribe_file(wav, model)
    except (ModelError, AudioInputError) as exc:
        fail(f"{exc}. {exc.fix}" if getattr(exc, "fix", "") else str(exc))
    except (WavFormatError, SettingsError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{wav}: {exc.strerror or exc}")
    return transcript
