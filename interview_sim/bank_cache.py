"""Validated banks cached as JSON by content, so start-up does not re-parse unchanged YAML.

Parsing YAML with line numbers is slow in pure Python; a cache entry is keyed by the file's bytes
and the schema version, so any edit is seen at once and a stale entry can never be used.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import platformdirs
from pydantic import ValidationError

from interview_sim import __version__
from interview_sim.core.bank_loader import BankError, Problem, parse_bank
from interview_sim.core.bank_schema import SCHEMA_VERSION, Bank

ENV_CACHE = "INTERVIEW_SIM_CACHE_DIR"


def cache_dir() -> Path:
    """The folder of the app's caches ($INTERVIEW_SIM_CACHE_DIR or the user cache folder)."""
    override = os.environ.get(ENV_CACHE)
    return Path(override) if override else Path(platformdirs.user_cache_dir("interview-sim"))


def load_bank_cached(path: Path) -> Bank:
    """Load a bank file, through the cache when its exact bytes were validated before."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BankError([Problem(str(path), 1, 1, f"cannot read: {exc.strerror}")]) from None
    key = hashlib.sha256(data + f"|{SCHEMA_VERSION}|{__version__}|{path.stem}".encode()).hexdigest()
    entry = cache_dir() / "banks" / f"{key}.json"
    try:
        return Bank.model_validate_json(entry.read_bytes())
    except (OSError, ValidationError, ValueError):
        pass
    bank = parse_bank(data, str(path), expected_id=path.stem)
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(bank.model_dump_json(), encoding="utf-8")
        os.replace(tmp, entry)
    except OSError:
        pass  # a read-only cache only costs speed
    return bank
