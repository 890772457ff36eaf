"""Settings: voice, rate, volume, speech model, time limits, silence, think time, recordings."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static, Switch

from interview_sim.config import SettingsError, update_settings
from interview_sim.ui.screens.base import AppModal

FIELDS: tuple[tuple[str, str], ...] = (
    ("voice", "Voice id (blank: the engine's default; see `interview-sim voices`)"),
    ("rate", "Speaking rate (words per minute, 80-400)"),
    ("volume", "Volume (0-1)"),
    ("speech_model", "Speech model: an installed model's name or a folder (blank: first found)"),
    ("input_device", "Microphone device (blank: the default)"),
    ("answer_seconds", "Default seconds per answer"),
    ("think_seconds", "Think time before the microphone opens (seconds)"),
    ("silence_seconds", "Silence that ends an answer (seconds)"),
    ("keep_last_sessions", "Sessions whose recordings are kept when keeping the last N"),
)


class SettingsScreen(AppModal[None]):
    """Edit and save the workspace's settings.toml."""

    DEFAULT_CLASSES = "modal"
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def compose(self) -> ComposeResult:
        current = self.services.settings
        with VerticalScroll(classes="dialog"):
            yield Static("[b]Settings[/b]  (saved to settings.toml in the workspace)")
            for name, label in FIELDS:
                yield Label(label)
                yield Input(str(getattr(current, name)), id=f"set-{name}")
            yield Label("Answer with")
            yield Select(
                [("Voice", "voice"), ("Typing", "typed")],
                value=current.answer_mode,
                id="set-answer_mode",
                allow_blank=False,
            )
            yield Label("Keep recordings of answers")
            yield Select(
                [("All", "all"), ("None", "none"), ("Of the last N sessions", "last")],
                value=current.keep_recordings,
                id="set-keep_recordings",
                allow_blank=False,
            )
            yield Label("Ask follow-up questions when a key concept is missed")
            yield Switch(value=current.follow_up_probes, id="set-follow_up_probes")
            yield Static("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        changes: dict[str, object] = {
            name: self.query_one(f"#set-{name}", Input).value.strip() for name, _ in FIELDS
        }
        changes["answer_mode"] = self.query_one("#set-answer_mode", Select).value
        changes["keep_recordings"] = self.query_one("#set-keep_recordings", Select).value
        changes["follow_up_probes"] = self.query_one("#set-follow_up_probes", Switch).value
        try:
            settings = update_settings(self.services.workspace.root, **changes)
        except SettingsError as exc:
            self.query_one("#error", Static).update(Text(_short(str(exc))))
            return
        engines_changed = any(
            getattr(settings, k) != getattr(self.services.settings, k)
            for k in ("voice", "rate", "volume", "speech_model", "input_device", "silence_seconds")
        )
        self.services.settings = settings
        if engines_changed:
            self.interview_app.build_engines()
        self.notify("Settings saved.")
        self.dismiss(None)


def _short(message: str) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith("For further information")]
    return "\n".join(useful[:8])
