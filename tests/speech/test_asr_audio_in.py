"""Audio input: WAV files of every common shape, PCM helpers, and a missing microphone."""

from __future__ import annotations

import math
import struct
import sys
from array import array
from pathlib import Path

import pytest

from interview_sim.speech import pcm
from interview_sim.speech.audio_in import (
    AudioInputError,
    MicrophoneSource,
    WavFileSource,
    WavFormatError,
    read_wav_mono16,
)


@pytest.mark.parametrize(
    ("key", "rate", "channels", "width"),
    [
        ("native", 22050, 1, 2),
        ("mono16k", 16000, 1, 2),
        ("stereo22k", 22050, 2, 2),
        ("u8", 22050, 1, 1),
        ("s24_48k", 48000, 1, 3),
        ("f32", 22050, 1, 4),
    ],
)
def test_wav_source_reads_every_format_as_int16_mono(
    ko_wavs: dict[str, Path], key: str, rate: int, channels: int, width: int
) -> None:
    source = WavFileSource(ko_wavs[key])
    assert (source.rate, source.info.channels, source.info.sample_width) == (rate, channels, width)
    chunks = [chunk for chunk in source.chunks() if chunk is not None]
    assert all(0.09 <= chunk.seconds <= 0.11 for chunk in chunks[:-1])
    total = sum(chunk.seconds for chunk in chunks)
    assert total == pytest.approx(source.duration, abs=1e-3)
    assert chunks[1].start == pytest.approx(chunks[0].seconds)
    assert max(chunk.dbfs for chunk in chunks) > -30  # espeak speaks loudly
    assert all(0.0 <= chunk.level <= 1.0 for chunk in chunks)


def test_all_formats_decode_to_the_same_loudness(ko_wavs: dict[str, Path]) -> None:
    reference, _ = read_wav_mono16(ko_wavs["native"])
    ref_db = pcm.rms_dbfs(reference)
    for key in ("stereo22k", "u8", "f32"):
        data, rate = read_wav_mono16(ko_wavs[key])
        assert rate == 22050
        assert len(data) == len(reference)
        assert pcm.rms_dbfs(data) == pytest.approx(ref_db, abs=1.0), key


def test_realtime_pacing_waits_for_each_chunk(ko_wavs: dict[str, Path]) -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    source = WavFileSource(ko_wavs["mono16k"], realtime=True, clock=lambda: now[0], sleep=sleep)
    chunks = [chunk for chunk in source.chunks() if chunk is not None]
    assert sum(slept) == pytest.approx(source.duration, abs=1e-6)
    assert len(slept) == len(chunks)


def _write_wav(path: Path, header_tag: int, bits: int, payload: bytes, extensible: bool) -> None:
    channels, rate = 1, 16000
    align = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 0xFFFE if extensible else header_tag, channels, rate,
                      rate * align, align, bits)  # fmt: skip
    if extensible:
        guid_tail = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt += struct.pack("<HHI", 22, bits, 4) + struct.pack("<H", header_tag) + guid_tail
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"LIST" + struct.pack("<I", 4) + b"INFO"  # an unrelated chunk to skip
    body += b"data" + struct.pack("<I", len(payload)) + payload
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def test_extensible_32bit_wav_is_read(tmp_path: Path) -> None:
    values = [0, 1 << 30, -(1 << 30), (1 << 31) - 1]
    path = tmp_path / "ext.wav"
    _write_wav(path, 1, 32, struct.pack("<4i", *values), extensible=True)
    data, rate = read_wav_mono16(path)
    assert rate == 16000
    assert list(pcm.samples(data)) == [0, 1 << 14, -(1 << 14), 32767]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a wav at all", "not a WAV file"),
        (b"RIFF\x04\x00\x00\x00WAVE", "no audio data"),
    ],
)
def test_bad_files_raise_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(WavFormatError, match=message):
        WavFileSource(path)


def test_compressed_wav_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "adpcm.wav"
    _write_wav(path, 2, 4, b"\x00" * 64, extensible=False)
    with pytest.raises(WavFormatError, match="compressed"):
        WavFileSource(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WavFormatError, match="cannot read"):
        WavFileSource(tmp_path / "nope.wav")


def test_pcm_conversions() -> None:
    assert pcm.to_int16(bytes([0, 128, 255]), 1) == pcm.to_bytes(array("h", [-32768, 0, 32512]))
    assert pcm.to_int16(b"\x00\x00\x40" + b"\xff\xff\xff", 3) == pcm.to_bytes(
        array("h", [16384, -1])
    )
    floats = struct.pack("<3f", 0.5, -1.0, 2.0)
    assert list(pcm.samples(pcm.to_int16(floats, 4, is_float=True))) == [16384, -32767, 32767]
    stereo = pcm.to_bytes(array("h", [100, 300, -50, -150]))
    assert list(pcm.samples(pcm.mix_to_mono(stereo, 2))) == [200, -100]


def test_loudness_and_meter() -> None:
    full = pcm.to_bytes(array("h", [32767, -32767] * 100))
    assert pcm.rms_dbfs(full) == pytest.approx(0.0, abs=0.01)
    assert pcm.rms_dbfs(bytes(200)) == pcm.SILENCE_DBFS
    assert pcm.rms_dbfs(b"") == pcm.SILENCE_DBFS
    assert pcm.meter_level(0.0) == 1.0
    assert pcm.meter_level(-30.0) == pytest.approx(0.5)
    assert pcm.meter_level(-90.0) == 0.0


def test_resampler_keeps_duration_across_chunks() -> None:
    resampler = pcm.NearestResampler(22050, 16000)
    tone = array("h", (int(1000 * math.sin(i / 5)) for i in range(22050)))
    out = sum(len(resampler.feed(tone[i : i + 2205])) for i in range(0, 22050, 2205))
    assert out == pytest.approx(16000, abs=1)


def _has_input_device() -> bool:
    try:
        return MicrophoneSource().status().ready
    except AudioInputError:
        return False


@pytest.mark.skipif(_has_input_device(), reason="this machine has a microphone")
def test_no_microphone_gives_status_with_a_fix_and_no_traceback() -> None:
    source = MicrophoneSource()
    status = source.status()
    assert status.ready is False
    assert "microphone" in status.detail
    assert "typed" in status.fix
    with pytest.raises(AudioInputError) as raised, source:
        pass
    assert raised.value.fix


def test_missing_portaudio_is_reported_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import now raises ImportError
    status = MicrophoneSource("1").status()
    assert status.ready is False
    assert "libportaudio2" in status.fix
