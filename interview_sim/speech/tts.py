"""Speech out: pyttsx3 renders each question to a cached WAV file, our own player speaks it.

`TtsSpeaker` implements the Speaker protocol. Rendering runs in a child process
(`tts_render`), so pyttsx3's quirks (early returns, stdout prints, leaked save targets, no way to
interrupt) stay out of the app; playback goes through `WavPlayer`, which stops within one 20 ms
block. Nothing here writes to the terminal.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib
import importlib.util
import json
import os
import sys
import threading
import time
import uuid
from pathlib import Path

import platformdirs

from interview_sim.config import Settings
from interview_sim.speech.playback import AudioFileError, AudioOutput, PlaybackError, WavPlayer
from interview_sim.speech.protocols import ComponentStatus
from interview_sim.speech.tts_render import (
    RENDER_TIMEOUT,
    RenderError,
    VoiceInfo,
    fix_for,
    render_in_child,
    voices_in_child,
)

NAME = "speech out"
CACHE_ENV = "INTERVIEW_SIM_CACHE_DIR"
DEFAULT_CACHE_BYTES = 200 * 1024 * 1024
_CACHE_FORMAT = 1
_STALE_SECONDS = 3600.0
_ESPEAK_LIBRARIES = ("libespeak-ng.so.1", "/usr/local/lib/libespeak-ng.so.1", "libespeak.so.1")
_STICKY = {"no-pyttsx3", "no-engine", "voice"}  # failures that will not fix themselves


def default_cache_dir() -> Path:
    """$INTERVIEW_SIM_CACHE_DIR/tts, else the user cache dir's interview-sim/tts."""
    root = os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("interview-sim")
    return Path(root) / "tts"


