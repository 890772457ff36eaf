"""Renders one utterance (or lists voices) with a fresh pyttsx3 engine in a child process.

pyttsx3 2.99 cannot be trusted inside a long-lived process: runAndWait may return early, a
save_to_file target leaks into later calls, it prints to stdout and cannot be interrupted. So each
job runs in its own short process with stdout/stderr on /dev/null and is killed on stop or timeout:

    python -m interview_sim.speech.tts_render render --out F.wav --report R.json [--voice V]
        [--rate R] [--volume X]   (text on stdin)
    python -m interview_sim.speech.tts_render voices --report R.json

The child writes a JSON report ({"ok": true, ...} or {"ok": false, "kind", "message"}). Both ends
of that protocol live here: `main` runs in the child, `render_in_child` / `voices_in_child` in the
parent. The module imports nothing heavy so the child starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RENDER_TIMEOUT = 20.0
VOICES_TIMEOUT = 10.0
_POLL = 0.01
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


class RenderError(Exception):
    """Rendering failed. kind: no-pyttsx3 | no-engine | voice | timeout | cancelled | failed."""

    def __init__(self, kind: str, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.fix = fix or fix_for(kind)


@dataclass(frozen=True, slots=True)
class VoiceInfo:
    """One voice the engine offers."""

    id: str
    name: str
    languages: tuple[str, ...] = ()


def _pip(requirements: str) -> str:
    if sys.platform == "win32":
        return f'"{sys.executable}" -m pip install {requirements}'
    return f"{shlex.quote(sys.executable)} -m pip install {requirements}"


def fix_for(kind: str) -> str:
    """The exact fix for a kind of failure on this platform."""
    if kind == "no-pyttsx3":
        return _pip('"pyttsx3==2.99"')
    if kind == "no-engine":
        if sys.platform == "darwin":
            return _pip("pyobjc")
        if sys.platform == "win32":
            return _pip("--force-reinstall pywin32 comtypes")
        return "sudo apt-get install espeak-ng"
    if kind == "voice":
        return "run `interview-sim voices` and pick a voice id from the list"
    if kind == "timeout":
        return "try again; if it keeps happening, pick another voice (interview-sim voices)"
    return ""


# ---------------------------------------------------------------- parent side


def render_in_child(
    text: str,
    out: Path,
    *,
    voice: str = "",
    rate: int = 170,
    volume: float = 1.0,
    timeout: float = RENDER_TIMEOUT,
    cancel: threading.Event | None = None,
) -> float:
    """Render `text` to the WAV file `out` in a child process; returns its length in seconds."""
    args = ["render", "--out", str(out), "--rate", str(rate), "--volume", str(volume)]
    args += ["--timeout", str(timeout)]
    if voice:
        args += ["--voice", voice]
    report = _run_child(args, text.encode("utf-8"), timeout, cancel)
    return float(report.get("seconds", 0.0))


def voices_in_child(timeout: float = VOICES_TIMEOUT) -> list[VoiceInfo]:
    """The engine's voices, listed by a child process."""
    report = _run_child(["voices"], b"", timeout, None)
    voices = report.get("voices", [])
    return [
        VoiceInfo(str(v["id"]), str(v["name"]), tuple(str(x) for x in v["languages"]))
        for v in voices
    ]


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    old = env.get("PYTHONPATH", "")
    env["PYTHONPATH"] = str(_PACKAGE_ROOT) + (os.pathsep + old if old else "")
    return env


def _run_child(
    args: list[str], stdin: bytes, timeout: float, cancel: threading.Event | None
) -> dict[str, Any]:
    fd, name = tempfile.mkstemp(prefix="interview-sim-tts-", suffix=".json")
    os.close(fd)
    report = Path(name)
    command = [sys.executable, "-m", "interview_sim.speech.tts_render", *args, "--report", name]
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_child_env(),
            start_new_session=sys.platform != "win32",  # Ctrl-C reaches us, not the child
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
    except OSError as exc:
        report.unlink(missing_ok=True)
        raise RenderError("failed", f"cannot start the speech renderer: {exc}") from exc
    try:
        assert proc.stdin is not None
        with contextlib.suppress(OSError):  # the child may die before reading
            proc.stdin.write(stdin)
            proc.stdin.close()
        _wait(proc, timeout, cancel)
        return _read_report(report, proc.returncode)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        report.unlink(missing_ok=True)


