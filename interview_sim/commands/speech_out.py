"""`say` and `voices`: speech out from the command line (cli.py registers them).

Defaults come from a `Settings` object in the click context when the caller put one there
(`ctx.obj`), otherwise from the built-in defaults.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import click

from interview_sim.config import Settings
from interview_sim.speech.playback import wav_seconds
from interview_sim.speech.tts import TtsSpeaker
from interview_sim.speech.tts_render import RenderError


def _fail(message: str, fix: str = "") -> click.ClickException:
    return click.ClickException(f"{message}. Fix: {fix}" if fix else message)


def _settings(ctx: click.Context) -> Settings:
    found = ctx.find_object(Settings)
    return found if found is not None else Settings()


@click.command("say")
@click.argument("text")
@click.option("--voice", help="A voice id or name (see `voices`); default: your settings.")
@click.option("--rate", type=click.IntRange(80, 400), help="Words per minute (80-400).")
@click.option("--volume", type=click.FloatRange(0.0, 1.0), help="Volume from 0 to 1.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the speech to this WAV file instead of playing it.",
)
@click.pass_context
def say(
    ctx: click.Context,
    text: str,
    voice: str | None,
    rate: int | None,
    volume: float | None,
    out: Path | None,
) -> None:
    """Speak TEXT aloud the way the interviewer reads questions (or write it to a WAV file)."""
    if not text.strip():
        raise _fail("nothing to say: TEXT is empty")
    speaker = TtsSpeaker.from_settings(_settings(ctx))
    speaker.configure(voice=voice, rate=rate, volume=volume)
    if out is None:
        status = speaker.status()
        if not status.ready:
            raise _fail(status.detail, status.fix or "use --out FILE.wav to write the speech")
        speaker.speak(text)
        error = speaker.last_error
        if error is not None:
            raise _fail(str(error), getattr(error, "fix", ""))
        return
    temp = out.with_name(f".{out.name}.part")
    try:
        shutil.copyfile(speaker.render(text), temp)
        os.replace(temp, out)
    except RenderError as exc:
        raise _fail(str(exc), exc.fix) from None
    except OSError as exc:
        raise _fail(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        temp.unlink(missing_ok=True)
    click.echo(f"wrote {out} ({wav_seconds(out):.1f} s)")


@click.command("voices")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {id, name, languages}.")
def voices(as_json: bool) -> None:
    """List the voices the speech engine offers."""
    try:
        found = TtsSpeaker().voices()
    except RenderError as exc:
        raise _fail(str(exc), exc.fix) from None
    if as_json:
        rows = [{"id": v.id, "name": v.name, "languages": list(v.languages)} for v in found]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("no voices found")
        return
    width = max(len(v.id) for v in found)
    for v in found:
        click.echo(f"{v.id:<{width}}  {v.name}  ({', '.join(v.languages) or '-'})")
