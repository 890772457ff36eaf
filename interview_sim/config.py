"""User settings: one TOML file in the workspace, validated, with defaults for everything."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

SETTINGS_FILE = "settings.toml"


class SettingsError(Exception):
    """A settings file that cannot be read; the message names the file and the fix."""


class Settings(BaseModel):
    """Everything a user can set. Unknown keys are refused so typos are caught."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    voice: str = ""  # a pyttsx3 voice id; empty = the engine's default
    rate: int = Field(default=170, ge=80, le=400)  # words per minute
    volume: float = Field(default=1.0, ge=0.0, le=1.0)
    speech_model: str = ""  # name of an installed Vosk model or a path; empty = first found
    input_device: str = ""  # sounddevice input device name or index; empty = default
    answer_mode: Literal["voice", "typed"] = "voice"
    answer_seconds: int = Field(default=120, ge=10, le=1800)
    think_seconds: int = Field(default=3, ge=0, le=120)
    silence_seconds: float = Field(default=2.5, ge=0.5, le=15.0)
    keep_recordings: Literal["all", "none", "last"] = "all"
    keep_last_sessions: int = Field(default=20, ge=1, le=100000)
    follow_up_probes: bool = True


def settings_path(workspace: Path) -> Path:
    """Where the workspace's settings file lives."""
    return workspace / SETTINGS_FILE


def load_settings(workspace: Path) -> Settings:
    """Read the settings file, or the defaults when there is none."""
    path = settings_path(workspace)
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(
            f"{path}: cannot read settings: {exc}. Fix or delete the file."
        ) from exc
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(file)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(f"{path}: {problems}. Fix or delete the file.") from exc


def save_settings(workspace: Path, settings: Settings) -> Path:
    """Write the settings atomically (a crash never leaves half a file)."""
    path = settings_path(workspace)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(settings.model_dump()), encoding="utf-8")
    os.replace(tmp, path)
    return path


def update_settings(workspace: Path, **changes: object) -> Settings:
    """Change some settings and save them; raises SettingsError on a bad value."""
    current = load_settings(workspace).model_dump()
    current.update(changes)
    try:
        settings = Settings.model_validate(current)
    except ValidationError as exc:
        raise SettingsError(str(exc)) from exc
    save_settings(workspace, settings)
    return settings
