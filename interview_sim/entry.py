"""The `interview-sim` executable: with no arguments it opens the TUI at once, otherwise the
command-line interface (click and the headless commands load only then)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> None:
    """Start the TUI fast when run bare in a terminal; hand everything else to cli.main."""
    if sys.argv[1:] or not sys.stdout.isatty() or not sys.stdin.isatty():
        from interview_sim.cli import main as cli_main

        cli_main()
        return
    from interview_sim.workspace import WorkspaceError, resolve_workspace

    home = os.environ.get("INTERVIEW_SIM_HOME")
    try:
        workspace = resolve_workspace(Path(home) if home else None)
    except WorkspaceError as exc:
        print(f"interview-sim: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    from interview_sim.ui.app import run_app

    try:
        run_app(workspace)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # never a traceback on the user's screen
        from interview_sim.crash import report_crash

        report_crash(exc)
        sys.exit(2)


if __name__ == "__main__":
    main()
