"""Speech models: the catalogue of English Vosk models, where installed ones are, which one to use.

Nothing here touches the network; downloading is model_download.py, on explicit request only.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from interview_sim.speech.protocols import ComponentStatus

MODEL_DIRS_ENV = "INTERVIEW_SIM_MODEL_DIRS"  # os.pathsep-separated; replaces the usual folders
CACHE_DIR_ENV = "INTERVIEW_SIM_CACHE_DIR"
MIRROR_ENV = "INTERVIEW_SIM_MODEL_MIRROR"  # base URL to download model zips from instead
MODELS_SITE = "https://alphacephei.com/vosk/models/"
MANIFEST = "interview-sim.json"  # written into a model folder we installed (size, sha256, url)


class ModelError(Exception):
    """A speech model that cannot be found, installed or loaded; `fix` says what to do."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.fix = fix


@dataclass(frozen=True, slots=True)
class CatalogModel:
    """A Vosk model the app knows how to download."""

    name: str
    size_bytes: int  # the zip's size
    wer_librispeech: float  # published WER %, LibriSpeech test-clean
    wer_tedlium: float  # published WER %, TED-LIUM
    good_for: str
    sha256: str | None = None  # only when known first-hand; otherwise recorded at install

    @property
    def url(self) -> str:
        """Download URL on the alphacephei models site."""
        return f"{MODELS_SITE}{self.name}.zip"


# Sizes are the "size" fields of alphacephei's model-list.json; WER from its model table.
CATALOGUE: tuple[CatalogModel, ...] = (
    CatalogModel(
        "vosk-model-small-en-us-0.15",
        41_205_931,
        9.85,
        10.38,
        "Start here: small and fast, loads in 1-2.5 s in about 300-550 MB; any laptop.",
    ),
    CatalogModel(
        "vosk-model-en-us-0.22-lgraph",
        130_557_655,
        7.82,
        8.20,
        "Better accuracy for little more memory; the best choice on most machines.",
    ),
    CatalogModel(
        "vosk-model-en-us-0.22",
        1_913_365_522,
        5.69,
        6.05,
        "Most accurate on clear speech; needs several GB of RAM and loads slowly.",
    ),
    CatalogModel(
        "vosk-model-en-us-0.42-gigaspeech",
        2_423_807_363,
        5.64,
        6.24,
        "Trained on podcasts: best with casual, conversational answers; very heavy.",
    ),
)


def catalogue_entry(name: str) -> CatalogModel | None:
    """The catalogue entry of that name, if any."""
    return next((entry for entry in CATALOGUE if entry.name == name), None)


def model_dirs() -> list[Path]:
    """Folders searched for installed models, in order (the override env replaces them all)."""
    override = os.environ.get(MODEL_DIRS_ENV, "")
    if override.strip():
        return [Path(part).expanduser() for part in override.split(os.pathsep) if part.strip()]
    dirs = [Path(os.environ["VOSK_MODEL_PATH"])] if os.environ.get("VOSK_MODEL_PATH") else []
    home = Path.home()
    dirs += [Path("/usr/share/vosk"), home / ".cache" / "vosk", home / "AppData/Local/vosk"]
    return dirs


def download_dir() -> Path:
    """Where downloads are installed: ~/.cache/vosk, or the first override folder."""
    override = os.environ.get(MODEL_DIRS_ENV, "")
    if override.strip():
        return model_dirs()[0]
    return Path.home() / ".cache" / "vosk"


def cache_dir() -> Path:
    """The app's cache folder (model load logs and checks)."""
    override = os.environ.get(CACHE_DIR_ENV, "")
    return (
        Path(override) if override.strip() else Path(platformdirs.user_cache_dir("interview-sim"))
    )


