"""FER2013 facial expressions (Goodfellow et al. 2013), Kaggle msambare/fer2013 image-folder layout."""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import PIL
from PIL import Image

from .. import config
from ..io import save_npz_atomic
from ._core import (
    DataError,
    DatasetInfo,
    cache_path,
    check_location,
    fetch,
    manifest,
    register,
    safe_extract,
)
from .labeled import LabeledData

NAME = "fer2013"
CLASSES = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")
NAMES_NO = ("sint", "avsky", "frykt", "glad", "nøytral", "trist", "overrasket")  # Norwegian labels for figures

INFO = register(
    DatasetInfo(
        name=NAME,
        title="FER2013",
        description="35,887 grey 48x48 face images in 7 emotion classes (train 28,709 / test 7,178).",
        license="research and education only (no explicit licence; Kaggle ICML 2013 challenge)",
        citation="Goodfellow IJ et al. Challenges in Representation Learning: A report on three machine learning "
        "contests. ICONIP 2013; arXiv:1307.0414.",
        homepage="https://www.kaggle.com/datasets/msambare/fer2013",
        used_in="E1-E3",
        manual="with a Kaggle account: `kaggle datasets download msambare/fer2013` and unzip it so that "
        "train/ and test/ lie in the cache folder named above, or use the course mirror.",
    )
)


# --------------------------------------------------------------------------- loaders

SPLITS = ("train", "test", "public_test", "private_test")
_PREFIX = {"public_test": "PublicTest_", "private_test": "PrivateTest_"}
_KAGGLE_DATASET = "msambare/fer2013"
_DECODED_VERSION = "1"


def _files(folder: str) -> list[tuple[str, int]]:
    """``(relative path, class index)`` of every manifest image under ``train`` or ``test``, sorted."""
    out = []
    for rel in sorted(manifest(NAME)):
        parts = rel.split("/")
        if len(parts) == 3 and parts[0] == folder and parts[1] in CLASSES:
            out.append((rel, CLASSES.index(parts[1])))
    if not out:
        raise DataError(f"the shipped FER2013 manifest lists no images under {folder}/ (is the package damaged?)")
    return out


def _decode(root: Path, rels: list[str]) -> np.ndarray:
    X = np.empty((len(rels), 48, 48), dtype=np.uint8)
    for i, rel in enumerate(rels):
        path = root / rel
        try:
            with Image.open(path) as im:
                if im.size != (48, 48):
                    raise DataError(f"{path} is {im.size[0]}x{im.size[1]} pixels; FER2013 images are 48x48")
                X[i] = np.asarray(im.convert("L"))
        except OSError as exc:
            raise DataError(f"{path} is not a readable image ({exc})") from exc
    return X


def _decoded_cache(folder: str) -> Path:
    """Decoded-array cache file, keyed by the manifest's digest and the Pillow version."""
    text = "\n".join(f"{d}  {r}" for r, d in sorted(manifest(NAME).items()))
    key = hashlib.sha256(f"{_DECODED_VERSION}|{PIL.__version__}|{text}".encode()).hexdigest()[:16]
    return config.data_dir() / "derived" / NAME / f"{folder}-{key}.npz"


def _read_decoded(path: Path, n: int) -> np.ndarray | None:
    try:
        with np.load(path, allow_pickle=False) as npz:
            X = npz["X"]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
        return None
    if X.dtype != np.uint8 or X.shape != (n, 48, 48):
        return None
    return X


def _root() -> Path:
    try:
        return fetch(NAME)
    except DataError as exc:
        raise DataError(
            f"{exc}\n  - Kaggle: with the optional `kaggle` package and an API token configured, "
            "`dyplab.data.fer2013.download_kaggle()` downloads and verifies the data"
        ) from exc


