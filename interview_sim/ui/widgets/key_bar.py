"""The key bar: the screen's keys on the bottom line, drawn as one widget.

It shows what Textual's Footer shows (each action's first key and its description, disabled keys
dimmed, the command palette key at the right) and a click on a key presses it, but it is a single
widget that renders text: Footer composes one widget per key after the first paint, which cost
Home about 25 ms before its first paint and 38 ms before it answered a key (benchmarks/startup.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen


class KeyBar(Widget, can_focus=False):
    """The active bindings that ask to be shown, as `key description` pairs on one line."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-bar--disabled {
            text-style: dim;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._cells: list[tuple[int, int, str, bool]] = []  # start, end, key, enabled

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def shown_bindings(self) -> list[tuple[Binding, bool]]:
        """Each shown action's first binding and whether it is enabled, in the screen's order;
        the command palette's last."""
        active = self.screen.active_bindings
        first: dict[str, tuple[Binding, bool]] = {}
        palette_key = self.app.COMMAND_PALETTE_BINDING if self.app.ENABLE_COMMAND_PALETTE else ""
        palette: tuple[Binding, bool] | None = None
        for key, (_node, binding, enabled, _tooltip) in active.items():
            if key == palette_key:
                palette = (binding, enabled)
            elif binding.show and binding.action not in first:
                first[binding.action] = (binding, enabled)
        shown = list(first.values())
        if palette is not None:
            shown.append(palette)
        return shown

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        disabled_style = self.get_component_rich_style("key-bar--disabled")
        shown = self.shown_bindings()
        palette = shown.pop() if shown and self._is_palette(shown[-1][0]) else None
        text = Text(no_wrap=True, overflow="crop", end="")
        cells: list[tuple[int, int, str, bool]] = []

        def add(binding: Binding, enabled: bool) -> None:
            start = len(text)
            text.append(f" {self.app.get_key_display(binding)} ", key_style)
            text.append(f"{binding.description} ", description_style)
            if not enabled:
                text.stylize(disabled_style, start)
            cells.append((start, len(text), binding.key, enabled))

        for binding, enabled in shown:
            add(binding, enabled)
        if palette is not None:  # at the right end, as Footer docks it, over what does not fit
            width = self.size.width
            tail = f" {self.app.get_key_display(palette[0])} {palette[0].description} "
            room = width - len(tail) - 1
            if room >= 0:
                if len(text) > room:
                    text.truncate(room)
                    cells = [(a, min(b, room), k, e) for a, b, k, e in cells if a < room]
                text.append(" " * (room - len(text)) + "▏")
            add(*palette)
        self._cells = cells
        return text

    def _is_palette(self, binding: Binding) -> bool:
        return self.app.ENABLE_COMMAND_PALETTE and binding.key == self.app.COMMAND_PALETTE_BINDING

    def key_at(self, x: int) -> tuple[str, bool] | None:
        """The key drawn at column `x` and whether it is enabled, if any."""
        for start, end, key, enabled in self._cells:
            if start <= x < end:
                return key, enabled
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        found = self.key_at(event.x)
        if found is None:
            return
        key, enabled = found
        if enabled:
            self.app.simulate_key(key)
        else:
            self.app.bell()
