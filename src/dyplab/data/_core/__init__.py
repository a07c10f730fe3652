"""The data layer's machinery, one module per concern (the dataset modules and tests import it from here):

- :mod:`.registry`: what each dataset is (:class:`DatasetInfo`, :class:`Download`), its manifest of sha256
  sums, the errors;
- :mod:`.integrity`: which checksum each file must have and whether a folder holds a dataset
  (:func:`check_location`, the remembered checks, ``DYPLAB_DOWNLOAD_HASHES``);
- :mod:`.download`: canonical downloads into the cache (``DYPLAB_DOWNLOAD_BASE``) and safe extraction;
- :mod:`.lookup`: the one lookup chain, cache → course mirror → download (:func:`fetch`, :func:`fetch_file`),
  and :func:`verify`/:func:`repair`.

Atomic writes and file hashing are :mod:`dyplab.io`'s.
"""

from __future__ import annotations

from .download import DOWNLOAD_BASE_ENV, download_all, download_file, download_url, safe_extract
from .integrity import (
    DOWNLOAD_HASHES_ENV,
    LocationReport,
    check_location,
    download_sha256,
    extraction_marker,
    hash_matches,
    pinned_hash,
    require_columns,
)
from .lookup import cache_path, describe_source, fetch, fetch_file, locations, places, repair, source, verify
from .registry import (
    ChecksumError,
    DataError,
    DatasetInfo,
    Download,
    info,
    list_datasets,
    manifest,
    manifest_downloads,
    parse_sha256sums,
    register,
    sourced_downloads,
    unregister,
)

__all__ = [
    "DOWNLOAD_BASE_ENV",
    "DOWNLOAD_HASHES_ENV",
    "ChecksumError",
    "DataError",
    "DatasetInfo",
    "Download",
    "LocationReport",
    "cache_path",
    "check_location",
    "describe_source",
    "download_all",
    "download_file",
    "download_sha256",
    "download_url",
    "extraction_marker",
    "fetch",
    "fetch_file",
    "hash_matches",
    "info",
    "list_datasets",
    "locations",
    "manifest",
    "manifest_downloads",
    "parse_sha256sums",
    "pinned_hash",
    "places",
    "register",
    "repair",
    "require_columns",
    "safe_extract",
    "source",
    "sourced_downloads",
    "unregister",
    "verify",
]
