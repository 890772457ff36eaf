"""An answer transcript with the words that matched each concept highlighted."""

from __future__ import annotations

from rich.text import Text

from interview_sim.core.scoring import ScoreResult


def highlighted_transcript(text: str, result: ScoreResult) -> Text:
    """Found concepts' evidence in green, misconceptions in red."""
    rich = Text(text or "(no answer)")
    for concept in result.concepts:
        if concept.matched:
            for start, end in concept.spans:
                rich.stylize("bold green", start, end)
    for wrong in result.misconceptions:
        for start, end in wrong.spans:
            rich.stylize("bold red underline", start, end)
    return rich
