"""Dataset registry, resolution (cache → mirror → download), checksums and safe extraction.

Every dataset is described by a :class:`DatasetInfo` and a manifest of sha256 sums shipped
inside the package (``manifests/<name>.sha256``, the same lines as the course mirror's
``SHA256SUMS``). A folder *holds* a dataset when every file of the manifest is there with the
right checksum, or when every canonical download has been fetched and verified.

Downloads can be redirected for a course server or the offline tests, without touching any loader:

- ``DYPLAB_DOWNLOAD_BASE=http://host:port[/prefix]`` fetches every canonical URL
  ``https://<host>/<path>`` from ``<base>/<host>/<path>`` instead (a folder laid out by host and path,
  served by any static web server, e.g. ``python -m http.server``).
- ``DYPLAB_DOWNLOAD_HASHES=<file>`` replaces the pinned checksum of the canonical URLs the file lists, one
  ``<sha256>  <canonical URL>`` per line (``sha256sum`` style); every other download keeps its pinned sum.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import shutil
import stat
import tarfile
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import quote, urlsplit

import numpy as np

from .. import config


class DataError(RuntimeError):
    """A dataset could not be found, verified or read. The message says how to fix it."""


class ChecksumError(DataError):
    """A file's sha256 is not the expected one."""


@dataclass(frozen=True)
class Download:
    """One file at its canonical URL. ``extract`` unpacks an archive into the dataset folder."""

    url: str
    sha256: str
    filename: str
    extract: bool = False


@dataclass(frozen=True)
class DatasetInfo:
    """What a dataset is, where it comes from and under which terms it may be used."""

    name: str
    title: str
    description: str
    license: str
    citation: str
    homepage: str
    used_in: str = ""
    downloads: tuple[Download, ...] = ()
    manual: str = ""
    notes: str = ""
    #: ``(relative path, sha256)`` of every file; empty means the manifest shipped in ``manifests/<name>.sha256``.
    files: tuple[tuple[str, str], ...] = ()


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


_REGISTRY: dict[str, DatasetInfo] = {}
_SOURCES: dict[str, tuple[str, Path]] = {}


def register(info: DatasetInfo) -> DatasetInfo:
    """Add a dataset to the registry (called once by each dataset module)."""
    _REGISTRY[info.name] = info
    return info


def unregister(name: str) -> None:
    """Remove a dataset from the registry (for tests that register a dataset of their own)."""
    _REGISTRY.pop(name, None)
    _SOURCES.pop(name, None)


def list_datasets() -> list[DatasetInfo]:
    """All registered datasets, sorted by name."""
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def info(name: str) -> DatasetInfo:
    """The :class:`DatasetInfo` of ``name``; a clear error for unknown names."""
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise DataError(f"Unknown dataset {name!r}. Known datasets: {known}.") from None


def manifest(name: str) -> dict[str, str]:
    """The manifest of ``name``: relative path → sha256 (declared in its :class:`DatasetInfo` or shipped)."""
    declared = _REGISTRY[name].files if name in _REGISTRY else ()  # modules read their manifest before registering
    return dict(declared) if declared else dict(_shipped_manifest(name))


@functools.lru_cache(maxsize=32)
def _shipped_manifest(name: str) -> tuple[tuple[str, str], ...]:
    # parsed once per process: FER2013's manifest has 35,887 lines
    base = resources.files("dyplab.data") / "manifests"
    plain, packed = base / f"{name}.sha256", base / f"{name}.sha256.gz"
    if plain.is_file():
        text = plain.read_text(encoding="utf-8")
    elif packed.is_file():
        text = gzip.decompress(packed.read_bytes()).decode("utf-8")
    else:
        return ()
    return tuple(parse_sha256sums(text).items())


def parse_sha256sums(text: str) -> dict[str, str]:
    """Parse ``sha256sum`` output (``<hash>  <path>``) into a dict."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        digest, _, rel = line.partition(" ")
        out[rel.strip().lstrip("*")] = digest.lower()
    return out


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The sha256 hex digest of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------- verification


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


def write_atomic(path: Path, write: Callable[[BinaryIO], object]) -> bool:
    """Write ``path`` through a temporary file beside it and rename it into place.

    Readers never see a half-written file. For cache files: an ``OSError`` (e.g. a read-only cache)
    is swallowed and reported as ``False``, since a missing cache entry only costs recomputation.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                write(fh)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        return False
    return True


