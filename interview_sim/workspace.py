"""Where the user's banks and sessions live, and how a new workspace is made.

Resolution order: an explicit directory (--workspace), $INTERVIEW_SIM_HOME, the current directory
when it holds banks/, else a per-user data folder seeded with the bundled banks on first run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_HOME = "INTERVIEW_SIM_HOME"
APP_NAME = "interview-sim"


class WorkspaceError(Exception):
    """A workspace that cannot be used; the message says why and how to fix it."""


@dataclass(frozen=True, slots=True)
class Workspace:
    """The user's folders: banks/ and sessions/ (with the database and recordings)."""

    root: Path

    @property
    def banks_dir(self) -> Path:
        return self.root / "banks"

    @property
    def sessions_dir(self) -> Path:
        return self.root / "sessions"

    @property
    def database_path(self) -> Path:
        return self.sessions_dir / "interview.db"

    @property
    def recordings_dir(self) -> Path:
        return self.sessions_dir / "recordings"

    def ensure(self) -> None:
        """Create the folders if missing; sessions/ is owner-only."""
        try:
            self.banks_dir.mkdir(parents=True, exist_ok=True)
            self.sessions_dir.mkdir(parents=True, exist_ok=True)
            os.chmod(self.sessions_dir, 0o700)
        except OSError as exc:
            raise WorkspaceError(
                f"cannot create the workspace at {self.root}: {exc.strerror}."
                " Choose a writable folder with --workspace DIR or INTERVIEW_SIM_HOME."
            ) from exc


def bundled_banks_dir() -> Path:
    """The banks shipped with the package (the repository's banks/ in an editable install)."""
    checkout = Path(__file__).resolve().parent.parent / "banks"
    if checkout.is_dir() and any(checkout.glob("*.yaml")):
        return checkout
    from importlib import resources

    return Path(str(resources.files("interview_sim") / "bundled_banks"))


def seed_banks(target: Path) -> list[Path]:
    """Copy the bundled banks into `target`, never overwriting a file the user has."""
    import shutil

    target.mkdir(parents=True, exist_ok=True)
    copied: list[Path] = []
    for source in sorted(bundled_banks_dir().glob("*.yaml")):
        dest = target / source.name
        if not dest.exists():
            shutil.copyfile(source, dest)
            copied.append(dest)
    return copied


def init_workspace(root: Path) -> Workspace:
    """Make a workspace at `root` with the bundled banks."""
    workspace = Workspace(root.resolve())
    workspace.ensure()
    seed_banks(workspace.banks_dir)
    return workspace


def resolve_workspace(explicit: Path | None = None, cwd: Path | None = None) -> Workspace:
    """Find the workspace to use (see the module docstring), creating the per-user one."""
    if explicit is not None:
        workspace = Workspace(explicit.expanduser().resolve())
        if not workspace.banks_dir.is_dir():
            return init_workspace(workspace.root)
        workspace.ensure()
        return workspace
    env = os.environ.get(ENV_HOME)
    if env:
        return resolve_workspace(Path(env))
    here = (cwd or Path.cwd()).resolve()
    if (here / "banks").is_dir():
        workspace = Workspace(here)
        workspace.ensure()
        return workspace
    import platformdirs  # only when no folder was named

    user = Path(platformdirs.user_data_dir(APP_NAME))
    if not (user / "banks").is_dir():
        return init_workspace(user)
    workspace = Workspace(user)
    workspace.ensure()
    return workspace