def load(split: str = "train", limit_per_class: int | None = None, seed: int = 42) -> LabeledData:
    """FER2013 images of one split.

    ``split``: ``'train'`` (28,709), ``'test'`` (7,178 = PublicTest + PrivateTest), ``'public_test'``
    (3,589, the challenge's validation set) or ``'private_test'`` (3,589, the final test set); the
    two test halves are told apart by their filename prefix. ``limit_per_class`` draws at most that
    many images per class at random (``seed``), keeping the file order.

    Returns :class:`~dyplab.data.LabeledData`: ``X`` ``uint8 [N, 48, 48]``, ``y`` ``int64 [N]`` indexing
    ``class_names`` (angry, disgust, fear, happy, neutral, sad, surprise: the official label order), and
    ``meta`` with each image's ``file`` (relative path) and ``split`` (``train``, ``public_test`` or
    ``private_test``). A decoded copy of a whole split is cached in the dyplab cache
    (``derived/fer2013``) to make the next load fast.
    """
    if split not in SPLITS:
        raise DataError(f"unknown FER2013 split {split!r}; choose one of {', '.join(SPLITS)}")
    if limit_per_class is not None and limit_per_class < 1:
        raise DataError(f"limit_per_class must be a positive integer or None, not {limit_per_class!r}")
    folder = "train" if split == "train" else "test"
    files = _files(folder)
    rels = [r for r, _ in files]
    y = np.asarray([c for _, c in files], dtype=np.int64)
    keep = np.ones(len(rels), dtype=bool)
    if split in _PREFIX:
        keep = np.asarray([r.rsplit("/", 1)[1].startswith(_PREFIX[split]) for r in rels])
    if limit_per_class is not None:
        rng = np.random.default_rng(seed)
        chosen = np.zeros(len(rels), dtype=bool)
        for c in range(len(CLASSES)):
            idx = np.flatnonzero(keep & (y == c))
            if len(idx) > limit_per_class:
                idx = rng.choice(idx, size=limit_per_class, replace=False)
            chosen[idx] = True
        keep = chosen
    root = _root()
    cache = _decoded_cache(folder)
    X_all = _read_decoded(cache, len(rels)) if cache.is_file() else None
    if X_all is None and limit_per_class is None:
        X_all = _decode(root, rels)
        save_npz_atomic(cache, X=X_all)
    if X_all is not None:
        X = X_all[keep]
    else:  # a small sample: decode only what is asked for
        X = _decode(root, [r for r, k in zip(rels, keep) if k])
    kept = [r for r, k in zip(rels, keep) if k]
    meta = pd.DataFrame({"file": kept, "split": [_origin(r) for r in kept]})
    return LabeledData(X=X, y=y[keep], class_names=list(CLASSES), meta=meta)


def _origin(rel: str) -> str:
    name = rel.rsplit("/", 1)[1]
    for split, prefix in _PREFIX.items():
        if name.startswith(prefix):
            return split
    return "train"


#: The FER2013 input scale: ``(x / 255 - MEAN) / STD`` (the models in :mod:`dyplab.models.faces` expect it).
MEAN, STD = 0.5, 0.25


def to_tensor_input(X: np.ndarray):
    """``uint8 [N, 48, 48]`` images → ``float32`` tensor ``[N, 1, 48, 48]`` scaled to ``(X/255 - MEAN) / STD``
    (:func:`dyplab.transforms.to_tensor`)."""
    from ..transforms import to_tensor  # torch only when asked for

    X = np.asarray(X)
    if X.ndim != 3 or X.shape[1:] != (48, 48):
        raise ValueError(f"expected FER2013 images [N, 48, 48], got shape {X.shape}")
    return to_tensor(X, {"mean": MEAN, "std": STD})


def download_kaggle() -> Path:
    """Download FER2013 from Kaggle (``msambare/fer2013``) into the cache and verify it.

    Needs the optional package ``kaggle`` (``pip install kaggle``) and a Kaggle API token
    (``~/.kaggle/kaggle.json`` or ``KAGGLE_USERNAME``/``KAGGLE_KEY``), and acceptance of the
    dataset's terms on kaggle.com. Returns the verified cache folder.
    """
    if config.offline():
        raise DataError("download_kaggle() needs the internet, but DYPLAB_OFFLINE=1 is set")
    try:
        from kaggle.api.kaggle_api_extended import KaggleApi
    except ImportError as exc:
        raise DataError("download_kaggle() needs the optional package kaggle: `pip install kaggle`") from exc
    api = KaggleApi()
    try:
        api.authenticate()
    except Exception as exc:  # noqa: BLE001 - kaggle raises OSError/ValueError variants
        raise DataError(
            "Kaggle is not configured: create an API token on kaggle.com (Settings → API) and save it as "
            f"~/.kaggle/kaggle.json, or set KAGGLE_USERNAME and KAGGLE_KEY ({exc})"
        ) from exc
    dest = cache_path(NAME)
    config.data_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=config.data_dir()) as tmp:
        api.dataset_download_files(_KAGGLE_DATASET, path=tmp, unzip=False, quiet=False)
        archives = list(Path(tmp).glob("*.zip"))
        if len(archives) != 1:
            raise DataError(f"expected one zip archive from Kaggle, got {[a.name for a in archives]}")
        safe_extract(archives[0], dest)
    report = check_location(NAME, dest, force=True)
    if not report.ok:
        raise DataError(f"the Kaggle download does not match the FER2013 manifest: {report.reason()}")
    return dest
