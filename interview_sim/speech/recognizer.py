"""Offline recognition with Vosk: one shared Model per process, one KaldiRecognizer per answer.

Keeping Kaldi off the terminal. Kaldi writes its logs to file descriptor 2 directly, which is also
where Textual draws, and `SetLogLevel(-1)` does not silence the ERROR of a bad model. So:

1. the folder is checked in Python first (missing/empty files never reach Vosk);
2. a model not yet known to be good is loaded once in a child process whose stderr goes to a log
   file (`<cache>/logs/vosk.log`). A corrupt model fails, or even aborts, in the child, never in
   the app. Success is remembered by the files' sizes and times, so this costs one extra load per
   model install, not per start;
3. headless commands (`transcribe`) can also point fd 2 at that log during the in-process load
   (`quiet_fd2=True`); the UI never redirects fd 2, since Textual draws there.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, ClassVar

from interview_sim.core.transcript import Transcript, Word
from interview_sim.speech.models import ModelError, cache_dir, check_model_dir
from interview_sim.speech.protocols import ComponentStatus

_UNKNOWN_WORD = "[unk]"
_PROBE_SCRIPT = (
    "import sys, time, vosk\n"
    "vosk.SetLogLevel(-1)\n"
    "t = time.monotonic()\n"
    "try:\n"
    "    vosk.Model(sys.argv[1])\n"
    "except Exception as exc:\n"
    "    print('vosk:', exc, file=sys.stderr)\n"
    "    sys.exit(3)\n"
    "print(time.monotonic() - t)\n"
)


class ModelLoadError(ModelError):
    """A model folder that Vosk could not load."""


def log_path() -> Path:
    """Where Kaldi's output during model loading goes."""
    return cache_dir() / "logs" / "vosk.log"


