"""Pure helpers for 16-bit PCM: sample conversion, mix-down, loudness. No audio library needed."""

from __future__ import annotations

import math
import operator
import struct
import sys
from array import array

SILENCE_DBFS = -96.0  # the floor of 16-bit audio; what an all-zero chunk reports
METER_FLOOR_DBFS = -60.0  # the quietest level the UI meter shows above zero
_BIG_ENDIAN = sys.byteorder == "big"
_XOR_SIGN = bytes(b ^ 0x80 for b in range(256))


def samples(data: bytes) -> array[int]:
    """Little-endian int16 bytes as an array of ints."""
    values = array("h")
    values.frombytes(data[: len(data) - len(data) % 2])
    if _BIG_ENDIAN:
        values.byteswap()
    return values


def to_bytes(values: array[int]) -> bytes:
    """An int16 array back to little-endian bytes."""
    if _BIG_ENDIAN:
        values = array("h", values)
        values.byteswap()
    return values.tobytes()


def to_int16(data: bytes, sample_width: int, is_float: bool = False) -> bytes:
    """Convert interleaved little-endian PCM of any common width to int16 (channels untouched).

    8-bit WAV is unsigned; 16/24/32-bit integer PCM is signed and keeps its top 16 bits;
    32/64-bit float is scaled from [-1, 1].
    """
    if is_float:
        code = {4: "f", 8: "d"}.get(sample_width)
        if code is None:
            raise ValueError(f"unsupported float sample width: {sample_width} bytes")
        count = len(data) // sample_width
        floats = struct.unpack(f"<{count}{code}", data[: count * sample_width])
        return to_bytes(array("h", (max(-32768, min(32767, round(f * 32767.0))) for f in floats)))
    if sample_width == 2:
        return data[: len(data) - len(data) % 2]
    count = len(data) // sample_width
    out = bytearray(count * 2)
    if sample_width == 1:
        out[1::2] = data[:count].translate(_XOR_SIGN)  # unsigned -> signed high byte
    elif sample_width in (3, 4):
        usable = data[: count * sample_width]
        out[0::2] = usable[sample_width - 2 :: sample_width]
        out[1::2] = usable[sample_width - 1 :: sample_width]
    else:
        raise ValueError(f"unsupported sample width: {sample_width} bytes")
    return bytes(out)


def mix_to_mono(data: bytes, channels: int) -> bytes:
    """Average the channels of interleaved int16 audio."""
    if channels == 1:
        return data
    values = samples(data)
    frames = len(values) // channels
    total: list[int] = list(values[0 : frames * channels : channels])
    for channel in range(1, channels):
        total = list(map(operator.add, total, values[channel : frames * channels : channels]))
    return to_bytes(array("h", (t // channels for t in total)))


def rms_dbfs(data: bytes) -> float:
    """Loudness of int16 audio in dB relative to full scale (SILENCE_DBFS for silence)."""
    values = samples(data)
    if not values:
        return SILENCE_DBFS
    mean_square = sum(map(operator.mul, values, values)) / len(values)
    if mean_square <= 0:
        return SILENCE_DBFS
    return max(SILENCE_DBFS, 10.0 * math.log10(mean_square / (32768.0 * 32768.0)))


def meter_level(dbfs: float) -> float:
    """Map dBFS to 0..1 for a level meter: METER_FLOOR_DBFS and below is 0, full scale is 1."""
    return max(0.0, min(1.0, (dbfs - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS))


class NearestResampler:
    """Stateful nearest-sample rate conversion of int16 mono; good enough for voice detection."""

    def __init__(self, source_rate: int, target_rate: int) -> None:
        self.step = source_rate / target_rate
        self._position = 0.0  # next output sample, in input samples from the current chunk's start

    def feed(self, values: array[int]) -> array[int]:
        """Convert the next chunk; call with consecutive chunks of one stream."""
        out = array("h")
        position, step, count = self._position, self.step, len(values)
        while position < count:
            out.append(values[int(position)])
            position += step
        self._position = position - count
        return out
