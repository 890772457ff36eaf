"""VoskListener end to end on WAV sources (real engine), its recording, and the scripted fake."""

from __future__ import annotations

import itertools
import stat
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Self

import pytest

from interview_sim.speech.audio_in import AudioChunk, AudioInputError, WavFileSource
from interview_sim.speech.fakes_asr import ScriptedAnswer, ScriptedListener, timed_words
from interview_sim.speech.listener import VoskListener
from interview_sim.speech.protocols import ComponentStatus, Listener, ListenSettings
from interview_sim.speech.recognizer import SpeechModel


class Calls:
    """Collects callback calls with the thread and time they came from."""

    def __init__(self) -> None:
        self.partials: list[tuple[float, str]] = []
        self.levels: list[float] = []
        self.stop_polls: list[float] = []
        self.threads: set[str] = set()

    def on_partial(self, text: str) -> None:
        self.threads.add(threading.current_thread().name)
        self.partials.append((time.monotonic(), text))

    def on_level(self, level: float) -> None:
        self.levels.append(level)

    def never(self) -> bool:
        self.stop_polls.append(time.monotonic())
        return False


def wav_listener(model: SpeechModel, path: Path, realtime: bool = False) -> VoskListener:
    return VoskListener(model, source_factory=lambda: WavFileSource(path, realtime=realtime))


