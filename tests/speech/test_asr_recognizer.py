"""The real Vosk engine end to end with the Korean model, and clear errors for bad models."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from interview_sim.speech.audio_in import WavFileSource
from interview_sim.speech.models import ModelError
from interview_sim.speech.recognizer import (
    ModelLoadError,
    SpeechModel,
    _remember_verified,
    check_stream_rate,
    is_verified,
    log_path,
    model_sample_rate,
    probe_model,
    transcribe_file,
)

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("key", ["mono16k", "stereo22k"])
def test_transcribes_korean_speech_with_monotone_word_times(
    ko_model: SpeechModel, ko_wavs: dict[str, Path], key: str
) -> None:
    events: list[tuple[str, str]] = []
    transcript, seconds = transcribe_file(
        ko_wavs[key], ko_model, lambda text: events.append(("partial", text))
    )
    events.append(("final", transcript.text))
    duration = WavFileSource(ko_wavs[key]).duration
    assert seconds == pytest.approx(duration, abs=0.01)
    assert transcript.text.strip()
    assert [kind for kind, _ in events].index("final") == len(events) - 1
    assert any(kind == "partial" and text for kind, text in events)
    words = transcript.words
    assert len(words) >= 2
    assert all(0.0 <= w.start <= w.end <= duration for w in words)
    assert all(a.start <= b.start and a.end <= b.end for a, b in itertools.pairwise(words))
    assert all(0.0 <= w.conf <= 1.0 for w in words)
    assert " ".join(w.text for w in words) == transcript.text


def test_shared_model_is_loaded_once(ko_model: SpeechModel, ko_model_path: Path) -> None:
    assert SpeechModel.shared(ko_model_path) is ko_model
    assert ko_model.load() is ko_model.load()
    assert ko_model.status().ready


def test_missing_model_gives_a_clear_error_and_nothing_on_fd2(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    model = SpeechModel(tmp_path / "no-such-model")
    assert model.status().ready is False
    with pytest.raises(ModelLoadError, match="does not exist") as raised:
        model.load()
    assert raised.value.fix
    assert capfd.readouterr().err == ""


def _corrupt_copy(source: Path, target: Path) -> Path:
    shutil.copytree(source / "conf", target / "conf")
    shutil.copytree(source / "ivector", target / "ivector")
    (target / "am").mkdir()
    (target / "am" / "final.mdl").write_bytes((source / "am" / "final.mdl").read_bytes()[:5000])
    (target / "graph").mkdir()
    for name in ("HCLr.fst", "Gr.fst"):
        (target / "graph" / name).write_bytes(b"\x00garbage" * 100)
    return target


@pytest.mark.parametrize(("probe", "quiet"), [(True, False), (False, True)])
def test_corrupt_model_gives_a_clear_error_and_nothing_on_fd2(
    ko_model_path: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str], probe: bool, quiet: bool
) -> None:
    broken = _corrupt_copy(ko_model_path, tmp_path / "broken")
    model = SpeechModel(broken, probe=probe, quiet_fd2=quiet)
    assert model.status().ready  # the files are all there: only loading can tell
    with pytest.raises(ModelLoadError, match="cannot load speech model broken") as raised:
        model.load()
    assert "remove the folder" in raised.value.fix
    assert capfd.readouterr().err == ""
    assert "ERROR" in log_path().read_text()  # Kaldi's complaint went to the log instead
    assert not model.loaded


def test_probe_loads_a_good_model_in_a_child(
    ko_model_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert probe_model(ko_model_path) > 0
    assert capfd.readouterr().err == ""


def test_verified_models_are_remembered_until_they_change(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    (folder / "am").mkdir(parents=True)
    (folder / "am" / "final.mdl").write_bytes(b"x")
    assert not is_verified(folder)
    _remember_verified(folder)
    assert is_verified(folder)
    (folder / "am" / "final.mdl").write_bytes(b"xy")
    assert not is_verified(folder)


def test_stream_slower_than_the_model_is_refused_unless_upsampling(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    (folder / "conf").mkdir(parents=True)
    (folder / "conf" / "mfcc.conf").write_text("--sample-frequency=16000\n--use-energy=false\n")
    model = SpeechModel(folder)
    assert model_sample_rate(folder) == (16000, False)
    with pytest.raises(ModelError, match="8000 Hz"):
        check_stream_rate(model, 8000)
    check_stream_rate(model, 44100)
    (folder / "conf" / "mfcc.conf").write_text("--allow-upsample=true\n")
    check_stream_rate(model, 8000)
