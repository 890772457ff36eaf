"""Offer the speech-model download explicitly, with progress (the app's only network use)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, ProgressBar, Static
from textual.worker import get_current_worker

from interview_sim.speech.models import CATALOGUE, download_dir, installed_models
from interview_sim.ui.messages import ModelDownloadFinished, ModelDownloadProgressed
from interview_sim.ui.screens.base import AppModal


class DownloadCancelled(Exception):
    """The user closed the dialog during the download."""


class ModelDownloadScreen(AppModal[bool]):
    """Download the small English model after the user says yes."""

    DEFAULT_CLASSES = "modal"
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self) -> None:
        super().__init__()
        self.entry = CATALOGUE[0]

    def compose(self) -> ComposeResult:
        installed = ", ".join(m.name for m in installed_models()) or "none"
        size = self.entry.size_bytes / 1e6
        with Vertical(classes="dialog"):
            yield Static(
                f"[b]Download the speech model {self.entry.name}[/b] ({size:.0f} MB)?\n\n"
                f"It is saved in {download_dir()} where other Vosk tools find it too. This is the"
                f" only time interview-sim uses the network.\nInstalled now: {installed}.\n"
                "Other models: `interview-sim model list`."
            )
            yield ProgressBar(total=self.entry.size_bytes, id="progress", show_eta=True)
            yield Static("", id="message")
            with Horizontal(classes="buttons"):
                yield Button("Download", variant="primary", id="download")
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.query_one("#progress", ProgressBar).display = False

    @on(Button.Pressed, "#download")
    def start(self) -> None:
        self.query_one("#download", Button).disabled = True
        self.query_one("#progress", ProgressBar).display = True
        self.query_one("#message", Static).update("Downloading…")
        self.download()

    @work(
        thread=True,
        group="model",
        exclusive=True,
        exit_on_error=False,
        description="downloading the speech model",
    )
    def download(self) -> None:
        from interview_sim.speech.model_download import download_model
        from interview_sim.speech.models import ModelError

        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise DownloadCancelled()
            self.post_message(ModelDownloadProgressed(done, total))

        try:
            download_model(self.entry, progress=progress)
        except DownloadCancelled:
            self.post_message(ModelDownloadFinished("cancelled; the next download resumes"))
        except ModelError as exc:
            fix = getattr(exc, "fix", "")
            self.post_message(ModelDownloadFinished(f"{exc}. {fix}".strip()))
        except OSError as exc:
            self.post_message(ModelDownloadFinished(f"the download failed: {exc}"))
        else:
            self.post_message(ModelDownloadFinished(""))

    def on_model_download_progressed(self, message: ModelDownloadProgressed) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=message.total or self.entry.size_bytes, progress=message.done)

    def on_model_download_finished(self, message: ModelDownloadFinished) -> None:
        if message.error:
            self.query_one("#message", Static).update(f"[red]{message.error}[/red]")
            self.query_one("#download", Button).disabled = False
            return
        self.query_one("#message", Static).update("[green]Installed.[/green]")
        self.set_timer(0.8, lambda: self.dismiss(True))

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        for worker in self.workers:
            worker.cancel()
        self.dismiss(False)
