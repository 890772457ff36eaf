"""TtsSpeaker: cache, speak/stop, degraded states; with the real engine and a null output."""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from interview_sim.config import Settings
from interview_sim.speech.fakes_tts import SilentSpeaker
from interview_sim.speech.playback import BLOCK_SECONDS, NullOutput, SoundDeviceOutput, wav_seconds
from interview_sim.speech.tts import TtsCache, TtsSpeaker, default_cache_dir, engine_status

QUESTION = "Tell me about a time you explained a complex model to executives."
needs_engine = pytest.mark.skipif(not engine_status().ready, reason="pyttsx3 engine missing")


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTERVIEW_SIM_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "tts"


def speak_in_thread(speaker: TtsSpeaker, text: str) -> threading.Thread:
    thread = threading.Thread(target=speaker.speak, args=(text,), daemon=True)
    thread.start()
    return thread


def test_cache_dir_follows_the_env_override(cache_dir: Path) -> None:
    assert default_cache_dir() == cache_dir
    assert TtsCache().directory == cache_dir


def test_cache_key_covers_text_voice_rate_and_volume() -> None:
    key = TtsCache.key("hi", "", 170, 1.0)
    assert key == TtsCache.key("hi", "", 170, 1.0) and len(key) == 64
    others = [("ho", "", 170, 1.0), ("hi", "gmw/en", 170, 1.0), ("hi", "", 171, 1.0)]
    others.append(("hi", "", 170, 0.5))
    assert len({key, *(TtsCache.key(*o) for o in others)}) == 5


def test_cache_trims_least_recently_used_files(cache_dir: Path) -> None:
    cache = TtsCache(max_bytes=2500)
    for i, name in enumerate("abcd"):
        temp = cache.temp_path(name)
        temp.write_bytes(b"x" * 1000)
        os.utime(temp, (1000 + i, 1000 + i))
        if name == "c":
            os.utime(cache.path_for("a"), (2000, 2000))  # "a" was used again
        cache.commit(temp, name)
        if name != "d":
            os.utime(cache.path_for(name), (1000 + i, 1000 + i))
    assert sorted(p.stem for p in cache_dir.glob("*.wav")) == ["a", "d"]
    assert cache.size_bytes() == 2000
    assert cache.lookup("b") is None and cache.lookup("a") is not None


@needs_engine
def test_speaks_silently_to_the_null_output(capfd: pytest.CaptureFixture[str]) -> None:
    output = NullOutput(realtime=False)
    speaker = TtsSpeaker(output=output)
    assert speaker.status().ready, speaker.status()
    speaker.speak(QUESTION)
    assert speaker.render_count == 1 and speaker.last_error is None
    (path,) = speaker.cache.directory.glob("*.wav")
    assert output.frames / 22050 == pytest.approx(wav_seconds(path), abs=1e-3)
    assert output.blocks == pytest.approx(wav_seconds(path) / BLOCK_SECONDS, abs=1)
    assert capfd.readouterr() == ("", "")


@needs_engine
def test_a_cached_repeat_is_not_rendered_again() -> None:
    output = NullOutput(realtime=False)
    speaker = TtsSpeaker(output=output)
    path = speaker.prepare(QUESTION)
    assert path is not None and output.opened == 0  # prepare renders but does not play
    before = path.stat()
    called = time.monotonic()
    speaker.speak("  Tell me about a time you explained a complex model   to executives. ")
    first_sound = output.first_write_times[0] - called
    assert speaker.render_count == 1
    assert first_sound < 0.05, f"first sound after {first_sound * 1000:.1f} ms"
    after = path.stat()
    assert (after.st_ino, after.st_size) == (before.st_ino, before.st_size)
    assert TtsSpeaker(output=output).prepare(QUESTION) == path  # another speaker, same cache


@needs_engine
def test_stop_from_another_thread_within_50_ms() -> None:
    output = NullOutput()
    speaker = TtsSpeaker(output=output)
    speaker.prepare(QUESTION)
    thread = speak_in_thread(speaker, QUESTION)
    time.sleep(0.4)
    assert output.blocks > 5  # it is playing
    stop_at = time.monotonic()
    speaker.stop()
    thread.join(timeout=1.0)
    latency = time.monotonic() - stop_at
    assert not thread.is_alive()
    assert latency < 0.05, f"stop took {latency * 1000:.1f} ms"
    assert output.aborted == 1 and speaker.status().ready


@needs_engine
def test_a_new_question_interrupts_the_old_one() -> None:
    output = NullOutput()
    speaker = TtsSpeaker(output=output)
    speaker.prepare(QUESTION)
    speaker.prepare("Next.")
    first = speak_in_thread(speaker, QUESTION)
    time.sleep(0.2)
    speaker.speak("Next.")
    first.join(timeout=1.0)
    assert not first.is_alive()
    assert (output.opened, output.aborted, output.finished) == (2, 1, 1)