def save_npz_atomic(path: Path, **arrays) -> bool:
    """Save arrays as an ``.npz`` cache file with :func:`write_atomic`."""
    return write_atomic(path, lambda fh: np.savez(fh, **arrays))


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
            marker = _marker(root, rel)
            if not marker.is_file() or marker.read_text().strip() != expected[rel]:
                report.missing.append(rel)
            continue
        if not path.is_file():
            report.missing.append(rel)
            continue
        actual = sha256_file(path)
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


def _marker(root: Path, rel: str) -> Path:
    return root / f".{PurePosixPath(rel).name}.extracted"


# --------------------------------------------------------------------------- resolution


def cache_path(name: str) -> Path:
    """Where ``name`` lives in the user's cache (it may not exist yet)."""
    return config.data_dir() / name


def locations(name: str) -> list[tuple[str, Path, str]]:
    """The places that may hold ``name``, in the order :func:`fetch` tries them: ``(where, folder, layout)``.

    ``where`` is ``"cache"`` or ``"mirror"``; ``layout`` is ``"manifest"`` (every file of the shipped
    manifest) or ``"download"`` (every canonical download, fetched and verified).
    """
    meta = info(name)
    places = [("cache", cache_path(name), "manifest")]
    if meta.downloads:
        places.append(("cache", cache_path(name), "download"))
    mirror = config.mirror_dir()
    if mirror is not None:
        places.append(("mirror", mirror / name, "manifest"))
    return places


def verify(name: str) -> list[tuple[str, LocationReport]]:
    """Re-hash every copy of ``name`` that :func:`fetch` could use: ``[(where, report), ...]``."""
    return [(where, check_location(name, root, layout=layout, force=True)) for where, root, layout in locations(name)]


def repair(name: str) -> list[str]:
    """Replace damaged files of the cache copy of ``name`` with verified ones from the mirror.

    Each replacement is written atomically from a copy whose sha256 was checked. Returns one line per file
    replaced. Without a good mirror copy a damaged cache file is deleted, so that the next fetch gets it again.
    """
    cache = cache_path(name)
    if info(name).downloads and check_location(name, cache, layout="download", force=True).ok:
        return []  # the cache holds the verified canonical download; its files differ from the mirror's by design
    report = check_location(name, cache, force=True)
    damaged = [rel for rel, _, _ in report.corrupt]
    mirror = config.mirror_dir()
    good = mirror / name if mirror is not None else None
    expected = manifest(name)
    done = []
    for rel in damaged:
        source_file = None if good is None else good / rel
        if source_file is not None and source_file.is_file() and sha256_file(source_file) == expected[rel]:
            with open(source_file, "rb") as src:
                if not write_atomic(cache / rel, lambda fh, src=src: shutil.copyfileobj(src, fh)):
                    raise DataError(f"could not write {cache / rel} while repairing {name!r}; is the disk full?")
            done.append(f"replaced {cache / rel} with the verified copy from {source_file}")
        elif (cache / rel).is_file():
            (cache / rel).unlink()
            done.append(f"deleted damaged {cache / rel} (no verified copy to replace it; fetch it again)")
    return done


def _warn_damaged(name: str, report: LocationReport) -> None:
    warnings.warn(f"the cached copy of {name!r} is damaged ({report.reason()}); it is not used. "
                  f"Repair it with `dyplab data verify --repair {name}`.", stacklevel=3)


def fetch(name: str, *, progress: bool = True, files: Sequence[str] | None = None) -> Path:
    """Return a folder that holds dataset ``name``, verified by sha256.

    Looks in the user's cache, then in the course mirror (``DYPLAB_DATA_MIRROR``), then
    downloads from the canonical URL into the cache (unless ``DYPLAB_OFFLINE=1``). When all
    fail, the error lists each source and why it failed. ``files`` asks only for some files of the
    manifest (a loader that reads one record need not wait for, or fail on, the others).
    A corrupt copy in the cache is never used; a warning says so and how to repair it.
    """
    meta = info(name)
    tried: list[tuple[str, str]] = []
    reasons: dict[str, str] = {}
    damaged = None
    for where, root, layout in locations(name):
        if files is not None and layout != "manifest":
            continue
        report = check_location(name, root, layout=layout, files=files)
        if where != "cache" and damaged is not None:  # every cache layout was tried: the damage is real
            _warn_damaged(name, damaged)
            damaged = None
        if report.ok:
            _SOURCES[name] = (where, root)
            return root
        if where == "cache" and report.status == "corrupt" and damaged is None:
            damaged = report  # a complete download in the same folder is not damage: warn only when none verifies
        reasons[where] = report.reason()
    if damaged is not None:
        _warn_damaged(name, damaged)
    cache = cache_path(name)
    tried.append(("cache", reasons.get("cache", "not checked")))
    tried.append(("mirror", reasons.get("mirror", "DYPLAB_DATA_MIRROR is not set")))

    if config.offline():
        tried.append(("download", "skipped because DYPLAB_OFFLINE=1"))
    elif not meta.downloads:
        tried.append(("download", "no public download for this dataset"))
    else:
        try:
            _download_all(meta, cache, progress=progress, files=files)
            if files is None:
                report = check_location(name, cache, layout="download", force=True)
            else:
                report = check_location(name, cache, force=True, files=files)
            if report.ok:
                _SOURCES[name] = ("download", cache)
                return cache
            tried.append(("download", report.reason()))
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the user below
            tried.append(("download", f"{type(exc).__name__}: {exc}"))

    raise DataError(_unavailable_message(meta, tried))


