"""The Services bundle: everything the UI and the commands use, built by one factory.

Tests pass fakes (a scripted listener, a silent speaker, an in-memory store) through the same
door, so the code above never asks whether it runs under test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from interview_sim.bank_cache import load_bank_cached
from interview_sim.config import Settings, SettingsError, load_settings
from interview_sim.core.bank_set import BankSet, load_bank_set
from interview_sim.core.scoring import RubricCache
from interview_sim.speech.protocols import ComponentStatus, Listener, Speaker
from interview_sim.store.session_store import SessionStore, StoreError
from interview_sim.workspace import Workspace


@dataclass
class Services:
    """What the app needs, made once and handed down."""

    workspace: Workspace
    settings: Settings
    store: SessionStore
    banks: BankSet
    speaker: Speaker
    listener: Listener
    rubrics: RubricCache = field(default_factory=RubricCache)
    warnings: list[str] = field(default_factory=list)  # what degraded at start-up, with the fix

    def reload_banks(self) -> BankSet:
        """Read the bank files again (after the user edits them)."""
        self.banks = load_bank_set(self.workspace.banks_dir, loader=load_bank_cached)
        return self.banks

    def statuses(self) -> list[ComponentStatus]:
        """Speech out, microphone and speech model, each ready or with its fix."""
        listener_status = self.listener.status()
        extra = getattr(self.listener, "statuses", None)
        listener_parts: list[ComponentStatus] = extra() if callable(extra) else [listener_status]
        return [self.speaker.status(), *listener_parts]


class _Unavailable:
    """A speaker and listener that do nothing and say why (until the real ones are built)."""

    def __init__(
        self, name: str, detail: str, fix: str = "", also: tuple[ComponentStatus, ...] = ()
    ) -> None:
        self._status = ComponentStatus(name, False, detail, fix)
        self._also = also

    def status(self) -> ComponentStatus:
        return self._status

    def statuses(self) -> list[ComponentStatus]:
        """This part's status and any others it knows (the microphone beside a missing model)."""
        return [*self._also, self._status]

    def speak(self, text: str) -> None:
        return None

    def stop(self) -> None:
        return None

    def listen(self, *args: object, **kwargs: object) -> object:
        raise RuntimeError(self._status.detail)


def unavailable_speaker(detail: str = "speech out is starting", fix: str = "") -> Speaker:
    """A Speaker that stays silent and reports why."""
    return _Unavailable("speech out", detail, fix)


def unavailable_listener(detail: str = "the microphone is starting", fix: str = "") -> Listener:
    """A Listener that cannot listen and reports why."""
    return _Unavailable("microphone", detail, fix)  # type: ignore[return-value]


def build_speaker(settings: Settings) -> Speaker:
    """The real speech-out engine, or a silent one that says what is missing."""
    try:
        from interview_sim.speech.tts import build_speaker as real
    except ImportError as exc:  # pragma: no cover - only when the module is broken
        return unavailable_speaker(f"speech out unavailable: {exc}")
    return real(settings)


def _device(settings: Settings) -> str | int | None:
    device: str | int | None = settings.input_device or None
    if isinstance(device, str) and device.isdigit():
        device = int(device)
    return device


def build_listener(settings: Settings, workspace: Workspace, *, load: bool = True) -> Listener:
    """The real microphone + Vosk listener, or one that says what is missing.

    With `load`, the model is loaded now (seconds, hundreds of MB): call it from a worker.
    """
    from interview_sim.speech.listener import VoskListener
    from interview_sim.speech.models import ModelError, resolve_model
    from interview_sim.speech.recognizer import SpeechModel

    try:
        path = resolve_model(settings.speech_model)
    except ModelError as exc:
        from interview_sim.speech.audio_in import MicrophoneSource

        microphone = MicrophoneSource(_device(settings)).status()
        return _Unavailable(  # type: ignore[return-value]
            "speech model", str(exc), exc.fix, also=(microphone,)
        )
    model = SpeechModel.shared(path, probe=True)
    listener = VoskListener(model, device=_device(settings))
    if load:
        try:
            model.load()
        except ModelError as exc:
            return _Unavailable("speech model", str(exc), exc.fix)  # type: ignore[return-value]
    return listener


def build_services(
    workspace: Workspace,
    *,
    store: SessionStore | None = None,
    speaker: Speaker | None = None,
    listener: Listener | None = None,
    speech: bool = False,
    settings: Settings | None = None,
) -> Services:
    """The one factory. With speech=False the engines are placeholders, built later in the
    background by the UI (see `build_speech`), so start-up stays fast."""
    warnings: list[str] = []
    if settings is None:
        try:
            settings = load_settings(workspace.root)
        except SettingsError as exc:
            warnings.append(f"{exc} Using the default settings for now.")
            settings = Settings()
    if store is None:
        try:
            store = SessionStore.open(workspace.database_path)
        except StoreError as exc:
            warnings.append(f"{exc} Until then, this session is NOT saved.")
            store = SessionStore.memory()
    banks = load_bank_set(workspace.banks_dir, loader=load_bank_cached)
    if speaker is None:
        speaker = build_speaker(settings) if speech else unavailable_speaker()
    if listener is None:
        listener = build_listener(settings, workspace) if speech else unavailable_listener()
    return Services(workspace, settings, store, banks, speaker, listener, warnings=warnings)


SpeechBuilder = Callable[[Settings, Workspace], tuple[Speaker, Listener]]


def build_speech(settings: Settings, workspace: Workspace) -> tuple[Speaker, Listener]:
    """Build the real engines (slow: run it in a worker)."""
    return build_speaker(settings), build_listener(settings, workspace)