@needs_engine
def test_stop_while_rendering_kills_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "fake" / "pyttsx3"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("import time\ndef init(*a, **k):\n    time.sleep(60)\n")
    monkeypatch.setenv("PYTHONPATH", str(fake.parent))
    output = NullOutput()
    speaker = TtsSpeaker(output=output)
    thread = speak_in_thread(speaker, QUESTION)
    time.sleep(0.3)
    stop_at = time.monotonic()
    speaker.stop()
    thread.join(timeout=1.0)
    assert not thread.is_alive() and time.monotonic() - stop_at < 0.1
    assert output.opened == 0 and speaker.last_error is None
    assert not list(speaker.cache.directory.glob("*"))  # no partial file left behind


def test_missing_pyttsx3_degrades(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyttsx3", None)  # import now raises ImportError
    output = NullOutput()
    speaker = TtsSpeaker(output=output)
    status = speaker.status()
    assert not status.ready and status.name == "speech out"
    assert "pyttsx3" in status.detail and 'pip install "pyttsx3==2.99"' in status.fix
    started = time.monotonic()
    speaker.speak(QUESTION)
    assert time.monotonic() - started < 0.05
    assert speaker.render_count == 0 and output.opened == 0


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="espeak-ng is the Linux engine")
def test_missing_espeak_degrades(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_found(name: str) -> object:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(ctypes.cdll, "LoadLibrary", not_found)
    speaker = TtsSpeaker(output=NullOutput())
    status = speaker.status()
    assert not status.ready and "espeak-ng" in status.detail
    assert status.fix == "sudo apt-get install espeak-ng"
    speaker.speak(QUESTION)
    assert speaker.render_count == 0


@needs_engine
def test_no_output_device_still_renders(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    sd = pytest.importorskip("sounddevice")

    def no_device(*args: object, **kwargs: object) -> object:
        raise sd.PortAudioError("Error querying device -1")

    monkeypatch.setattr(sd, "query_devices", no_device)
    speaker = TtsSpeaker(output=SoundDeviceOutput())
    status = speaker.status()
    assert not status.ready
    assert status.detail == "no audio output device found: questions are shown without sound"
    started = time.monotonic()
    speaker.speak(QUESTION)
    assert time.monotonic() - started < 0.05 and speaker.render_count == 0
    assert speaker.prepare(QUESTION) is not None  # writing a WAV needs no device
    assert capfd.readouterr() == ("", "")


@needs_engine
def test_an_unknown_voice_shows_in_status_until_changed() -> None:
    speaker = TtsSpeaker.from_settings(Settings(voice="no-such-voice"), output=NullOutput())
    speaker.speak(QUESTION)
    status = speaker.status()
    assert not status.ready and "no-such-voice" in status.detail and "voices" in status.fix
    speaker.configure(voice="")
    assert speaker.status().ready


@needs_engine
def test_a_damaged_cache_file_is_rendered_again() -> None:
    output = NullOutput(realtime=False)
    speaker = TtsSpeaker(output=output)
    path = speaker.prepare(QUESTION)
    assert path is not None
    path.write_bytes(b"garbage")
    speaker.speak(QUESTION)
    assert not path.exists() and speaker.status().ready
    speaker.speak(QUESTION)
    assert speaker.render_count == 2 and output.finished == 1


def test_configure_refuses_out_of_range_values() -> None:
    with pytest.raises(ValueError, match="rate"):
        TtsSpeaker(rate=10)
    with pytest.raises(ValueError, match="volume"):
        TtsSpeaker().configure(volume=2.0)


def test_silent_speaker_records_and_honours_stop() -> None:
    speaker = SilentSpeaker(duration=5.0)
    thread = threading.Thread(target=speaker.speak, args=("First question?",))
    thread.start()
    assert speaker.speaking.wait(1.0)
    stop_at = time.monotonic()
    speaker.stop()
    thread.join(timeout=1.0)
    assert time.monotonic() - stop_at < 0.05
    speaker.prepare("Second?")
    quick = SilentSpeaker(seconds_per_word=0.01)
    quick.speak("one two three")
    assert speaker.spoken == ["First question?"] and speaker.stopped == ["First question?"]
    assert speaker.prepared == ["Second?"] and quick.spoken == ["one two three"]
    off = SilentSpeaker(ready=False, detail="off", fix="turn it on")
    off.speak("x")
    assert not off.status().ready and off.spoken == ["x"]
