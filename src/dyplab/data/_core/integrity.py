"""Integrity: which checksum each file must have, and whether a folder holds a dataset.

A folder *holds* a dataset when every file of the manifest is there with the right checksum, or when every
canonical download has been fetched and verified. A recent check is remembered by file size and
modification time (``<data dir>/.verified.json``), so repeated loads do not re-hash unchanged files.

``DYPLAB_DOWNLOAD_HASHES=<file>`` replaces the pinned checksum of the canonical URLs the file lists, one
``<sha256>  <canonical URL>`` per line (``sha256sum`` style); every other download keeps its pinned sum.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ... import config
from ...io import file_hash, write_atomic
from .registry import DataError, Download, info, manifest

DOWNLOAD_HASHES_ENV = "DYPLAB_DOWNLOAD_HASHES"


@dataclass
class LocationReport:
    """The result of checking one folder against a dataset's manifest."""

    root: Path
    status: str  # "ok", "missing", "incomplete", "corrupt"
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    corrupt: list[tuple[str, str, str]] = field(default_factory=list)  # (file, expected, actual)
    layout: str = "manifest"  # "manifest" or "download"

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def reason(self) -> str:
        if self.status == "ok":
            return f"OK ({self.checked} files verified)"
        if self.status == "missing":
            return f"folder {self.root} does not exist"
        parts = []
        if self.corrupt:
            rel, expected, actual = self.corrupt[0]
            more = f" (and {len(self.corrupt) - 1} more)" if len(self.corrupt) > 1 else ""
            parts.append(
                f"checksum mismatch for {self.root / rel}: expected sha256 {expected}, got {actual}{more}"
            )
        if self.missing:
            more = f" (and {len(self.missing) - 1} more)" if len(self.missing) > 1 else ""
            parts.append(f"{len(self.missing)} file(s) missing, e.g. {self.missing[0]}{more}")
        return "; ".join(parts)

    def problems(self) -> list[str]:
        """One line per damaged or missing file (for ``dyplab data verify``)."""
        lines = [f"corrupt: {rel} (sha256 {actual}, expected {expected})" for rel, expected, actual in self.corrupt]
        return lines + [f"missing: {rel}" for rel in self.missing]


# --------------------------------------------------------------------------- pinned checksums


@functools.lru_cache(maxsize=8)
def _hash_overrides(path: str, stamp: tuple[int, int]) -> dict[str, str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{DOWNLOAD_HASHES_ENV}={path}: cannot read the file ({exc})") from exc
    out = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        digest, _, url = line.partition(" ")
        digest, url = digest.lower().removeprefix("sha256:"), url.strip()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest) or "://" not in url:
            raise DataError(f"{DOWNLOAD_HASHES_ENV}={path}, line {lineno}: expected '<sha256>  <canonical URL>', "
                            f"got {line[:120]!r}")
        out[url] = digest
    return out


def _overrides() -> dict[str, str]:
    path = os.environ.get(DOWNLOAD_HASHES_ENV, "").strip()
    if not path:
        return {}
    try:
        st = os.stat(path)
    except OSError as exc:
        raise DataError(f"{DOWNLOAD_HASHES_ENV}={path}: the file does not exist ({exc})") from exc
    return _hash_overrides(path, (st.st_size, st.st_mtime_ns))  # read again whenever the file changes


def pinned_hash(url: str, known_hash: str) -> str:
    """The checksum a download of ``url`` must have (``"sha256:…"`` or ``"md5:…"``): ``known_hash``, unless
    ``DYPLAB_DOWNLOAD_HASHES`` lists ``url``."""
    override = _overrides().get(url)
    return f"sha256:{override}" if override else known_hash


def download_sha256(item: Download) -> str:
    """The sha256 a :class:`Download` must have (its pinned sum, or the one ``DYPLAB_DOWNLOAD_HASHES`` gives)."""
    return _overrides().get(item.url, item.sha256)


