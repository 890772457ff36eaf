"""The last line of defence: an unexpected error is logged in full and shown as one line."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path


def crash_log_path() -> Path:
    """Where an unexpected error's details are written."""
    import platformdirs

    override = os.environ.get("INTERVIEW_SIM_CACHE_DIR")
    root = Path(override) if override else Path(platformdirs.user_cache_dir("interview-sim"))
    return root / "crash.log"


def report_crash(exc: BaseException) -> None:
    """Append the traceback to the crash log and print one plain line on stderr."""
    path = crash_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write("".join(traceback.format_exception(exc)) + "\n")
        where = f"; details in {path}"
    except OSError:
        where = ""
    print(f"interview-sim: unexpected error: {exc}{where}", file=sys.stderr)
