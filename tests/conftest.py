"""Fixtures shared by every test folder: a hermetic home, a small bank, temp workspaces.

The autouse `isolated_home` keeps every test away from the developer's real home, data and cache
folders. The other fixtures are generic on purpose: they use the small bank below, never the
content of the bundled banks in banks/ (which are still being written).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from interview_sim import workspace as workspace_module
from interview_sim.core.bank_loader import parse_bank
from interview_sim.core.bank_schema import Bank
from interview_sim.store.session_store import SessionStore
from interview_sim.workspace import Workspace, init_workspace

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_BANKS = REPO_ROOT / "banks"

EXAMPLE_BANK_ID = "example"
# A small, valid bank written for the tests (keep it in step with the tests that use it).
EXAMPLE_BANK_YAML = """\
# A bank written for the tests: five questions, three with probes, one with a length target.
id: example
title: Example bank
description: A few questions to test the app with.
source: Written for the interview-sim tests.
defaults:
  answer_seconds: 120
  think_seconds: 5

questions:
  - id: bias-variance
    number: 1
    topic: Model evaluation
    difficulty: medium
    prompt: >
      What is the bias-variance trade-off?
    reference: >
      Bias is the error of a model too simple for the pattern; variance is the error of a model
      too sensitive to its training sample. Lowering one usually raises the other.
    rubric:
      concepts:
        - name: bias
          weight: 2
          required: true
          meaning: Bias is error from too simple assumptions; it causes underfitting.
          phrases: [bias, underfit, too simple]
          probe: What kind of error does a model that is too simple make?
        - name: variance
          weight: 2
          required: true
          meaning: Variance is error from sensitivity to the training sample; it causes overfitting.
          phrases: [variance, overfit, sensitive ... training data]
          probe: And what happens when the model is too flexible?
        - name: trade-off
          weight: 1
          meaning: Lowering one usually raises the other.
          phrases: [trade off, balance, sweet spot, total error]
      misconceptions:
        - name: swapped
          phrases: [high bias ... overfit, high variance ... underfit]
          correction: High bias underfits and high variance overfits, not the other way round.
  - id: regularization
    number: 2
    topic: Regularisation
    difficulty: easy
    prompt: How does regularisation reduce overfitting?
    reference: It adds a penalty on large weights to the loss, which favours simpler models.
    rubric:
      concepts:
        - name: penalty
          weight: 3
          required: true
          meaning: A penalty on the size of the weights is added to the loss.
          phrases: [penalty, weight decay, l2, l1]
          probe: What exactly is added to the loss?
        - name: simpler model
          weight: 1
          meaning: Smaller weights make a smoother, simpler function.
          phrases: [simpler model, smaller weights]
  - id: k-means
    number: 3
    topic: Unsupervised learning
    difficulty: easy
    prompt: How does k-means clustering work?
    reference: >
      Pick k centroids, assign each point to its nearest centroid, move each centroid to the mean
      of its points, and repeat until the assignments stop changing.
    rubric:
      concepts:
        - name: centroids
          weight: 2
          required: true
          meaning: Each cluster is represented by the mean of its points, its centroid.
          phrases: [centroid, cluster centre, cluster mean]
          probe: What represents each cluster?
        - name: assignment
          meaning: Each point joins the cluster of its nearest centroid.
          phrases: [nearest, closest]
        - name: iterate
          meaning: The two steps repeat until nothing changes.
          phrases: [repeat, iterate, converge]
      misconceptions:
        - name: supervised
          phrases: [supervised]
          correction: k-means is unsupervised; it needs no labels.
  - id: cnn
    number: 4
    topic: Deep learning
    difficulty: hard
    prompt: Why do convolutional networks suit images?
    reference: Convolutions share weights across positions and see local patterns.
    rubric:
      concepts:
        - name: convolution
          weight: 2
          meaning: A small filter slides over the image.
          phrases: [convolution, filter, kernel]
        - name: weight sharing
          weight: 1
          meaning: The same weights are used at every position.
          phrases: [weight sharing, shared weights]
  - id: failure-story
    number: 5
    topic: Behavioural
    difficulty: medium
    kind: behavioral
    answer_seconds: 150
    prompt: Tell me about a project that failed.
    reference: A concrete project, what went wrong, what you did, what you learned.
    rubric:
      concepts:
        - name: lesson
          meaning: Say what you learned and what you do differently now.
          phrases: [learned, lesson]
      length: {min_seconds: 45, max_seconds: 150, weight: 1}
"""


@pytest.fixture(scope="session")
def shared_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One bank cache per test process: entries are keyed by content, so sharing is safe."""
    return tmp_path_factory.mktemp("bank-cache")


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory,
    shared_cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Path]:
    """Point the home, the XDG folders and the app's own folders at temp dirs for every test."""
    base = tmp_path_factory.mktemp("home")
    home = base / "home"
    for name in ("home", "data", "cache", "config", "state", "runtime", "models"):
        (base / name).mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(base / "state"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(base / "runtime"))
    monkeypatch.setenv("INTERVIEW_SIM_HOME", str(base / "workspace"))
    monkeypatch.setenv("INTERVIEW_SIM_CACHE_DIR", str(shared_cache_dir))
    monkeypatch.setenv("INTERVIEW_SIM_MODEL_DIRS", str(base / "models"))
    monkeypatch.delenv("INTERVIEW_SIM_MODEL_MIRROR", raising=False)
    monkeypatch.delenv("VOSK_MODEL_PATH", raising=False)
    yield home


@pytest.fixture
def example_bank_text() -> str:
    """The YAML text of the small test bank (its id is `example`)."""
    return EXAMPLE_BANK_YAML


@pytest.fixture
def example_bank_file(tmp_path: Path) -> Path:
    """The small test bank written to `<tmp>/bank-src/example.yaml`."""
    folder = tmp_path / "bank-src"
    folder.mkdir()
    path = folder / f"{EXAMPLE_BANK_ID}.yaml"
    path.write_text(EXAMPLE_BANK_YAML, encoding="utf-8")
    return path


@pytest.fixture
def example_bank() -> Bank:
    """The small test bank, parsed."""
    return parse_bank(EXAMPLE_BANK_YAML, "example.yaml", expected_id=EXAMPLE_BANK_ID)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A temp workspace made by `init_workspace` (with the bundled banks), used by the CLI."""
    made = init_workspace(tmp_path / "workspace")
    monkeypatch.setenv("INTERVIEW_SIM_HOME", str(made.root))
    return made


@pytest.fixture
def example_workspace(
    tmp_path: Path, example_bank_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Workspace:
    """A temp workspace made by `init_workspace` whose only bank is the small test bank.

    Commands run in it do not depend on (nor pay for parsing) the bundled banks.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workspace_module, "bundled_banks_dir", lambda: example_bank_file.parent)
        made = init_workspace(tmp_path / "example-workspace")
    monkeypatch.setenv("INTERVIEW_SIM_HOME", str(made.root))
    return made


@pytest.fixture
def memory_store() -> Iterator[SessionStore]:
    """An in-memory session store with the schema applied."""
    store = SessionStore.memory()
    yield store
    store.close()


@pytest.fixture(scope="session")
def interview_sim_command() -> list[str]:
    """The installed `interview-sim` script (or `python -m interview_sim.cli` without one)."""
    script = Path(sys.executable).with_name("interview-sim")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "interview_sim.cli"]