def file_hash(path: Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file (``sha256``, or ``md5`` where a source publishes only MD5 sums)."""
    if algorithm == "sha256":
        return sha256_file(path)
    h = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _hash_ok(path: Path, known_hash: str) -> tuple[bool, str]:
    algorithm, _, expected = known_hash.partition(":")
    actual = file_hash(path, algorithm)
    return actual == expected.lower(), f"{algorithm} {actual}, expected {expected}"


def fetch_file(
    name: str,
    filename: str,
    *,
    url: str | None = None,
    known_hash: str | None = None,
    mirror_file: str | None = None,
    progress: bool = True,
    hint: str = "",
) -> Path:
    """One file of dataset ``name`` that is fetched on its own (e.g. one MedMNIST flag).

    Looks for ``filename`` in the cache (checked against ``known_hash``, ``"sha256:…"`` or ``"md5:…"``),
    then for ``mirror_file`` in the course mirror (checked against the shipped manifest), then downloads
    ``url`` into the cache (unless ``DYPLAB_OFFLINE=1``). The error lists every source and why it failed.
    """
    meta = info(name)
    tried: list[tuple[str, str]] = []
    cached = cache_path(name) / filename
    if not cached.is_file():
        tried.append(("cache", f"{cached} does not exist"))
    elif known_hash is None:
        tried.append(("cache", f"{cached} exists but no published checksum is known to verify it"))
    else:
        ok, detail = _hash_ok(cached, pinned_hash(url, known_hash) if url else known_hash)
        if ok:
            _SOURCES[name] = ("cache", cached.parent)
            return cached
        tried.append(("cache", f"{cached} has {detail}; delete it"))
    if mirror_file is None:
        tried.append(("mirror", f"the course mirror does not hold {filename}"))
    else:
        expected = manifest(name).get(mirror_file)
        for where, root in (("cache", cache_path(name)), ("mirror", config.mirror_dir())):
            if root is None:
                tried.append(("mirror", "DYPLAB_DATA_MIRROR is not set"))
                continue
            folder = root if where == "cache" else root / name
            path = folder / mirror_file
            if expected and path.is_file():
                actual = sha256_file(path)
                if actual == expected:
                    _SOURCES[name] = (where, folder)
                    return path
                tried.append((where, f"checksum mismatch for {path}: expected sha256 {expected}, got {actual}"))
            elif where == "mirror":
                tried.append(("mirror", f"{path} does not exist"))
    if config.offline():
        tried.append(("download", "skipped because DYPLAB_OFFLINE=1"))
    elif url is None or known_hash is None:
        tried.append(("download", f"no official URL and checksum known for {filename}{'; ' + hint if hint else ''}"))
    else:
        try:
            download_file(url, pinned_hash(url, known_hash), cached, progress=progress)
            _SOURCES[name] = ("download", cached.parent)
            return cached
        except DataError as exc:
            tried.append(("download", str(exc)))
    raise DataError(_unavailable_message(meta, tried, what=f"{filename} of dataset {name!r}"))


def _unavailable_message(meta: DatasetInfo, tried: list[tuple[str, str]], what: str | None = None) -> str:
    lines = [f"{what or f'Dataset {meta.name!r}'} ({meta.title}) is not available. Sources tried:"]
    lines += [f"  - {where}: {why}" for where, why in tried]
    lines.append("How to fix it:")
    if meta.downloads:
        lines.append(f"  - online: run `dyplab data fetch {meta.name}` (downloads into {cache_path(meta.name)})")
    lines.append(
        "  - offline: point DYPLAB_DATA_MIRROR at a course mirror that has a "
        f"'{meta.name}/' folder (check it with `dyplab data verify {meta.name}`)"
    )
    if meta.manual:
        lines.append(f"  - by hand: {meta.manual}")
    lines.append(f"  - corrupt files: delete them from {cache_path(meta.name)} and fetch again")
    return "\n".join(lines)


def source(name: str) -> tuple[str, Path] | None:
    """Where the last :func:`fetch` of ``name`` found it: ``(kind, folder)``."""
    return _SOURCES.get(name)


def describe_source(name: str) -> str:
    """One line for notebooks: dataset, origin, folder and license."""
    meta = info(name)
    where = _SOURCES.get(name)
    origin = {"cache": "lokal cache", "mirror": "kursspeil (mirror)", "download": "lastet ned"}
    place = f"{origin[where[0]]}: {where[1]}" if where else "ikke hentet ennå"
    return f"{meta.title} — {place} — lisens: {meta.license}"


# --------------------------------------------------------------------------- download


DOWNLOAD_BASE_ENV = "DYPLAB_DOWNLOAD_BASE"
DOWNLOAD_HASHES_ENV = "DYPLAB_DOWNLOAD_HASHES"


def download_url(url: str) -> str:
    """Where the canonical ``url`` is fetched from: itself, or ``<DYPLAB_DOWNLOAD_BASE>/<host>/<path>``.

    The override keeps the host as the first folder and the whole path (and query), so one static web server
    over a folder laid out ``<host>/<path>`` stands in for every source.
    """
    base = os.environ.get(DOWNLOAD_BASE_ENV, "").strip()
    if not base:
        return url
    if not base.startswith(("http://", "https://")):
        raise DataError(f"{DOWNLOAD_BASE_ENV}={base!r} must start with http:// or https:// "
                        "(for example http://127.0.0.1:8000)")
    parts = urlsplit(url)
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{base.rstrip('/')}/{parts.netloc}{rest}"


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


def download_file(url: str, known_hash: str, target: Path, *, progress: bool = True, attempts: int = 2) -> Path:
    """Download the canonical ``url`` into ``target`` and check ``known_hash`` (``"sha256:…"``/``"md5:…"``).

    The bytes go to a temporary file beside ``target`` that is renamed into place only after the checksum
    matched, so an interrupted transfer or a wrong file never looks valid. A transfer that breaks off is
    restarted (``attempts`` in all); a missing file (HTTP error) or a wrong checksum is a :class:`DataError`
    that names the file, the URL and what to do.
    """
    import pooch
    import requests

    target = Path(target)
    source = download_url(url)
    via = f" (via {DOWNLOAD_BASE_ENV}: {source})" if source != url else ""
    target.parent.mkdir(parents=True, exist_ok=True)
    downloader = pooch.HTTPDownloader(progressbar=progress, timeout=60)
    for attempt in range(1, attempts + 1):
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".part", dir=target.parent)
        os.close(fd)
        try:
            try:
                downloader(source, tmp, None)
            except requests.HTTPError as exc:
                status = exc.response.status_code if exc.response is not None else "?"
                raise DataError(
                    f"download of {target.name} failed: {url}{via} answered HTTP {status}; nothing was saved. "
                    "The source may have moved: check your internet connection, run the command again later, "
                    "or use a course mirror (DYPLAB_DATA_MIRROR)"
                ) from None
            except (requests.RequestException, OSError) as exc:
                if attempt < attempts:
                    continue
                raise DataError(
                    f"download of {target.name} from {url}{via} was interrupted {attempts} times "
                    f"({type(exc).__name__}: {exc}); nothing was saved. Run the same command again to restart it"
                ) from None
            ok, detail = _hash_ok(Path(tmp), known_hash)
            if not ok:
                raise ChecksumError(
                    f"download of {target.name} from {url}{via} has {detail}: the transfer was cut short or the "
                    "file changed at its source; nothing was saved. Run the command again; if it fails again, "
                    "use a course mirror (DYPLAB_DATA_MIRROR) and report the checksum"
                )
            os.replace(tmp, target)
            return target
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    raise AssertionError("unreachable")  # pragma: no cover


_BARS_PER_FILE = 10


def _download_all(meta: DatasetInfo, dest: Path, *, progress: bool, files: Sequence[str] | None = None) -> None:
    """Download (and extract) the dataset's canonical files one at a time; with ``files``, only the downloads
    that are those files when the dataset is published file by file (an archive is always fetched whole).

    Up to :data:`_BARS_PER_FILE` files each get a progress bar; more (e.g. OASIS' 608 files) get one bar over
    the files."""
    dest.mkdir(parents=True, exist_ok=True)
    wanted = None if files is None or any(d.extract for d in meta.downloads) else set(files)
    items = [d for d in meta.downloads if wanted is None or d.filename in wanted]
    if progress and len(items) > _BARS_PER_FILE:
        from tqdm.auto import tqdm

        items, progress = tqdm(items, desc=f"{meta.name}: files", unit="file"), False
    for item in items:
        sha = download_sha256(item)
        target = dest / item.filename
        marker = _marker(dest, item.filename)
        if item.extract and marker.is_file() and marker.read_text().strip() == sha:
            continue
        if not item.extract and target.is_file() and sha256_file(target) == sha:
            continue
        download_file(item.url, f"sha256:{sha}", target, progress=progress)
        if item.extract:
            safe_extract(target, dest)
            marker.write_text(sha)


def sourced_downloads(listing: str, base_url: str, filename: Callable[[str], str]) -> tuple[Download, ...]:
    """Downloads declared by a shipped ``manifests/<listing>`` in ``sha256sum`` form, paths relative to ``base_url``.

    For datasets whose files are published one by one under a pinned address (e.g. a raw GitHub commit);
    ``filename`` maps a source path to the file's name in the dataset folder.
    """
    text = (resources.files("dyplab.data") / "manifests" / listing).read_text(encoding="utf-8")
    return tuple(Download(url=base_url + quote(rel), sha256=digest, filename=filename(rel))
                 for rel, digest in parse_sha256sums(text).items())


def safe_extract(archive: Path, dest: Path) -> list[Path]:
    """Extract a zip or tar archive into ``dest`` without letting any member escape it.

    Members are written to a temporary folder beside ``dest`` first and moved into place only
    when the whole archive extracted cleanly. Absolute paths, ``..`` components and links are
    refused with a :class:`DataError`.
    """
    archive, dest = Path(archive), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".extract-", dir=dest))
    try:
        if zipfile.is_zipfile(archive):
            _extract_zip(archive, tmp)
        elif _is_tar(archive):
            _extract_tar(archive, tmp)
        else:
            raise DataError(f"{archive} is neither a zip nor a tar archive (is the download corrupt?); {_ADVICE}")
        moved = []
        for entry in sorted(tmp.iterdir()):
            target = dest / entry.name
            if target.is_dir() and entry.is_dir():
                shutil.copytree(entry, target, dirs_exist_ok=True)
            else:
                if target.is_dir():
                    shutil.rmtree(target)
                os.replace(entry, target)
            moved.append(target)
        return moved
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_ADVICE = "delete the file and fetch the dataset again (`dyplab data fetch NAME`)"


def _is_tar(archive: Path) -> bool:
    """``tarfile.is_tarfile``, except that a truncated compressed archive is an error that says so."""
    try:
        return tarfile.is_tarfile(archive)
    except (EOFError, OSError, tarfile.TarError) as exc:
        raise DataError(f"could not read {archive}: the archive is corrupt or truncated ({exc}); {_ADVICE}") from exc


def _check_member_name(archive: Path, name: str) -> None:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and pure.parts[0].endswith(":")):
        raise DataError(f"refusing to extract {archive}: member {name!r} would be written outside the target folder")


def _extract_zip(archive: Path, dest: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.infolist():
                _check_member_name(archive, member.filename)
                mode = member.external_attr >> 16
                if stat.S_ISLNK(mode):
                    raise DataError(f"refusing to extract {archive}: member {member.filename!r} is a symbolic link")
            zf.extractall(dest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise DataError(f"could not extract {archive}: the archive is corrupt or truncated ({exc}); {_ADVICE}") from exc


def _extract_tar(archive: Path, dest: Path) -> None:
    try:
        with tarfile.open(archive) as tf:
            for member in tf.getmembers():
                _check_member_name(archive, member.name)
                if member.issym() or member.islnk():
                    raise DataError(f"refusing to extract {archive}: member {member.name!r} is a link")
                if not (member.isfile() or member.isdir()):
                    raise DataError(f"refusing to extract {archive}: member {member.name!r} is not a regular file")
            if hasattr(tarfile, "data_filter"):  # Python >= 3.10.12 / 3.11.4
                tf.extractall(dest, filter="data")
            else:  # pragma: no cover - older patch releases; members were checked above
                tf.extractall(dest)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise DataError(f"could not extract {archive}: the archive is corrupt or truncated ({exc}); {_ADVICE}") from exc


def require_columns(frame, columns, *, what: str) -> None:
    """Raise a clear :class:`DataError` when a table lacks any of ``columns``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{what} is missing column(s) {missing}; found {list(frame.columns)}")


def manifest_downloads(name: str, base_url: str, *, skip: tuple[str, ...] = ()) -> tuple[Download, ...]:
    """One :class:`Download` per manifest file, at ``base_url + <file>``."""
    return tuple(
        Download(url=base_url + rel, sha256=digest, filename=rel)
        for rel, digest in sorted(manifest(name).items())
        if rel not in skip
    )
