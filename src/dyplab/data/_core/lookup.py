"""Lookup: the one chain that finds a dataset (cache → course mirror → download), and its repair.

:func:`fetch` (a whole dataset, or some files of its manifest) and :func:`fetch_file` (one file fetched on
its own, e.g. a MedMNIST flag) differ only in what they look for in each place; both walk the same places in
the same order through :func:`_resolve`, record where the data was found (:func:`source`) and, when every
place fails, raise one :class:`DataError` that lists each source and why it failed.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from ... import config
from ...io import file_hash, write_atomic
from .download import download_all, download_file
from .integrity import LocationReport, check_location, hash_matches, pinned_hash
from .registry import _SOURCES, DataError, DatasetInfo, info, manifest

#: what one place held: ``(the path found or None, why not (one line each), a damaged cache copy or None)``
Look = tuple[Path | None, list[str], LocationReport | None]


def cache_path(name: str) -> Path:
    """Where ``name`` lives in the user's cache (it may not exist yet)."""
    return config.data_dir() / name


def places(name: str) -> list[tuple[str, Path]]:
    """The folders that may hold ``name``, in lookup order: ``[("cache", folder), ("mirror", folder)]``.

    The mirror is there only when ``DYPLAB_DATA_MIRROR`` is set.
    """
    found = [("cache", cache_path(name))]
    mirror = config.mirror_dir()
    if mirror is not None:
        found.append(("mirror", mirror / name))
    return found


def locations(name: str) -> list[tuple[str, Path, str]]:
    """The places that may hold ``name``, in the order :func:`fetch` tries them: ``(where, folder, layout)``.

    ``where`` is ``"cache"`` or ``"mirror"``; ``layout`` is ``"manifest"`` (every file of the shipped
    manifest) or ``"download"`` (every canonical download, fetched and verified; only in the cache).
    """
    return [(where, root, layout) for where, root in places(name) for layout in _layouts(name, where)]


def _layouts(name: str, where: str) -> tuple[str, ...]:
    """How a place can hold ``name``: the manifest's files, and in the cache also the verified downloads."""
    return ("manifest", "download") if where == "cache" and info(name).downloads else ("manifest",)


def _warn_damaged(name: str, report: LocationReport) -> None:
    warnings.warn(f"the cached copy of {name!r} is damaged ({report.reason()}); it is not used. "
                  f"Repair it with `dyplab data verify --repair {name}`.", stacklevel=4)


def _resolve(name: str, look: Callable[[str, Path], Look], download: Callable[[Path], tuple[Path | None, str]],
             *, what: str | None = None, no_mirror: str = "DYPLAB_DATA_MIRROR is not set") -> Path:
    """The one lookup chain: each of :func:`places` in order, then (unless ``DYPLAB_OFFLINE=1``) a download
    into the cache. ``look(where, folder)`` and ``download(cache folder)`` say what they found or why not;
    ``no_mirror`` is the reason listed for the mirror when ``DYPLAB_DATA_MIRROR`` is not set.

    A damaged cache copy is never used; when no layout of the cache verifies, a warning says so and how to
    repair it. The error lists every source tried and why it failed.
    """
    meta = info(name)
    tried: list[tuple[str, str]] = []
    damaged = None
    for where, root in places(name):
        if where != "cache" and damaged is not None:  # the whole cache was tried: the damage is real
            _warn_damaged(name, damaged)
            damaged = None
        found, reasons, damage = look(where, root)
        if found is not None:
            _SOURCES[name] = (where, root)
            return found
        tried += [(where, why) for why in reasons if (where, why) not in tried]
        if where == "cache":
            damaged = damage
    if damaged is not None:
        _warn_damaged(name, damaged)
    if config.mirror_dir() is None:
        tried.append(("mirror", no_mirror))
    if config.offline():
        tried.append(("download", "skipped because DYPLAB_OFFLINE=1"))
    else:
        cache = cache_path(name)
        found, why = download(cache)
        if found is not None:
            _SOURCES[name] = ("download", cache)
            return found
        tried.append(("download", why))
    raise DataError(_unavailable_message(meta, tried, what=what))


