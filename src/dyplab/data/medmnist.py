"""MedMNIST v2 (28×28): RetinaMNIST and BreastMNIST in the course mirror, any flag online."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from .. import config
from ._core import DataError, DatasetInfo, Download, cache_path, fetch_file, register
from .labeled import LabeledData

NAME = "medmnist"

INFO = register(
    DatasetInfo(
        name=NAME,
        title="MedMNIST v2",
        description="Small standardised biomedical image sets; the mirror holds RetinaMNIST (official) and "
        "BreastMNIST (re-saved copy).",
        license="CC BY 4.0 (DermaMNIST: CC BY-NC 4.0)",
        citation="Yang J et al. MedMNIST v2 - A large-scale lightweight benchmark for 2D and 3D biomedical image "
        "classification. Scientific Data 10, 41 (2023).",
        homepage="https://medmnist.com/",
        used_in="C4a",
        downloads=(
            Download(
                url="https://zenodo.org/records/10519652/files/retinamnist.npz",
                sha256="254915f5f0a2074665c4676356824cf4ef4a3bcab233894b4bafcaf48962bd69",
                filename="retinamnist.npz",
            ),
        ),
        notes="breastmnist_unofficial_resave.npz exists only in the course mirror.",
    )
)


# --------------------------------------------------------------------------- loaders

SPLITS = ("train", "val", "test")
# Files of the course mirror, by flag. The BreastMNIST copy is a re-save (labels stored 1-D).
MIRROR_FILES = {"retinamnist": "retinamnist.npz", "breastmnist": "breastmnist_unofficial_resave.npz"}
# Official 28x28 file MD5s as listed in medmnist/info.py (v2.1.0 and v3.0.2 agree), for use
# when the optional ``medmnist`` package is not installed.
_KNOWN_MD5 = {
    "retinamnist": "bd4c0672f1bba3e3a89f0e4e876791e4",
    "breastmnist": "750601b1f35ba3300ea97c75c52ff8f6",
    "pneumoniamnist": "28209eda62fecd6e6a2d98b1501bb15f",
    "bloodmnist": "7053d0359d879ad8a5505303e11de1dc",
    "dermamnist": "0744692d530f8e62ec473284d019b0c7",
}
_ZENODO = "https://zenodo.org/records/10519652/files/{flag}.npz"
# Class names of the mirror's flags, as in MedMNIST's INFO table (RetinaMNIST: diabetic retinopathy grade).
_LABEL_NAMES = {
    "retinamnist": ["grad 0", "grad 1", "grad 2", "grad 3", "grad 4"],
    "breastmnist": ["ondartet", "normal/godartet"],
}


def _medmnist_info() -> dict | None:
    try:
        from medmnist.info import INFO  # optional dependency
    except ImportError:
        return None
    return INFO


def _official(flag: str) -> tuple[str, str] | None:
    """``(url, "md5:<sum>")`` of the official 28x28 file of ``flag``, or ``None`` when unknown."""
    info = _medmnist_info()
    if info is not None and flag in info and info[flag].get("MD5"):
        entry = info[flag]
        return entry.get("url") or _ZENODO.format(flag=flag), "md5:" + entry["MD5"].lower()
    if flag in _KNOWN_MD5:
        return _ZENODO.format(flag=flag), "md5:" + _KNOWN_MD5[flag]
    return None


def _known_flags() -> set[str]:
    info = _medmnist_info()
    known = set(_KNOWN_MD5)
    if info is not None:
        known.update(k for k, v in info.items() if not k.endswith("3d") and v.get("MD5"))
    return known


def flags_available() -> list[str]:
    """MedMNIST flags that :func:`load` can serve here and now.

    Offline: the flags whose file is in the cache or in the course mirror. Online also every flag whose
    official URL and MD5 are known (all 2-D flags when the optional ``medmnist`` package is installed).
    """
    flags = {p.stem for p in cache_path(NAME).glob("*.npz") if p.stem in _known_flags()}
    mirror = config.mirror_dir()
    for folder in (cache_path(NAME), None if mirror is None else mirror / NAME):
        if folder is not None:
            flags.update(flag for flag, file in MIRROR_FILES.items() if (folder / file).is_file())
    if not config.offline():
        flags.update(_known_flags())
    return sorted(flags)


def path(flag: str) -> Path:
    """The verified ``.npz`` of ``flag``: cache → course mirror → official download (one lookup path)."""
    official = _official(flag)
    return fetch_file(
        NAME,
        f"{flag}.npz",
        url=official[0] if official else None,
        known_hash=official[1] if official else None,
        mirror_file=MIRROR_FILES.get(flag),
        hint="install the optional package (`pip install medmnist`) so that its INFO table can be used",
    )


def class_names(flag: str, n_classes: int) -> list[str]:
    """Names of the classes of ``flag`` (from MedMNIST's INFO table when known, else the label numbers)."""
    names = _LABEL_NAMES.get(flag)
    info = _medmnist_info()
    if names is None and info is not None and flag in info:
        labels = info[flag].get("label", {})
        names = [labels[str(i)] for i in range(len(labels))]
    if names is None or len(names) != n_classes:
        names = [str(i) for i in range(n_classes)]
    return list(names)


def load(flag: str, split: str = "train") -> LabeledData:
    """Images and labels of one MedMNIST 28x28 split (the official train/val/test division).

    Returns :class:`LabeledData`: ``X`` ``uint8`` of shape ``[N, 28, 28]`` (grey) or ``[N, 28, 28, 3]``
    (colour), ``y`` ``int64`` of shape ``[N]`` (also for the re-saved BreastMNIST), ``class_names``.
    Multi-label flags (ChestMNIST) are refused: they are not single-label classification.
    ``split`` is ``'train'``, ``'val'`` or ``'test'``.
    """
    flag = str(flag).lower()
    if split not in SPLITS:
        raise DataError(f"unknown MedMNIST split {split!r}; choose one of {', '.join(SPLITS)}")
    if flag.endswith("3d"):
        raise DataError(f"{flag!r} is a 3-D MedMNIST set; dyplab.data.medmnist loads the 2-D 28x28 sets only")
    X, y = read_npz(path(flag), split)
    if y.ndim != 1:
        raise DataError(f"MedMNIST {flag!r} is multi-label (labels {y.shape}); load it with read_npz()")
    n_classes = max(int(y.max()) + 1, len(_LABEL_NAMES.get(flag, ())))
    return LabeledData(X, y, class_names(flag, n_classes))


def read_npz(path: str | Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Read ``<split>_images`` / ``<split>_labels`` from a MedMNIST ``.npz`` (see :func:`load`)."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            keys = set(npz.files)
            want = (f"{split}_images", f"{split}_labels")
            missing = [k for k in want if k not in keys]
            if missing:
                raise DataError(f"{path} has no {missing} (keys: {sorted(keys)}); is it a MedMNIST file?")
            images, labels = npz[want[0]], npz[want[1]]
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f"{path} is not a readable .npz file ({type(exc).__name__}: {exc})") from exc
    if images.dtype != np.uint8 or images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] != 3):
        raise DataError(
            f"{path}: {split}_images has dtype {images.dtype} and shape {images.shape}; "
            "expected uint8 [N, H, W] or [N, H, W, 3]"
        )
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim not in (1, 2) or labels.shape[0] != images.shape[0]:
        raise DataError(f"{path}: {split}_labels has shape {labels.shape} for {images.shape[0]} images")
    if not np.issubdtype(labels.dtype, np.integer):
        raise DataError(f"{path}: {split}_labels has dtype {labels.dtype}; expected integer class labels")
    return np.ascontiguousarray(images), labels.astype(np.int64)
