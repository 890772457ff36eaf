"""Editing the rubrics of a bank file in place, keeping the user's comments and layout.

The file is loaded with ruamel.yaml's round-trip loader, a concept's phrases, weight or required
flag are changed in the tree, and the tree is written back with the file's own indentation, so
an unedited file saves byte for byte as it was. A save is validated first, refuses to overwrite a
file that changed on disk since it was loaded, and is atomic (a temp file, then os.replace).
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
from collections import Counter
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from io import StringIO
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from interview_sim.core.bank_loader import BankError, Problem, parse_bank, plain
from interview_sim.core.bank_schema import Bank, Rubric


class EditError(Exception):
    """An edit or a save that cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class Layout:
    """How a YAML file is indented and ends its lines, so that a save keeps it."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2
    newline: str = "\n"
    bom: bool = False


_KEY_ONLY = re.compile(r"^( *)(?!- )[^\s#][^:#]*:\s*(#.*)?$")
_ITEM = re.compile(r"^( *)- ")
_KEY = re.compile(r"^( *)[^\s#-][^:#]*:(\s|$)")


def guess_layout(text: str) -> Layout:
    """The indentation a file uses: for a key with nested content, how far its child keys or
    its sequence's dashes are indented (the most common choice wins)."""
    lines = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    mappings: Counter[int] = Counter()
    offsets: Counter[int] = Counter()
    for line, following in pairwise(lines):
        parent = _KEY_ONLY.match(line)
        if not parent:
            continue
        depth = len(parent.group(1))
        item = _ITEM.match(following)
        if item and len(item.group(1)) >= depth:
            offsets[len(item.group(1)) - depth] += 1
            continue
        key = _KEY.match(following)
        if key and len(key.group(1)) > depth:
            mappings[len(key.group(1)) - depth] += 1
    mapping = mappings.most_common(1)[0][0] if mappings else 2
    offset = offsets.most_common(1)[0][0] if offsets else 2
    return Layout(
        mapping=mapping,
        sequence=offset + 2,
        offset=offset,
        newline="\r\n" if "\r\n" in text else "\n",
        bom=text.startswith("\ufeff"),
    )


def _yaml(layout: Layout) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line the user wrote
    yaml.indent(mapping=layout.mapping, sequence=layout.sequence, offset=layout.offset)
    return yaml