def hash_matches(path: Path, known_hash: str) -> tuple[bool, str]:
    """Whether ``path`` has ``known_hash`` (``"sha256:…"``/``"md5:…"``), and ``"<algorithm> <actual>, expected …"``."""
    algorithm, _, expected = known_hash.partition(":")
    actual = file_hash(path, algorithm)
    return actual == expected.lower(), f"{algorithm} {actual}, expected {expected}"


# --------------------------------------------------------------------------- folders


def _stamp_path() -> Path:
    return config.data_dir() / ".verified.json"


def _load_stamps() -> dict:
    try:
        return json.loads(_stamp_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_stamps(stamps: dict) -> None:
    # a stamp that cannot be written only costs a re-check next time
    write_atomic(_stamp_path(), lambda fh: fh.write(json.dumps(stamps).encode("utf-8")))


def _signature(root: Path, files: list[str]) -> str | None:
    """A digest of (path, size, mtime) of every file; ``None`` when one is missing.

    Only the digest is stored, so the stamp file stays small even for FER2013's 35,887 files.
    """
    h = hashlib.sha256()
    base = os.fspath(root)
    for rel in files:
        try:
            st = os.stat(os.path.join(base, rel))
        except OSError:
            return None
        h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _expected_files(name: str, layout: str) -> dict[str, str]:
    if layout == "manifest":
        return manifest(name)
    return {d.filename: download_sha256(d) for d in info(name).downloads}


def check_location(name: str, root: Path, *, layout: str = "manifest", force: bool = False,
                   files: Sequence[str] | None = None) -> LocationReport:
    """Check ``root`` against the dataset's manifest (or its downloads when ``layout='download'``).

    ``files`` limits the check to some files of the manifest (e.g. one MIT-BIH record), so one damaged
    file does not block the others. A recent check is remembered by file size and modification time, so
    repeated loads do not re-hash unchanged files; ``force=True`` always re-hashes.
    """
    root = Path(root)
    if not root.is_dir():
        return LocationReport(root, "missing", layout=layout)
    expected = _expected_files(name, layout)
    if not expected:
        return LocationReport(root, "incomplete", missing=["<no manifest shipped>"], layout=layout)
    if files is not None:
        unknown = sorted(set(files) - set(expected))
        if unknown:
            raise DataError(f"{unknown} are not files of dataset {name!r} (see `dyplab data info {name}`)")
        expected = {rel: expected[rel] for rel in files}
    subset = "" if files is None else "|" + hashlib.sha256("\n".join(sorted(expected)).encode()).hexdigest()[:12]
    key = f"{name}|{layout}|{root.resolve()}{subset}"
    rels = sorted(expected)
    sig = _signature(root, rels)
    if not force and sig is not None:
        stamps = _load_stamps()
        if stamps.get(key) == sig:
            return LocationReport(root, "ok", checked=len(rels), layout=layout)
    report = LocationReport(root, "ok", layout=layout)
    for rel in rels:
        path = root / rel
        if layout == "download" and _is_extracted_archive(name, rel):
            marker = extraction_marker(root, rel)
            if not marker.is_file() or marker.read_text().strip() != expected[rel]:
                report.missing.append(rel)
            continue
        if not path.is_file():
            report.missing.append(rel)
            continue
        actual = file_hash(path)
        if actual != expected[rel]:
            report.corrupt.append((rel, expected[rel], actual))
        report.checked += 1
    if report.corrupt:
        report.status = "corrupt"
    elif report.missing:
        report.status = "incomplete"
    else:
        stamps = _load_stamps()
        stamps[key] = _signature(root, rels)
        _save_stamps(stamps)
    return report


def _is_extracted_archive(name: str, rel: str) -> bool:
    return any(d.filename == rel and d.extract for d in info(name).downloads)


def extraction_marker(root: Path, rel: str) -> Path:
    """The file that records (by the archive's sha256) that download ``rel`` was extracted into ``root``."""
    return root / f".{PurePosixPath(rel).name}.extracted"


def require_columns(frame, columns, *, what: str) -> None:
    """Raise a clear :class:`DataError` when a table lacks any of ``columns``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{what} is missing column(s) {missing}; found {list(frame.columns)}")
