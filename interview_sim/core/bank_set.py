"""All the banks of a workspace, with the problems of those that failed to load."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from interview_sim.core.bank_loader import BankError, Problem, load_bank_file
from interview_sim.core.bank_schema import Bank, Question


@dataclass
class BankSet:
    """Loaded banks by id; files that did not load keep their problems so nothing is hidden."""

    banks: dict[str, Bank] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, bank_id: str) -> Bank | None:
        """A bank by id."""
        return self.banks.get(bank_id)

    def question(self, bank_id: str, key: str | int) -> Question | None:
        """A question by bank id and question id or number."""
        bank = self.banks.get(bank_id)
        return bank.question(key) if bank else None


def load_bank_set(
    folder: Path,
    extra_files: list[Path] | None = None,
    loader: Callable[[Path], Bank] = load_bank_file,
) -> BankSet:
    """Load every *.yaml bank in `folder` (and any extra files) with `loader`."""
    result = BankSet()
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    for path in [*files, *(extra_files or [])]:
        try:
            bank = loader(path)
        except BankError as exc:
            result.problems.extend(exc.problems)
            continue
        if bank.id in result.banks:
            result.problems.append(
                Problem(
                    str(path), 1, 1, f"bank id {bank.id!r} is also used by {result.paths[bank.id]}"
                )
            )
            continue
        result.banks[bank.id] = bank
        result.paths[bank.id] = path
    return result
