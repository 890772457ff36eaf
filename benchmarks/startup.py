"""Start-up: launch to Home interactive, against a bare Textual app that shows one widget.

Both run in their own pseudo-terminal (80x24), alternately, several times. "First paint" is when
the first screen's text appears; "interactive" is when a key pressed after that changes the
screen. Prints medians and the ratio; no assertions.

    python benchmarks/startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import result

BARE_APP = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    BINDINGS = [("question_mark", "show", "show")]
    def compose(self):
        yield Static("Choose a question bank", id="s")
    def action_show(self):
        self.query_one("#s", Static).update("r: resume an unfinished session")

Bare().run()
"""


def _spawn(argv: list[str], env: dict[str, str]) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    return pid, fd


def _wait_for(fd: int, needle: bytes, seen: bytearray, deadline: float) -> float | None:
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return None
            seen.extend(chunk)
            if needle in seen.replace(b"\x1b", b""):
                return time.monotonic()
    return None


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds to first paint and to answering a key."""
    start = time.monotonic()
    pid, fd = _spawn(argv, env)
    seen = bytearray()
    try:
        painted = _wait_for(fd, b"bank", seen, start + 30)
        if painted is None:
            raise RuntimeError(f"no first paint from {argv}")
        seen.clear()
        os.write(fd, b"?")
        answered = _wait_for(fd, b"resume an unfinished", seen, start + 30)
        if answered is None:
            raise RuntimeError(f"no answer to a key from {argv}")
        return painted - start, answered - start
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("interview-sim"))
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "ws"
        os.system(f"{exe} init {workspace} > /dev/null")
        env = dict(
            os.environ,
            TERM="xterm-256color",
            INTERVIEW_SIM_HOME=str(workspace),
            INTERVIEW_SIM_CACHE_DIR=str(Path(tmp) / "cache"),
        )
        bare_script = Path(tmp) / "bare.py"
        bare_script.write_text(BARE_APP)
        measure([exe], env)  # warm the bank cache and the OS file cache once
        bare: list[tuple[float, float]] = []
        ours: list[tuple[float, float]] = []
        for _ in range(args.runs):
            bare.append(measure([sys.executable, str(bare_script)], env))
            ours.append(measure([exe], env))
    for label, index in (("first paint", 0), ("answers a key", 1)):
        b = statistics.median(r[index] for r in bare) * 1000
        o = statistics.median(r[index] for r in ours) * 1000
        print(
            f"start-up {label}: interview-sim {o:.0f} ms, bare Textual app {b:.0f} ms,"
            f" ratio {o / b:.2f}x (target 1.3x)"
        )
        result(
            f"start-up: {label} (ratio to a bare Textual app)",
            f"{o / b:.2f}x",
            "<= 1.3x",
            f"{o:.0f} ms vs {b:.0f} ms, medians of {args.runs}",
        )


if __name__ == "__main__":
    main()
