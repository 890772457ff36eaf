"""Speech-out benchmark: render time, time to first sound (uncached and cached), stop latency.

    .venv/bin/python benchmarks/tts_latency.py [--runs 7]

Uses the real pyttsx3 engine (espeak-ng on Linux) in its child process and the null output
(real-time paced, no sound card needed), with a throw-away cache. Prints medians; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import result
from interview_sim.speech.playback import NullOutput, wav_seconds
from interview_sim.speech.tts import TtsCache, TtsSpeaker

QUESTION = (
    "Walk me through how you would design an evaluation pipeline for a large language model"
    " that answers customer questions, and explain which failure modes you would watch."
)  # 25 words


def first_sound(speaker: TtsSpeaker, output: NullOutput, text: str) -> float:
    """Seconds from speak() to the first block reaching the output; then stop."""
    seen = len(output.first_write_times)
    started = time.monotonic()
    thread = threading.Thread(target=speaker.speak, args=(text,))
    thread.start()
    while len(output.first_write_times) == seen and thread.is_alive():
        time.sleep(0.0005)
    elapsed = output.first_write_times[-1] - started if len(output.first_write_times) > seen else 0
    speaker.stop()
    thread.join()
    return elapsed


def stop_latency(speaker: TtsSpeaker, text: str) -> float:
    """Seconds from stop() to speak() returning, 0.3-0.32 s into playback (any block phase)."""
    thread = threading.Thread(target=speaker.speak, args=(text,))
    thread.start()
    time.sleep(0.3 + random.uniform(0.0, 0.02))
    stop_at = time.monotonic()
    speaker.stop()
    thread.join()
    return time.monotonic() - stop_at


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.1f} ms  (min {min(values) * 1000:.1f}, " + (
        f"max {max(values) * 1000:.1f}, n={len(values)})"
    )


def timed(action: Callable[[str], object], text: str) -> float:
    started = time.monotonic()
    action(text)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        output = NullOutput()
        speaker = TtsSpeaker(cache=TtsCache(Path(folder)), output=output)
        status = speaker.status()
        if not status.ready:
            print(f"speech out not ready: {status.detail} ({status.fix})")
            return
        variants = [f"Question {i}. {QUESTION}" for i in range(args.runs)]
        renders = [timed(speaker.render, text) for text in variants]
        uncached = [
            first_sound(speaker, output, f"Again {i}. {QUESTION}") for i in range(args.runs)
        ]
        seconds = wav_seconds(speaker.render(QUESTION))
        cached = [first_sound(speaker, output, QUESTION) for _ in range(args.runs)]
        stops = [stop_latency(speaker, QUESTION) for _ in range(args.runs)]
    print(f"25-word question, about {seconds:.1f} s of speech per render")
    print(f"render (child process, uncached): {median_ms(renders)}")
    print(f"first sound, uncached:            {median_ms(uncached)}")
    print(f"first sound, cached:              {median_ms(cached)}")
    print(f"stop latency (stop -> return):    {median_ms(stops)}")
    med = statistics.median
    result(
        "speech out: first sound, 25-word question, uncached",
        f"{med(uncached) * 1000:.0f} ms",
        "report",
        f"render alone {med(renders) * 1000:.0f} ms",
    )
    result(
        "speech out: first sound, cached",
        f"{med(cached) * 1000:.1f} ms",
        "< 50 ms",
        "null output, no sound card here",
    )
    result("speech out: stop latency", f"{med(stops) * 1000:.0f} ms", "< 50 ms", "")


if __name__ == "__main__":
    main()
