"""A full disk or a read-only folder loses the recording, never the answer (real Vosk engine)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from interview_sim.speech import recording
from interview_sim.speech.audio_in import WavFileSource
from interview_sim.speech.listener import VoskListener
from interview_sim.speech.protocols import ListenSettings
from interview_sim.speech.recognizer import SpeechModel


def _listen(model: SpeechModel, wav: Path, target: Path) -> tuple[VoskListener, object]:
    listener = VoskListener(model, source_factory=lambda: WavFileSource(wav))
    settings = ListenSettings(max_seconds=30, silence_seconds=1.0, record_to=target)
    result = listener.listen(settings, lambda _t: None, lambda _l: None, lambda: False)
    return listener, result


def test_disk_full_mid_recording_keeps_the_transcript(
    ko_model: SpeechModel, ko_wavs: dict[str, Path], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    calls = {"n": 0}
    real_write = recording.WavRecorder.write

    def write_until_full(self: recording.WavRecorder, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] > 3:
            original = self._wav.writeframesraw

            def full(_data: bytes) -> None:
                raise OSError(errno.ENOSPC, "No space left on device")

            self._wav.writeframesraw = full  # type: ignore[method-assign]
            try:
                real_write(self, data)
            finally:
                self._wav.writeframesraw = original  # type: ignore[method-assign]
            return
        real_write(self, data)

    monkeypatch.setattr(recording.WavRecorder, "write", write_until_full)
    target = tmp_path / "rec" / "answer.wav"
    listener, result = _listen(ko_model, ko_wavs["padded16k"], target)
    assert result.transcript.text.strip()  # type: ignore[attr-defined]
    assert result.audio_path is None  # type: ignore[attr-defined]
    assert not target.exists()  # the partial file is removed
    assert listener.recording_error is not None
    assert listener.recording_error.errno == errno.ENOSPC


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_read_only_folder_keeps_the_transcript_without_root(
    ko_model: SpeechModel, ko_wavs: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    listener, result = _listen(ko_model, ko_wavs["padded16k"], folder / "a.wav")
    assert result.transcript.text.strip()  # type: ignore[attr-defined]
    assert result.audio_path is None  # type: ignore[attr-defined]
    assert listener.recording_error is not None


def test_unwritable_target_keeps_the_transcript(
    ko_model: SpeechModel, ko_wavs: dict[str, Path], tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the recordings folder should be")
    listener, result = _listen(ko_model, ko_wavs["padded16k"], blocker / "a.wav")
    assert result.transcript.text.strip()  # type: ignore[attr-defined]
    assert result.audio_path is None  # type: ignore[attr-defined]
    assert listener.recording_error is not None
