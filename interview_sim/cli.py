"""The `interview-sim` command: the TUI with no arguments, headless commands otherwise."""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path

import click

from interview_sim import __version__
from interview_sim.commands.banks import banks
from interview_sim.commands.common import fail, workspace_of
from interview_sim.commands.interview import interview
from interview_sim.commands.score import score
from interview_sim.commands.sessions import sessions
from interview_sim.commands.setup import doctor, init

OPTIONAL_COMMAND_MODULES = (
    "interview_sim.commands.speech_out",
    "interview_sim.commands.speech_in",
    "interview_sim.commands.history",
    "interview_sim.commands.rubric",
)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--workspace",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="INTERVIEW_SIM_HOME",
    help="Workspace folder with banks/ and sessions/ (default: the current folder"
    " when it has banks/, else your user data folder).",
)
@click.version_option(__version__, prog_name="interview-sim")
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None) -> None:
    """An offline mock-interview coach for AI/ML interviews.

    With no command, opens the terminal app.
    """
    ctx.ensure_object(dict)["workspace"] = workspace
    if ctx.invoked_subcommand is None:
        run_tui(ctx)


def run_tui(ctx: click.Context) -> None:
    """Start the terminal app on the workspace."""
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        fail(
            "the terminal app needs a terminal; for scripts use `interview-sim interview"
            " --plain --bank BANK`"
        )
    workspace = workspace_of(ctx)
    from interview_sim.ui.app import run_app

    run_app(workspace)


for command in (banks, score, interview, sessions, init, doctor):
    cli.add_command(command)

for module_name in OPTIONAL_COMMAND_MODULES:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as missing:
        if missing.name != module_name:
            raise
        continue
    register = getattr(module, "register", None)
    if callable(register):
        register(cli)
    else:
        for value in vars(module).values():
            if isinstance(value, click.Command) and value.name not in cli.commands:
                cli.add_command(value)


def crash_log_path() -> Path:
    """Where an unexpected error's details are written."""
    from interview_sim.bank_cache import cache_dir

    return cache_dir() / "crash.log"


def main() -> None:
    """Entry point: no traceback ever reaches the user; details go to a log file."""
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: log it, say one line
        path = crash_log_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as log:
                log.write(traceback.format_exc() + "\n")
            where = f"; details in {path}"
        except OSError:
            where = ""
        click.echo(f"interview-sim: unexpected error: {exc}{where}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
