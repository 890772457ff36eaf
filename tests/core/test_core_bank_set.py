"""A workspace's banks (BankSet) and the content-keyed bank cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_sim import bank_cache
from interview_sim.bank_cache import load_bank_cached
from interview_sim.core.bank_loader import BankError, load_bank_file
from interview_sim.core.bank_schema import Bank
from interview_sim.core.bank_set import load_bank_set


def write_bank(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bank_set_loads_good_banks_and_keeps_the_problems_of_bad_ones(
    tmp_path: Path, example_bank_text: str
) -> None:
    folder = tmp_path / "banks"
    write_bank(folder, "example", example_bank_text)
    write_bank(folder, "broken", "id: broken\ntitle: [\n")
    write_bank(folder, "other", example_bank_text.replace("id: example", "id: other"))
    (folder / "notes.txt").write_text("not a bank", encoding="utf-8")
    banks = load_bank_set(folder)
    assert sorted(banks.banks) == ["example", "other"]
    assert banks.paths["example"] == folder / "example.yaml"
    assert len(banks.problems) == 1
    assert banks.problems[0].file == str(folder / "broken.yaml")
    assert banks.question("example", 3) is not None
    assert banks.question("example", "cnn") is not None
    assert banks.question("missing", 1) is None
    assert banks.get("broken") is None


def test_bank_set_refuses_a_second_bank_with_the_same_id(
    tmp_path: Path, example_bank_text: str
) -> None:
    folder = tmp_path / "banks"
    write_bank(folder, "example", example_bank_text)
    extra = write_bank(tmp_path / "elsewhere", "example", example_bank_text)
    banks = load_bank_set(folder, extra_files=[extra])
    assert list(banks.banks) == ["example"]
    assert banks.paths["example"] == folder / "example.yaml"
    (problem,) = banks.problems
    assert problem.file == str(extra)
    assert "also used by" in problem.message


def test_bank_set_of_a_missing_folder_is_empty(tmp_path: Path) -> None:
    banks = load_bank_set(tmp_path / "nothing")
    assert banks.banks == {}
    assert banks.problems == []


def test_bank_cache_returns_the_same_bank_and_writes_an_entry(
    example_bank_file: Path, example_bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "own-cache"
    monkeypatch.setenv(bank_cache.ENV_CACHE, str(cache))
    assert bank_cache.cache_dir() == cache
    assert load_bank_cached(example_bank_file) == example_bank
    entries = list((cache / "banks").glob("*.json"))
    assert len(entries) == 1
    # a second load is served from the cache: parsing is not needed any more
    monkeypatch.setattr(
        bank_cache, "parse_bank", lambda *a, **k: pytest.fail("the cache was not used")
    )
    assert load_bank_cached(example_bank_file) == example_bank


def test_bank_cache_sees_an_edit_at_once(
    example_bank_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(bank_cache.ENV_CACHE, str(tmp_path / "own-cache"))
    assert load_bank_cached(example_bank_file).title == "Example bank"
    text = example_bank_file.read_text(encoding="utf-8")
    example_bank_file.write_text(text.replace("title: Example bank", "title: Edited"), "utf-8")
    assert load_bank_cached(example_bank_file).title == "Edited"
    example_bank_file.write_text(text.replace("title: Example bank", "title: ["), "utf-8")
    with pytest.raises(BankError):
        load_bank_cached(example_bank_file)


def test_bank_cache_ignores_a_corrupt_entry(
    example_bank_file: Path, example_bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "own-cache"
    monkeypatch.setenv(bank_cache.ENV_CACHE, str(cache))
    load_bank_cached(example_bank_file)
    (entry,) = (cache / "banks").glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert load_bank_cached(example_bank_file) == example_bank


def test_bank_cache_keeps_the_file_name_rule(
    tmp_path: Path, example_bank_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(bank_cache.ENV_CACHE, str(tmp_path / "own-cache"))
    good = write_bank(tmp_path / "a", "example", example_bank_text)
    load_bank_cached(good)
    renamed = write_bank(tmp_path / "b", "renamed", example_bank_text)  # same bytes
    with pytest.raises(BankError, match="must equal the file name 'renamed'"):
        load_bank_cached(renamed)


def test_bank_cache_works_when_the_cache_is_read_only(
    example_bank_file: Path, example_bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(bank_cache.ENV_CACHE, str(blocker))  # cannot hold a folder
    assert load_bank_cached(example_bank_file) == example_bank


def test_cached_and_direct_loads_agree(example_bank_file: Path) -> None:
    assert load_bank_cached(example_bank_file) == load_bank_file(example_bank_file)
