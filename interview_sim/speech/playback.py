"""Plays WAV files or PCM samples through a small output "sink", stoppable within one block.

The player feeds the sink in blocks of about 20 ms and checks a stop flag between blocks, so
`stop()` from any thread ends the sound within one block. `SoundDeviceOutput` is the real sink
(PortAudio through sounddevice, imported lazily); `NullOutput` needs no sound card: it paces
writes in real time and counts them, for tests and benchmarks.
"""

from __future__ import annotations

import array
import ctypes
import ctypes.util
import shlex
import sys
import threading
import time
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeAlias

from interview_sim.speech.protocols import ComponentStatus

BLOCK_SECONDS = 0.02
OUTPUT_NAME = "audio out"
NO_DEVICE = "no audio output device found: questions are shown without sound"
NO_DEVICE_FIX = "connect speakers or headphones (or pick an output device), then restart"

PositionCallback = Callable[[float], None]


class PlaybackError(Exception):
    """Audio cannot be played; `fix` says what the user can do about it."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.fix = fix


class AudioFileError(PlaybackError):
    """The file to play is missing or is not a PCM WAV file."""


@dataclass(frozen=True, slots=True)
class AudioFormat:
    """Interleaved PCM as WAV files hold it: 8-bit unsigned, or 16/24/32-bit signed."""

    samplerate: int
    channels: int = 1
    sample_width: int = 2

    @property
    def frame_bytes(self) -> int:
        return self.channels * self.sample_width


@dataclass(frozen=True, slots=True)
class PlaybackResult:
    """How one play() ended."""

    seconds_played: float
    completed: bool  # False when stopped


class AudioSink(Protocol):
    """One open output stream."""

    def write(self, block: bytes) -> None:
        """Queue one block; blocks while the output's buffer is full (about real time)."""

    def finish(self) -> None:
        """Let the queued audio play out, then close."""

    def abort(self) -> None:
        """Drop the queued audio at once and close."""


class AudioOutput(Protocol):
    """Somewhere sound can go: a sound card, or nowhere (tests)."""

    def status(self) -> ComponentStatus: ...

    def open(self, fmt: AudioFormat) -> AudioSink: ...


def pip_fix(requirement: str) -> str:
    """The exact command that installs `requirement` into the running interpreter."""
    if sys.platform == "win32":
        return f'"{sys.executable}" -m pip install "{requirement}"'
    return f'{shlex.quote(sys.executable)} -m pip install "{requirement}"'


def portaudio_fix() -> str:
    if sys.platform.startswith("linux"):
        return "sudo apt-get install libportaudio2"
    if sys.platform == "darwin":
        return "brew install portaudio"
    return pip_fix("sounddevice>=0.5,<0.6") + " --force-reinstall"


_alsa_handler: Any = None


def _quiet_alsa() -> None:
    """Keep ALSA's C library from printing warnings over the TUI (Linux only, best effort)."""
    global _alsa_handler
    if _alsa_handler is not None or not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("asound")
    if name is None:
        return
    try:
        asound = ctypes.CDLL(name)
    except OSError:
        return
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    _alsa_handler = handler_type(lambda *_args: None)  # kept alive: ALSA holds the pointer
    asound.snd_lib_error_set_handler(_alsa_handler)


def load_sounddevice() -> Any:
    """Import sounddevice on first use; PlaybackError with the fix when PortAudio is missing."""
    _quiet_alsa()
    try:
        import sounddevice
    except OSError as exc:  # the wheel does not bundle PortAudio on Linux
        raise PlaybackError(
            f"the PortAudio library was not found ({exc})", portaudio_fix()
        ) from exc
    except ImportError as exc:
        raise PlaybackError(
            "the sounddevice package is not installed", pip_fix("sounddevice>=0.5,<0.6")
        ) from exc
    return sounddevice


_DTYPES = {1: "uint8", 2: "int16", 3: "int24", 4: "int32"}


