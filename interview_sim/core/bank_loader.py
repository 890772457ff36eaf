"""Reading bank files safely and turning every problem into `file:line:col: message`."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from interview_sim.core.bank_schema import (
    Bank,
    BankDefaults,
    Concept,
    LengthTarget,
    Misconception,
    Question,
    Rubric,
    suggest_id,
)

MAX_BYTES = 5_000_000
MAX_DEPTH = 40
MAX_NODES = 200_000


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a bank file, at a place a person can find (1-based)."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class BankError(Exception):
    """A bank that cannot be used; `problems` says every reason and where."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _BankConstructor(RoundTripConstructor):
    """The round-trip constructor, refusing Python tags outright instead of keeping them."""


def _refuse_python_tag(constructor: Any, suffix: str, node: Any) -> Any:
    raise ConstructorError(
        problem=f"the tag '!!python/{suffix}' is not allowed in a bank",
        problem_mark=node.start_mark,
    )


_BankConstructor.add_multi_constructor("tag:yaml.org,2002:python/", _refuse_python_tag)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _BankConstructor
    yaml.allow_duplicate_keys = False
    return yaml


def _walk(node: Any, depth: int = 0) -> Iterator[tuple[Any, int]]:
    stack = [(node, depth)]
    while stack:
        item, d = stack.pop()
        yield item, d
        if isinstance(item, dict):
            stack.extend((v, d + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, d + 1) for v in item)


def _check_shape(data: Any, file: str) -> None:
    """Refuse trees too deep or too large (alias bombs) before validating them."""
    for count, (_, depth) in enumerate(_walk(data), start=1):
        if depth > MAX_DEPTH:
            raise BankError([Problem(file, 1, 1, f"nesting deeper than {MAX_DEPTH} levels")])
        if count > MAX_NODES:
            raise BankError(
                [Problem(file, 1, 1, f"more than {MAX_NODES} values (too many aliases?)")]
            )


_FIELDS: dict[str, type[BaseModel]] = {
    "bank": Bank,
    "defaults": BankDefaults,
    "questions": Question,
    "rubric": Rubric,
    "concepts": Concept,
    "misconceptions": Misconception,
    "length": LengthTarget,
}


def _model_for(loc: tuple[int | str, ...]) -> type[BaseModel]:
    model: type[BaseModel] = Bank
    for part in loc:
        if isinstance(part, str) and part in _FIELDS:
            model = _FIELDS[part]
    return model


def _position(root: Any, loc: tuple[int | str, ...], at_key: bool = False) -> tuple[int, int]:
    """The 0-based line and column of the value at `loc` (or its nearest parent)."""
    node = root
    line, col = (root.lc.line, root.lc.col) if hasattr(root, "lc") else (0, 0)
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        try:
            if isinstance(node, CommentedMap) and part in node:
                nested = isinstance(node[part], (CommentedMap, CommentedSeq))
                line, col = (
                    node.lc.key(part) if (nested or (last and at_key)) else node.lc.value(part)
                )
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line, col = node.lc.item(part)
                node = node[part]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return line, col


def _describe(root: Any, loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    node = root
    for part in loc:
        if isinstance(part, int):
            label = f"[{part}]"
            try:
                item = node[part]
                name = item.get("id") or item.get("name") if isinstance(item, dict) else None
                if name:
                    label = f"[{part}] ({name})"
                node = item
            except (KeyError, IndexError, TypeError):
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + part)
            try:
                node = node[part] if isinstance(node, dict) else None
            except (KeyError, TypeError):
                node = None
    return "".join(parts) or "(top level)"


