"""Audio input: the microphone (sounddevice) and WAV files behind one small interface.

Every source yields int16 mono little-endian chunks of about `chunk_seconds` with their rate and
loudness. `chunks()` also yields None when no audio arrived within 0.1 s, so a reader can poll for
a stop request while it waits.
"""

from __future__ import annotations

import queue
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, Protocol, Self

from interview_sim.speech import pcm
from interview_sim.speech.protocols import ComponentStatus
from interview_sim.speech.wavfile import WavFormatError, WavInfo, read_wav_info

__all__ = [
    "AudioChunk",
    "AudioInputError",
    "AudioSource",
    "MicrophoneSource",
    "WavFileSource",
    "WavFormatError",
    "read_wav_mono16",
]

DEFAULT_CHUNK_SECONDS = 0.1
POLL_SECONDS = 0.1
_MIC_FIX = (
    "Connect a microphone and check that the system sees it (Linux: `arecord -l`), "
    'or answer by typing: set answer_mode = "typed" in settings.toml.'
)
_PORTAUDIO_FIX = (
    "Install PortAudio: `sudo apt install libportaudio2` (Debian/Ubuntu), "
    "`sudo dnf install portaudio` (Fedora) or `brew install portaudio` (macOS)."
)


class AudioInputError(Exception):
    """Audio input cannot start; `fix` says what the user can do about it."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.fix = fix


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """A piece of int16 mono audio and where it sits in the stream."""

    data: bytes
    rate: int
    start: float  # seconds from the start of the source
    dbfs: float

    @property
    def seconds(self) -> float:
        """Length of the chunk in seconds."""
        return len(self.data) / 2 / self.rate

    @property
    def level(self) -> float:
        """Loudness for a meter, 0..1."""
        return pcm.meter_level(self.dbfs)


class AudioSource(Protocol):
    """Something that yields int16 mono audio; use it as a context manager."""

    @property
    def rate(self) -> int: ...

    def status(self) -> ComponentStatus: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def chunks(self) -> Iterator[AudioChunk | None]: ...


def _chunk(data: bytes, rate: int, start: float) -> AudioChunk:
    return AudioChunk(data, rate, start, pcm.rms_dbfs(data))


class WavFileSource:
    """A WAV file as an audio source (any rate, channels mixed down, 8/16/24/32-bit or float).

    With `realtime=True` each chunk is released only when it would have been captured live,
    which is what benchmarks of end-of-speech latency need.
    """

    def __init__(
        self,
        path: Path,
        *,
        chunk_seconds: float = DEFAULT_CHUNK_SECONDS,
        realtime: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.path = Path(path)
        self.info: WavInfo = read_wav_info(self.path)
        self.chunk_seconds = chunk_seconds
        self.realtime = realtime
        self._clock = clock
        self._sleep = sleep

    @property
    def rate(self) -> int:
        """Sample rate of the file."""
        return self.info.rate

    @property
    def duration(self) -> float:
        """Length of the file in seconds."""
        return self.info.duration

    def status(self) -> ComponentStatus:
        """Always ready: the header was read when the source was made."""
        detail = f"{self.path.name}: {self.info.rate} Hz, {self.info.channels} ch"
        return ComponentStatus("audio file", True, detail)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def chunks(self) -> Iterator[AudioChunk | None]:
        """Yield the file as int16 mono chunks, paced to real time when asked."""
        info = self.info
        frames_per_chunk = max(1, round(info.rate * self.chunk_seconds))
        started = self._clock()
        done = 0
        with info.path.open("rb") as handle:
            handle.seek(info.data_offset)
            remaining = info.frames * info.frame_size
            while remaining > 0:
                raw = handle.read(min(remaining, frames_per_chunk * info.frame_size))
                raw = raw[: len(raw) - len(raw) % info.frame_size]
                if not raw:
                    break
                remaining -= len(raw)
                data = pcm.mix_to_mono(
                    pcm.to_int16(raw, info.sample_width, info.is_float), info.channels
                )
                frames = len(data) // 2
                if self.realtime:
                    self._wait_until(started + (done + frames) / info.rate)
                yield _chunk(data, info.rate, done / info.rate)
                done += frames

    def _wait_until(self, deadline: float) -> None:
        delay = deadline - self._clock()
        if delay > 0:
            self._sleep(delay)


def read_wav_mono16(path: Path) -> tuple[bytes, int]:
    """The whole file as int16 mono bytes, and its rate."""
    source = WavFileSource(path)
    parts = [chunk.data for chunk in source.chunks() if chunk is not None]
    return b"".join(parts), source.rate


def _silence_alsa() -> None:
    """Stop libasound printing its configuration complaints to fd 2 (they paint over the UI)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        asound = ctypes.CDLL("libasound.so.2")
        handler_type = ctypes.CFUNCTYPE(
            None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
        )
        handler = handler_type(lambda *_args: None)
        asound.snd_lib_error_set_handler(handler)
        _KEEP_ALIVE.append(handler)  # the C library keeps calling it: it must never be freed
    except (OSError, AttributeError):
        return


