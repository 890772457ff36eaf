"""Round-trip editing of bank files: byte-identical when unedited, comments kept when edited,
validated and atomic saves."""

from __future__ import annotations

import difflib
import os
import stat
from pathlib import Path

import pytest

from interview_sim.core.bank_loader import BankError, parse_bank
from interview_sim.rubric_edit import BankDocument, EditError, guess_layout, write_atomic

BUNDLED = sorted((Path(__file__).resolve().parent.parent / "banks").glob("*.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_an_unedited_bundled_bank_saves_byte_for_byte(path: Path, tmp_path: Path) -> None:
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    document = BankDocument.load(copy)
    assert not document.edited
    document.save()  # dumps the round-trip tree, validates it, writes it
    assert copy.read_bytes() == path.read_bytes()


def test_there_are_bundled_banks_to_check() -> None:
    assert len(BUNDLED) >= 4


def test_editing_keeps_comments_and_changes_only_what_was_edited(example_bank_file: Path) -> None:
    original = example_bank_file.read_text(encoding="utf-8")
    document = BankDocument.load(example_bank_file)
    document.set_phrases("bias-variance", "bias", ["bias", "too simple", "high bias"])
    document.set_weight("bias-variance", "trade-off", 1.5)
    document.set_required("bias-variance", "trade-off", True)
    document.set_weight("k-means", "assignment", 2)
    assert document.edited
    document.save()
    saved = example_bank_file.read_text(encoding="utf-8")
    assert saved.startswith("# A bank written for the tests")  # the header comment stays
    bank = parse_bank(saved, str(example_bank_file), expected_id="example")
    bias = bank.question("bias-variance").rubric.concepts[0]  # type: ignore[union-attr]
    assert bias.phrases == ["bias", "too simple", "high bias"]
    trade = bank.question("bias-variance").rubric.concepts[2]  # type: ignore[union-attr]
    assert (trade.weight, trade.required) == (1.5, True)
    assignment = bank.question("k-means").rubric.concepts[1]  # type: ignore[union-attr]
    assert assignment.weight == 2
    old_lines, new_lines = original.splitlines(), saved.splitlines()
    diff = difflib.ndiff(old_lines, new_lines)
    changed = [line[2:] for line in diff if line.startswith("+ ")]
    assert changed == [
        "          phrases: [bias, too simple, high bias]",
        "          weight: 1.5",
        "          required: true",
        "          weight: 2",
    ]
    assert len(new_lines) == len(old_lines) + 2  # required and the new weight are new lines


COMMENTED = """\
id: commented
title: Commented bank
description: Comments on items must survive edits.
source: Written for the tests.
questions:
  # first question
  - id: q
    number: 1
    topic: T
    difficulty: easy
    prompt: What?
    reference: The first answer and the second answer.
    rubric:
      concepts:
        - name: c
          weight: 2   # weight comment
          phrases:
            - first     # about first
            - second    # about second
            - third
          # before the next concept
        - name: d
          phrases: [answer]
"""


def test_comments_on_kept_phrases_stay_with_them(tmp_path: Path) -> None:
    path = tmp_path / "commented.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    document = BankDocument.load(path)
    document.set_phrases("q", "c", ["first", "second", "fourth"])
    document.set_weight("q", "c", 3)
    document.save()
    saved = path.read_text(encoding="utf-8")
    assert "            - first     # about first\n" in saved
    assert "            - second    # about second\n" in saved
    assert "            - fourth\n          # before the next concept\n" in saved
    assert "          weight: 3   # weight comment\n" in saved
    assert "third" not in saved
    document.set_phrases("q", "c", ["second"])  # the last item goes: its tail comment stays
    document.save()
    saved = path.read_text(encoding="utf-8")
    assert "            - second    # about second\n          # before the next concept\n" in saved
    assert "  # first question\n" in saved


def test_an_edit_that_breaks_the_bank_is_refused(example_bank_file: Path) -> None:
    document = BankDocument.load(example_bank_file)
    with pytest.raises(EditError):
        document.set_phrases("bias-variance", "bias", ["  ", ""])
    with pytest.raises(EditError):
        document.set_weight("bias-variance", "bias", 0)
    with pytest.raises(EditError):
        document.set_weight("no-such-question", "bias", 1)
    with pytest.raises(EditError):
        document.set_required("bias-variance", "no-such-concept", True)
    document.tree["questions"][0]["rubric"]["concepts"][0]["weight"] = 99  # behind its back
    before = example_bank_file.read_bytes()
    with pytest.raises(BankError):
        document.save()
    assert example_bank_file.read_bytes() == before


def test_a_file_changed_on_disk_is_not_overwritten(example_bank_file: Path) -> None:
    document = BankDocument.load(example_bank_file)
    document.set_weight("bias-variance", "bias", 3)
    example_bank_file.write_text(
        example_bank_file.read_text(encoding="utf-8") + "\n# edited elsewhere\n", encoding="utf-8"
    )
    with pytest.raises(EditError, match="changed on disk"):
        document.save()
    assert "# edited elsewhere" in example_bank_file.read_text(encoding="utf-8")
    document.save(force=True)
    assert "# edited elsewhere" not in example_bank_file.read_text(encoding="utf-8")


def test_atomic_write_keeps_permissions_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text("old", encoding="utf-8")
    os.chmod(path, 0o600)
    write_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["bank.yaml"]


FLUSH = """\
# dashes flush with their key, Windows line ends
id: flush
title: Flush bank
description: Another layout.
source: Written for the tests.
questions:
- id: q
  number: 1
  topic: T
  difficulty: easy
  prompt: What?
  reference: The first answer.
  rubric:
    concepts:
    - name: c
      phrases:
      - first   # a comment
      - answer
"""


def test_other_layouts_are_kept(tmp_path: Path) -> None:
    text = FLUSH.replace("\n", "\r\n")
    layout = guess_layout(text)
    assert (layout.mapping, layout.offset, layout.newline) == (2, 0, "\r\n")
    path = tmp_path / "flush.yaml"
    path.write_bytes(text.encode())
    document = BankDocument.load(path)
    assert document.layout_kept()
    document.set_weight("q", "c", 4)
    document.save()
    saved = path.read_bytes().decode()
    assert saved == text.replace("    - name: c\r\n", "    - name: c\r\n      weight: 4\r\n")
