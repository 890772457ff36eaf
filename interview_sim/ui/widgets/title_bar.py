"""The title bar: the app's title and subtitle on the top line, drawn as one widget.

Textual's Header is four widgets (icon, title, clock container); one line of text is all this app
shows there, and one widget paints sooner (benchmarks/startup.py: Header cost Home about 8 ms of
its first paint).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class TitleBar(Widget, can_focus=False):
    """`title — subtitle` of the screen (or of the app), centred."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        text-style: bold;
        content-align: center middle;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "title", self._changed, init=False)
        self.watch(self.app, "sub_title", self._changed, init=False)

    def _changed(self) -> None:
        self.refresh()

    def title_text(self) -> str:
        """What the bar shows."""
        screen = self.screen
        title = screen.title or self.app.title
        sub_title = screen.sub_title or self.app.sub_title
        return f"{title} — {sub_title}" if sub_title else title

    def render(self) -> Text:
        return Text(self.title_text(), no_wrap=True, overflow="ellipsis", justify="center")
