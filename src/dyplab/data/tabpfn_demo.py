"""TabPFN demo image (``thebat.npy``): a 540×960 binary mask used as a 2-D classification toy (F1).

:func:`load` gives the mask itself; :func:`points` draws labelled pixels from it (a
:class:`~dyplab.data.LabeledData`, the context a PFN learns from) and :func:`grid` gives a regular grid of
pixels in the same coordinates with the true mask (to draw what the PFN predicts).
"""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd

from ._core import DataError, DatasetInfo, Download, fetch, register
from .labeled import LabeledData

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


def _coordinates(rows: np.ndarray, cols: np.ndarray) -> pd.DataFrame:
    """Pixel positions as ``(x, y)`` in [0, 1] × [0, 1], ``y`` pointing up."""
    return pd.DataFrame({"x": cols / (SHAPE[1] - 1), "y": 1.0 - rows / (SHAPE[0] - 1)})


def points(n: int, seed: int = 0) -> LabeledData:
    """``n`` random pixels of the mask as ``(x, y)`` coordinates in [0, 1] × [0, 1] with the pixel as label."""
    image = load()
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, image.shape[0], n)
    cols = rng.integers(0, image.shape[1], n)
    return LabeledData(_coordinates(rows, cols), image[rows, cols].astype(np.int64), ["bakgrunn", "flaggermus"])


def grid(step: int = 8) -> tuple[pd.DataFrame, np.ndarray]:
    """A regular grid over the mask (every ``step``-th pixel) in the coordinates of :func:`points`, and its true
    mask ``[rows, cols]``."""
    image = load()
    rr, cc = np.meshgrid(np.arange(0, image.shape[0], step), np.arange(0, image.shape[1], step), indexing="ij")
    return _coordinates(rr.ravel(), cc.ravel()), image[rr, cc]
