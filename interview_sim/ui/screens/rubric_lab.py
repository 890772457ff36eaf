"""Rubric lab: a question's rubric beside every logged answer to it, edited live.

Pick a bank and a question; select a concept and change its phrases (one per line), weight or
required flag: every answer is re-scored at once and shown as before -> after, with the words
that matched highlighted (gained in green, lost struck out in red) and the lint warnings of the
edited rubric. ctrl+s saves the rubric back to the YAML file with its comments and layout kept;
ctrl+o opens the file in $EDITOR and reloads it afterwards. The logic lives in
interview_sim.core.rubric_lab; this screen only shows it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import (
    Checkbox,
    DataTable,
    Input,
    Label,
    Select,
    Static,
    TextArea,
)

from interview_sim.ui.screens.base import AppScreen
from interview_sim.ui.widgets.key_bar import KeyBar
from interview_sim.ui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from interview_sim.core.rubric_lab import LabRow, RubricLab
    from interview_sim.core.rubric_lint import LintContext, LintWarning, Vocabulary
    from interview_sim.core.scoring import ScoreResult
    from interview_sim.rubric_edit import BankDocument

CSS_PATH = Path(__file__).resolve().parent.parent / "rubric_lab.tcss"


@dataclass
class LabDocumentLoaded(Message):
    """A bank file was read for editing (or could not be: `error` says why)."""

    bank_id: str
    document: object | None  # BankDocument
    error: str
    question_id: str | None
    context: object | None  # (LintContext, Vocabulary), built once


@dataclass
class LabSaved(Message):
    """The edited rubric was written back to its file (or not: `error` says why)."""

    bank_id: str
    question_id: str
    error: str


def editor_command() -> list[str]:
    """The user's editor: $VISUAL, $EDITOR, else vi."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        return shlex.split(editor) or ["vi"]
    except ValueError:  # unbalanced quotes: take it as one program name
        return [editor]


def diff_highlight(text: str, before: ScoreResult, after: ScoreResult) -> Text:
    """The answer with the words matched after the edit in green (bold when newly matched)
    and words that matched only before it struck out in red; misconceptions underlined."""
    rich = Text(text or "(no answer)")
    was = {span for c in before.concepts if c.matched for span in c.spans}
    now: set[tuple[int, int]] = set()
    for concept in after.concepts:
        if concept.matched:
            for start, end in concept.spans:
                now.add((start, end))
                rich.stylize("green" if (start, end) in was else "bold green", start, end)
    for start, end in was - now:
        rich.stylize("red strike", start, end)
    for wrong in after.misconceptions:
        for start, end in wrong.spans:
            rich.stylize("bold red underline", start, end)
    return rich


