"""A Speaker that makes no sound, for UI tests: it records what it was asked to say."""

from __future__ import annotations

import threading

from interview_sim.speech.protocols import ComponentStatus


class SilentSpeaker:
    """Same protocol as TtsSpeaker. Each speak() lasts `duration` + `seconds_per_word` x words
    (0 by default) unless stop() ends it early; `spoken` lists every text in order, `stopped`
    the texts that were cut short, `prepared` the texts given to prepare()."""

    def __init__(
        self,
        *,
        duration: float = 0.0,
        seconds_per_word: float = 0.0,
        ready: bool = True,
        detail: str = "silent speaker (no sound)",
        fix: str = "",
    ) -> None:
        self.duration = duration
        self.seconds_per_word = seconds_per_word
        self.spoken: list[str] = []
        self.stopped: list[str] = []
        self.prepared: list[str] = []
        self._status = ComponentStatus("speech out", ready, detail, fix)
        self._lock = threading.Lock()
        self._cancel: threading.Event | None = None
        self.speaking = threading.Event()  # set while a speak() is in progress

    def status(self) -> ComponentStatus:
        return self._status

    def speak(self, text: str) -> None:
        cancel = threading.Event()
        with self._lock:
            if self._cancel is not None:
                self._cancel.set()
            self._cancel = cancel
            self.spoken.append(text)
        if not self._status.ready:
            return
        seconds = self.duration + self.seconds_per_word * len(text.split())
        self.speaking.set()
        try:
            if seconds > 0 and cancel.wait(seconds):
                with self._lock:
                    self.stopped.append(text)
        finally:
            with self._lock:
                if self._cancel is cancel:
                    self._cancel = None
                    self.speaking.clear()

    def stop(self) -> None:
        with self._lock:
            if self._cancel is not None:
                self._cancel.set()

    def prepare(self, text: str) -> None:
        with self._lock:
            self.prepared.append(text)