@pytest.mark.slow
def test_answer_ends_on_silence_with_partials_first_and_a_private_recording(
    ko_model: SpeechModel, ko_wavs: dict[str, Path], tmp_path: Path
) -> None:
    record_to = tmp_path / "sessions" / "s1" / "answer-1.wav"
    settings = ListenSettings(silence_seconds=1.0, record_to=record_to)
    calls = Calls()
    listener = wav_listener(ko_model, ko_wavs["padded16k"])
    result = listener.listen(settings, calls.on_partial, calls.on_level, calls.never)

    assert result.ended_by == "silence"
    assert result.transcript.text.strip()
    words = result.transcript.words
    assert words[0].start >= 0.3  # times count from the answer start: 0.5 s of silence first
    assert words[-1].end <= result.audio_seconds
    assert any(text for _, text in calls.partials)
    assert result.final_at is not None and result.speech_ended_at is not None
    assert all(at <= result.final_at for at, _ in calls.partials)
    assert result.speech_ended_at <= result.final_at
    assert calls.threads == {"asr-recognizer"}
    assert len(calls.levels) >= 10 and max(calls.levels) > 0.5
    timing = listener.last_timing
    assert timing is not None and timing.end_reason == "silence"
    assert timing.speech_end_audio is not None
    assert timing.decided_audio == pytest.approx(timing.speech_end_audio + 1.0, abs=0.031)

    assert result.audio_path == record_to
    assert stat.S_IMODE(record_to.stat().st_mode) == 0o600
    assert stat.S_IMODE(record_to.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(record_to.parent.parent.stat().st_mode) == 0o700
    with wave.open(str(record_to)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
        assert wav.getnframes() / 16000 == pytest.approx(result.audio_seconds, abs=0.11)


@pytest.mark.slow
def test_manual_stop_ends_the_answer_promptly(
    ko_model: SpeechModel, ko_wavs: dict[str, Path]
) -> None:
    polls = [0]

    def stop_after_ten_chunks() -> bool:
        polls[0] += 1
        return polls[0] > 10

    result = wav_listener(ko_model, ko_wavs["padded16k"]).listen(
        ListenSettings(), lambda _t: None, lambda _l: None, stop_after_ten_chunks
    )
    assert result.ended_by == "stop"
    assert result.audio_seconds == pytest.approx(1.0, abs=0.11)


@pytest.mark.slow
def test_no_speech_within_the_lead_in(ko_model: SpeechModel, ko_wavs: dict[str, Path]) -> None:
    settings = ListenSettings(lead_in_seconds=1.5)
    result = wav_listener(ko_model, ko_wavs["silence16k"]).listen(
        settings, lambda _t: None, lambda _l: None, lambda: False
    )
    assert result.ended_by == "silence"
    assert result.transcript.text == ""
    assert result.audio_seconds == pytest.approx(1.5, abs=0.11)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("settings", "ended_by"),
    [
        (ListenSettings(silence_seconds=10.0, lead_in_seconds=0), "end-of-file"),
        (ListenSettings(max_seconds=1.0), "time"),
    ],
)
def test_end_of_file_and_time_limit(
    ko_model: SpeechModel, ko_wavs: dict[str, Path], settings: ListenSettings, ended_by: str
) -> None:
    result = wav_listener(ko_model, ko_wavs["native"]).listen(
        settings, lambda _t: None, lambda _l: None, lambda: False
    )
    assert result.ended_by == ended_by
    assert result.audio_path is None


class SilentLiveSource:
    """A live-like source that delivers a quiet chunk every 0.2 s (slower than the poll)."""

    rate = 16000

    def status(self) -> ComponentStatus:
        return ComponentStatus("fake", True, "fake")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def chunks(self) -> Iterator[AudioChunk | None]:
        start = 0.0
        while True:
            for _ in range(2):
                time.sleep(0.1)
                yield None
            yield AudioChunk(bytes(3200), 16000, start, -96.0)
            start += 0.1


def test_should_stop_is_polled_at_least_every_tenth_of_a_second(ko_model: SpeechModel) -> None:
    calls = Calls()
    stop_at = time.monotonic() + 0.8

    def should_stop() -> bool:
        calls.never()
        return time.monotonic() > stop_at

    listener = VoskListener(ko_model, source_factory=SilentLiveSource)
    result = listener.listen(ListenSettings(), calls.on_partial, calls.on_level, should_stop)
    assert result.ended_by == "stop"
    gaps = [b - a for a, b in itertools.pairwise(calls.stop_polls)]
    assert gaps and max(gaps) < 0.15


def test_listener_without_microphone_reports_and_raises_clearly(ko_model: SpeechModel) -> None:
    listener = VoskListener(ko_model, device="no such device 42")
    status = listener.status()
    assert status.ready is False and status.fix
    microphone, model = listener.statuses()
    assert (microphone.name, microphone.ready) == ("microphone", False)
    assert (model.name, model.ready) == ("speech model", True)
    with pytest.raises(AudioInputError):
        listener.listen(ListenSettings(), lambda _t: None, lambda _l: None, lambda: False)


def test_vosk_listener_satisfies_the_protocol(ko_model: SpeechModel) -> None:
    listener: Listener = VoskListener(ko_model)
    fake: Listener = ScriptedListener()
    assert listener and fake


def test_scripted_listener_plays_answers_in_turn(tmp_path: Path) -> None:
    listener = ScriptedListener(
        ["Bias is error from wrong assumptions.", ScriptedAnswer("I stopped", "stop")]
    )
    calls = Calls()
    record_to = tmp_path / "rec" / "a.wav"
    first = listener.listen(
        ListenSettings(record_to=record_to), calls.on_partial, calls.on_level, lambda: False
    )
    assert first.transcript.text == "Bias is error from wrong assumptions"
    assert [text for _, text in calls.partials][-1] == first.transcript.text
    assert len(calls.partials) == 3 and calls.levels
    starts = [w.start for w in first.transcript.words]
    assert starts == sorted(starts) and first.transcript.duration > 1.0
    assert first.ended_by == "silence" and first.audio_path == record_to
    assert stat.S_IMODE(record_to.stat().st_mode) == 0o600
    second = listener.listen(ListenSettings(), calls.on_partial, calls.on_level, lambda: False)
    assert (second.transcript.text, second.ended_by) == ("I stopped", "stop")
    third = listener.listen(ListenSettings(), calls.on_partial, calls.on_level, lambda: False)
    assert third.transcript.text == "I stopped"
    assert len(listener.calls) == 3


def test_scripted_listener_honours_should_stop() -> None:
    listener = ScriptedListener(["one two three four five six"], partials=3)
    polls = [0]

    def stop_on_second_poll() -> bool:
        polls[0] += 1
        return polls[0] >= 2

    result = listener.listen(
        ListenSettings(), lambda _t: None, lambda _l: None, stop_on_second_poll
    )
    assert result.ended_by == "stop"
    assert result.transcript.text == "one two"


def test_scripted_status_and_timed_words() -> None:
    assert ScriptedListener(ready=False).status().ready is False
    words = timed_words("Hello, world again", words_per_minute=120)
    assert [w.text for w in words] == ["Hello", "world", "again"]
    assert words[1].start - words[0].end > words[2].start - words[1].end  # pause after a comma
