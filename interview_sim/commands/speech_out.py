"""`say` and `voices`: speech out from the command line (cli.py registers them).

`say` takes its voice, rate and volume defaults from the workspace settings when it runs under
`interview-sim` (or from a `Settings` object in ctx.obj); options override them.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import click

from interview_sim.config import Settings, SettingsError, load_settings
from interview_sim.speech.playback import wav_seconds
from interview_sim.speech.tts import TtsSpeaker
from interview_sim.speech.tts_render import RenderError


def _fail(message: str, fix: str = "") -> click.ClickException:
    return click.ClickException(f"{message}. Fix: {fix}" if fix else message)


def _settings(ctx: click.Context) -> Settings:
    """The workspace's settings under `interview-sim`; a Settings in ctx.obj; else defaults."""
    found = ctx.find_object(Settings)
    if found is not None:
        return found
    if not isinstance(ctx.find_root().obj, dict):  # invoked on its own (tests, scripts)
        return Settings()
    from interview_sim.commands.common import workspace_of

    try:
        return load_settings(workspace_of(ctx).root)
    except SettingsError as exc:
        raise _fail(str(exc)) from None


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
        raise _fail(f"cannot write {exc.filename or out}: {exc.strerror or exc}") from None
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