class RubricLabScreen(AppScreen[None]):
    """Tune one question's rubric against the answers already given to it."""

    CSS_PATH = CSS_PATH
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", show=True, priority=True),
        Binding("ctrl+o", "open_editor", "Open in $EDITOR", show=True),
        Binding("ctrl+r", "reload", "Reload", show=True),
        Binding("ctrl+u", "revert", "Revert edits", show=True),
        Binding("escape", "leave", "Back", show=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.bank_id: str | None = None
        self.document: BankDocument | None = None
        self.lab: RubricLab | None = None
        self.concept_name: str | None = None
        self.lint_context: tuple[LintContext, Vocabulary] | None = None
        self._leave_armed = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="lab-pickers"):
            yield Select[str]([], prompt="Bank", id="lab-bank", allow_blank=True)
            yield Select[str]([], prompt="Question", id="lab-question", allow_blank=True)
        yield Static("", id="lab-prompt")
        with Horizontal(id="lab-body"):
            with Vertical(id="lab-left"):
                yield DataTable(id="lab-concepts", cursor_type="row", zebra_stripes=True)
                yield Label("Phrases, one per line (any one shows the concept)")
                yield TextArea("", id="lab-phrases", soft_wrap=True)
                with Horizontal(id="lab-weight-row"):
                    yield Label("Weight")
                    yield Input("", id="lab-weight", restrict=r"[0-9.]*")
                    yield Checkbox("Required", id="lab-required")
                yield Static("", id="lab-error", classes="error")
                yield Static("", id="lab-lint")
            with Vertical(id="lab-right"):
                yield DataTable(id="lab-answers", cursor_type="row", zebra_stripes=True)
                yield Static("", id="lab-summary")
                yield Static("", id="lab-transcript")
        yield KeyBar()

    # loading ---------------------------------------------------------------------------------

    def on_mount(self) -> None:
        concepts = self.query_one("#lab-concepts", DataTable)
        concepts.add_columns("Concept", "Weight", "Req", "Phrases", "Found", "Lint")
        answers = self.query_one("#lab-answers", DataTable)
        answers.add_columns("#", "When", "Score", "Δ", "Concepts")
        banks = self.services.banks
        if not banks.banks:
            self._show_error("No banks in this workspace: add YAML files to banks/.")
            return
        select = self.query_one("#lab-bank", Select)
        select.set_options([(b.title, b.id) for b in banks.banks.values()])
        first = self._bank_with_answers() or next(iter(banks.banks))
        select.value = first

    def _bank_with_answers(self) -> str | None:
        for bank_id in self.services.banks.banks:
            if self.services.store.question_stats(bank_id):
                return bank_id
        return None

    @on(Select.Changed, "#lab-bank")
    def _bank_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.bank_id:
            if not self._confirm_discard():
                self._restore(event.select, self.bank_id)
                return
            self._load(event.value)

    @on(Select.Changed, "#lab-question")
    def _question_chosen(self, event: Select.Changed) -> None:
        lab = self.lab
        if not isinstance(event.value, str) or (lab and lab.question.id == event.value):
            return
        if not self._confirm_discard():
            self._restore(event.select, lab.question.id if lab else None)
            return
        self._open_question(event.value)

    def _restore(self, select: Select[Any], value: str | None) -> None:
        with self.prevent(Select.Changed):
            if value is None:
                select.clear()
            else:
                select.value = value

    def _confirm_discard(self) -> bool:
        if self.lab is not None and self.lab.dirty:
            self.notify(
                "This rubric has unsaved edits: save them (ctrl+s) or revert them (ctrl+u) first.",
                severity="warning",
            )
            return False
        return True

    def _load(self, bank_id: str, question_id: str | None = None) -> None:
        path = self.services.banks.paths.get(bank_id)
        if path is None:
            self._show_error(f"No bank {bank_id!r}.")
            return
        self.bank_id = bank_id
        self.lab = None
        self.query_one("#lab-summary", Static).update(f"Reading {path.name}…")
        texts: list[tuple[str, str, str]] = []
        if self.lint_context is None:
            from interview_sim.store.rubric_queries import recent_transcripts

            texts = recent_transcripts(self.services.store)
        self._read_document(bank_id, path, question_id, texts)

    @work(thread=True, group="rubric-lab-load", exclusive=True, exit_on_error=False,
          description="reading the bank file")  # fmt: skip
    def _read_document(
        self,
        bank_id: str,
        path: Path,
        question_id: str | None,
        texts: list[tuple[str, str, str]],
    ) -> None:
        from interview_sim.core.bank_loader import BankError
        from interview_sim.rubric_edit import BankDocument

        context: object | None = None
        if self.lint_context is None:
            context = self._build_lint_context(texts)
        try:
            document = BankDocument.load(path)
        except BankError as exc:
            problems = "\n".join(str(p) for p in exc.problems[:5])
            self.post_message(LabDocumentLoaded(bank_id, None, problems, question_id, context))
            return
        self.post_message(LabDocumentLoaded(bank_id, document, "", question_id, context))

    def _build_lint_context(self, texts: list[tuple[str, str, str]]) -> object:
        from interview_sim.core.normalize import raw_words
        from interview_sim.core.rubric_lint import (
            LintContext,
            LoggedAnswer,
            Vocabulary,
            bank_words,
        )

        answers = [LoggedAnswer(b, q, t) for b, q, t in texts]
        words: list[str] = []
        for bank in self.services.banks.banks.values():
            words += bank_words(bank)
        for answer in answers:
            words += raw_words(answer.text)
        return LintContext(answers=answers), Vocabulary(words)

    def on_lab_document_loaded(self, message: LabDocumentLoaded) -> None:
        if message.context is not None:
            self.lint_context = message.context  # type: ignore[assignment]
        if message.bank_id != self.bank_id:
            return
        if message.document is None:
            self.document = None
            self._show_error(f"This bank cannot be edited until it is fixed:\n{message.error}")
            return
        document: BankDocument = message.document  # type: ignore[assignment]
        self.document = document
        questions = self.query_one("#lab-question", Select)
        options = [(f"{q.number}. {q.prompt.strip()[:70]}", q.id) for q in document.bank.questions]
        wanted = message.question_id or self._question_with_answers(document) or options[0][1]
        with self.prevent(Select.Changed):
            questions.set_options(options)
            questions.value = wanted
        self._open_question(wanted)

    def _question_with_answers(self, document: BankDocument) -> str | None:
        stats = self.services.store.question_stats(document.bank.id)
        for question in document.bank.questions:
            if question.id in stats:
                return question.id
        return None

    def _open_question(self, question_id: str) -> None:
        from interview_sim.core.rubric_lab import LabAnswer, RubricLab

        document = self.document
        if document is None:
            return
        question = next((q for q in document.bank.questions if q.id == question_id), None)
        if question is None:
            return
        rows = self.services.store.attempts(document.bank.id, question.id)
        answers = [
            LabAnswer(
                int(r["id"]),
                str(r.get("created_at") or ""),
                str(r.get("transcript") or ""),
                r.get("score"),
                tuple(r.get("hints") or ()),
                r.get("duration_s"),
            )
            for r in reversed(rows)
        ]
        self.lab = RubricLab(document.bank.id, question, answers)
        self.query_one("#lab-prompt", Static).update(
            Text(f"Q{question.number} {question.prompt.strip()}", style="bold")
        )
        self.concept_name = question.rubric.concepts[0].name
        self._show_error("")
        self._fill_concepts()
        self._fill_editor()
        self._refresh_results()
        self.query_one("#lab-concepts", DataTable).focus()

    # showing ---------------------------------------------------------------------------------

    def _show_error(self, text: str) -> None:
        self.query_one("#lab-error", Static).update(text)

    def _fill_concepts(self) -> None:
        lab = self.lab
        if lab is None:
            return
        table = self.query_one("#lab-concepts", DataTable)
        rows = lab.rows()
        lint = lab.lint(*self._lint_args())
        keep = table.cursor_row
        table.clear()
        for concept in lab.rubric.concepts:
            found = sum(
                1 for r in rows for c in r.after.concepts if c.name == concept.name and c.matched
            )
            warnings = sum(1 for w in lint if w.concept == concept.name)
            table.add_row(
                concept.name,
                f"{concept.weight:g}",
                "yes" if concept.required else "",
                str(len(concept.phrases)),
                f"{found}/{len(rows)}",
                str(warnings) if warnings else "",
                key=concept.name,
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self._fill_lint(lint)

    def _lint_args(self) -> tuple[LintContext | None, Vocabulary | None]:
        if self.lint_context is None:
            return None, None
        return self.lint_context

    def _fill_lint(self, lint: Sequence[LintWarning]) -> None:
        text = Text()
        for warning in lint:
            style = "bold red" if warning.level == "error" else "yellow"
            message = warning.message.split(": ", 1)[-1]
            text.append(f"{warning.level}: ", style=style)
            text.append(message + "\n")
        if not lint:
            text.append("No lint warnings.", style="green")
        self.query_one("#lab-lint", Static).update(text)

    def _fill_editor(self) -> None:
        lab, name = self.lab, self.concept_name
        if lab is None or name is None:
            return
        concept = lab.concept(name)
        area = self.query_one("#lab-phrases", TextArea)
        if _phrases_of(area.text) != list(concept.phrases):
            area.text = "\n".join(concept.phrases)
        weight = self.query_one("#lab-weight", Input)
        if _number(weight.value) != concept.weight:
            weight.value = f"{concept.weight:g}"
        required = self.query_one("#lab-required", Checkbox)
        if required.value != concept.required:
            required.value = concept.required

    def _refresh_results(self) -> None:
        lab = self.lab
        if lab is None:
            return
        table = self.query_one("#lab-answers", DataTable)
        keep = table.cursor_row
        table.clear()
        for row in lab.rows():
            table.add_row(*_answer_cells(row), key=str(row.answer.id))
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        dirty = " (unsaved edits)" if lab.dirty else ""
        self.query_one("#lab-summary", Static).update(lab.summary() + dirty)
        self._show_transcript()

    def _show_transcript(self) -> None:
        lab = self.lab
        target = self.query_one("#lab-transcript", Static)
        if lab is None or not lab.rows():
            target.update("")
            return
        table = self.query_one("#lab-answers", DataTable)
        index = min(max(table.cursor_row, 0), len(lab.rows()) - 1)
        row = lab.rows()[index]
        target.update(diff_highlight(row.answer.transcript, row.before, row.after))

    # editing ---------------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#lab-concepts")
    def _concept_highlighted(self, event: DataTable.RowHighlighted) -> None:
        name = event.row_key.value
        if name is not None and name != self.concept_name:
            self.concept_name = str(name)
            self._fill_editor()

    @on(DataTable.RowHighlighted, "#lab-answers")
    def _answer_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_transcript()

    @on(TextArea.Changed, "#lab-phrases")
    def _phrases_edited(self, event: TextArea.Changed) -> None:
        lab, name = self.lab, self.concept_name
        if lab is None or name is None:
            return
        phrases = _phrases_of(event.text_area.text)
        if phrases == list(lab.concept(name).phrases):
            return
        self._apply(lambda: lab.set_phrases(name, phrases))

    @on(Input.Changed, "#lab-weight")
    def _weight_edited(self, event: Input.Changed) -> None:
        lab, name = self.lab, self.concept_name
        if lab is None or name is None:
            return
        weight = _number(event.value)
        if weight is None:
            self._show_error("Weight: a number greater than 0 and at most 10.")
            return
        if weight == lab.concept(name).weight:
            return
        self._apply(lambda: lab.set_weight(name, weight))

    @on(Checkbox.Changed, "#lab-required")
    def _required_edited(self, event: Checkbox.Changed) -> None:
        lab, name = self.lab, self.concept_name
        if lab is None or name is None or event.value == lab.concept(name).required:
            return
        self._apply(lambda: lab.set_required(name, event.value))

    def _apply(self, edit: object) -> None:
        from interview_sim.core.rubric_lab import EditRefused

        assert callable(edit)
        try:
            edit()
        except EditRefused as exc:
            self._show_error(str(exc))
            return
        self._show_error("")
        self._leave_armed = False
        self._fill_concepts()
        self._refresh_results()

    # saving, reloading, leaving --------------------------------------------------------------

    def action_save(self) -> None:
        lab, document = self.lab, self.document
        if lab is None or document is None:
            return
        if not lab.dirty:
            self.notify("Nothing to save: the rubric is as in the file.")
            return
        self._save(document, lab)

    @work(thread=True, group="rubric-lab-save", exclusive=True, exit_on_error=False,
          description="saving the rubric")  # fmt: skip
    def _save(self, document: BankDocument, lab: RubricLab) -> None:
        from interview_sim.core.bank_loader import BankError
        from interview_sim.rubric_edit import EditError

        question_id = lab.question.id
        try:
            document.apply_rubric(question_id, lab.rubric)
            document.save()
        except BankError as exc:
            error = "\n".join(str(p) for p in exc.problems[:5])
            self.post_message(LabSaved(document.bank.id, question_id, error))
            return
        except EditError as exc:
            self.post_message(LabSaved(document.bank.id, question_id, str(exc)))
            return
        self.post_message(LabSaved(document.bank.id, question_id, ""))

    def on_lab_saved(self, message: LabSaved) -> None:
        document, lab = self.document, self.lab
        if message.error:
            self.notify(message.error, title="Not saved", severity="error", timeout=10)
            if document is not None:  # the tree may hold half an edit: read the file again
                self._load(message.bank_id, message.question_id)
            return
        self.services.reload_banks()
        if document is not None and lab is not None:
            question = next(q for q in document.bank.questions if q.id == message.question_id)
            lab.mark_saved(question)
            self.notify(f"Saved to {document.path.name}; comments and layout kept.")
            self._fill_concepts()
            self._refresh_results()

    def action_reload(self) -> None:
        if self.bank_id is None:
            return
        self._load(self.bank_id, self.lab.question.id if self.lab else None)
        self.notify("Reloaded from the file.")

    def action_revert(self) -> None:
        if self.lab is None or not self.lab.dirty:
            return
        self.lab.revert()
        self._fill_editor()
        self._fill_concepts()
        self._refresh_results()

    def action_open_editor(self) -> None:
        document = self.document
        if document is None or self.bank_id is None:
            return
        if not self._confirm_discard():
            return
        from textual.app import SuspendNotSupported

        command = [*editor_command(), str(document.path)]
        try:
            with self.app.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor.", severity="error")
            return
        except OSError as exc:
            self.notify(f"Cannot start {command[0]}: {exc.strerror}", severity="error")
            return
        self.services.reload_banks()
        self._load(self.bank_id, self.lab.question.id if self.lab else None)

    def action_leave(self) -> None:
        if self.lab is not None and self.lab.dirty and not self._leave_armed:
            self._leave_armed = True
            self.notify(
                "Unsaved edits: ctrl+s saves them; press escape again to leave without saving.",
                severity="warning",
            )
            return
        self.app.pop_screen()


def _phrases_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 < value <= 10 else None


def _answer_cells(row: LabRow) -> tuple[str, str, Text, Text, str]:
    delta = row.delta
    score = Text(f"{row.before.score} -> {row.after.score}")
    if delta:
        score.stylize("bold green" if delta > 0 else "bold red")
    sign = Text(f"{delta:+d}" if delta else "", style="green" if delta > 0 else "red")
    changes = ", ".join([*(f"+{c}" for c in row.gained), *(f"-{c}" for c in row.lost)])
    when = row.answer.created_at[:16].replace("T", " ")
    return str(row.answer.id), when, score, sign, changes
