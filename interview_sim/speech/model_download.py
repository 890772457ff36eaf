"""Download and install a Vosk model: the app's only network access, on explicit request.

HTTP Range resumes into NAME.zip.part; the size is checked against the catalogue; the zip is
checked (CRCs, no absolute paths, no "..", no links) before it is unpacked into a temporary folder
next to the target and renamed atomically into place. urllib only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from http.client import HTTPException, HTTPResponse
from pathlib import Path, PurePosixPath
from typing import IO

from interview_sim import __version__
from interview_sim.speech.models import (
    MANIFEST,
    MIRROR_ENV,
    CatalogModel,
    ModelError,
    catalogue_entry,
    check_model_dir,
    download_dir,
)

Progress = Callable[[int, int], None]  # (bytes so far, total bytes)
_BLOCK = 1 << 20
_RETRY_FIX = "Run the same command again to resume."
_NETWORK_FIX = "Check the internet connection, then run the same command again."
_MAX_EXPANSION = 10  # Vosk zips unpack to about 1.1-2x; far more means a zip bomb
_EXPANSION_SLACK = 100 << 20


class DownloadError(ModelError):
    """A download or install that failed; the message says whether the .part file was kept."""


def model_url(entry: CatalogModel) -> str:
    """Where to fetch the zip: the alphacephei site, or a mirror named in the environment."""
    mirror = os.environ.get(MIRROR_ENV, "").strip()
    return f"{mirror.rstrip('/')}/{entry.name}.zip" if mirror else entry.url


def download_model(
    name_or_entry: str | CatalogModel,
    *,
    url: str | None = None,
    dest: Path | None = None,
    progress: Progress | None = None,
    timeout: float = 30.0,
) -> Path:
    """Fetch, check and install one catalogue model; returns its folder. Raises DownloadError."""
    entry = _entry(name_or_entry)
    root = dest or download_dir()
    final = root / entry.name
    if final.exists():
        raise DownloadError(f"{entry.name} is already installed in {final}", "Nothing to do.")
    root.mkdir(parents=True, exist_ok=True)
    part = root / f"{entry.name}.zip.part"
    _fetch(url or model_url(entry), part, entry.size_bytes, progress, timeout)
    sha256 = _verify(part, entry)
    _install(part, final, entry, sha256, url or model_url(entry))
    part.unlink(missing_ok=True)
    return final


def _entry(name_or_entry: str | CatalogModel) -> CatalogModel:
    if isinstance(name_or_entry, CatalogModel):
        return name_or_entry
    entry = catalogue_entry(name_or_entry)
    if entry is None:
        raise DownloadError(
            f"unknown model {name_or_entry!r}",
            "See `interview-sim model list`; other models can be unpacked by hand and used "
            "with `model use PATH`.",
        )
    return entry


def _request(url: str, offset: int) -> urllib.request.Request:
    headers = {"User-Agent": f"interview-sim/{__version__}"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    return urllib.request.Request(url, headers=headers)


def _fetch(url: str, part: Path, expected: int, progress: Progress | None, timeout: float) -> None:
    have = part.stat().st_size if part.exists() else 0
    if have > expected:
        part.unlink()
        have = 0
    if have == expected:
        return  # finished before; verification decides whether it is good
    try:
        response: HTTPResponse = urllib.request.urlopen(_request(url, have), timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:
            part.unlink()  # the server disowns our partial file: start over
            return _fetch(url, part, expected, progress, timeout)
        raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}", _RETRY_FIX) from exc
    except (urllib.error.URLError, OSError, HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"cannot reach {url}: {reason}", _NETWORK_FIX) from exc
    with response:
        mode = "ab"
        if have and response.status != 206:
            have, mode = 0, "wb"  # the server ignored the Range header
        elif have:
            _check_content_range(response.headers.get("Content-Range", ""), have, expected, url)
        total = _announced_total(response, have)
        if total is not None and total != expected:
            raise DownloadError(
                f"{url} is {total} bytes, the catalogue says {expected}",
                "The server has a different file; the download was not started.",
            )
        with part.open(mode) as out:
            _copy(response, out, have, expected, progress, url)


def _check_content_range(header: str, have: int, expected: int, url: str) -> None:
    match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+|\*)", header.strip())
    if not match or int(match.group(1)) != have:
        raise DownloadError(f"{url}: unexpected Content-Range {header!r}", _RETRY_FIX)
    if match.group(3) != "*" and int(match.group(3)) != expected:
        raise DownloadError(f"{url}: the file changed size on the server", "Delete the .part file.")


def _announced_total(response: HTTPResponse, have: int) -> int | None:
    length = response.headers.get("Content-Length")
    return have + int(length) if length and length.isdigit() else None


def _copy(
    response: HTTPResponse,
    out: IO[bytes],
    done: int,
    expected: int,
    progress: Progress | None,
    url: str,
) -> None:
    if progress:
        progress(done, expected)
    try:
        while block := response.read(_BLOCK):
            out.write(block)
            done += len(block)
            if done > expected:
                break
            if progress:
                progress(done, expected)
    except (OSError, urllib.error.URLError, HTTPException) as exc:
        out.flush()
        raise DownloadError(
            f"download of {url} broke off at {done} bytes: {exc}", _RETRY_FIX
        ) from exc


def _verify(part: Path, entry: CatalogModel) -> str:
    size = part.stat().st_size
    if size < entry.size_bytes:
        raise DownloadError(
            f"download incomplete: {size} of {entry.size_bytes} bytes (kept in {part})", _RETRY_FIX
        )
    if size > entry.size_bytes:
        part.unlink()
        raise DownloadError(
            f"download is {size} bytes, expected {entry.size_bytes}; deleted it", "Try again."
        )
    digest = hashlib.sha256()
    with part.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    sha256 = digest.hexdigest()
    if entry.sha256 and sha256 != entry.sha256:
        part.unlink()
        raise DownloadError(
            f"checksum mismatch for {entry.name}; deleted the download", "Try again."
        )
    return sha256


def unsafe_member(info: zipfile.ZipInfo) -> str | None:
    """Why a zip member may not be unpacked, or None."""
    name = info.filename
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or "\\" in name:
        return f"absolute or Windows path {name!r}"
    if ".." in PurePosixPath(name).parts:
        return f"path escapes the folder: {name!r}"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return f"symbolic link {name!r}"
    return None


def _model_root(names: list[str]) -> str:
    """The single top folder of the archive ("" when files sit at the top level)."""
    tops = {PurePosixPath(name).parts[0] for name in names if PurePosixPath(name).parts}
    nested = all(len(PurePosixPath(n).parts) > 1 or n.endswith("/") for n in names)
    return tops.pop() if len(tops) == 1 and nested else ""


def _install(part: Path, final: Path, entry: CatalogModel, sha256: str, url: str) -> None:
    try:
        with zipfile.ZipFile(part) as archive:
            problem = _archive_problem(archive, entry.size_bytes)
            if problem is None:
                problem = _unpack(archive, final, entry, sha256, url)
    except (zipfile.BadZipFile, EOFError) as exc:
        problem = f"corrupt archive: {exc}"
    if problem is not None:
        part.unlink(missing_ok=True)  # only once the zip is closed (Windows keeps it locked)
        raise DownloadError(f"{problem}; deleted the download", "Try again, or use a mirror.")


def _archive_problem(archive: zipfile.ZipFile, zip_size: int) -> str | None:
    members = archive.infolist()
    problems = [p for p in map(unsafe_member, members) if p]
    if problems:
        return f"unsafe archive: {problems[0]}"
    if sum(m.file_size for m in members) > _MAX_EXPANSION * zip_size + _EXPANSION_SLACK:
        return "unsafe archive: it would unpack to far more than a model's size"
    broken = archive.testzip()
    return f"corrupt archive: CRC error in {broken}" if broken is not None else None


def _unpack(
    archive: zipfile.ZipFile, final: Path, entry: CatalogModel, sha256: str, url: str
) -> str | None:
    staging = Path(tempfile.mkdtemp(prefix=f".{entry.name}.", dir=final.parent))
    try:
        archive.extractall(staging)
        root = staging / _model_root(archive.namelist())
        problem = check_model_dir(root)
        if problem:
            return f"the archive is not a Vosk model: {problem.replace(str(staging), '')}"
        manifest = {
            "name": entry.name,
            "url": url,
            "size_bytes": entry.size_bytes,
            "sha256": sha256,
            "installed": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        (root / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.rename(root, final)  # atomic on one file system: never a half-installed model
        return None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
