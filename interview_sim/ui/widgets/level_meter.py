"""A one-line input level meter."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class LevelMeter(Widget):
    """Shows the microphone level (0-1) as a bar."""

    DEFAULT_CSS = """
    LevelMeter {
        height: 1;
        padding: 0 2;
    }
    """

    level: reactive[float] = reactive(0.0)

    def render(self) -> Text:
        width = max(10, self.size.width - 14)
        filled = round(max(0.0, min(1.0, self.level)) * width)
        style = "green" if self.level < 0.8 else "red"
        text = Text("mic ", style="dim")
        text.append("█" * filled, style=style)
        text.append("░" * (width - filled), style="dim")
        return text
