"""Fakes and builders for the UI tests (imported by the tests and conftest)."""

from __future__ import annotations

import threading
import time

from interview_sim.config import Settings
from interview_sim.services import Services, build_services
from interview_sim.speech.fakes_asr import ScriptedListener
from interview_sim.speech.protocols import ComponentStatus, Listener
from interview_sim.store.session_store import SessionStore
from interview_sim.workspace import Workspace

MINI_BANK = """\
id: mini
title: Mini bank
description: Two questions for UI tests.
source: Written for the tests.
defaults:
  answer_seconds: 60
  think_seconds: 0
questions:
  - id: overfitting
    number: 1
    topic: Evaluation
    difficulty: easy
    prompt: What is overfitting?
    reference: >
      Overfitting is when a model memorises noise in the training data, so it does well on
      training data and badly on unseen data. It is detected with a validation set and reduced
      with regularization.
    rubric:
      concepts:
        - name: memorises noise
          weight: 2
          required: true
          meaning: An overfit model fits noise, not the signal.
          phrases: [memorise noise, fits the noise, memorize the training data]
          probe: What does an overfit model learn that it should not?
        - name: unseen data
          weight: 1
          meaning: It generalises badly to new data.
          phrases: [unseen data, new data, test data]
        - name: regularization
          weight: 1
          meaning: Regularization reduces it.
          phrases: [regularization, dropout, early stopping]
  - id: precision
    number: 2
    topic: Metrics
    difficulty: easy
    prompt: What is precision?
    reference: Precision is the share of predicted positives that are truly positive.
    rubric:
      concepts:
        - name: predicted positives
          weight: 1
          required: true
          meaning: Precision divides true positives by all predicted positives.
          phrases: [predicted positives, true positives ... false positives]
      misconceptions:
        - name: swapped with recall
          phrases: [share of actual positives]
          correction: That is recall; precision is about predicted positives.
"""


class RecordingSpeaker:
    """A speaker that records what it says, takes a little time, and honours stop()."""

    def __init__(self, events: list[str], seconds: float = 0.05) -> None:
        self.events = events
        self.said: list[str] = []
        self.seconds = seconds
        self._stop = threading.Event()

    def status(self) -> ComponentStatus:
        return ComponentStatus("speech out", True, "test voice")

    def speak(self, text: str) -> None:
        self._stop.clear()
        self.events.append("speak-start")
        self.said.append(text)
        deadline = time.monotonic() + self.seconds
        while time.monotonic() < deadline and not self._stop.is_set():
            time.sleep(0.005)
        self.events.append("speak-end")

    def stop(self) -> None:
        self._stop.set()


class EventListener:
    """Wraps a ScriptedListener to record when listening starts."""

    def __init__(self, inner: ScriptedListener, events: list[str]) -> None:
        self.inner = inner
        self.events = events

    def status(self) -> ComponentStatus:
        return self.inner.status()

    def listen(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.events.append("listen-start")
        return self.inner.listen(*args, **kwargs)


def make_services(
    workspace: Workspace,
    listener: Listener | None = None,
    events: list[str] | None = None,
    mode: str = "typed",
) -> Services:
    events = events if events is not None else []
    return build_services(
        workspace,
        store=SessionStore.open(workspace.database_path),
        speaker=RecordingSpeaker(events),  # type: ignore[arg-type]
        listener=listener or ScriptedListener(["hello"], ready=False),
        settings=Settings(answer_mode=mode, think_seconds=0),  # type: ignore[arg-type]
    )


def plain(widget: object) -> str:
    """The text a Static shows, whatever it holds (markup, Rich Text or a Rich renderable)."""
    from rich.console import Console

    content = getattr(widget, "content", widget)
    console = Console(width=120, record=True, color_system=None)
    with console.capture() as capture:
        console.print(content)
    return capture.get()


def screen_text(app: object) -> str:
    """The current screen as plain text, the way a terminal shows it."""
    import io

    from rich.console import Console

    width, height = app.size  # type: ignore[attr-defined]
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        record=True,
        color_system=None,
        legacy_windows=False,
    )
    screen = app.screen  # type: ignore[attr-defined]
    console.print(screen._compositor.render_update(full=True, screen_stack=app._background_screens))  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


def check_snapshot(name: str, text: str) -> None:
    """Compare with tests/ui/snapshots/NAME.txt; UPDATE_SNAPSHOTS=1 writes it anew."""
    import os
    from pathlib import Path

    path = Path(__file__).parent / "snapshots" / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if os.environ.get("UPDATE_SNAPSHOTS") != "1":
            raise AssertionError(f"new snapshot written to {path}; check it and run again")
        return
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"screen differs from {path} (UPDATE_SNAPSHOTS=1 to accept)"
