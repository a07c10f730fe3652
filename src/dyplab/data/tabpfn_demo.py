"""TabPFN demo image (``thebat.npy``): a 540×960 binary mask used as a 2-D classification toy."""

from __future__ import annotations

import zipfile

import numpy as np

from ._core import DataError, DatasetInfo, Download, fetch, register

NAME = "tabpfn_demo"

INFO = register(
    DatasetInfo(
        name=NAME,
        title="TabPFN demo image (thebat.npy)",
        description="A 540x960 uint8 binary mask; each pixel (x, y) is a sample with a 0/1 label.",
        license="no licence stated (Prior Labs demo file; attribution: Prior Labs)",
        citation="Prior Labs, TabPFNDemoFiles, https://github.com/PriorLabs/TabPFNDemoFiles",
        homepage="https://github.com/PriorLabs/TabPFNDemoFiles",
        used_in="F1",
        downloads=(
            Download(
                "https://raw.githubusercontent.com/PriorLabs/TabPFNDemoFiles/739f01e036c5100aba89b39d8a36394b053afa05/thebat.npy",
                "e9540c483e22a0167ecfd6c1dcda213cfde7c878e5da5e4bd7ce3c0e8ddd9fb8",
                "thebat.npy",
            ),
        ),
    )
)


# --------------------------------------------------------------------------- loaders

SHAPE = (540, 960)


def load() -> np.ndarray:
    """The ``thebat.npy`` mask as ``uint8 [540, 960]`` with values 0/1 (read with ``allow_pickle=False``)."""
    path = fetch(NAME) / "thebat.npy"
    try:
        image = np.load(path, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f"{path} is not a plain .npy array ({type(exc).__name__}: {exc})") from exc
    if image.dtype != np.uint8 or image.shape != SHAPE:
        raise DataError(f"{path} has dtype {image.dtype} and shape {image.shape}; expected uint8 {SHAPE}")
    if not np.isin(image, (0, 1)).all():
        raise DataError(f"{path} is not a binary mask (values other than 0 and 1)")
    return image