class BankDocument:
    """One bank file, loaded for editing. `bank` always holds the validated current content."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.original = text
        self.layout = guess_layout(text)
        self.tree: Any = None
        body = text.removeprefix("\ufeff").replace("\r\n", "\n")
        with suppress(YAMLError):
            self.tree = _yaml(self.layout).load(StringIO(body))
        self.bank: Bank = self._validated(text)
        self.edited = False

    def _validated(self, text: str) -> Bank:
        """The bank in the tree, validated from it directly (one parse, not two); any problem
        is reported, with its place, by the loader's own parse of the text."""
        tree = self.tree
        if isinstance(tree, CommentedMap):
            try:
                bank = Bank.model_validate(plain(tree))
            except ValidationError:
                pass
            else:
                ids = [q.id for q in bank.questions]
                numbers = [q.number for q in bank.questions]
                unique = len(set(ids)) == len(ids) and len(set(numbers)) == len(numbers)
                if unique and bank.id == self.path.stem:
                    return bank
        return parse_bank(text, str(self.path), expected_id=self.path.stem)

    @classmethod
    def load(cls, path: Path) -> BankDocument:
        """Read and validate a bank file (BankError when it has problems)."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BankError([Problem(str(path), 1, 1, f"cannot read: {exc.strerror}")]) from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            parse_bank(data, str(path), expected_id=path.stem)  # raises with the place
            raise
        return cls(path, text)

    # reading ----------------------------------------------------------------------------------

    def question_index(self, question_id: str) -> int:
        """Where a question is in the file's list."""
        for index, question in enumerate(self.bank.questions):
            if question.id == question_id:
                return index
        raise EditError(f"{self.path}: no question {question_id!r}")

    def _concept(self, question_id: str, concept: str) -> CommentedMap:
        node = self.tree["questions"][self.question_index(question_id)]["rubric"]["concepts"]
        for item in node:
            if isinstance(item, CommentedMap) and str(item.get("name", "")) == concept:
                return item
        raise EditError(f"{self.path}: question {question_id!r} has no concept {concept!r}")

    # editing ----------------------------------------------------------------------------------

    def set_phrases(self, question_id: str, concept: str, phrases: Sequence[str]) -> None:
        """Replace a concept's phrases, keeping the comments of the phrases that stay."""
        cleaned = [p.strip() for p in phrases if p.strip()]
        if not cleaned:
            raise EditError(f"concept {concept!r} needs at least one phrase")
        node = self._concept(question_id, concept)
        current = node.get("phrases")
        if isinstance(current, CommentedSeq):
            _replace_items(current, cleaned)
        else:
            node["phrases"] = CommentedSeq(cleaned)
        self.edited = True

    def set_weight(self, question_id: str, concept: str, weight: float) -> None:
        """Change a concept's weight (written as an integer when it is one)."""
        if not 0 < weight <= 10:
            raise EditError(f"a weight is greater than 0 and at most 10, not {weight:g}")
        node = self._concept(question_id, concept)
        value: int | float = int(weight) if float(weight).is_integer() else float(weight)
        if "weight" in node:
            if node["weight"] == value:
                return
            node["weight"] = value
        else:
            node.insert(_after(node, "name"), "weight", value)
        self.edited = True

    def set_required(self, question_id: str, concept: str, required: bool) -> None:
        """Mark a concept required or not (the key is only added when it becomes true)."""
        node = self._concept(question_id, concept)
        if "required" in node:
            if bool(node["required"]) == required:
                return
            node["required"] = required
        elif required:
            node.insert(_after(node, "weight" if "weight" in node else "name"), "required", True)
        else:
            return
        self.edited = True

    def apply_rubric(self, question_id: str, rubric: Rubric) -> None:
        """Write the phrases, weights and required flags of an edited rubric (same concepts)."""
        old = self.bank.questions[self.question_index(question_id)].rubric
        before = {c.name: c for c in old.concepts}
        for concept in rubric.concepts:
            was = before.get(concept.name)
            if was is None:
                raise EditError(f"concept {concept.name!r} is not in the file (renamed?)")
            if list(concept.phrases) != list(was.phrases):
                self.set_phrases(question_id, concept.name, concept.phrases)
            if concept.weight != was.weight:
                self.set_weight(question_id, concept.name, concept.weight)
            if concept.required != was.required:
                self.set_required(question_id, concept.name, concept.required)

    # writing ----------------------------------------------------------------------------------

    def dumps(self) -> str:
        """The file's text as it would be saved."""
        out = StringIO()
        _yaml(self.layout).dump(self.tree, out)
        text = out.getvalue()
        if self.layout.newline != "\n":
            text = text.replace("\n", self.layout.newline)
        return ("\ufeff" if self.layout.bom else "") + text

    def layout_kept(self) -> bool:
        """Whether saving this file unedited would give back exactly its bytes."""
        return BankDocument(self.path, self.original).dumps() == self.original

    def validate(self) -> Bank:
        """The bank as it would be saved (BankError when an edit made it invalid)."""
        return parse_bank(self.dumps(), str(self.path), expected_id=self.path.stem)

    def save(self, *, force: bool = False) -> Bank:
        """Validate, then write atomically; refuses when the file changed on disk meanwhile."""
        text = self.dumps()
        bank = parse_bank(text, str(self.path), expected_id=self.path.stem)
        if not force:
            try:
                on_disk = self.path.read_bytes().decode("utf-8", errors="replace")
            except FileNotFoundError:
                on_disk = self.original
            except OSError as exc:
                raise EditError(f"{self.path}: cannot read: {exc.strerror}") from None
            if on_disk != self.original:
                raise EditError(
                    f"{self.path} changed on disk since it was opened: reload it (your edits"
                    " would overwrite the other change)"
                )
        write_atomic(self.path, text)
        self.original = text
        self.bank = bank
        self.edited = False
        return bank


def _after(node: CommentedMap, key: str) -> int:
    keys = list(node.keys())
    return keys.index(key) + 1 if key in keys else len(keys)


def _replace_items(seq: CommentedSeq, new: list[str]) -> None:
    """Turn the sequence into `new` with the fewest item changes, so comments stay put."""
    old = [str(item) for item in seq]
    if old == new:
        return
    # the comment after the last item (often the blank line and comment before the next key)
    # belongs to the end of the list, wherever the last item goes
    last = len(seq) - 1
    tail = seq.ca.items.pop(last, None) if last >= 0 else None
    opcodes = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(opcodes):
        if tag == "equal":
            continue
        common = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(common):
            seq[i1 + k] = new[j1 + k]
        for index in reversed(range(i1 + common, i2)):
            del seq[index]
        for k, value in enumerate(new[j1 + common : j2]):
            seq.insert(i1 + common + k, value)
    _restore_tail(seq, tail, kept_last=new[-1:] == old[-1:])


def _restore_tail(seq: CommentedSeq, tail: Any, *, kept_last: bool) -> None:
    """Give the list's closing comment lines to its (new) last item. When the old last item
    went, its own end-of-line comment goes with it; the lines after it stay."""
    if tail is None or not len(seq):
        return
    last = len(seq) - 1
    if kept_last:
        seq.ca.items[last] = tail
        return
    token = tail[0]
    value = str(getattr(token, "value", "") or "")
    following = value[value.index("\n") + 1 :] if "\n" in value else ""
    if token is None or not following.strip():
        return
    existing = seq.ca.items.get(last)
    if existing and existing[0] is not None:
        existing[0].value = str(existing[0].value) + following
    else:
        token.value = "\n" + following
        seq.ca.items[last] = [token, None, None, None]


def write_atomic(path: Path, text: str) -> None:
    """Write a text file through a temp file in the same folder and os.replace, keeping its
    permissions; a crash leaves either the old file or the new one, never half of one."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o644
    except OSError as exc:
        raise EditError(f"{path}: {exc.strerror}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise EditError(f"{path}: cannot write: {exc.strerror}") from None