def _message(root: Any, err: Any) -> tuple[tuple[int | str, ...], str]:
    loc: tuple[int | str, ...] = tuple(err["loc"])
    kind = err["type"]
    where = _describe(root, loc[:-1]) if loc else "(top level)"
    field = str(loc[-1]) if loc else ""
    if kind == "missing":
        return loc[:-1], f"{where}: missing required key '{field}'"
    if kind == "extra_forbidden":
        known = list(_model_for(loc[:-1]).model_fields)
        close = difflib.get_close_matches(field, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(known)})"
        return loc, f"{where}: unknown key '{field}'{hint}"
    if kind == "string_pattern_mismatch":
        value = str(err.get("input", ""))
        return loc, (
            f"{_describe(root, loc)}: {value!r} is not a valid id (lower-case letters, digits and"
            f" dashes); try '{suggest_id(value)}'"
        )
    msg = str(err["msg"])
    msg = msg.removeprefix("Value error, ")
    if kind == "string_type" and isinstance(err.get("input"), (int, float, bool)):
        msg = f"{msg}: {err.get('input')!r} was read as a number or yes/no; put it in quotes"
    return loc, f"{_describe(root, loc)}: {msg[0].lower() + msg[1:] if msg else msg}"


def _duplicates(root: Any, file: str) -> list[Problem]:
    problems: list[Problem] = []
    questions = root.get("questions") if isinstance(root, dict) else None
    if not isinstance(questions, list):
        return problems
    for key in ("id", "number"):
        seen: dict[object, int] = {}
        for index, q in enumerate(questions):
            if not isinstance(q, CommentedMap) or key not in q:
                continue
            value = q[key]
            try:
                hash(value)
            except TypeError:
                continue
            if value in seen:
                line, col = q.lc.value(key)
                problems.append(
                    Problem(
                        file,
                        line + 1,
                        col + 1,
                        f"questions[{index}]: {key} {value!r} is already used by"
                        f" questions[{seen[value]}]; each question needs its own {key}",
                    )
                )
            else:
                seen[value] = index
    return problems


def parse_bank(data: bytes | str, file: str, expected_id: str | None = None) -> Bank:
    """Parse and validate a bank; raise BankError listing every located problem."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise BankError([Problem(file, 1, 1, f"file larger than {MAX_BYTES} bytes")])
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = data[: exc.start]
            line = before.count(b"\n") + 1
            # a column counts characters, not bytes (the line's start decodes: it is before the
            # first bad byte)
            col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1
            raise BankError(
                [
                    Problem(
                        file,
                        line,
                        col,
                        f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                    )
                ]
            ) from None
    else:
        text = data
    text = text.removeprefix("\ufeff")
    try:
        root = _yaml().load(StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "duplicate key" in problem or "found duplicate key" in str(exc):
            problem = f"{problem}: each key may appear once in a mapping"
        raise BankError([Problem(file, line, col, problem)]) from None
    except YAMLError as exc:
        raise BankError([Problem(file, 1, 1, f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise BankError([Problem(file, 1, 1, "nesting too deep")]) from None
    if root is None:
        raise BankError([Problem(file, 1, 1, "the file is empty; see docs/banks.md")])
    if not isinstance(root, CommentedMap):
        raise BankError([Problem(file, 1, 1, "a bank must be a mapping with id, title, ...")])
    _check_shape(root, file)
    problems = _duplicates(root, file)
    try:
        bank = Bank.model_validate(plain(root))
    except ValidationError as exc:
        for err in exc.errors():
            loc, message = _message(root, err)
            line, col = _position(root, loc, at_key=err["type"] == "extra_forbidden")
            problems.append(Problem(file, line + 1, col + 1, message))
        problems.sort(key=lambda p: (p.line, p.col))
        raise BankError(problems) from None
    if expected_id is not None and bank.id != expected_id:
        line, col = root.lc.value("id")
        problems.append(
            Problem(
                file, line + 1, col + 1, f"id {bank.id!r} must equal the file name {expected_id!r}"
            )
        )
    if problems:
        raise BankError(problems)
    return bank


def plain(node: Any) -> Any:
    """ruamel's round-trip types as plain dicts, lists and scalars for validation."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def load_bank_file(path: Path) -> Bank:
    """Read one bank file; the id must equal the file name."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BankError([Problem(str(path), 1, 1, f"cannot read: {exc.strerror}")]) from None
    return parse_bank(data, str(path), expected_id=path.stem)