def fetch(name: str, *, progress: bool = True, files: Sequence[str] | None = None) -> Path:
    """Return a folder that holds dataset ``name``, verified by sha256.

    Looks in the user's cache, then in the course mirror (``DYPLAB_DATA_MIRROR``), then
    downloads from the canonical URL into the cache (unless ``DYPLAB_OFFLINE=1``). When all
    fail, the error lists each source and why it failed. ``files`` asks only for some files of the
    manifest (a loader that reads one record need not wait for, or fail on, the others).
    A corrupt copy in the cache is never used; a warning says so and how to repair it.
    """
    meta = info(name)

    def look(where: str, root: Path) -> Look:
        reasons, damaged = [], None
        for layout in _layouts(name, where):
            if files is not None and layout != "manifest":
                continue
            report = check_location(name, root, layout=layout, files=files)
            if report.ok:
                return root, [], None
            if report.status == "corrupt" and damaged is None:
                damaged = report  # a complete download in the same folder is not damage: warn only when none verifies
            reasons.append(report.reason())
        return None, reasons, damaged

    def download(cache: Path) -> tuple[Path | None, str]:
        if not meta.downloads:
            return None, "no public download for this dataset"
        try:
            download_all(meta, cache, progress=progress, files=files)
            if files is None:
                report = check_location(name, cache, layout="download", force=True)
            else:
                report = check_location(name, cache, force=True, files=files)
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the user
            return None, f"{type(exc).__name__}: {exc}"
        return (cache, "") if report.ok else (None, report.reason())

    return _resolve(name, look, download)


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
    then for ``mirror_file`` in the cache and the course mirror (checked against the shipped manifest), then
    downloads ``url`` into the cache (unless ``DYPLAB_OFFLINE=1``). The error lists every source and why it failed.
    """
    expected = manifest(name).get(mirror_file) if mirror_file is not None else None

    def look(where: str, root: Path) -> Look:
        reasons = []
        if where == "cache":
            cached = root / filename
            if not cached.is_file():
                reasons.append(f"{cached} does not exist")
            elif known_hash is None:
                reasons.append(f"{cached} exists but no published checksum is known to verify it")
            else:
                ok, detail = hash_matches(cached, pinned_hash(url, known_hash) if url else known_hash)
                if ok:
                    return cached, [], None
                reasons.append(f"{cached} has {detail}; delete it")
        if mirror_file is None:
            return None, reasons + ([] if where == "cache" else [f"the course mirror does not hold {filename}"]), None
        path = root / mirror_file
        if expected and path.is_file():
            actual = file_hash(path)
            if actual == expected:
                return path, [], None
            reasons.append(f"checksum mismatch for {path}: expected sha256 {expected}, got {actual}")
        elif where == "mirror":
            reasons.append(f"{path} does not exist")
        return None, reasons, None

    def download(cache: Path) -> tuple[Path | None, str]:
        if url is None or known_hash is None:
            return None, f"no official URL and checksum known for {filename}{'; ' + hint if hint else ''}"
        try:
            return download_file(url, pinned_hash(url, known_hash), cache / filename, progress=progress), ""
        except DataError as exc:
            return None, str(exc)

    held = "DYPLAB_DATA_MIRROR is not set" if mirror_file else f"the course mirror does not hold {filename}"
    return _resolve(name, look, download, what=f"{filename} of dataset {name!r}", no_mirror=held)


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
        if source_file is not None and source_file.is_file() and file_hash(source_file) == expected[rel]:
            with open(source_file, "rb") as src:
                if not write_atomic(cache / rel, lambda fh, src=src: shutil.copyfileobj(src, fh)):
                    raise DataError(f"could not write {cache / rel} while repairing {name!r}; is the disk full?")
            done.append(f"replaced {cache / rel} with the verified copy from {source_file}")
        elif (cache / rel).is_file():
            (cache / rel).unlink()
            done.append(f"deleted damaged {cache / rel} (no verified copy to replace it; fetch it again)")
    return done


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
