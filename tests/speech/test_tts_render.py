"""The child renderer with the real pyttsx3 + espeak-ng, and its failure reports."""

from __future__ import annotations

import array
import math
import shutil
import subprocess
import threading
import time
import wave
from pathlib import Path

import pytest

from interview_sim.speech.tts import engine_status
from interview_sim.speech.tts_render import (
    RenderError,
    aiff_to_wav,
    render_in_child,
    voices_in_child,
)

SENTENCE = "Tell me about a time you explained a complex model to executives."  # 12 words
needs_engine = pytest.mark.skipif(not engine_status().ready, reason="pyttsx3 engine missing")


def rms(path: Path) -> tuple[float, float, int]:
    """(seconds, RMS of int16 samples, sample rate) of a mono 16-bit WAV."""
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        samples = array.array("h", wav.readframes(wav.getnframes()))
        rate = wav.getframerate()
    power = sum(s * s for s in samples) / max(1, len(samples))
    return len(samples) / rate, math.sqrt(power), rate


def fake_pyttsx3(tmp_path: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shadow pyttsx3 in the child with a stand-in (PYTHONPATH comes before site-packages)."""
    package = tmp_path / "fake" / "pyttsx3"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(body, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(package.parent))


@needs_engine
def test_real_engine_renders_a_plausible_wav(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "q.wav"
    seconds = render_in_child(SENTENCE, out, rate=170)
    length, loudness, rate = rms(out)
    assert 1.5 < length < 8.0
    assert seconds == pytest.approx(length)
    assert loudness > 500  # int16 RMS: speech, not silence (silence is ~0)
    assert rate > 8000
    assert not out.with_name(out.name + ".raw").exists()
    assert capfd.readouterr() == ("", "")  # pyttsx3's "Audio saved to" went to /dev/null


@needs_engine
def test_rate_and_volume_reach_the_engine(tmp_path: Path) -> None:
    slow, fast, quiet = tmp_path / "slow.wav", tmp_path / "fast.wav", tmp_path / "quiet.wav"
    render_in_child(SENTENCE, slow, rate=100)
    render_in_child(SENTENCE, fast, rate=300)
    render_in_child(SENTENCE, quiet, rate=300, volume=0.2)
    assert rms(slow)[0] > 1.8 * rms(fast)[0]
    assert rms(quiet)[1] < 0.5 * rms(fast)[1]


@needs_engine
def test_voices_are_listed_and_chosen_by_id_or_name(tmp_path: Path) -> None:
    voices = voices_in_child()
    assert voices and all(v.id and v.name for v in voices)
    english = next(v for v in voices if any(lang.startswith("en") for lang in v.languages))
    render_in_child("Hello.", tmp_path / "id.wav", voice=english.id)
    render_in_child("Hello.", tmp_path / "name.wav", voice=english.name.upper())
    with pytest.raises(RenderError) as err:
        render_in_child("Hello.", tmp_path / "x.wav", voice="no-such-voice")
    assert err.value.kind == "voice" and "voices" in err.value.fix


def test_missing_pyttsx3_in_the_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_pyttsx3(tmp_path, "raise ImportError('No module named pyttsx3')\n", monkeypatch)
    with pytest.raises(RenderError) as err:
        render_in_child("Hello.", tmp_path / "x.wav")
    assert err.value.kind == "no-pyttsx3" and "pip install" in err.value.fix


def test_missing_espeak_in_the_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        "def init(*a, **k):\n"
        "    raise RuntimeError('This means you probably do not have eSpeak installed!')\n"
    )
    fake_pyttsx3(tmp_path, body, monkeypatch)
    with pytest.raises(RenderError) as err:
        render_in_child("Hello.", tmp_path / "x.wav")
    assert err.value.kind == "no-engine"
    assert "eSpeak" in str(err.value)


def test_a_hung_engine_times_out_and_a_cancel_is_prompt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_pyttsx3(tmp_path, "import time\ndef init(*a, **k):\n    time.sleep(60)\n", monkeypatch)
    started = time.monotonic()
    with pytest.raises(RenderError) as err:
        render_in_child("Hello.", tmp_path / "x.wav", timeout=0.8)
    assert err.value.kind == "timeout"
    assert time.monotonic() - started < 2.0

    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(RenderError) as err:
        render_in_child("Hello.", tmp_path / "x.wav", cancel=cancel)
    assert err.value.kind == "cancelled"
    assert time.monotonic() - started < 0.2 + 0.1  # the child is killed, not waited for


@pytest.mark.skipif(shutil.which("sox") is None, reason="sox makes the AIFF samples")
@pytest.mark.parametrize("kind", ["aiff", "aifc"])
def test_aiff_from_macos_is_converted_to_wav(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "src.wav"
    with wave.open(str(source), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        wav.writeframes(array.array("h", [0, 1000, -1000, 32767, -32768, 7]).tobytes())
    aiff = tmp_path / f"src.{kind}"
    subprocess.run(["sox", str(source), "-t", kind, str(aiff)], check=True)
    out = tmp_path / "out.wav"
    aiff_to_wav(aiff, out)
    with wave.open(str(source), "rb") as a, wave.open(str(out), "rb") as b:
        assert b.getparams()[:3] == a.getparams()[:3]
        assert b.readframes(100) == a.readframes(100)
