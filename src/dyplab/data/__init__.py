"""Course datasets: one module per dataset, a registry, and verified fetching.

>>> import dyplab.data as dd
>>> [d.name for d in dd.list()]          # doctest: +SKIP
>>> root = dd.fetch("mnist")              # cache → mirror → download, sha256-verified
"""

from __future__ import annotations

from . import (  # noqa: F401  (each module registers its dataset)
    bonn_eeg,
    fer2013,
    flowers,
    heart,
    medmnist,
    mitbih,
    mnist,
    oasis,
    tabpfn_demo,
    uci_tables,
)
from ._core import (
    ChecksumError,
    DataError,
    DatasetInfo,
    Download,
    LocationReport,
    cache_path,
    check_location,
    describe_source,
    fetch,
    fetch_file,
    info,
    list_datasets,
    locations,
    manifest,
    repair,
    safe_extract,
    source,
    unregister,
    verify,
)
from .labeled import LabeledData, LabeledSplit

list = list_datasets  # noqa: A001 - the documented API is dyplab.data.list()

__all__ = [
    "ChecksumError",
    "DataError",
    "DatasetInfo",
    "Download",
    "LabeledData",
    "LabeledSplit",
    "LocationReport",
    "cache_path",
    "check_location",
    "describe_source",
    "fetch",
    "fetch_file",
    "locations",
    "repair",
    "info",
    "list",
    "list_datasets",
    "manifest",
    "safe_extract",
    "source",
    "unregister",
    "verify",
]