_KEEP_ALIVE: list[Any] = []


def import_sounddevice() -> ModuleType:
    """Import sounddevice lazily; raises AudioInputError when PortAudio is missing."""
    if "sounddevice" not in sys.modules:
        _silence_alsa()
    try:
        import sounddevice
    except (ImportError, OSError) as exc:
        raise AudioInputError(f"audio input unavailable: {exc}", _PORTAUDIO_FIX) from exc
    module: ModuleType = sounddevice
    return module


def _device_arg(device: str | int | None) -> str | int | None:
    if isinstance(device, str):
        device = device.strip()
        if not device:
            return None
        return int(device) if device.isdigit() else device
    return device


class MicrophoneSource:
    """The default (or a named) input device, opened at its own default sample rate."""

    def __init__(
        self, device: str | int | None = None, *, chunk_seconds: float = DEFAULT_CHUNK_SECONDS
    ) -> None:
        self.device = _device_arg(device)
        self.chunk_seconds = chunk_seconds
        self._rate = 0
        self._stream: Any = None
        self._queue: queue.Queue[bytes] = queue.Queue()
        self._captured = 0

    @property
    def rate(self) -> int:
        """The device's rate; known once the source is open."""
        return self._rate

    def _device_info(self) -> dict[str, Any]:
        sd = import_sounddevice()
        try:
            info = sd.query_devices(self.device, kind="input")
        except (sd.PortAudioError, ValueError) as exc:
            raise AudioInputError(f"no microphone found ({exc})", _MIC_FIX) from exc
        if int(info.get("max_input_channels", 0)) < 1:
            raise AudioInputError(f"{info.get('name', 'device')} has no input channels", _MIC_FIX)
        return dict(info)

    def status(self) -> ComponentStatus:
        """Whether an input device exists; never raises."""
        try:
            info = self._device_info()
        except AudioInputError as exc:
            return ComponentStatus("microphone", False, str(exc), exc.fix)
        rate = int(info["default_samplerate"])
        return ComponentStatus("microphone", True, f"{info['name']} at {rate} Hz")

    def __enter__(self) -> Self:
        info = self._device_info()
        sd = import_sounddevice()
        self._rate = int(info["default_samplerate"])
        try:
            self._stream = sd.RawInputStream(
                samplerate=self._rate,
                channels=1,
                dtype="int16",
                blocksize=max(1, round(self._rate * self.chunk_seconds)),
                device=self.device,
                callback=self._callback,
            )
            self._stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            self._close_stream()
            raise AudioInputError(f"cannot open the microphone: {exc}", _MIC_FIX) from exc
        return self

    def _callback(self, indata: Any, _frames: int, _time: Any, _status: Any) -> None:
        # Runs on PortAudio's real-time thread: anything slower than a put risks dropouts.
        self._queue.put(bytes(indata))

    def __exit__(self, *exc: object) -> None:
        self._close_stream()

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            stream.stop()
            stream.close()
        except Exception:  # closing a dead device must not hide the real outcome
            return

    def chunks(self) -> Iterator[AudioChunk | None]:
        """Yield captured chunks, or None after each 0.1 s without audio."""
        while self._stream is not None:
            try:
                data = self._queue.get(timeout=POLL_SECONDS)
            except queue.Empty:
                yield None
                continue
            yield _chunk(data, self._rate, self._captured / self._rate)
            self._captured += len(data) // 2