class TtsCache:
    """Rendered utterances keyed by sha256(text, voice, rate, volume), trimmed LRU to a size cap.

    Recency is the file's mtime, refreshed on every hit.
    """

    def __init__(self, directory: Path | None = None, max_bytes: int = DEFAULT_CACHE_BYTES):
        self.directory = directory if directory is not None else default_cache_dir()
        self.max_bytes = max_bytes

    @staticmethod
    def key(text: str, voice: str, rate: int, volume: float) -> str:
        fields = {"f": _CACHE_FORMAT, "text": text, "voice": voice, "rate": rate}
        fields["volume"] = round(volume, 3)
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()

    def path_for(self, key: str) -> Path:
        return self.directory / f"{key}.wav"

    def lookup(self, key: str) -> Path | None:
        """The cached file for `key`, marked as just used, or None."""
        path = self.path_for(key)
        try:
            os.utime(path)
        except OSError:
            return None
        return path

    def temp_path(self, key: str) -> Path:
        """A unique name in the cache dir to render into (renamed into place by `commit`)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        return self.directory / f"{key}.{uuid.uuid4().hex[:12]}.part"

    def commit(self, temp: Path, key: str) -> Path:
        path = self.path_for(key)
        os.replace(temp, path)
        self.trim(keep=path)
        return path

    def size_bytes(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def trim(self, keep: Path | None = None) -> None:
        """Delete least recently used files until the cache fits; drop stale partial files."""
        now = time.time()
        for path in self.directory.glob("*.part*"):
            try:
                if now - path.stat().st_mtime > _STALE_SECONDS:
                    path.unlink()
            except OSError:
                pass
        entries = sorted(self._entries(), key=lambda e: e[2])
        total = sum(size for _, size, _ in entries)
        for path, size, _ in entries:
            if total <= self.max_bytes:
                break
            if path == keep:
                continue
            try:
                path.unlink()
                total -= size
            except OSError:
                pass

    def clear(self) -> None:
        for path, _, _ in self._entries():
            path.unlink(missing_ok=True)

    def _entries(self) -> list[tuple[Path, int, float]]:
        found = []
        try:
            with os.scandir(self.directory) as it:
                for entry in it:
                    if entry.name.endswith(".wav") and entry.is_file():
                        st = entry.stat()
                        found.append((Path(entry.path), st.st_size, st.st_mtime))
        except OSError:
            return []
        return found


def engine_status() -> ComponentStatus:
    """Can pyttsx3 run here? A cheap check (no engine started); rendering confirms it."""
    try:
        importlib.import_module("pyttsx3")
    except ImportError:
        return ComponentStatus(
            NAME, False, "the pyttsx3 package is not installed", fix_for("no-pyttsx3")
        )
    if sys.platform == "darwin":
        missing = importlib.util.find_spec("AppKit") is None
    elif sys.platform == "win32":
        missing = importlib.util.find_spec("comtypes") is None
    else:
        missing = not _espeak_found()
    if missing:
        engine = {"darwin": "NSSpeechSynthesizer (pyobjc)", "win32": "SAPI5 (comtypes)"}
        detail = f"the {engine.get(sys.platform, 'espeak-ng')} speech engine is not available"
        return ComponentStatus(NAME, False, detail, fix_for("no-engine"))
    return ComponentStatus(NAME, True, "pyttsx3 engine available")


def _espeak_found() -> bool:
    for name in _ESPEAK_LIBRARIES:  # the names pyttsx3's espeak driver loads
        try:
            ctypes.cdll.LoadLibrary(name)
        except OSError:
            continue
        return True
    return False


def build_speaker(settings: Settings, output: AudioOutput | None = None) -> TtsSpeaker:
    """The real speaker for these settings, its status already checked (call from a worker:
    the first check loads PortAudio)."""
    speaker = TtsSpeaker.from_settings(settings, output=output)
    speaker.status()
    return speaker


class TtsSpeaker:
    """Reads questions aloud. speak() blocks (call it from a worker); stop() from any thread.

    A new speak() stops the one in progress. When the engine or the output device is missing,
    status() says why and how to fix it, and speak() returns at once.
    """

    def __init__(
        self,
        *,
        voice: str = "",
        rate: int = 170,
        volume: float = 1.0,
        cache: TtsCache | None = None,
        output: AudioOutput | None = None,
        render_timeout: float = RENDER_TIMEOUT,
    ) -> None:
        self.cache = cache if cache is not None else TtsCache()
        self.player = WavPlayer(output)
        self.render_timeout = render_timeout
        self.render_count = 0  # child renders started (cache misses)
        self.last_error: Exception | None = None  # the latest rendering or playback failure
        self._lock = threading.Lock()  # guards _cancel; held only for a moment
        self._status_lock = threading.Lock()
        self._render_lock = threading.Lock()
        self._speak_lock = threading.Lock()
        self._cancel: threading.Event | None = None
        self._status: ComponentStatus | None = None
        self._failure: ComponentStatus | None = None
        self._voice, self._rate, self._volume = "", 170, 1.0
        self.configure(voice=voice, rate=rate, volume=volume)

    @classmethod
    def from_settings(cls, settings: Settings, output: AudioOutput | None = None) -> TtsSpeaker:
        return cls(voice=settings.voice, rate=settings.rate, volume=settings.volume, output=output)

    def configure(
        self, *, voice: str | None = None, rate: int | None = None, volume: float | None = None
    ) -> None:
        """Change the voice (a pyttsx3 voice id or name; "" = default), rate (wpm), volume."""
        if rate is not None and not 80 <= rate <= 400:
            raise ValueError("rate must be 80-400 words per minute")
        if volume is not None and not 0.0 <= volume <= 1.0:
            raise ValueError("volume must be between 0 and 1")
        self._voice = self._voice if voice is None else voice.strip()
        self._rate = self._rate if rate is None else rate
        self._volume = self._volume if volume is None else volume
        self._failure = None  # a bad voice may be fixed now

    def status(self, refresh: bool = False) -> ComponentStatus:
        """Ready to speak? Checked once (engine, then output device) and after failures."""
        with self._status_lock:
            if self._failure is not None and not refresh:
                return self._failure
            if self._status is None or refresh:
                self._failure = None
                self._status = self._check()
            return self._status

    def _check(self) -> ComponentStatus:
        engine = engine_status()
        if not engine.ready:
            return engine
        out = self.player.status()
        if not out.ready:
            return ComponentStatus(NAME, False, out.detail, out.fix)
        voice = self._voice or "default voice"
        return ComponentStatus(NAME, True, f"pyttsx3, {voice}, {self._rate} wpm; {out.detail}")

    def render(self, text: str, cancel: threading.Event | None = None) -> Path:
        """The cached WAV for `text` with the current voice, rendering it if needed.

        Raises RenderError. Works without an output device.
        """
        text = " ".join(text.split())
        if not text:
            raise RenderError("failed", "nothing to say")
        voice, rate, volume = self._voice, self._rate, self._volume
        key = self.cache.key(text, voice, rate, volume)
        hit = self.cache.lookup(key)
        if hit is not None:
            return hit
        while not self._render_lock.acquire(timeout=0.02):  # one child at a time
            if cancel is not None and cancel.is_set():
                raise RenderError("cancelled", "speech was stopped")
        try:
            hit = self.cache.lookup(key)  # rendered while we waited?
            if hit is not None:
                return hit
            temp = self.cache.temp_path(key)
            self.render_count += 1
            try:
                render_in_child(
                    text,
                    temp,
                    voice=voice,
                    rate=rate,
                    volume=volume,
                    timeout=self.render_timeout,
                    cancel=cancel,
                )
                return self.cache.commit(temp, key)
            finally:
                temp.unlink(missing_ok=True)
        except RenderError as exc:
            self._note(exc)
            raise
        finally:
            self._render_lock.release()

    def prepare(self, text: str) -> Path | None:
        """Render ahead without playing (cache warm-up). Blocking; None when it failed."""
        try:
            return self.render(text)
        except (RenderError, OSError):
            return None

    def speak(self, text: str) -> None:
        """Speak `text`; blocks until it ends or stop() is called. Never raises for audio."""
        cancel = threading.Event()
        with self._lock:
            if self._cancel is not None:
                self._cancel.set()  # the new question replaces the old one
            self._cancel = cancel
        try:
            with self._speak_lock:
                if cancel.is_set() or not text.strip() or not self.status().ready:
                    return
                try:
                    path = self.render(text, cancel)
                except RenderError:
                    return  # noted by render(); status() tells the UI
                except OSError as exc:  # e.g. the cache dir cannot be written
                    self._note(exc)
                    return
                try:
                    self.player.play(path, cancel=cancel)
                except AudioFileError as exc:
                    self._note(exc)
                    path.unlink(missing_ok=True)  # a damaged cache entry: render again next time
                except (PlaybackError, OSError) as exc:
                    self._note(exc)
        finally:
            with self._lock:
                if self._cancel is cancel:
                    self._cancel = None

    def stop(self) -> None:
        """Stop the current speech (rendering or playing); thread-safe; no-op when quiet."""
        with self._lock:
            if self._cancel is not None:
                self._cancel.set()

    def voices(self) -> list[VoiceInfo]:
        """The engine's voices (id, name, languages). Raises RenderError."""
        return voices_in_child()

    def _note(self, exc: Exception) -> None:
        if isinstance(exc, RenderError) and exc.kind == "cancelled":
            return
        self.last_error = exc
        if isinstance(exc, AudioFileError):
            return
        if (isinstance(exc, RenderError) and exc.kind in _STICKY) or isinstance(exc, PlaybackError):
            with self._status_lock:
                self._failure = ComponentStatus(NAME, False, str(exc), exc.fix)
