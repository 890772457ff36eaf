"""When has the candidate finished answering? Voice detection plus a hang-over timer.

Pure logic over audio time (samples fed), so it is deterministic and easy to test. A 30 ms frame
counts as voiced when webrtcvad says speech AND its RMS is above a noise gate. Speech has started
once `start_frames` of the last `start_window` frames were voiced; the answer then ends after
`silence_seconds` without a voiced frame. It also ends at `max_seconds`, on a stop request, or when
no speech starts within `lead_in_seconds`.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from interview_sim.speech import pcm
from interview_sim.speech.protocols import ListenSettings

VAD_RATES = (8000, 16000, 32000, 48000)
VAD_FRAME_MS = (10, 20, 30)
EndReason = Literal["silence", "time", "stop", "lead-in"]
VoiceDetector = Callable[[bytes, int], bool]  # (int16 mono frame, rate) -> is speech


@dataclass(frozen=True, slots=True)
class EndpointConfig:
    """Thresholds of the end-of-answer decision; times in seconds (0 turns a limit off)."""

    silence_seconds: float = 2.5
    max_seconds: float = 120.0
    lead_in_seconds: float = 8.0
    gate_dbfs: float = -50.0  # quieter frames are silence whatever the VAD says
    vad_mode: int = 2  # webrtcvad aggressiveness 0..3
    frame_ms: int = 30
    start_window: int = 10  # frames looked at to decide that speech has started
    start_frames: int = 5  # voiced frames needed among them (150 ms of 300 ms)

    @classmethod
    def from_settings(cls, settings: ListenSettings, **overrides: Any) -> EndpointConfig:
        """Thresholds for one answer captured with these listen settings."""
        config = cls(
            silence_seconds=settings.silence_seconds,
            max_seconds=settings.max_seconds,
            lead_in_seconds=settings.lead_in_seconds,
        )
        return replace(config, **overrides)


@dataclass(frozen=True, slots=True)
class EndDecision:
    """Why and when (audio seconds) the answer ended."""

    reason: EndReason
    at: float
    speech_end: float | None  # end of the last voiced frame, None if speech never started


def vad_rate_for(rate: int) -> int:
    """The rate frames are classified at: the stream's own when webrtcvad accepts it."""
    if rate in VAD_RATES:
        return rate
    return 16000 if rate >= 16000 else 8000


def webrtc_detector(mode: int) -> VoiceDetector:
    """webrtcvad's is_speech, imported lazily."""
    import webrtcvad

    vad = webrtcvad.Vad(mode)

    def is_speech(frame: bytes, rate: int) -> bool:
        return bool(vad.is_speech(frame, rate))

    return is_speech


class Endpointer:
    """Feed it consecutive int16 mono chunks; it returns an EndDecision once the answer is over."""

    def __init__(
        self, rate: int, config: EndpointConfig, detector: VoiceDetector | None = None
    ) -> None:
        if config.frame_ms not in VAD_FRAME_MS:
            raise ValueError(f"frame_ms must be one of {VAD_FRAME_MS}")
        self.config = config
        self.vad_rate = vad_rate_for(rate)
        self._resampler = (
            None if self.vad_rate == rate else pcm.NearestResampler(rate, self.vad_rate)
        )
        self._detect = detector or webrtc_detector(config.vad_mode)
        self._frame_len = self.vad_rate * config.frame_ms // 1000
        self._frame_seconds = config.frame_ms / 1000
        self._pending = array("h")
        self._frames = 0
        self._fed = 0
        self._rate = rate
        self._recent: deque[bool] = deque(maxlen=config.start_window)
        self.speech_started = False
        self.speech_end: float | None = None
        self.decision: EndDecision | None = None

    @property
    def audio_seconds(self) -> float:
        """Audio time classified so far."""
        return self._frames * self._frame_seconds

    @property
    def fed_seconds(self) -> float:
        """Audio time fed so far (classified or still pending)."""
        return self._fed / self._rate

    def feed(self, data: bytes = b"", *, stop: bool = False) -> EndDecision | None:
        """Classify the new audio; the decision, once made, is returned from then on."""
        if self.decision is not None:
            return self.decision
        if stop:
            return self._decide("stop")
        values = pcm.samples(data)
        self._fed += len(values)
        if self._resampler is not None:
            values = self._resampler.feed(values)
        self._pending.extend(values)
        used = 0
        while self.decision is None and len(self._pending) - used >= self._frame_len:
            frame = self._pending[used : used + self._frame_len]
            used += self._frame_len
            self._frame(frame)
        del self._pending[:used]
        return self.decision

    def _frame(self, frame: array[int]) -> None:
        raw = pcm.to_bytes(frame)
        voiced = pcm.rms_dbfs(raw) >= self.config.gate_dbfs and self._detect(raw, self.vad_rate)
        self._frames += 1
        now = self.audio_seconds
        self._recent.append(voiced)
        if not self.speech_started and sum(self._recent) >= self.config.start_frames:
            self.speech_started = True
        if self.speech_started and voiced:
            self.speech_end = now
        config = self.config
        if self.speech_started and self.speech_end is not None:
            if now - self.speech_end >= config.silence_seconds - 1e-9:
                self._decide("silence")
                return
        elif config.lead_in_seconds > 0 and now >= config.lead_in_seconds - 1e-9:
            self._decide("lead-in")
            return
        if config.max_seconds > 0 and now >= config.max_seconds - 1e-9:
            self._decide("time")

    def _decide(self, reason: EndReason) -> EndDecision:
        self.decision = EndDecision(reason, self.audio_seconds, self.speech_end)
        return self.decision
