"""The `interview-sim` command: the TUI with no arguments, headless commands otherwise."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from interview_sim import __version__
from interview_sim.crash import report_crash

CORE_COMMANDS = {
    "banks": "interview_sim.commands.banks:banks",
    "score": "interview_sim.commands.score:score",
    "interview": "interview_sim.commands.interview:interview",
    "sessions": "interview_sim.commands.sessions:sessions",
    "init": "interview_sim.commands.setup:init",
    "doctor": "interview_sim.commands.setup:doctor",
}
OPTIONAL_COMMAND_MODULES = (
    "interview_sim.commands.speech_out",
    "interview_sim.commands.speech_in",
    "interview_sim.commands.history",
    "interview_sim.commands.rubric",
)


class LazyGroup(click.Group):
    """Loads the optional command modules only when a command is looked up or listed, so that
    starting the TUI does not pay for importing every headless command."""

    _loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for name, target in CORE_COMMANDS.items():
            module_name, attr = target.split(":")
            command = getattr(importlib.import_module(module_name), attr)
            self.add_command(command, name)
        for module_name in OPTIONAL_COMMAND_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as missing:
                if missing.name != module_name:
                    raise
                continue
            register = getattr(module, "register", None)
            if callable(register):
                register(self)
            else:
                for value in vars(module).values():
                    if isinstance(value, click.Command) and value.name not in self.commands:
                        self.add_command(value)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            self._load()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
    from interview_sim.workspace import WorkspaceError, resolve_workspace

    if not sys.stdout.isatty() or not sys.stdin.isatty():
        click.echo(
            "interview-sim: the terminal app needs a terminal; for scripts use `interview-sim"
            " interview --plain --bank BANK`",
            err=True,
        )
        sys.exit(1)
    try:
        workspace = resolve_workspace(ctx.ensure_object(dict).get("workspace"))
    except WorkspaceError as exc:
        click.echo(f"interview-sim: {exc}", err=True)
        sys.exit(1)
    from interview_sim.ui.app import run_app

    run_app(workspace)


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
        report_crash(exc)
        sys.exit(2)


if __name__ == "__main__":
    main()