def _wait(proc: subprocess.Popen[bytes], timeout: float, cancel: threading.Event | None) -> None:
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if cancel is not None and cancel.wait(_POLL):
            raise RenderError("cancelled", "speech was stopped")
        if cancel is None:
            time.sleep(_POLL)
        if time.monotonic() > deadline:
            raise RenderError("timeout", f"the speech engine did not finish within {timeout:g} s")


def _read_report(report: Path, returncode: int | None) -> dict[str, Any]:
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise RenderError("failed", f"the speech renderer exited with code {returncode}")
    if not data.get("ok"):
        kind = str(data.get("kind", "failed"))
        raise RenderError(kind, str(data.get("message", "speech rendering failed")))
    return data


# ---------------------------------------------------------------- child side


class _Failure(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _engine() -> Any:
    try:
        import pyttsx3
    except ImportError as exc:
        raise _Failure("no-pyttsx3", "the pyttsx3 package is not installed") from exc
    try:
        return pyttsx3.init()  # a fresh process, so a fresh engine
    except (ImportError, OSError, RuntimeError) as exc:
        raise _Failure("no-engine", f"the speech engine is not available ({exc})") from exc


def _voices(engine: Any) -> list[VoiceInfo]:
    found = []
    for voice in engine.getProperty("voices") or []:
        langs = voice.languages or []
        if isinstance(langs, (str, bytes)):
            langs = [langs]
        found.append(
            VoiceInfo(
                str(voice.id),
                str(voice.name or voice.id),
                tuple(
                    x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x) for x in langs
                ),
            )
        )
    return found


def _resolve_voice(engine: Any, wanted: str) -> str:
    voices = _voices(engine)
    for voice in voices:
        if voice.id == wanted:
            return voice.id
    for voice in voices:
        if voice.name.casefold() == wanted.casefold() or voice.id.casefold() == wanted.casefold():
            return voice.id
    raise _Failure("voice", f"unknown voice {wanted!r}")


def _render(text: str, out: Path, voice: str, rate: int, volume: float, timeout: float) -> float:
    if not text.strip():
        raise _Failure("failed", "nothing to say")
    engine = _engine()
    if voice:
        engine.setProperty("voice", _resolve_voice(engine, voice))
    engine.setProperty("rate", rate)
    engine.setProperty("volume", volume)
    finished: list[object] = []
    errors: list[object] = []
    engine.connect("finished-utterance", lambda **kw: finished.append(kw.get("completed")))
    engine.connect("error", lambda **kw: errors.append(kw.get("exception")))
    raw = out.with_name(out.name + ".raw")
    try:
        engine.save_to_file(text, str(raw))
        engine.runAndWait()  # may return before the file exists: wait for it below
        _wait_complete(raw, lambda: bool(finished), time.monotonic() + timeout)
        if errors:
            raise _Failure("failed", f"the speech engine failed: {errors[0]}")
        _to_wav(raw, out)
    finally:
        raw.unlink(missing_ok=True)
    with wave.open(str(out), "rb") as wav:
        if wav.getnframes() == 0:
            raise _Failure("failed", "the speech engine produced no audio")
        return wav.getnframes() / wav.getframerate()


def _wait_complete(path: Path, finished: Callable[[], bool], deadline: float) -> None:
    """Wait until the file is whole: the engine said it finished and the header's length matches
    the file (writers patch it on close), or, for engines that stay quiet, the size is stable."""
    last, stable_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        size = path.stat().st_size if path.exists() else -1
        now = time.monotonic()
        if size != last:
            last, stable_since = size, now
        if size > 44:
            whole = _header_length(path) == size
            if (whole and finished()) or now - stable_since >= (0.3 if whole else 1.0):
                return
        time.sleep(_POLL)
    raise _Failure("timeout", "the speech engine did not finish writing the audio file")


def _header_length(path: Path) -> int:
    """The file length a RIFF (WAV) or FORM (AIFF) header claims, or -1."""
    with path.open("rb") as f:
        head = f.read(8)
    if head[:4] == b"RIFF":
        return int.from_bytes(head[4:8], "little") + 8
    if head[:4] == b"FORM":
        return int.from_bytes(head[4:8], "big") + 8
    return -1


