"""The real `interview-sim` in a real terminal (tmux): start, answer typed, quit, kill, resume."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

EXE = Path(sys.executable).with_name("interview-sim")


class Terminal:
    """One tmux session running a command at 100x30."""

    def __init__(self, workspace: Path, env: dict[str, str]) -> None:
        self.name = f"isim-{uuid.uuid4().hex[:8]}"
        self.socket = f"isim-{os.getpid()}"
        self.env = env
        subprocess.run(
            ["tmux", "-L", self.socket, "new-session", "-d", "-s", self.name, "-x", "100", "-y",
             "30", "-c", str(workspace)],
            check=True, env=env,
        )  # fmt: skip

    def run(self, command: str) -> None:
        self.keys(command, "Enter")

    def keys(self, *keys: str) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "send-keys", "-t", self.name, *keys],
            check=True,
            env=self.env,
        )

    def text(self, *literal: str) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "send-keys", "-t", self.name, "-l", *literal],
            check=True,
            env=self.env,
        )

    def screen(self) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, "capture-pane", "-p", "-t", self.name],
            check=True,
            capture_output=True,
            text=True,
            env=self.env,
        )
        return out.stdout

    def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if needle in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} never appeared; screen was:\n{screen}")

    def pid(self) -> int:
        out = subprocess.run(
            ["tmux", "-L", self.socket, "list-panes", "-t", self.name, "-F", "#{pane_pid}"],
            check=True, capture_output=True, text=True, env=self.env)  # fmt: skip
        shell = int(out.stdout.split()[0])
        children = subprocess.run(["pgrep", "-P", str(shell)], capture_output=True, text=True)
        return int(children.stdout.split()[0])

    def close(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"], env=self.env, capture_output=True
        )


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    workspace = tmp_path / "ws"
    subprocess.run([str(EXE), "init", str(workspace)], check=True, capture_output=True)
    env = dict(os.environ)
    env.update(
        {
            "TERM": "xterm-256color",
            "INTERVIEW_SIM_CACHE_DIR": str(tmp_path / "cache"),
            "HOME": str(tmp_path / "home"),
            "INTERVIEW_SIM_HOME": str(workspace),
        }
    )
    term = Terminal(workspace, env)
    try:
        yield term, workspace
    finally:
        term.close()


def _answers(workspace: Path) -> list[tuple[int, str, int]]:
    conn = sqlite3.connect(workspace / "sessions" / "interview.db")
    try:
        return conn.execute(
            "select session_id, question_id, score from answers order by id"
        ).fetchall()
    finally:
        conn.close()


def test_typed_answer_in_a_real_terminal(terminal: tuple[Terminal, Path]) -> None:
    term, workspace = terminal
    term.run(f"{EXE}; echo EXIT=$((0+$?))")
    screen = term.wait_for("Typed answers always work")  # the workspace is open
    assert "Choose a question bank" in screen
    term.keys("Enter")
    term.wait_for("Number of questions")
    term.keys("Enter")
    term.wait_for("Question 1 of")
    term.text("Gradient descent and regularization with cross validation.")
    term.wait_for("cross validation.")
    term.keys("C-s")
    screen = term.wait_for("/100")
    assert "Your answer" in screen
    assert len(_answers(workspace)) == 1  # committed the moment it was scored
    term.keys("Escape")
    term.wait_for("Choose a question bank")
    term.keys("q")
    screen = term.wait_for("EXIT=0", timeout=10)
    assert "Traceback" not in screen
    rows = _answers(workspace)
    assert len(rows) == 1


def test_killed_mid_interview_keeps_answers_and_resumes(terminal: tuple[Terminal, Path]) -> None:
    term, workspace = terminal
    term.run(f"{EXE}")
    term.wait_for("Typed answers always work")
    term.keys("Enter")
    term.wait_for("Number of questions")
    term.keys("Enter")
    term.wait_for("Question 1 of")
    term.text("An answer about bias and variance.")
    term.wait_for("bias and variance.")
    term.keys("C-s")
    term.wait_for("/100")
    term.keys("s")  # next question, skipping any follow-up
    term.wait_for("Question 2 of")
    os.kill(term.pid(), signal.SIGKILL)
    time.sleep(0.5)
    assert len(_answers(workspace)) == 1
    conn = sqlite3.connect(workspace / "sessions" / "interview.db")
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    conn.close()
    term.keys("reset", "Enter")
    term.run(f"{EXE}")
    term.wait_for("Unfinished sessions")
    term.keys("r")
    term.wait_for("Question 2 of")