@contextmanager
def fd2_redirected(target: Path) -> Iterator[None]:
    """Point file descriptor 2 at a file for a while. Only for commands without a TUI."""
    target.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with target.open("ab") as log:
            os.dup2(log.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def fingerprint(path: Path) -> str:
    """A cheap identity of a model folder's contents: every file's name, size and mtime."""
    digest = hashlib.sha256()
    for folder, dirs, files in sorted(os.walk(path)):
        dirs.sort()
        for name in sorted(files):
            stat = os.stat(os.path.join(folder, name))
            rel = os.path.relpath(os.path.join(folder, name), path)
            digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _verified_file() -> Path:
    return cache_dir() / "verified-models.json"


def _read_verified() -> dict[str, str]:
    try:
        data = json.loads(_verified_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def is_verified(path: Path) -> bool:
    """Whether this exact model folder already loaded fine in a probe."""
    return _read_verified().get(str(path)) == fingerprint(path)


def _remember_verified(path: Path) -> None:
    data = _read_verified()
    data[str(path)] = fingerprint(path)
    target = _verified_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        return  # not remembering only costs another probe next time


def _last_error(log: Path) -> str:
    """Kaldi's last complaint in the log, without its source-location prefix."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
    except OSError:
        return ""
    for prefixes in (("ERROR", "ASSERTION_FAILED"), ("vosk:",)):
        for line in reversed(lines):
            if line.startswith(prefixes):
                return re.sub(r"^\w+ \(\S*\) ", "", line.strip())[:300]
    return ""


def probe_model(path: Path, *, timeout: float = 900.0) -> float:
    """Load the model in a child process (stderr to the log); its load time, or ModelLoadError."""
    log = log_path()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} loading {path}\n".encode())
        out.flush()
        try:
            done = subprocess.run(
                [sys.executable, "-c", _PROBE_SCRIPT, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=out,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ModelLoadError(
                f"loading {path.name} took over {timeout:.0f} s", f"Details in {log}."
            ) from exc
    if done.returncode == 0:
        try:
            return float(done.stdout.decode().strip().splitlines()[-1])
        except (ValueError, IndexError):
            return 0.0
    reason = _last_error(log)
    if done.returncode < 0:
        reason = f"the engine crashed (signal {-done.returncode}) {reason}".strip()
    raise ModelLoadError(
        f"cannot load speech model {path.name}: {reason or 'Vosk refused it'}",
        f"The model files look damaged: remove the folder and install it again. Log: {log}",
    )


def model_sample_rate(path: Path) -> tuple[int, bool]:
    """The rate the model's features use, and whether Kaldi may upsample to it."""
    rate, upsample = 16000, False
    for conf in (path / "conf" / "mfcc.conf", path / "mfcc.conf"):
        try:
            lines = conf.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            key, _, value = line.strip().partition("=")
            if key == "--sample-frequency":
                rate = int(float(value))
            elif key == "--allow-upsample":
                upsample = value.strip().lower() == "true"
        break
    return rate, upsample


class SpeechModel:
    """A Vosk model loaded lazily, once, safely from any thread (use `shared` for one per path)."""

    _shared: ClassVar[dict[str, SpeechModel]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: Path, *, probe: bool = True, quiet_fd2: bool = False) -> None:
        self.path = Path(path).expanduser().resolve()
        self.probe = probe
        self.quiet_fd2 = quiet_fd2
        self.load_seconds: float | None = None
        self.probe_seconds: float | None = None
        self._lock = threading.Lock()
        self._model: Any = None

    @classmethod
    def shared(cls, path: Path, *, probe: bool = True, quiet_fd2: bool = False) -> SpeechModel:
        """The process-wide instance for this folder."""
        key = str(Path(path).expanduser().resolve())
        with cls._shared_lock:
            model = cls._shared.get(key)
            if model is None:
                model = cls._shared[key] = cls(Path(key), probe=probe, quiet_fd2=quiet_fd2)
            return model

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._model is not None

    @property
    def sample_rate(self) -> tuple[int, bool]:
        """The model's feature rate and whether it allows upsampling."""
        return model_sample_rate(self.path)

    def status(self) -> ComponentStatus:
        """Ready when loaded, or when the folder looks complete (nothing is loaded here)."""
        if self._model is not None:
            return ComponentStatus("speech model", True, f"{self.path.name} loaded")
        problem = check_model_dir(self.path)
        if problem:
            fix = "Run `interview-sim model download vosk-model-small-en-us-0.15` or set --model."
            return ComponentStatus("speech model", False, problem, fix)
        return ComponentStatus("speech model", True, f"{self.path.name} (not loaded yet)")

    def load(self) -> Any:
        """The vosk.Model, loading it on first use; raises ModelError with a fix."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    def _load(self) -> Any:
        problem = check_model_dir(self.path)
        if problem:
            raise ModelLoadError(problem, "Pass the folder that contains am/ and conf/.")
        try:
            import vosk
        except ImportError as exc:
            raise ModelLoadError(
                f"vosk is not installed ({exc})", "pip install vosk==0.3.45"
            ) from exc
        vosk.SetLogLevel(-1)
        if self.probe and not is_verified(self.path):
            self.probe_seconds = probe_model(self.path)
            _remember_verified(self.path)
        started = time.monotonic()
        quiet = fd2_redirected(log_path()) if self.quiet_fd2 else nullcontext()
        try:
            with quiet:
                model = vosk.Model(str(self.path))
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
            raise ModelLoadError(
                f"cannot load speech model {self.path.name}: {exc}",
                f"The model files look damaged: remove the folder and install it again. "
                f"Log: {log_path()}",
            ) from exc
        self.load_seconds = time.monotonic() - started
        return model


def check_stream_rate(model: SpeechModel, rate: int) -> None:
    """Refuse audio slower than the model's features unless the model allows upsampling."""
    needed, upsample = model.sample_rate
    if rate < needed and not upsample:
        raise ModelLoadError(
            f"the audio runs at {rate} Hz but {model.path.name} needs at least {needed} Hz",
            "Use a microphone or file at 16 kHz or more.",
        )


class AnswerRecognizer:
    """One KaldiRecognizer for one answer. Use it from one thread only."""

    def __init__(
        self, model: Any, rate: int, on_partial: Callable[[str], None] | None = None
    ) -> None:
        import vosk

        self.rate = rate
        self._recognizer = vosk.KaldiRecognizer(model, float(rate))
        self._recognizer.SetWords(True)
        self._on_partial = on_partial
        self._segments: list[dict[str, Any]] = []
        self._last_partial = ""
        self._samples = 0
        self._final: Transcript | None = None

    @property
    def audio_seconds(self) -> float:
        """Audio accepted so far."""
        return self._samples / self.rate

    def accept(self, data: bytes) -> None:
        """Feed int16 mono audio; reports a changed partial transcript to on_partial."""
        if not data or self._final is not None:
            return
        self._samples += len(data) // 2
        if self._recognizer.AcceptWaveform(bytes(data)):
            self._segments.append(json.loads(self._recognizer.Result()))
            self._emit(self._committed_text())
        else:
            partial = str(json.loads(self._recognizer.PartialResult()).get("partial", ""))
            self._emit(_join(self._committed_text(), _clean(partial)))

    def finish(self) -> Transcript:
        """The final transcript (idempotent: Vosk itself would return nothing the second time)."""
        if self._final is None:
            self._segments.append(json.loads(self._recognizer.FinalResult()))
            self._final = self._transcript()
        return self._final

    def _emit(self, text: str) -> None:
        if text != self._last_partial:
            self._last_partial = text
            if self._on_partial is not None:
                self._on_partial(text)

    def _committed_text(self) -> str:
        return _join(*(_clean(str(seg.get("text", ""))) for seg in self._segments))

    def _transcript(self) -> Transcript:
        limit = self.audio_seconds
        words: list[Word] = []
        for segment in self._segments:
            for item in segment.get("result", []):
                text = str(item.get("word", ""))
                if not text or text == _UNKNOWN_WORD:
                    continue
                start = min(max(float(item.get("start", 0.0)), 0.0), limit)
                end = min(max(float(item.get("end", start)), start), limit)
                if words and start < words[-1].start:
                    start = words[-1].start
                words.append(Word(text, start, max(end, start), float(item.get("conf", 1.0))))
        return Transcript(self._committed_text(), tuple(words))


def _clean(text: str) -> str:
    return " ".join(word for word in text.split() if word != _UNKNOWN_WORD)


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def transcribe_file(
    path: Path, model: SpeechModel, on_partial: Callable[[str], None] | None = None
) -> tuple[Transcript, float]:
    """Transcribe a whole WAV file as fast as possible; the transcript and its audio seconds."""
    from interview_sim.speech.audio_in import WavFileSource

    source = WavFileSource(path)
    check_stream_rate(model, source.rate)
    recognizer = AnswerRecognizer(model.load(), source.rate, on_partial)
    for chunk in source.chunks():
        if chunk is not None:
            recognizer.accept(chunk.data)
    return recognizer.finish(), recognizer.audio_seconds
