"""Model catalogue, discovery and the downloader against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import io
import json
import random
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from interview_sim.commands import speech_in
from interview_sim.config import load_settings
from interview_sim.speech import model_download, models
from interview_sim.speech.model_download import DownloadError, download_model, unsafe_member
from interview_sim.speech.models import (
    CATALOGUE,
    CatalogModel,
    ModelError,
    check_model_dir,
    installed_models,
    remove_model,
    resolve_model,
)

_RANDOM = random.Random(3)
MODEL_FILES = {
    "am/final.mdl": _RANDOM.randbytes(40_000),  # incompressible, like a real model
    "conf/mfcc.conf": b"--use-energy=false\n",
    "conf/model.conf": b"--beam=10.0\n",
    "graph/HCLr.fst": _RANDOM.randbytes(20_000),
    "graph/Gr.fst": _RANDOM.randbytes(10_000),
    "README": b"a fake model for tests\n",
}


def build_zip(top: str, files: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (files or MODEL_FILES).items():
            archive.writestr(f"{top}/{name}" if top else name, data)
    return buffer.getvalue()


@dataclass
class Served:
    """What the local server serves, and what it was asked."""

    files: dict[str, bytes] = field(default_factory=dict)
    cut_after: dict[str, int] = field(default_factory=dict)  # send this many bytes, then hang up
    ignore_range: bool = False
    ranges: list[str | None] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    served: Served

    def log_message(self, *_args: object) -> None:
        return None

    def do_GET(self) -> None:
        name = self.path.rsplit("/", 1)[-1]
        data = self.served.files.get(name)
        header = self.headers.get("Range")
        self.served.ranges.append(header)
        if data is None:
            self.send_error(404, "Not Found")
            return
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", header or "")
        if match and not self.served.ignore_range:
            start = int(match.group(1))
            if start >= len(data):
                self.send_error(416, "Range Not Satisfiable")
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        body = data[start:]
        cut = self.served.cut_after.pop(name, None)
        self.wfile.write(body if cut is None else body[:cut])
        self.wfile.flush()
        if cut is not None:
            self.close_connection = True


@pytest.fixture
def server() -> Iterator[tuple[str, Served]]:
    served = Served()
    handler = type("Handler", (_Handler,), {"served": served})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/models", served
    finally:
        httpd.shutdown()
        httpd.server_close()


def entry_for(name: str, data: bytes) -> CatalogModel:
    return CatalogModel(name, len(data), 1.0, 2.0, "tests")


def test_catalogue_has_the_known_english_models() -> None:
    names = [entry.name for entry in CATALOGUE]
    assert names[:3] == [
        "vosk-model-small-en-us-0.15",
        "vosk-model-en-us-0.22-lgraph",
        "vosk-model-en-us-0.22",
    ]
    small = CATALOGUE[0]
    assert (small.wer_librispeech, small.wer_tedlium) == (9.85, 10.38)
    assert small.url == "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"
    assert all(30e6 < e.size_bytes < 3e9 and e.good_for for e in CATALOGUE)


def test_download_installs_atomically_and_records_the_sha256(
    server: tuple[str, Served], tmp_path: Path
) -> None:
    base, served = server
    data = build_zip("vosk-model-test-0.1")
    served.files["vosk-model-test-0.1.zip"] = data
    progress: list[tuple[int, int]] = []
    folder = download_model(
        entry_for("vosk-model-test-0.1", data),
        url=f"{base}/vosk-model-test-0.1.zip",
        progress=lambda done, total: progress.append((done, total)),
    )
    assert folder == models.download_dir() / "vosk-model-test-0.1"
    assert check_model_dir(folder) is None
    assert progress[0] == (0, len(data)) and progress[-1] == (len(data), len(data))
    installed = {m.name: m for m in installed_models()}["vosk-model-test-0.1"]
    manifest = installed.manifest
    assert manifest["size_bytes"] == len(data) and len(str(manifest["sha256"])) == 64
    assert not list(models.download_dir().glob("*.part"))
    assert not [p for p in models.download_dir().iterdir() if p.name.startswith(".")]
    assert resolve_model("vosk-model-test-0.1") == folder
    with pytest.raises(DownloadError, match="already installed"):
        download_model(entry_for("vosk-model-test-0.1", data), url=f"{base}/x.zip")


def test_interrupted_download_resumes_with_a_range_request(
    server: tuple[str, Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, served = server
    data = build_zip("vosk-model-test-0.2")
    served.files["m.zip"] = data
    entry = entry_for("vosk-model-test-0.2", data)
    monkeypatch.setattr(model_download, "_BLOCK", 1024)

    def interrupt(done: int, _total: int) -> None:
        if done > 3000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        download_model(entry, url=f"{base}/m.zip", progress=interrupt)
    part = models.download_dir() / "vosk-model-test-0.2.zip.part"
    kept = part.stat().st_size
    assert 3000 < kept < len(data)
    download_model(entry, url=f"{base}/m.zip")
    assert served.ranges == [None, f"bytes={kept}-"]
    assert check_model_dir(models.download_dir() / "vosk-model-test-0.2") is None


def test_truncated_transfer_keeps_the_part_and_resumes(server: tuple[str, Served]) -> None:
    base, served = server
    data = build_zip("vosk-model-test-0.3")
    served.files["m.zip"] = data
    served.cut_after["m.zip"] = len(data) // 2
    entry = entry_for("vosk-model-test-0.3", data)
    with pytest.raises(DownloadError, match=r"incomplete|broke off") as raised:
        download_model(entry, url=f"{base}/m.zip")
    assert "resume" in raised.value.fix
    assert (models.download_dir() / "vosk-model-test-0.3.zip.part").stat().st_size > 0
    download_model(entry, url=f"{base}/m.zip")
    assert served.ranges[-1] is not None


def test_server_ignoring_range_restarts_from_zero(server: tuple[str, Served]) -> None:
    base, served = server
    data = build_zip("vosk-model-test-0.4")
    served.files["m.zip"] = data
    served.ignore_range = True
    root = models.download_dir()
    root.mkdir(parents=True)
    (root / "vosk-model-test-0.4.zip.part").write_bytes(b"stale bytes")
    download_model(entry_for("vosk-model-test-0.4", data), url=f"{base}/m.zip")
    assert check_model_dir(root / "vosk-model-test-0.4") is None


def test_not_found_is_a_clear_error(server: tuple[str, Served]) -> None:
    base, _ = server
    with pytest.raises(DownloadError, match="HTTP 404"):
        download_model(entry_for("vosk-model-nope", b"x" * 10), url=f"{base}/nope.zip")


def test_size_different_from_the_catalogue_is_refused(server: tuple[str, Served]) -> None:
    base, served = server
    served.files["m.zip"] = build_zip("vosk-model-test-0.5")
    entry = CatalogModel("vosk-model-test-0.5", 123, 1.0, 1.0, "tests")
    with pytest.raises(DownloadError, match="the catalogue says 123"):
        download_model(entry, url=f"{base}/m.zip")


@pytest.mark.parametrize(
    ("label", "payload", "message"),
    [
        ("not a zip", b"<html>maintenance</html>" * 50, "corrupt archive"),
        ("not a model", build_zip("stuff", {"readme.txt": b"hello"}), "not a Vosk model"),
        ("escapes with ..", build_zip("", {**MODEL_FILES, "../evil.txt": b"x"}), "escapes"),
        ("absolute path", build_zip("", {"/etc/evil": b"x"}), "absolute"),
    ],
)
def test_bad_archives_are_refused_and_deleted(
    server: tuple[str, Served], tmp_path: Path, label: str, payload: bytes, message: str
) -> None:
    base, served = server
    served.files["m.zip"] = payload
    entry = entry_for("vosk-model-bad", payload)
    with pytest.raises(DownloadError, match=message):
        download_model(entry, url=f"{base}/m.zip")
    root = models.download_dir()
    assert not (root / "vosk-model-bad").exists(), label
    assert not (root / "vosk-model-bad.zip.part").exists(), label
    assert sorted(p.name for p in root.iterdir()) == [], label
    assert not (tmp_path / "evil.txt").exists()


def test_crc_corruption_is_detected(server: tuple[str, Served]) -> None:
    base, served = server
    data = bytearray(build_zip("vosk-model-test-0.6"))
    data[200] ^= 0xFF  # inside the first member's compressed data
    served.files["m.zip"] = bytes(data)
    with pytest.raises(DownloadError, match="corrupt"):
        download_model(entry_for("vosk-model-test-0.6", bytes(data)), url=f"{base}/m.zip")


def test_checksum_mismatch_is_refused(server: tuple[str, Served]) -> None:
    base, served = server
    data = build_zip("vosk-model-test-0.7")
    served.files["m.zip"] = data
    entry = CatalogModel("vosk-model-test-0.7", len(data), 1.0, 1.0, "tests", sha256="0" * 64)
    with pytest.raises(DownloadError, match="checksum"):
        download_model(entry, url=f"{base}/m.zip")


def test_symlinks_in_archives_are_unsafe() -> None:
    info = zipfile.ZipInfo("model/link")
    info.external_attr = 0o120777 << 16
    assert "symbolic link" in (unsafe_member(info) or "")
    assert unsafe_member(zipfile.ZipInfo("model/am/final.mdl")) is None
    assert unsafe_member(zipfile.ZipInfo("C:/windows/x")) is not None


def test_unknown_catalogue_name_is_refused() -> None:
    with pytest.raises(DownloadError, match="unknown model"):
        download_model("vosk-model-klingon")


def test_mirror_env_changes_the_download_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(models.MIRROR_ENV, "http://127.0.0.1:9/mirror/")
    assert model_download.model_url(CATALOGUE[0]).startswith("http://127.0.0.1:9/mirror/vosk-")


def _install_fake(root: Path, name: str) -> Path:
    for rel, data in MODEL_FILES.items():
        path = root / name / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root / name


def test_discovery_resolution_and_removal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "dl", tmp_path / "system"
    monkeypatch.setenv(models.MODEL_DIRS_ENV, f"{first}:{second}")
    lgraph = _install_fake(first, "vosk-model-en-us-0.22-lgraph")
    small = _install_fake(second, "vosk-model-small-en-us-0.15")
    (first / "vosk-model-broken").mkdir()
    (first / "not-a-model").mkdir()
    found = {m.name: m for m in installed_models()}
    assert set(found) == {"vosk-model-en-us-0.22-lgraph", "vosk-model-small-en-us-0.15",
                          "vosk-model-broken"}  # fmt: skip
    assert found["vosk-model-broken"].problem is not None
    assert resolve_model("") == small  # catalogue order: the small model is preferred
    assert resolve_model("vosk-model-en-us-0.22-lgraph") == lgraph
    assert resolve_model(str(lgraph)) == lgraph.resolve()
    with pytest.raises(ModelError, match="not installed") as raised:
        resolve_model("vosk-model-en-us-0.22")
    assert "model download vosk-model-en-us-0.22" in raised.value.fix
    with pytest.raises(ModelError, match="not a Vosk model"):
        resolve_model("vosk-model-broken")
    with pytest.raises(ModelError, match="not in") as raised:
        remove_model("vosk-model-small-en-us-0.15")
    assert "only removes models it downloaded" in raised.value.fix
    assert remove_model("vosk-model-en-us-0.22-lgraph") == lgraph
    assert not lgraph.exists()
    with pytest.raises(ModelError, match="not a model name"):
        remove_model("../system")


def test_no_model_installed_says_how_to_get_one() -> None:
    with pytest.raises(ModelError, match="no speech model") as raised:
        resolve_model("")
    assert "model download" in raised.value.fix
    status = models.model_status("")
    assert status.ready is False and status.fix


def test_default_folders_are_vosks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(models.MODEL_DIRS_ENV)
    monkeypatch.setenv("VOSK_MODEL_PATH", str(tmp_path / "vmp"))
    dirs = models.model_dirs()
    assert dirs[0] == tmp_path / "vmp"
    assert Path("/usr/share/vosk") in dirs
    assert Path.home() / ".cache" / "vosk" in dirs
    assert models.download_dir() == Path.home() / ".cache" / "vosk"


def test_manifest_of_a_model_not_installed_by_us_is_empty(tmp_path: Path) -> None:
    folder = _install_fake(tmp_path, "x")
    assert models.InstalledModel("x", folder, None).manifest == {}
    (folder / models.MANIFEST).write_text(json.dumps({"sha256": "ab"}))
    assert models.InstalledModel("x", folder, None).manifest == {"sha256": "ab"}


def test_cli_download_use_remove_and_ctrl_c(
    server: tuple[str, Served], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, served = server
    data = build_zip("vosk-model-cli-0.1")
    served.files["vosk-model-cli-0.1.zip"] = data
    catalogue = (*CATALOGUE, entry_for("vosk-model-cli-0.1", data))
    monkeypatch.setattr(models, "CATALOGUE", catalogue)
    monkeypatch.setattr(speech_in, "CATALOGUE", catalogue)
    monkeypatch.setenv(models.MIRROR_ENV, base)

    @click.group()
    @click.pass_context
    def cli(ctx: click.Context) -> None:
        ctx.obj = {"workspace": tmp_path}

    speech_in.register(cli)

    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    code, out, err = run("model", "download", "vosk-model-cli-0.1")
    assert code == 0, err
    assert "installed vosk-model-cli-0.1" in out and "sha256 " in out
    assert "vosk-model-cli-0.1" in err  # the progress bar's label, on stderr
    listed = {row["name"]: row for row in json.loads(run("model", "list", "--json")[1])}
    assert listed["vosk-model-cli-0.1"]["installed"] == "yes"
    assert run("model", "use", "vosk-model-cli-0.1")[0] == 0
    assert load_settings(tmp_path).speech_model == "vosk-model-cli-0.1"
    code, _, err = run("model", "download", "vosk-model-cli-0.1")
    assert code == 1 and "already installed" in err
    assert run("model", "remove", "vosk-model-cli-0.1")[0] == 0
    code, _, err = run("model", "remove", "vosk-model-cli-0.1")
    assert code == 1 and "not installed" in err

    def interrupted(*_args: object, **_kwargs: object) -> Path:
        raise KeyboardInterrupt

    monkeypatch.setattr(speech_in, "download_model", interrupted)
    code, _, err = run("model", "download", "vosk-model-cli-0.1")
    assert code == 1 and "Run the same command again to resume" in err
    assert len(err.strip().splitlines()) == 1
