"""The dataset registry: what each dataset is, its files' sha256 sums, and where it was last found.

Every dataset is described by a :class:`DatasetInfo` and a manifest of sha256 sums shipped inside the
package (``manifests/<name>.sha256``, the same lines as the course mirror's ``SHA256SUMS``).
"""

from __future__ import annotations

import functools
import gzip
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote


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


_REGISTRY: dict[str, DatasetInfo] = {}
#: where the last lookup of each dataset found it: ``name → (kind, folder)`` (written by :mod:`.lookup`)
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


def sourced_downloads(listing: str, base_url: str, filename: Callable[[str], str]) -> tuple[Download, ...]:
    """Downloads declared by a shipped ``manifests/<listing>`` in ``sha256sum`` form, paths relative to ``base_url``.

    For datasets whose files are published one by one under a pinned address (e.g. a raw GitHub commit);
    ``filename`` maps a source path to the file's name in the dataset folder.
    """
    text = (resources.files("dyplab.data") / "manifests" / listing).read_text(encoding="utf-8")
    return tuple(Download(url=base_url + quote(rel), sha256=digest, filename=filename(rel))
                 for rel, digest in parse_sha256sums(text).items())


def manifest_downloads(name: str, base_url: str, *, skip: tuple[str, ...] = ()) -> tuple[Download, ...]:
    """One :class:`Download` per manifest file, at ``base_url + <file>``."""
    return tuple(
        Download(url=base_url + rel, sha256=digest, filename=rel)
        for rel, digest in sorted(manifest(name).items())
        if rel not in skip
    )
