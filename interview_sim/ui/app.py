"""The Textual app: screens on top, speech engines built off the UI thread."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:  # the heavy modules load in a worker after the first paint
    from interview_sim.services import Services, SpeechBuilder
    from interview_sim.speech.protocols import Listener, Speaker
    from interview_sim.workspace import Workspace

CSS_PATH = Path(__file__).with_name("app.tcss")


@dataclass
class ServicesBuilt(Message):
    """The workspace is open: banks loaded, store ready."""

    services: object  # Services


@dataclass
class SpeechEnginesBuilt(Message):
    """The real speaker and listener are ready to replace the placeholders."""

    speaker: Speaker
    listener: Listener


class InterviewApp(App[None]):
    """interview-sim's terminal app."""

    CSS_PATH = CSS_PATH
    TITLE = "interview-sim"
    SUB_TITLE = "mock interviews for AI/ML roles"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=True, priority=True),
        Binding("f1", "help", "Help", show=True),
    ]

    def __init__(
        self,
        services: Services | None = None,
        speech_builder: SpeechBuilder | str | None = "default",
        services_factory: Callable[[], Services] | None = None,
    ) -> None:
        super().__init__()
        self._services = services
        self._services_factory = services_factory
        self._speech_builder: SpeechBuilder | str | None = speech_builder
        self.status_listeners: list[Callable[[], None]] = []

    @property
    def services(self) -> Services:
        """The app's Services (check `services_ready` first during start-up)."""
        if self._services is None:
            raise RuntimeError("the services are still starting")
        return self._services

    @services.setter
    def services(self, value: Services) -> None:
        self._services = value

    @property
    def services_ready(self) -> bool:
        return self._services is not None

    def on_mount(self) -> None:
        from interview_sim.ui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self._services is None:
            self.call_after_refresh(self.build_services)  # paint Home first
        elif self._speech_builder is not None:
            self.build_engines()

    @work(
        thread=True,
        group="services",
        exclusive=True,
        exit_on_error=False,
        description="opening the workspace",
    )
    def build_services(self) -> None:
        """Load the banks and open the store off the UI thread, after the first paint."""
        assert self._services_factory is not None
        self.post_message(ServicesBuilt(self._services_factory()))

    def on_services_built(self, message: ServicesBuilt) -> None:
        self._services = message.services  # type: ignore[assignment]
        self.refresh_status()
        if self._speech_builder is not None:
            self.build_engines()

    @work(
        thread=True,
        group="engines",
        exclusive=True,
        exit_on_error=False,
        description="building speech engines",
    )
    def build_engines(self) -> None:
        """Build the real speaker and listener off the UI thread (it may take seconds)."""
        builder = self._speech_builder
        if builder == "default":
            from interview_sim.services import build_speech

            builder = build_speech
        assert callable(builder)
        speaker, listener = builder(self.services.settings, self.services.workspace)
        self.post_message(SpeechEnginesBuilt(speaker, listener))

    def on_speech_engines_built(self, message: SpeechEnginesBuilt) -> None:
        self.services.speaker = message.speaker
        self.services.listener = message.listener
        self.refresh_status()

    def refresh_status(self) -> None:
        """Tell the screens that the engines' readiness may have changed."""
        for callback in list(self.status_listeners):
            callback()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(
                f"{event.worker.description or event.worker.name}: {event.worker.error}",
                title="Something went wrong",
                severity="error",
                timeout=8,
            )

    def _print_error_renderables(self) -> None:
        """An unexpected error: its details go to a log file, one plain line to the user."""
        if self._exception is None or not self._exit_renderables:
            super()._print_error_renderables()
            return
        from rich.console import Console

        from interview_sim.crash import crash_log_path

        path = crash_log_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as log:
                console = Console(file=log, width=120, color_system=None)
                for renderable in self._exit_renderables:
                    console.print(renderable)
            where = f" Details are in {path}."
        except OSError:
            where = ""
        self._exit_renderables.clear()
        self.error_console.print(
            f"interview-sim stopped on an unexpected error: {self._exception}. Every scored"
            f" answer is saved; resume from Home with r.{where}",
            markup=False,
            highlight=False,
        )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Settings", "Voice, speed, model, time limits, recordings", self.action_settings
        )
        yield SystemCommand("Help", "Keys and how scoring works", self.action_help)
        yield SystemCommand("Home", "Back to the list of banks", self.action_home)

    def action_help(self) -> None:
        from interview_sim.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_settings(self) -> None:
        from interview_sim.ui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def action_home(self) -> None:
        from interview_sim.ui.screens.home import HomeScreen

        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.push_screen(HomeScreen())


def run_app(workspace: Workspace) -> None:
    """Run the app until the user quits; the services are built once Home is on screen."""

    def open_workspace() -> Services:
        from interview_sim.services import build_services  # heavy: runs in the worker

        return build_services(workspace)

    app = InterviewApp(services_factory=open_workspace)
    try:
        app.run()
    finally:
        if app.services_ready:
            app.services.store.close()