def _nonempty(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


def check_model_dir(path: Path) -> str | None:
    """What is wrong with a model folder, or None when it has the files Vosk needs.

    Checked here because Vosk logs an ERROR straight to fd 2 for a bad path, whatever the level.
    """
    if not path.exists():
        return f"{path} does not exist"
    if not path.is_dir():
        return f"{path} is not a folder"
    old_layout = (path / "final.mdl").exists() and not (path / "am").is_dir()
    if old_layout:
        required = [path / "final.mdl", path / "mfcc.conf"]
        graph = path
    else:
        if not (path / "am").is_dir() and not (path / "conf").is_dir():
            return f"{path} is not a Vosk model (no am/ or final.mdl, no conf/)"
        required = [path / "am" / "final.mdl", path / "conf" / "mfcc.conf"]
        graph = path / "graph"
    missing = [str(p.relative_to(path)) for p in required if not _nonempty(p)]
    has_graph = _nonempty(graph / "HCLG.fst") or (
        _nonempty(graph / "HCLr.fst") and _nonempty(graph / "Gr.fst")
    )
    if not has_graph:
        where = "" if old_layout else "graph/"
        missing.append(f"{where}HCLG.fst (or {where}HCLr.fst + {where}Gr.fst)")
    if missing:
        return f"{path} is an incomplete Vosk model: missing or empty {', '.join(missing)}"
    return None


@dataclass(frozen=True, slots=True)
class InstalledModel:
    """A model folder found on disk."""

    name: str
    path: Path
    problem: str | None  # None when the folder looks complete

    @property
    def entry(self) -> CatalogModel | None:
        """Its catalogue entry, if it is one of the known models."""
        return catalogue_entry(self.name)

    @property
    def manifest(self) -> dict[str, object]:
        """What was recorded when interview-sim installed it ({} otherwise)."""
        try:
            data = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}


def installed_models() -> list[InstalledModel]:
    """Models in the usual folders: complete ones, and vosk-model* folders with their problem."""
    found: list[InstalledModel] = []
    seen: set[str] = set()
    for folder in model_dirs():
        try:
            children = sorted(p for p in folder.iterdir() if p.is_dir())
        except OSError:
            continue
        for child in children:
            if child.name in seen or child.name.startswith("."):
                continue
            problem = check_model_dir(child)
            if problem is None or child.name.startswith("vosk-model"):
                seen.add(child.name)
                found.append(InstalledModel(child.name, child, problem))
    return found


def find_installed(name: str) -> InstalledModel | None:
    """The first installed model folder of that name."""
    return next((model for model in installed_models() if model.name == name), None)


def _download_fix(name: str = "vosk-model-small-en-us-0.15") -> str:
    return f"Run `interview-sim model download {name}`, or pass --model PATH."


def resolve_model(spec: str) -> Path:
    """The folder to load for a setting: "" = the best installed, a model name, or a path."""
    spec = spec.strip()
    if not spec:
        usable = [model for model in installed_models() if model.problem is None]
        order = {entry.name: index for index, entry in enumerate(CATALOGUE)}
        usable.sort(key=lambda model: order.get(model.name, len(order)))
        if not usable:
            raise ModelError("no speech model is installed", _download_fix())
        return usable[0].path
    as_path = Path(spec).expanduser()
    if os.sep in spec or "/" in spec or as_path.exists():
        problem = check_model_dir(as_path)
        if problem:
            raise ModelError(problem, "Pass the folder that contains am/ and conf/.")
        return as_path.resolve()
    model = find_installed(spec)
    if model is None:
        known = catalogue_entry(spec) is not None
        fix = _download_fix(spec) if known else "See `interview-sim model list` for known names."
        raise ModelError(f"speech model {spec!r} is not installed", fix)
    if model.problem:
        raise ModelError(model.problem, f"Remove it and download it again ({_download_fix(spec)})")
    return model.path


def model_status(spec: str) -> ComponentStatus:
    """Whether the configured model can be found and looks complete (nothing is loaded)."""
    try:
        path = resolve_model(spec)
    except ModelError as exc:
        return ComponentStatus("speech model", False, str(exc), exc.fix)
    return ComponentStatus("speech model", True, f"{path.name} ({path})")


def partial_downloads() -> list[Path]:
    """Interrupted downloads that `model download` can resume."""
    try:
        return sorted(download_dir().glob("*.zip.part"))
    except OSError:
        return []


def remove_model(name: str) -> Path:
    """Delete a model that interview-sim downloaded (and its interrupted download)."""
    root = download_dir()
    target = root / name
    part = root / f"{name}.zip.part"
    if os.sep in name or "/" in name or name in ("", ".", ".."):
        raise ModelError(f"{name!r} is not a model name", "Give a name from `model list`.")
    if not target.is_dir():
        if part.exists():
            part.unlink()
            return part
        other = find_installed(name)
        if other is not None:
            raise ModelError(
                f"{name} is in {other.path.parent}, not in {root}",
                "interview-sim only removes models it downloaded; delete that folder yourself.",
            )
        raise ModelError(
            f"speech model {name!r} is not installed", "See `interview-sim model list`."
        )
    shutil.rmtree(target)
    part.unlink(missing_ok=True)
    return target
