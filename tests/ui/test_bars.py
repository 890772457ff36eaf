"""The key bar and the title bar: what they show and what a click on a key does."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from interview_sim.ui.widgets.key_bar import KeyBar
from interview_sim.ui.widgets.title_bar import TitleBar


class BarsApp(App[None]):
    TITLE = "demo"
    SUB_TITLE = "bars"
    BINDINGS = [
        Binding("a", "mark('a')", "Alpha"),
        Binding("b", "mark('b')", "Beta"),
        Binding("x", "mark('x')", "Same action, second key", show=True),
        Binding("h", "mark('hidden')", "Hidden", show=False),
        Binding("d", "blocked", "Disabled"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[str] = []
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("body")
        yield KeyBar()

    def action_mark(self, name: str) -> None:
        self.marks.append(name)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "blocked" else True  # None: shown, disabled

    def bell(self) -> None:
        self.bells += 1


def _line(app: BarsApp, widget_type: type) -> str:
    widget = app.query_one(widget_type)
    return "".join(segment.text for segment in widget.render_line(0))


async def test_key_bar_shows_each_shown_action_once_with_the_palette_at_the_right() -> None:
    app = BarsApp()
    async with app.run_test(size=(80, 5)) as pilot:
        await pilot.pause()
        line = _line(app, KeyBar)
        assert line.startswith(" a Alpha  b Beta ")
        assert "Hidden" not in line
        assert "Disabled" in line
        assert line.rstrip().endswith("^p palette") and len(line) == 80
        # x runs another action string than a and b: it is shown too
        assert "x Same action, second key" in line


async def test_clicking_a_key_presses_it_and_a_disabled_key_rings() -> None:
    app = BarsApp()
    async with app.run_test(size=(80, 5)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        line = _line(app, KeyBar)
        await pilot.click(KeyBar, offset=(line.index("Beta"), 0))
        await pilot.pause()
        assert app.marks == ["b"]
        await pilot.click(KeyBar, offset=(line.index("Disabled"), 0))
        await pilot.pause()
        assert app.marks == ["b"] and app.bells == 1
        assert bar.key_at(79 - 2) is not None  # the palette key, at the right end


async def test_key_bar_keeps_the_palette_visible_when_keys_do_not_fit() -> None:
    app = BarsApp()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        line = _line(app, KeyBar)
        assert len(line) == 40 and line.rstrip().endswith("^p palette")
        assert line.startswith(" a Alpha")


async def test_title_bar_follows_the_app_title() -> None:
    app = BarsApp()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        assert _line(app, TitleBar).strip() == "demo — bars"
        app.sub_title = "changed"
        await pilot.pause()
        assert _line(app, TitleBar).strip() == "demo — changed"
