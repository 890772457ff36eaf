"""End-of-answer decisions: tables over synthetic audio, plus webrtcvad on real speech."""

from __future__ import annotations

import math
import random
from array import array
from pathlib import Path

import pytest

from interview_sim.speech import pcm
from interview_sim.speech.audio_in import read_wav_mono16
from interview_sim.speech.endpoint import EndDecision, EndpointConfig, Endpointer, vad_rate_for
from interview_sim.speech.protocols import ListenSettings

FRAME = 0.03
NEAR = 2 * FRAME  # a decision lands on a frame boundary after a frame-rounded speech end


def tone(seconds: float, rate: int, amplitude: int = 8000) -> bytes:
    return pcm.to_bytes(
        array("h", (int(amplitude * math.sin(2 * math.pi * 220 * i / rate))
                    for i in range(int(seconds * rate))))
    )  # fmt: skip


def silence(seconds: float, rate: int) -> bytes:
    return bytes(2 * int(seconds * rate))


def noise(seconds: float, rate: int, amplitude: int = 15) -> bytes:
    rng = random.Random(7)
    count = int(seconds * rate)
    return pcm.to_bytes(array("h", (rng.randint(-amplitude, amplitude) for _ in range(count))))


def always_speech(_frame: bytes, _rate: int) -> bool:
    """A VAD that calls everything speech: the noise gate alone decides."""
    return True


def run(
    audio: bytes, rate: int, chunk_seconds: float = 0.1, **config: float
) -> tuple[EndDecision | None, Endpointer]:
    endpointer = Endpointer(rate, EndpointConfig(**config), always_speech)
    step = 2 * int(rate * chunk_seconds)
    for offset in range(0, len(audio), step):
        decision = endpointer.feed(audio[offset : offset + step])
        if decision is not None:
            return decision, endpointer
    return None, endpointer


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 32000, 44100, 48000])
@pytest.mark.parametrize("silence_seconds", [0.5, 1.0, 2.5])
def test_speech_then_silence_ends_after_silence_seconds(rate: int, silence_seconds: float) -> None:
    audio = tone(1.0, rate) + silence(silence_seconds + 2.0, rate)
    decision, _ = run(audio, rate, silence_seconds=silence_seconds)
    assert decision is not None and decision.reason == "silence"
    assert decision.speech_end == pytest.approx(1.0, abs=FRAME + 1e-9)
    hang_over = decision.at - decision.speech_end
    assert silence_seconds - 1e-9 <= hang_over < silence_seconds + FRAME


@pytest.mark.parametrize(
    ("name", "audio", "config", "reason", "at"),
    [
        ("noise below the gate is silence", tone(1.0, 16000) + noise(3.0, 16000),
         {"silence_seconds": 1.0}, "silence", 2.0),
        ("a pause shorter than the hang-over continues", tone(1.0, 16000) + silence(0.6, 16000)
         + tone(1.0, 16000) + silence(2.0, 16000), {"silence_seconds": 1.0}, "silence", 3.6),
        ("no speech within the lead-in", noise(5.0, 16000), {"lead_in_seconds": 2.0},
         "lead-in", 2.0),
        ("a 60 ms click does not count as speech", silence(0.5, 16000) + tone(0.06, 16000)
         + silence(3.0, 16000), {"lead_in_seconds": 2.0}, "lead-in", 2.0),
        ("an answer that never pauses ends at max", tone(5.0, 16000),
         {"max_seconds": 3.0, "silence_seconds": 1.0}, "time", 3.0),
        ("max wins over a long lead-in", silence(5.0, 16000),
         {"max_seconds": 2.0, "lead_in_seconds": 10.0}, "time", 2.0),
    ],
)  # fmt: skip
def test_decision_table(
    name: str, audio: bytes, config: dict[str, float], reason: str, at: float
) -> None:
    decision, _ = run(audio, 16000, **config)
    assert decision is not None, name
    assert (decision.reason, decision.at) == (reason, pytest.approx(at, abs=NEAR)), name


def test_no_limits_means_no_decision() -> None:
    decision, endpointer = run(silence(6.0, 16000), 16000, lead_in_seconds=0, max_seconds=0)
    assert decision is None
    assert endpointer.speech_started is False
    assert endpointer.audio_seconds == pytest.approx(6.0, abs=FRAME)


def test_stop_request_ends_at_once_and_the_decision_sticks() -> None:
    endpointer = Endpointer(16000, EndpointConfig(), always_speech)
    assert endpointer.feed(tone(0.5, 16000)) is None
    decision = endpointer.feed(stop=True)
    assert decision is not None and decision.reason == "stop"
    assert decision.at == pytest.approx(0.5, abs=FRAME)
    assert endpointer.feed(silence(5.0, 16000)) is decision


@pytest.mark.parametrize("chunk_seconds", [0.01, 0.0371, 0.2, 10.0])
def test_chunk_size_does_not_change_the_decision(chunk_seconds: float) -> None:
    audio = tone(1.2, 22050) + silence(3.0, 22050)
    decision, _ = run(audio, 22050, chunk_seconds=chunk_seconds, silence_seconds=1.0)
    assert decision is not None
    assert decision.at == pytest.approx(2.2, abs=NEAR)


def test_config_from_listen_settings() -> None:
    settings = ListenSettings(max_seconds=30, silence_seconds=1.5, lead_in_seconds=4)
    config = EndpointConfig.from_settings(settings, gate_dbfs=-40.0)
    assert (config.max_seconds, config.silence_seconds, config.lead_in_seconds) == (30, 1.5, 4)
    assert config.gate_dbfs == -40.0


def test_vad_rates() -> None:
    assert [vad_rate_for(r) for r in (8000, 11025, 16000, 22050, 44100, 48000)] == [
        8000, 8000, 16000, 16000, 16000, 48000,
    ]  # fmt: skip
    with pytest.raises(ValueError, match="frame_ms"):
        Endpointer(16000, EndpointConfig(frame_ms=25))


@pytest.mark.parametrize("key", ["padded16k"])
def test_webrtcvad_finds_the_end_of_real_speech(ko_wavs: dict[str, Path], key: str) -> None:
    audio, rate = read_wav_mono16(ko_wavs[key])
    endpointer = Endpointer(rate, EndpointConfig(silence_seconds=1.0))
    decision = None
    for offset in range(0, len(audio), 3200):
        decision = endpointer.feed(audio[offset : offset + 3200])
        if decision:
            break
    assert decision is not None and decision.reason == "silence"
    speech_seconds = len(audio) / 2 / rate - 3.0  # 0.5 s before, 2.5 s after the speech
    assert decision.speech_end is not None
    assert 0.5 + speech_seconds - 0.8 < decision.speech_end <= 0.5 + speech_seconds + FRAME
    assert decision.at == pytest.approx(decision.speech_end + 1.0, abs=FRAME + 1e-9)


def test_webrtcvad_on_resampled_stereo_speech(ko_wavs: dict[str, Path]) -> None:
    audio, rate = read_wav_mono16(ko_wavs["stereo22k"])
    endpointer = Endpointer(rate, EndpointConfig(silence_seconds=0.5))
    endpointer.feed(audio + silence(1.0, rate))
    assert endpointer.speech_started
    assert endpointer.decision is not None and endpointer.decision.reason == "silence"
