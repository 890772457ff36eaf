"""The compiled scorer (setup.py, mypyc): the lists agree, nothing stale runs, and the plain
Python modules give the very same results as the compiled ones."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from interview_sim.core.bank_set import load_bank_set
from interview_sim.core.delivery import measure
from interview_sim.core.scoring import RubricCache
from interview_sim.scorer_build import COMPILED_MODULES, compiled_modules, scorer_build

ROOT = Path(__file__).resolve().parent.parent


def _module_path(name: str) -> str:
    return name.replace(".", "/") + ".py"


def test_setup_makefile_and_doctor_name_the_same_modules() -> None:
    tree = ast.parse((ROOT / "setup.py").read_text())
    listed = next(
        ast.literal_eval(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "COMPILED" for t in node.targets)
    )
    assert listed == [_module_path(name) for name in COMPILED_MODULES]
    makefile = (ROOT / "Makefile").read_text()
    block = re.search(r"^COMPILED := (.*?)\n(?!\t)", makefile, re.S | re.M)
    assert block is not None
    assert block.group(1).replace("\\", " ").split() == listed


def test_no_compiled_module_is_older_than_its_source() -> None:
    for name, compiled in compiled_modules().items():
        if not compiled:
            continue
        module = sys.modules[name]
        assert module.__file__ is not None
        binary = Path(module.__file__)
        source = ROOT / _module_path(name)
        assert binary.stat().st_mtime >= source.stat().st_mtime, (
            f"{binary.name} is older than {source.name}: the tests would run old code;"
            " run `make test` (it rebuilds) or `pip install -e .`"
        )


def test_the_build_is_whole() -> None:
    assert scorer_build() in {"compiled (mypyc)", "pure Python"}


PURE_RUNNER = """
import importlib.machinery, json, sys
HOT = set(json.loads(sys.argv[1]))

class SourceOnly(importlib.machinery.PathFinder):
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name not in HOT:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is None or spec.origin is None or spec.origin.endswith(".py"):
            return spec
        source = spec.origin.rsplit("/", 1)[0] + "/" + name.rsplit(".", 1)[1] + ".py"
        loader = importlib.machinery.SourceFileLoader(name, source)
        return importlib.util.spec_from_file_location(name, source, loader=loader)

import importlib.util
sys.meta_path.insert(0, SourceOnly)
from interview_sim.scorer_build import compiled_modules
assert not any(compiled_modules().values()), compiled_modules()
sys.path.insert(0, sys.argv[2])
from test_scorer_build import verdicts
print(json.dumps(verdicts()))
"""


def verdicts() -> list[object]:
    """Scores, found concepts with their evidence, and delivery of a spread of answers."""
    banks = load_bank_set(ROOT / "banks")
    cache = RubricCache()
    out: list[object] = []
    for bank in banks.banks.values():
        for question in bank.questions[::7]:
            rubric = cache.get(bank.id, question)
            words = question.reference.split()
            for text in (question.reference, " ".join(words[::2]), "um I think, like, no idea"):
                result = rubric.score(text, hinted=[question.rubric.concepts[0].name])
                found = [(c.name, c.evidence, c.spans) for c in result.concepts if c.matched]
                wrong = [(m.name, m.spans) for m in result.misconceptions]
                delivery = measure(text)
                out.append([result.score, found, wrong, delivery.fillers, delivery.hedges])
    return json.loads(json.dumps(out))


@pytest.mark.skipif(scorer_build() != "compiled (mypyc)", reason="the scorer is not compiled")
def test_plain_python_modules_score_as_the_compiled_ones() -> None:
    run = subprocess.run(
        [sys.executable, "-c", PURE_RUNNER, json.dumps(COMPILED_MODULES), str(ROOT / "tests")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    pure = json.loads(run.stdout)
    compiled = verdicts()
    assert len(compiled) > 60
    assert pure == compiled


@pytest.mark.skipif(scorer_build() != "compiled (mypyc)", reason="the scorer is not compiled")
def test_the_results_built_for_each_answer_are_built_by_compiled_code() -> None:
    # a dataclass-generated __init__ stays interpreted under mypyc, ten times slower: each
    # class made once or more per scored answer must keep its written-out __init__
    from interview_sim.core.delivery import Delivery
    from interview_sim.core.scoring import ConceptResult, MisconceptionResult, ScoreResult

    for made_per_answer in (ConceptResult, MisconceptionResult, ScoreResult, Delivery):
        assert not hasattr(made_per_answer.__init__, "__code__"), made_per_answer.__name__
