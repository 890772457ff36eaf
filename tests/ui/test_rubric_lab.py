"""The rubric lab through Pilot: edit a concept, see every answer's diff, save with comments kept,
open the file in an editor and reload."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Checkbox, DataTable, Input, Static, TextArea
from ui_support import make_services, plain

from interview_sim.core.bank_loader import load_bank_file
from interview_sim.practice import PracticeSession
from interview_sim.services import Services
from interview_sim.ui.app import InterviewApp
from interview_sim.ui.screens.rubric_lab import RubricLabScreen
from interview_sim.workspace import Workspace

LAB_BANK = """\
# The lab's test bank: these comments must survive a save.
id: lab
title: Lab bank
description: One question to tune.
source: Written for the tests.
questions:
  - id: bias-variance
    number: 1
    topic: Evaluation
    difficulty: medium
    prompt: What is the bias-variance trade-off?
    reference: Too simple models have bias; flexible models have variance; balance them.
    rubric:
      concepts:
        # bias first: it is the one people forget
        - name: bias
          weight: 2
          required: true
          phrases: [bias, too simple]  # short list on purpose
        - name: variance
          weight: 2
          phrases: [variance, flexible]
        - name: balance
          phrases: [balance, trade off]
"""

ANSWERS = [
    "The model is too rigid, and flexible ones have variance; you balance them.",
    "Too simple gives bias, flexible gives variance, so balance.",
]


@pytest.fixture
def lab_services(ui_workspace: Workspace) -> Iterator[Services]:
    path = ui_workspace.banks_dir / "lab.yaml"
    path.write_text(LAB_BANK, encoding="utf-8")
    services = make_services(ui_workspace)
    bank = load_bank_file(path)
    for text in ANSWERS:
        session = PracticeSession.start(services.store, bank, count=1, probes=False)
        session.submit(text)
        session.finish()
    yield services
    services.store.close()


async def open_lab(pilot) -> RubricLabScreen:  # type: ignore[no-untyped-def]
    await pilot.press("l")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, RubricLabScreen)
    return screen


def cells(screen: RubricLabScreen) -> list[list[str]]:
    table = screen.query_one("#lab-answers", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_edit_see_the_diff_and_save_with_comments(lab_services: Services) -> None:
    app = InterviewApp(lab_services, speech_builder=None)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_lab(pilot)
        assert screen.lab is not None and screen.lab.question.id == "bias-variance"
        rows = cells(screen)
        assert len(rows) == 2
        assert [r[2] for r in rows] == ["100 -> 100", "40 -> 40"]  # newest first
        assert "0 of 2 answers change" in plain(screen.query_one("#lab-summary", Static))

        area = screen.query_one("#lab-phrases", TextArea)
        assert area.text == "bias\ntoo simple"
        area.text = "bias\ntoo simple\ntoo rigid"
        await pilot.pause()
        rows = cells(screen)
        assert [r[2] for r in rows] == ["100 -> 100", "40 -> 100"]
        assert rows[1][3] == "+60" and rows[1][4] == "+bias"
        summary = plain(screen.query_one("#lab-summary", Static))
        assert "1 of 2 answers change; mean score 70.0 -> 100.0 (unsaved edits)" in summary
        table = screen.query_one("#lab-answers", DataTable)
        table.move_cursor(row=1)
        await pilot.pause()
        assert "too rigid" in plain(screen.query_one("#lab-transcript", Static))

        weight = screen.query_one("#lab-weight", Input)
        weight.value = "4"
        await pilot.pause()
        required = screen.query_one("#lab-required", Checkbox)
        assert required.value is True
        required.value = False
        await pilot.pause()
        assert screen.lab.concept("bias").weight == 4
        assert screen.lab.concept("bias").required is False

        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.lab.dirty
        assert "0 of 2 answers change" in plain(screen.query_one("#lab-summary", Static))

    saved = (lab_services.workspace.banks_dir / "lab.yaml").read_text(encoding="utf-8")
    assert saved.startswith("# The lab's test bank: these comments must survive a save.\n")
    assert "        # bias first: it is the one people forget\n" in saved
    # the end-of-line comment stays (one space from the longer list, where it no longer fits)
    assert "phrases: [bias, too simple, too rigid] # short list on purpose\n" in saved
    assert "          weight: 4\n          required: false\n" in saved
    bank = load_bank_file(lab_services.workspace.banks_dir / "lab.yaml")
    assert bank.questions[0].rubric.concepts[0].phrases == ["bias", "too simple", "too rigid"]
    assert lab_services.banks.get("lab") is not None  # the app's banks were reloaded
    assert lab_services.banks.banks["lab"].questions[0].rubric.concepts[0].weight == 4


async def test_lint_warnings_show_inline_and_bad_edits_are_refused(
    lab_services: Services,
) -> None:
    app = InterviewApp(lab_services, speech_builder=None)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_lab(pilot)
        lint = screen.query_one("#lab-lint", Static)
        assert "No lint warnings." in plain(lint)
        area = screen.query_one("#lab-phrases", TextArea)
        area.text = "bias\ntoo simple\nbiases"
        await pilot.pause()
        assert "'biases' of 'bias' matches exactly what 'bias' matches" in plain(lint)
        concepts = screen.query_one("#lab-concepts", DataTable)
        assert str(concepts.get_row_at(0)[5]) == "1"  # the concept's lint count
        area.text = "   "
        await pilot.pause()
        assert "at least 1 item" in plain(screen.query_one("#lab-error", Static))
        assert screen.lab is not None and "biases" in screen.lab.concept("bias").phrases
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert not screen.lab.dirty and area.text == "bias\ntoo simple"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RubricLabScreen)


async def test_open_in_editor_then_reload(
    lab_services: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = lab_services.workspace.banks_dir / "lab.yaml"
    editor = tmp_path / "fake-editor"
    editor.write_text(
        "#!/bin/sh\nsed -i 's/phrases: \\[balance, trade off\\]/"
        'phrases: [balance, trade off, sweet spot]/\' "$1"\n',
        encoding="utf-8",
    )
    editor.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(editor))
    app = InterviewApp(lab_services, speech_builder=None)
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # no real terminal in tests
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_lab(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.lab is not None
        assert screen.lab.concept("balance").phrases == ["balance", "trade off", "sweet spot"]
    assert "sweet spot" in Path(path).read_text(encoding="utf-8")


async def test_unsaved_edits_need_a_second_escape(lab_services: Services) -> None:
    app = InterviewApp(lab_services, speech_builder=None)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_lab(pilot)
        screen.query_one("#lab-weight", Input).value = "3"
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen
    assert "weight: 3" not in (lab_services.workspace.banks_dir / "lab.yaml").read_text()
