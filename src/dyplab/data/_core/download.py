"""Download and extract: canonical files fetched into the cache, verified, and archives unpacked safely.

``DYPLAB_DOWNLOAD_BASE=http://host:port[/prefix]`` fetches every canonical URL ``https://<host>/<path>`` from
``<base>/<host>/<path>`` instead (a folder laid out by host and path, served by any static web server, e.g.
``python -m http.server``), for a course server or the offline tests, without touching any loader.
"""

from __future__ import annotations

import os
import shutil
import stat
import tarfile
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from ...io import file_hash
from .integrity import download_sha256, extraction_marker, hash_matches
from .registry import ChecksumError, DataError, DatasetInfo

DOWNLOAD_BASE_ENV = "DYPLAB_DOWNLOAD_BASE"


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
            ok, detail = hash_matches(Path(tmp), known_hash)
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


def download_all(meta: DatasetInfo, dest: Path, *, progress: bool, files: Sequence[str] | None = None) -> None:
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
        marker = extraction_marker(dest, item.filename)
        if item.extract and marker.is_file() and marker.read_text().strip() == sha:
            continue
        if not item.extract and target.is_file() and file_hash(target) == sha:
            continue
        download_file(item.url, f"sha256:{sha}", target, progress=progress)
        if item.extract:
            safe_extract(target, dest)
            marker.write_text(sha)


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
