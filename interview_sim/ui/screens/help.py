"""Help: the keys and how an answer is scored."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from interview_sim.ui.screens.base import AppScreen
from interview_sim.ui.widgets.key_bar import KeyBar
from interview_sim.ui.widgets.title_bar import TitleBar

HELP = """\
# interview-sim

## Home
- **Enter**: start an interview on the selected bank
- **r**: resume an unfinished session
- **m**: download a speech model (the only time the app uses the network)
- **,**: settings · **?** or **F1**: this help · **q** or **ctrl+q**: quit
- **ctrl+p**: command palette

## Interview
- **ctrl+s**: done answering (voice: stop listening now; typed: submit)
- **ctrl+r**: repeat the question · **ctrl+t**: hint (a hinted concept earns half its weight)
- **ctrl+n**: skip · **ctrl+b**: pause · **Esc**: quit (the session is saved and can be resumed)

In voice mode the microphone opens only after the interviewer has finished speaking and the think
time has passed. The answer ends when you press ctrl+s, after a stretch of silence, or at the time
limit.

## Feedback
- **Enter**: next question (or answer the follow-up) · **s**: skip the follow-up
- **a**: show the reference answer · **r**: try the question again · **Esc**: quit

## How answers are scored
Each rubric concept you show earns its weight; the score is the share of the total weight found.
Missing a required concept caps the score at 40; each misconception costs 15 points. Rubrics are
YAML files in your workspace's `banks/` folder: edit them to say what a good answer is.
"""


def help_text() -> Text:
    """The help as styled text: headings bold, `**keys**` bold, bullets kept."""
    out = Text()
    for line in HELP.splitlines():
        if line.startswith("#"):
            out.append(line.lstrip("# ") + "\n", style="bold underline")
            continue
        parts = line.replace("`", "").split("**")
        for index, part in enumerate(parts):
            out.append(part, style="bold" if index % 2 else "")
        out.append("\n")
    return out


class HelpScreen(AppScreen[None]):
    """Keys and scoring rules."""

    BINDINGS = [
        Binding("escape", "close", "Close", show=True),
        Binding("q", "close", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="help-body"):
            yield Static(help_text())
        yield KeyBar()

    def action_close(self) -> None:
        self.dismiss(None)
