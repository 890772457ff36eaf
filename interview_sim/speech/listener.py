"""VoskListener: capture one spoken answer, decide when it ends, transcribe it while it is spoken.

The thread that calls `listen` reads the audio, reports levels, records and runs the endpointer,
polling `should_stop` at least every 0.1 s. Recognition runs in a helper thread that owns the
answer's KaldiRecognizer (a single AcceptWaveform call can take 0.5 s) and reports partials.
Both callbacks therefore arrive on threads of the listener: wrap them in post_message in a UI.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interview_sim.core.transcript import Transcript
from interview_sim.speech.audio_in import AudioSource, MicrophoneSource
from interview_sim.speech.endpoint import EndDecision, EndpointConfig, Endpointer, VoiceDetector
from interview_sim.speech.protocols import ComponentStatus, ListenResult, ListenSettings
from interview_sim.speech.recognizer import AnswerRecognizer, SpeechModel, check_stream_rate
from interview_sim.speech.recording import WavRecorder

_ENDED_BY = {"silence": "silence", "lead-in": "silence", "time": "time", "stop": "stop"}
_STALL_GRACE_SECONDS = 5.0  # a device that stops delivering still ends at max_seconds + this


@dataclass(frozen=True, slots=True)
class ListenTiming:
    """Measurements of the last answer (monotonic clock, and audio seconds)."""

    started_at: float
    speech_end_audio: float | None  # audio time the last voiced frame ended
    decided_audio: float  # audio time the end was decided
    speech_ended_at: float  # monotonic time the end was decided
    final_at: float  # monotonic time the final transcript was ready
    end_reason: str

    @property
    def finalize_seconds(self) -> float:
        """From the end decision to the final transcript."""
        return self.final_at - self.speech_ended_at


class _RecognizerThread(threading.Thread):
    """Owns one AnswerRecognizer; fed through a queue, None ends the answer."""

    def __init__(self, model: Any, rate: int, on_partial: Callable[[str], None]) -> None:
        super().__init__(name="asr-recognizer", daemon=True)
        self._model, self._rate, self._on_partial = model, rate, on_partial
        self.inbox: queue.Queue[bytes | None] = queue.Queue()
        self.transcript: Transcript | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            recognizer = AnswerRecognizer(self._model, self._rate, self._on_partial)
            while (data := self.inbox.get()) is not None:
                recognizer.accept(data)
            self.transcript = recognizer.finish()
        except BaseException as exc:  # handed to the listening thread, which re-raises it
            self.error = exc


class VoskListener:
    """The real Listener: microphone (or any AudioSource) + endpointing + Vosk + recording."""

    def __init__(
        self,
        model: SpeechModel,
        *,
        device: str | int | None = None,
        source_factory: Callable[[], AudioSource] | None = None,
        endpoint: Mapping[str, Any] | None = None,
        detector: VoiceDetector | None = None,
    ) -> None:
        self.model = model
        self._source_factory = source_factory or (lambda: MicrophoneSource(device))
        self._endpoint = dict(endpoint or {})
        self._detector = detector
        self.last_timing: ListenTiming | None = None

    def statuses(self) -> list[ComponentStatus]:
        """The microphone (or audio source) and the speech model, each with its own fix."""
        return [self._source_factory().status(), self.model.status()]

    def status(self) -> ComponentStatus:
        """Ready when both the model and the audio input are."""
        parts = self.statuses()
        broken = [part for part in parts if not part.ready]
        if broken:
            detail = "; ".join(f"{part.name}: {part.detail}" for part in broken)
            fix = " ".join(part.fix for part in broken if part.fix)
            return ComponentStatus("speech input", False, detail, fix)
        return ComponentStatus("speech input", True, "; ".join(part.detail for part in parts))

    def listen(
        self,
        settings: ListenSettings,
        on_partial: Callable[[str], None],
        on_level: Callable[[float], None],
        should_stop: Callable[[], bool],
    ) -> ListenResult:
        """Capture and transcribe one answer. Raises AudioInputError or ModelError."""
        model = self.model.load()
        with self._source_factory() as source:
            rate = source.rate
            check_stream_rate(self.model, rate)
            config = EndpointConfig.from_settings(settings, **self._endpoint)
            endpointer = Endpointer(rate, config, self._detector)
            worker = _RecognizerThread(model, rate, on_partial)
            recorder = None
            self.recording_error: OSError | None = None
            if settings.record_to:
                try:
                    recorder = WavRecorder(settings.record_to, rate)
                except OSError as exc:  # no space or no permission: transcribe anyway
                    self.recording_error = exc
            started = time.monotonic()
            worker.start()
            try:
                ended_by, decision = self._capture(
                    source, endpointer, worker, recorder, on_level, should_stop, started, settings
                )
            finally:
                worker.inbox.put(None)
                if recorder is not None:
                    recorder.close()
            speech_ended_at = time.monotonic()
            worker.join()
        final_at = time.monotonic()
        if worker.error is not None:
            raise worker.error
        transcript = worker.transcript or Transcript("")
        self.last_timing = ListenTiming(
            started,
            endpointer.speech_end,
            decision.at if decision else endpointer.audio_seconds,
            speech_ended_at,
            final_at,
            decision.reason if decision else ended_by,
        )
        return ListenResult(
            transcript=transcript,
            ended_by=ended_by,
            audio_seconds=endpointer.fed_seconds,
            audio_path=self._kept(recorder),
            speech_ended_at=speech_ended_at,
            final_at=final_at,
        )

    def _kept(self, recorder: WavRecorder | None) -> Path | None:
        """The recording's path, or None when none was made or it failed."""
        if recorder is None:
            return None
        if recorder.error is not None:
            self.recording_error = recorder.error
            return None
        return recorder.path

    def _capture(
        self,
        source: AudioSource,
        endpointer: Endpointer,
        worker: _RecognizerThread,
        recorder: WavRecorder | None,
        on_level: Callable[[float], None],
        should_stop: Callable[[], bool],
        started: float,
        settings: ListenSettings,
    ) -> tuple[str, EndDecision | None]:
        deadline = started + settings.max_seconds + _STALL_GRACE_SECONDS
        for chunk in source.chunks():
            if should_stop():
                return "stop", endpointer.feed(stop=True)
            if worker.error is not None:
                return "cancelled", None
            if chunk is None:
                if settings.max_seconds > 0 and time.monotonic() > deadline:
                    return "time", None
                continue
            on_level(chunk.level)
            if recorder is not None:
                recorder.write(chunk.data)
            worker.inbox.put(chunk.data)
            decision = endpointer.feed(chunk.data)
            if decision is not None:
                return _ENDED_BY[decision.reason], decision
        return "end-of-file", None
