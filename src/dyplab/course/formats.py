"""Storing an image data set in different file formats, and measuring what each costs (A3).

:func:`benchmark` writes the same images and labels as CSV, gzip-compressed CSV, Parquet,
compressed NPZ and a folder of PNG files, reads each back, checks that the round trip is exact,
and returns size on disk and write/read times measured on this machine.

The tables use one row per image: columns ``piksel_0`` … ``piksel_{H·W-1}`` (grey values 0-255,
stored as integers) and ``etikett`` (the label), as in the course's original A3.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

FORMATS = ("csv", "csv.gz", "parquet", "npz", "png")
LABEL_COLUMN = "etikett"


def to_frame(images: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """uint8 images [N, H, W] and labels [N] → a table with ``piksel_*`` columns and ``etikett``."""
    images, labels = _check(images, labels)
    flat = images.reshape(len(images), -1)
    frame = pd.DataFrame(flat, columns=[f"piksel_{i}" for i in range(flat.shape[1])])
    frame[LABEL_COLUMN] = labels
    return frame


def from_frame(frame: pd.DataFrame, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of :func:`to_frame`: ``(images uint8 [N, H, W], labels int64 [N])``."""
    from ..data import DataError

    pixel_cols = [f"piksel_{i}" for i in range(shape[0] * shape[1])]
    missing = [c for c in [*pixel_cols, LABEL_COLUMN] if c not in frame.columns]
    if missing:
        raise DataError(f"table is missing column(s) {missing[:3]}{'...' if len(missing) > 3 else ''}")
    images = frame[pixel_cols].to_numpy(dtype=np.uint8).reshape(len(frame), *shape)
    return images, frame[LABEL_COLUMN].to_numpy(dtype=np.int64)


def _check(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"images must be uint8 [N, H, W], got {images.dtype} {images.shape}")
    if labels.shape != (len(images),):
        raise ValueError(f"labels must have shape ({len(images)},), got {labels.shape}")
    return images, labels.astype(np.int64)


# --------------------------------------------------------------------------- writers and readers


def _write_table(path: Path, images, labels) -> None:
    frame = to_frame(images, labels)
    if path.name.endswith(".parquet"):
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)  # compression inferred from ".gz"


def _read_table(path: Path, shape) -> tuple[np.ndarray, np.ndarray]:
    frame = pd.read_parquet(path) if path.name.endswith(".parquet") else pd.read_csv(path)
    return from_frame(frame, shape)


def _write_npz(path: Path, images, labels) -> None:
    np.savez_compressed(path, images=images, labels=labels)


def _read_npz(path: Path, shape) -> tuple[np.ndarray, np.ndarray]:
    with np.load(path) as z:
        return z["images"], z["labels"]


def _write_png(folder: Path, images, labels) -> None:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    for i, (img, lab) in enumerate(zip(images, labels)):
        Image.fromarray(img, mode="L").save(folder / f"{i:06d}_{int(lab)}.png")


def _read_png(folder: Path, shape) -> tuple[np.ndarray, np.ndarray]:
    from PIL import Image

    files = sorted(folder.glob("*.png"))
    images = np.stack([np.asarray(Image.open(f).convert("L")) for f in files]) if files else np.empty((0, *shape), np.uint8)
    labels = np.array([int(f.stem.rsplit("_", 1)[1]) for f in files], dtype=np.int64)
    return images, labels


_HANDLERS: dict[str, tuple[str, Callable, Callable]] = {
    "csv": ("mnist.csv", _write_table, _read_table),
    "csv.gz": ("mnist.csv.gz", _write_table, _read_table),
    "parquet": ("mnist.parquet", _write_table, _read_table),
    "npz": ("mnist.npz", _write_npz, _read_npz),
    "png": ("png", _write_png, _read_png),
}


def disk_usage(path: Path) -> tuple[int, int, int]:
    """``(files, bytes, allocated bytes)`` of a file or folder; allocated counts whole file-system blocks."""
    path = Path(path)
    items = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    sizes = [p.stat() for p in items]
    allocated = sum(getattr(s, "st_blocks", 0) * 512 for s in sizes)
    return len(items), sum(s.st_size for s in sizes), allocated


def benchmark(
    images: np.ndarray, labels: np.ndarray, out_dir: str | Path, *, formats: Sequence[str] = FORMATS
) -> pd.DataFrame:
    """Write, read back and verify ``images``/``labels`` in each format under ``out_dir``.

    Returns one row per format: ``format``, ``files``, ``bytes`` (sum of file sizes), ``MB``,
    ``bytes_per_image``, ``disk_bytes`` (allocated blocks, counts the per-file overhead of many
    small files), ``write_s``, ``read_s`` (wall-clock seconds measured now, on this machine) and
    ``identical`` (the read-back data equal the original exactly). Old output of the same format
    in ``out_dir`` is replaced.
    """
    images, labels = _check(images, labels)
    unknown = [f for f in formats if f not in _HANDLERS]
    if unknown:
        raise ValueError(f"unknown format(s) {unknown}; choose from {FORMATS}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shape = images.shape[1:]
    rows = []
    for fmt in formats:
        name, write, read = _HANDLERS[fmt]
        target = out_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        t0 = time.perf_counter()
        write(target, images, labels)
        t1 = time.perf_counter()
        back_images, back_labels = read(target, shape)
        t2 = time.perf_counter()
        n_files, n_bytes, allocated = disk_usage(target)
        identical = bool(np.array_equal(back_images, images) and np.array_equal(back_labels, labels))
        rows.append(
            {
                "format": fmt,
                "files": n_files,
                "bytes": n_bytes,
                "MB": n_bytes / 1e6,
                "bytes_per_image": n_bytes / max(len(images), 1),
                "disk_bytes": allocated,
                "write_s": t1 - t0,
                "read_s": t2 - t1,
                "identical": identical,
            }
        )
    return pd.DataFrame(rows)