def _to_wav(raw: Path, out: Path) -> None:
    head = raw.read_bytes()[:4]
    if head == b"RIFF":
        os.replace(raw, out)
    elif head == b"FORM":  # macOS nsss writes AIFF whatever the file name says
        aiff_to_wav(raw, out)
    else:
        raise _Failure("failed", "the speech engine wrote an unknown audio format")


def aiff_to_wav(src: Path, dst: Path) -> None:
    """Convert uncompressed AIFF / AIFF-C (NONE, twos, sowt) PCM to WAV."""
    data = src.read_bytes()
    if data[:4] != b"FORM" or data[8:12] not in (b"AIFF", b"AIFC"):
        raise _Failure("failed", f"{src}: not an AIFF file")
    chunks: dict[bytes, bytes] = {}
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "big")
        chunks.setdefault(cid, data[pos + 8 : pos + 8 + size])
        pos += 8 + size + (size & 1)
    comm, ssnd = chunks.get(b"COMM"), chunks.get(b"SSND")
    if comm is None or ssnd is None or len(comm) < 18:
        raise _Failure("failed", f"{src}: AIFF without audio")
    channels = int.from_bytes(comm[0:2], "big")
    frames = int.from_bytes(comm[2:6], "big")
    width = (int.from_bytes(comm[6:8], "big") + 7) // 8
    rate = _extended_to_float(comm[8:18])
    codec = comm[18:22] if data[8:12] == b"AIFC" else b"NONE"
    if codec not in (b"NONE", b"twos", b"sowt") or width not in (1, 2, 3, 4):
        raise _Failure("failed", f"{src}: unsupported AIFF encoding {codec!r}")
    offset = int.from_bytes(ssnd[0:4], "big")
    pcm = ssnd[8 + offset : 8 + offset + frames * channels * width]
    if width == 1:
        pcm = pcm.translate(bytes((i + 128) & 0xFF for i in range(256)))  # signed -> unsigned
    elif codec != b"sowt":  # big-endian -> little-endian
        swapped = bytearray(len(pcm))
        for i in range(width):
            swapped[i::width] = pcm[width - 1 - i :: width]
        pcm = bytes(swapped)
    with wave.open(str(dst), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(round(rate))
        wav.writeframes(pcm)


def _extended_to_float(raw: bytes) -> float:
    """An 80-bit IEEE extended float (AIFF sample rate)."""
    exponent = int.from_bytes(raw[0:2], "big")
    mantissa = int.from_bytes(raw[2:10], "big")
    sign = -1.0 if exponent & 0x8000 else 1.0
    exponent &= 0x7FFF
    if exponent == 0 and mantissa == 0:
        return 0.0
    return sign * mantissa * 2.0 ** (exponent - 16383 - 63)


def _write_report(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(tmp, path)


def main(argv: Sequence[str] | None = None) -> int:
    """Child entry point: one job, one JSON report, exit code 0 (ok) or 1."""
    parser = argparse.ArgumentParser(prog="python -m interview_sim.speech.tts_render")
    parser.add_argument("command", choices=["render", "voices"])
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--voice", default="")
    parser.add_argument("--rate", type=int, default=170)
    parser.add_argument("--volume", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=RENDER_TIMEOUT)
    args = parser.parse_args(argv)
    # If the parent dies without killing us, do not linger behind a stuck engine.
    watchdog = threading.Timer(args.timeout + 5.0, os._exit, args=(3,))
    watchdog.daemon = True
    watchdog.start()
    payload: dict[str, Any]
    try:
        if args.command == "voices":
            voices = _voices(_engine())
            payload = {"ok": True, "voices": [_voice_json(v) for v in voices]}
        else:
            if args.out is None:
                raise _Failure("failed", "render needs --out")
            text = sys.stdin.buffer.read().decode("utf-8", "replace")
            seconds = _render(text, args.out, args.voice, args.rate, args.volume, args.timeout)
            payload = {"ok": True, "seconds": seconds}
    except _Failure as exc:
        payload = {"ok": False, "kind": exc.kind, "message": str(exc)}
    except Exception as exc:  # the report is the only way back to the parent
        payload = {"ok": False, "kind": "failed", "message": f"{type(exc).__name__}: {exc}"}
    _write_report(args.report, payload)
    return 0 if payload["ok"] else 1


def _voice_json(voice: VoiceInfo) -> dict[str, Any]:
    return {"id": voice.id, "name": voice.name, "languages": list(voice.languages)}


if __name__ == "__main__":
    sys.exit(main())
