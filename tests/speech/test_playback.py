"""WavPlayer and its sinks, without a sound card (NullOutput paces writes in real time)."""

from __future__ import annotations

import array
import ctypes.util
import math
import sys
import threading
import time
import wave
from pathlib import Path

import pytest

from interview_sim.speech.playback import (
    BLOCK_SECONDS,
    AudioFileError,
    NullOutput,
    SoundDeviceOutput,
    WavPlayer,
    wav_seconds,
)


def tone(seconds: float, rate: int = 22050, hz: float = 440.0) -> array.array[int]:
    n = int(seconds * rate)
    return array.array("h", (int(8000 * math.sin(2 * math.pi * hz * i / rate)) for i in range(n)))


def write_wav(path: Path, seconds: float, rate: int = 22050) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(tone(seconds, rate).tobytes())
    return path


def test_plays_a_wav_file_in_real_time_blocks(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", 0.5)
    output = NullOutput()
    positions: list[float] = []
    started = time.monotonic()
    result = WavPlayer(output).play(path, on_position=positions.append)
    elapsed = time.monotonic() - started
    assert result.completed
    assert result.seconds_played == pytest.approx(0.5, abs=1e-3)
    assert 0.4 < elapsed < 0.8  # paced like a real device
    assert output.blocks == math.ceil(0.5 / BLOCK_SECONDS)
    assert output.frames == int(0.5 * 22050)
    assert positions == sorted(positions)
    assert positions[-1] == pytest.approx(0.5, abs=1e-3)
    assert (output.finished, output.aborted) == (1, 0)
    assert wav_seconds(path) == pytest.approx(0.5, abs=1e-3)


def test_plays_raw_samples_and_needs_their_rate() -> None:
    output = NullOutput(realtime=False)
    samples = tone(0.2, rate=16000)
    result = WavPlayer(output).play(samples, 16000)
    assert result.completed and result.seconds_played == pytest.approx(0.2, abs=1e-3)
    assert output.frames == len(samples)
    with pytest.raises(ValueError, match="rate"):
        WavPlayer(output).play(samples.tobytes())


def test_stop_from_another_thread_ends_playback_within_50_ms(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "long.wav", 3.0)
    output = NullOutput()
    player = WavPlayer(output)
    results = []
    thread = threading.Thread(target=lambda: results.append(player.play(path)))
    thread.start()
    time.sleep(0.3)
    stop_at = time.monotonic()
    player.stop()
    thread.join(timeout=1.0)
    latency = time.monotonic() - stop_at
    assert not thread.is_alive()
    assert latency < 0.05, f"stop took {latency * 1000:.1f} ms"
    assert output.last_write_at - stop_at < 0.05  # no audio queued after the stop
    assert not results[0].completed
    assert 0.2 < results[0].seconds_played < 0.5
    assert output.aborted == 1


def test_a_preset_cancel_event_plays_nothing(tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    output = NullOutput()
    result = WavPlayer(output).play(write_wav(tmp_path / "a.wav", 0.2), cancel=cancel)
    assert not result.completed and output.opened == 0


def test_a_missing_or_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AudioFileError, match="no such file"):
        WavPlayer(NullOutput()).play(tmp_path / "none.wav")
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not a wav file at all")
    with pytest.raises(AudioFileError, match="not a PCM WAV"):
        WavPlayer(NullOutput()).play(bad)


def test_no_sounddevice_package_gives_the_pip_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import now raises ImportError
    status = SoundDeviceOutput().status()
    assert not status.ready
    assert "sounddevice" in status.detail and "pip install" in status.fix


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux PortAudio lookup")
def test_missing_portaudio_gives_the_apt_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    real = ctypes.util.find_library
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(
        ctypes.util, "find_library", lambda name: None if name == "portaudio" else real(name)
    )
    status = SoundDeviceOutput().status()
    assert not status.ready
    assert "PortAudio" in status.detail
    assert status.fix == "sudo apt-get install libportaudio2"


def test_no_output_device_degrades(monkeypatch: pytest.MonkeyPatch) -> None:
    sd = pytest.importorskip("sounddevice")

    def no_device(*args: object, **kwargs: object) -> object:
        raise sd.PortAudioError("Error querying device -1")

    monkeypatch.setattr(sd, "query_devices", no_device)
    status = SoundDeviceOutput().status()
    assert not status.ready
    assert "no audio output device found" in status.detail
    assert "shown without sound" in status.detail