class _StreamSink:
    def __init__(self, stream: Any, error: type[Exception]) -> None:
        self._stream = stream
        self._error = error

    def write(self, block: bytes) -> None:
        try:
            self._stream.write(block)
        except self._error as exc:
            raise PlaybackError(f"audio output failed: {exc}", NO_DEVICE_FIX) from exc

    def finish(self) -> None:
        self._stream.stop()
        self._stream.close()

    def abort(self) -> None:
        self._stream.abort()
        self._stream.close()


class SoundDeviceOutput:
    """The sound card, through PortAudio (sounddevice)."""

    def __init__(self, device: int | str | None = None) -> None:
        self._device = device

    def status(self) -> ComponentStatus:
        try:
            sd = load_sounddevice()
        except PlaybackError as exc:
            return ComponentStatus(OUTPUT_NAME, False, str(exc), exc.fix)
        try:
            info = sd.query_devices(self._device, kind="output")
        except (sd.PortAudioError, ValueError):
            return ComponentStatus(OUTPUT_NAME, False, NO_DEVICE, NO_DEVICE_FIX)
        if int(info.get("max_output_channels", 0)) < 1:
            return ComponentStatus(OUTPUT_NAME, False, NO_DEVICE, NO_DEVICE_FIX)
        return ComponentStatus(OUTPUT_NAME, True, f"output device: {info.get('name', '?')}")

    def open(self, fmt: AudioFormat) -> AudioSink:
        sd = load_sounddevice()
        dtype = _DTYPES.get(fmt.sample_width)
        if dtype is None:
            raise PlaybackError(f"unsupported sample width: {fmt.sample_width} bytes")
        try:
            stream = sd.RawOutputStream(
                samplerate=fmt.samplerate,
                channels=fmt.channels,
                dtype=dtype,
                device=self._device,
                latency="low",
            )
            stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise PlaybackError(f"cannot open the audio output: {exc}", NO_DEVICE_FIX) from exc
        return _StreamSink(stream, sd.PortAudioError)


class NullOutput:
    """An output without a sound card: paces writes in real time (unless told not to), counts.

    Thread-safe counters: `opened`, `blocks`, `frames`, `finished`, `aborted`, and the monotonic
    times of each stream's first write (`first_write_times`) and of the latest write.
    """

    def __init__(self, realtime: bool = True) -> None:
        self.realtime = realtime
        self.opened = 0
        self.blocks = 0
        self.frames = 0
        self.finished = 0
        self.aborted = 0
        self.first_write_times: list[float] = []
        self.last_write_at = 0.0
        self._lock = threading.Lock()

    def status(self) -> ComponentStatus:
        return ComponentStatus(OUTPUT_NAME, True, "null output (no sound)")

    def open(self, fmt: AudioFormat) -> AudioSink:
        with self._lock:
            self.opened += 1
        return _NullSink(self, fmt)


class _NullSink:
    def __init__(self, owner: NullOutput, fmt: AudioFormat) -> None:
        self._owner = owner
        self._fmt = fmt
        self._started = 0.0
        self._frames = 0

    def write(self, block: bytes) -> None:
        now = time.monotonic()
        frames = len(block) // self._fmt.frame_bytes
        owner = self._owner
        with owner._lock:
            if self._frames == 0:
                self._started = now
                owner.first_write_times.append(now)
            owner.blocks += 1
            owner.frames += frames
            owner.last_write_at = now
        self._frames += frames
        if owner.realtime:  # like a device with one block of buffer: return when it has room
            delay = self._started + self._frames / self._fmt.samplerate - BLOCK_SECONDS - now
            if delay > 0:
                time.sleep(delay)

    def finish(self) -> None:
        if self._owner.realtime:
            time.sleep(min(BLOCK_SECONDS, self._frames / self._fmt.samplerate))
        with self._owner._lock:
            self._owner.finished += 1

    def abort(self) -> None:
        with self._owner._lock:
            self._owner.aborted += 1


