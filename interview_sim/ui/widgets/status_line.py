"""The status line: whether speech out, the microphone and the speech model are ready."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from interview_sim.speech.protocols import ComponentStatus


def status_text(statuses: list[ComponentStatus], model_missing: bool) -> Text:
    """One line per part: ready in green, or what is wrong and how to fix it."""
    text = Text()
    for index, status in enumerate(statuses):
        if index:
            text.append("\n")
        if status.ready:
            text.append("● ", style="green")
            text.append(f"{status.name}: ", style="bold")
            text.append(status.detail or "ready")
        else:
            text.append("○ ", style="yellow")
            text.append(f"{status.name}: ", style="bold")
            text.append(status.detail)
            if status.fix:
                text.append(f"  fix: {status.fix}", style="italic")
    if model_missing:
        text.append("\n")
        text.append("○ ", style="yellow")
        text.append("no speech model: press m to download one (about 40 MB)", style="bold")
    text.append("\nTyped answers always work.", style="dim")
    return text


class StatusLine(Static):
    """Shows the readiness of the speech parts."""

    def show(self, statuses: list[ComponentStatus], model_missing: bool) -> None:
        """Redraw with fresh statuses."""
        self.update(status_text(statuses, model_missing))
