"""Write an answer's audio to a private 16-bit mono WAV file (0600 in a 0700 folder)."""

from __future__ import annotations

import contextlib
import os
import wave
from pathlib import Path
from types import TracebackType
from typing import Self

FILE_MODE = 0o600
DIR_MODE = 0o700


def make_private_dirs(folder: Path) -> None:
    """Create missing folders with owner-only access; existing folders are left as they are."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        path.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(path, DIR_MODE)  # mkdir's mode is reduced by the umask


def open_private(path: Path) -> int:
    """Open a file for writing, created (or truncated) with mode 0600, never through a symlink."""
    make_private_dirs(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, FILE_MODE)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, FILE_MODE)  # an existing file keeps its old mode through O_TRUNC
    return fd


class WavRecorder:
    """Append int16 mono chunks to a WAV file; the header is finalised on close."""

    def __init__(self, path: Path, rate: int) -> None:
        self.path = Path(path)
        self.rate = rate
        self._file = os.fdopen(open_private(self.path), "wb")
        self._wav = wave.open(self._file, "wb")  # noqa: SIM115 - closed in close()
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(rate)
        self.frames = 0
        self.error: OSError | None = None

    def write(self, data: bytes) -> None:
        """Append audio. A full disk stops the recording (and deletes it), never the answer."""
        if self.error is not None:
            return
        try:
            self._wav.writeframesraw(data)
        except OSError as exc:
            self._fail(exc)
            return
        self.frames += len(data) // 2

    def _fail(self, exc: OSError) -> None:
        self.error = exc
        with contextlib.suppress(OSError, ValueError):
            self._wav.close()  # marks the writer closed so it never writes again
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):
            self.path.unlink()

    @property
    def seconds(self) -> float:
        """Audio written so far."""
        return self.frames / self.rate

    def close(self) -> None:
        """Finish the header and close the file (safe to call twice)."""
        if self._file.closed:
            return
        try:
            self._wav.close()
        except OSError as exc:
            self._fail(exc)
        finally:
            if not self._file.closed:
                self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