Samples: TypeAlias = "bytes | bytearray | memoryview | array.array[int]"


class WavPlayer:
    """Plays one sound at a time per call; `stop()` (any thread) ends every play within a block."""

    def __init__(self, output: AudioOutput | None = None, block_seconds: float = BLOCK_SECONDS):
        self.output: AudioOutput = output if output is not None else SoundDeviceOutput()
        self._block_seconds = block_seconds
        self._active: set[threading.Event] = set()
        self._lock = threading.Lock()

    def status(self) -> ComponentStatus:
        return self.output.status()

    def play(
        self,
        source: Path | str | Samples,
        rate: int | None = None,
        on_position: PositionCallback | None = None,
        *,
        channels: int = 1,
        sample_width: int = 2,
        cancel: threading.Event | None = None,
    ) -> PlaybackResult:
        """Play a WAV file, or raw interleaved PCM `samples` at `rate` Hz; blocks until done.

        `on_position(seconds)` is called from this thread after each block with the seconds
        played so far. `cancel` (optional) stops this play when set, like `stop()`.
        """
        event = cancel if cancel is not None else threading.Event()
        with self._lock:
            self._active.add(event)
        try:
            if isinstance(source, (str, Path)):
                with _open_wav(Path(source)) as wav:
                    fmt = AudioFormat(wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
                    return self._feed(fmt, _wav_blocks(wav, self._frames(fmt)), event, on_position)
            if rate is None or rate <= 0:
                raise ValueError("rate (Hz) is required to play raw samples")
            fmt = AudioFormat(rate, channels, sample_width)
            return self._feed(fmt, _byte_blocks(source, fmt, self._frames(fmt)), event, on_position)
        finally:
            with self._lock:
                self._active.discard(event)

    def stop(self) -> None:
        """Stop whatever this player is playing; safe from any thread; no-op when idle."""
        with self._lock:
            for event in self._active:
                event.set()

    def _frames(self, fmt: AudioFormat) -> int:
        return max(1, round(fmt.samplerate * self._block_seconds))

    def _feed(
        self,
        fmt: AudioFormat,
        blocks: Iterator[bytes],
        cancel: threading.Event,
        on_position: PositionCallback | None,
    ) -> PlaybackResult:
        if cancel.is_set():
            return PlaybackResult(0.0, False)
        sink = self.output.open(fmt)
        frames = 0
        completed = False
        try:
            for block in blocks:
                if cancel.is_set():
                    break
                sink.write(block)
                frames += len(block) // fmt.frame_bytes
                if on_position is not None:
                    on_position(frames / fmt.samplerate)
            else:
                completed = not cancel.is_set()
        finally:
            if completed:
                sink.finish()
            else:
                sink.abort()
        return PlaybackResult(frames / fmt.samplerate, completed)


def _open_wav(path: Path) -> wave.Wave_read:
    try:
        return wave.open(str(path), "rb")
    except FileNotFoundError as exc:
        raise AudioFileError(f"{path}: no such file") from exc
    except (wave.Error, EOFError, OSError) as exc:
        raise AudioFileError(f"{path}: not a PCM WAV file ({exc})") from exc


def _wav_blocks(wav: wave.Wave_read, frames: int) -> Iterator[bytes]:
    while block := wav.readframes(frames):
        yield block


def _byte_blocks(samples: Samples, fmt: AudioFormat, frames: int) -> Iterator[bytes]:
    data = memoryview(samples).cast("B")
    step = frames * fmt.frame_bytes
    usable = len(data) - len(data) % fmt.frame_bytes
    for start in range(0, usable, step):
        yield bytes(data[start : min(start + step, usable)])


def wav_seconds(path: Path) -> float:
    """Length of a WAV file in seconds."""
    with _open_wav(path) as wav:
        return wav.getnframes() / wav.getframerate()
