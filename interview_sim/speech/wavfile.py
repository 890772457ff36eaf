"""Read the header of a WAV file ourselves: PCM 8/16/24/32-bit, float, and WAVE_FORMAT_EXTENSIBLE.

The standard `wave` module of Python 3.11 refuses extensible and float files, which sox and many
recorders write, so the RIFF chunks are walked here.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_PCM = 1
_FLOAT = 3
_EXTENSIBLE = 0xFFFE


class WavFormatError(Exception):
    """A file that is not a WAV file this app can read; the message says why."""


@dataclass(frozen=True, slots=True)
class WavInfo:
    """Where the samples of a WAV file are and how they are stored."""

    path: Path
    rate: int
    channels: int
    sample_width: int  # bytes per sample of one channel
    is_float: bool
    data_offset: int
    data_size: int

    @property
    def frame_size(self) -> int:
        """Bytes per frame (one sample of every channel)."""
        return self.channels * self.sample_width

    @property
    def frames(self) -> int:
        """Number of frames in the file."""
        return self.data_size // self.frame_size

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.frames / self.rate


def read_wav_info(path: Path) -> WavInfo:
    """Parse the RIFF header; raises WavFormatError with a readable reason."""
    try:
        with path.open("rb") as handle:
            return _parse(path, handle, path.stat().st_size)
    except OSError as exc:
        raise WavFormatError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except struct.error as exc:
        raise WavFormatError(f"{path}: truncated WAV header") from exc


def _parse(path: Path, handle: BinaryIO, file_size: int) -> WavInfo:
    riff = handle.read(12)
    if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:12] != b"WAVE":
        raise WavFormatError(f"{path}: not a WAV file (no RIFF/WAVE header)")
    fmt: tuple[int, int, int, int] | None = None
    while True:
        header = handle.read(8)
        if len(header) < 8:
            raise WavFormatError(f"{path}: no audio data chunk")
        chunk_id, size = struct.unpack("<4sI", header)
        if chunk_id == b"fmt ":
            fmt = _parse_fmt(path, handle.read(size))
            if size % 2:
                handle.seek(1, 1)
        elif chunk_id == b"data":
            if fmt is None:
                raise WavFormatError(f"{path}: data chunk before the format chunk")
            offset = handle.tell()
            size = min(size, file_size - offset)  # streamed writers leave a wrong size
            tag, channels, rate, width = fmt
            return WavInfo(path, rate, channels, width, tag == _FLOAT, offset, max(0, size))
        else:
            handle.seek(size + size % 2, 1)


def _parse_fmt(path: Path, body: bytes) -> tuple[int, int, int, int]:
    tag, channels, rate, _byte_rate, _align, bits = struct.unpack("<HHIIHH", body[:16])
    if tag == _EXTENSIBLE and len(body) >= 26:
        tag = struct.unpack("<H", body[24:26])[0]  # first two bytes of the sub-format GUID
    if tag not in (_PCM, _FLOAT):
        raise WavFormatError(f"{path}: compressed WAV (format {tag:#06x}); convert it to PCM")
    width = (bits + 7) // 8
    if tag == _PCM and width not in (1, 2, 3, 4):
        raise WavFormatError(f"{path}: unsupported {bits}-bit PCM")
    if tag == _FLOAT and width not in (4, 8):
        raise WavFormatError(f"{path}: unsupported {bits}-bit float")
    if channels < 1 or rate < 1000:
        raise WavFormatError(f"{path}: implausible header ({channels} channels at {rate} Hz)")
    return tag, channels, rate, width
