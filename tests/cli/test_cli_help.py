"""Every command and subcommand has help; the tree is walked so new commands are covered too."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from interview_sim import __version__
from interview_sim.cli import cli


def subcommands(group: click.Group) -> dict[str, click.Command]:
    """A group's commands through click's own API, so that lazily loaded ones are seen too."""
    ctx = click.Context(group, info_name=group.name)
    found: dict[str, click.Command] = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"{name} is listed but cannot be loaded"
        found[name] = command
    return found


def command_paths(command: click.Command, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    if isinstance(command, click.Group):
        for name, sub in sorted(subcommands(command).items()):
            paths += command_paths(sub, (*prefix, name))
    return paths


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = subcommands(command)[name]
    return command


PATHS = command_paths(cli)


def test_the_tree_has_the_documented_commands() -> None:
    top = {p[0] for p in PATHS if p}
    assert {"banks", "score", "interview", "sessions", "init", "doctor"} <= top
    assert {("banks", "list"), ("banks", "show"), ("banks", "validate")} <= set(PATHS)
    assert {("sessions", n) for n in ("list", "show", "export", "delete")} <= set(PATHS)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "interview-sim")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(
        cli, [*path, "--help"], catch_exceptions=False, prog_name="interview-sim"
    )
    assert result.exit_code == 0, result.output
    usage = " ".join(("interview-sim", *path))
    assert result.output.startswith(f"Usage: {usage}")
    command = command_at(path)
    summary = (command.help or command.short_help or "").strip()
    assert summary, f"`{usage}` has no help text"
    assert summary.split("\n")[0][:40] in " ".join(result.output.split())
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.opts[-1] in result.output


@pytest.mark.parametrize("path", [p for p in PATHS if p], ids=lambda p: " ".join(p))
def test_every_option_is_explained(path: tuple[str, ...]) -> None:
    command = command_at(path)
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden and param.name != "help":
            # a help text, or at least the choices or the default shown in --help
            explained = (
                bool(param.help) or isinstance(param.type, click.Choice) or bool(param.show_default)
            )
            assert explained, f"{' '.join(path)} {param.opts[-1]} has no help"


def test_short_help_flag_and_version() -> None:
    result = CliRunner().invoke(cli, ["-h"])
    assert result.exit_code == 0
    assert "Commands:" in result.output
    version = CliRunner().invoke(cli, ["--version"])
    assert version.exit_code == 0
    assert __version__ in version.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output
