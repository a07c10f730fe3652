"""Images on disk: an image-folder data set for any folder of class subfolders.

A folder ``root/<class name>/<image files>`` (the flower photos, or chest X-rays a teacher drops in) is
handled in four steps:

1. :func:`scan` indexes it as :class:`~dyplab.data.LabeledData` (``X`` = list of paths). Every file with
   an image extension is decoded once; empty, non-image and undecodable (e.g. truncated) files are
   listed in **one** warning (path and reason) and left out, so training never stops mid-epoch on a
   bad file. A folder without a usable image is a :class:`DataError`.
2. :func:`to_rgb` turns every image into the model's three channels in one documented way
   (:mod:`dyplab.data.image_io`).
3. :func:`load_arrays` decodes and resizes all images once into a ``uint8`` array ``[N, size, size, 3]``
   and caches it under the data cache, keyed by the file list (path, size, mtime) and ``size``.
4. :func:`split_manifest` makes a stratified, seeded train/val/test split and writes it as a CSV manifest
   (``path,label,split``; paths relative to the image folder), or reads the one already written.

Conversion to RGB and resizing: see :mod:`dyplab.data.image_io` (re-exported here).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import __version__ as PIL_VERSION

from ..io import save_npz_atomic, write_atomic
from ._core import DataError
from .image_io import IMAGE_EXTENSIONS, NORMALIZATION, load_image, problem, read_image, to_rgb
from .labeled import LabeledData

MANIFEST_COLUMNS = ("path", "label", "split")
SPLITS = ("train", "val", "test")


# --------------------------------------------------------------------------- the folder


def _is_candidate(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(".") and path.suffix.lower() in IMAGE_EXTENSIONS


def scan(root: str | Path, *, check: bool = True) -> LabeledData:
    """Index ``root/<class>/<image>`` as :class:`LabeledData` with ``X`` the sorted list of image paths.

    Classes are the sorted subfolder names (hidden ones skipped); files without an image extension are
    ignored. With ``check`` every image is decoded once: empty, non-image or undecodable files are
    named in one warning and left out. Raises :class:`DataError` for a missing folder, a folder
    without class subfolders, or when a class (or the whole folder) has no usable image.
    """
    root = Path(root).expanduser()
    if not root.is_dir():
        raise DataError(f"image folder {root} does not exist or is not a folder")
    class_dirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not class_dirs:
        raise DataError(
            f"{root} has no class subfolders; expected the layout {root}/<class name>/<image files> "
            "(one subfolder per class, as in flower_photos/daisy/...)"
        )
    paths: list[Path] = []
    labels: list[int] = []
    empty: list[str] = []
    bad: list[tuple[Path, str]] = []
    for index, folder in enumerate(class_dirs):
        images = sorted(p for p in folder.rglob("*") if _is_candidate(p))
        if check:
            reasons = {p: problem(p) for p in images}
            bad += [(p, r) for p, r in reasons.items() if r is not None]
            images = [p for p in images if reasons[p] is None]
        if not images:
            empty.append(folder.name)
        paths += images
        labels += [index] * len(images)
    if bad:
        lines = "\n".join(f"  {p}: {reason}" for p, reason in bad)
        warnings.warn(f"{len(bad)} file(s) under {root} left out (not usable images):\n{lines}", stacklevel=2)
    if not paths:
        raise DataError(
            f"{root} has class subfolders ({', '.join(p.name for p in class_dirs)}) but no images that can be used "
            f"(looked for {', '.join(IMAGE_EXTENSIONS)})"
        )
    if empty:
        raise DataError(
            f"class folder(s) {empty} under {root} hold no images that can be used; remove them or add images "
            f"(looked for {', '.join(IMAGE_EXTENSIONS)})"
        )
    return LabeledData(X=paths, y=np.asarray(labels, dtype=np.int64), class_names=[p.name for p in class_dirs])


# --------------------------------------------------------------------------- decoded cache


def _cache_key(paths: Sequence[str | Path], size: int) -> str:
    h = hashlib.sha256(f"size={size}\0pillow={PIL_VERSION}\n".encode())
    for p in paths:
        p = Path(p).resolve()
        try:
            st = p.stat()
        except OSError as exc:
            raise DataError(f"{p} is gone since the folder was scanned ({exc}); scan the folder again") from exc
        h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def cache_file(paths: Sequence[str | Path], size: int) -> Path:
    """Where :func:`load_arrays` keeps the decoded images of ``paths`` at ``size`` (under the data cache)."""
    from .. import config

    return config.data_dir() / "derived" / "images" / f"{_cache_key(paths, size)[:24]}-{size}px.npz"


def _read_cache(path: Path, n: int, size: int) -> np.ndarray | None:
    try:
        with np.load(path) as z:
            X = z["X"]
    except (OSError, ValueError, KeyError):
        return None  # a broken cache file only costs a new decode
    return X if X.shape == (n, size, size, 3) and X.dtype == np.uint8 else None


def load_arrays(data: LabeledData | Sequence[str | Path], size: int, *, cache: bool = True) -> np.ndarray:
    """All images as one ``uint8`` array ``[N, size, size, 3]``, in the order of the paths.

    Decoded and resized once (:func:`load_image`); the array is cached atomically under the data
    cache, keyed by every file's path, size and modification time and by ``size``, so a changed,
    added or removed file means a new decode.
    """
    paths = list(data.X if isinstance(data, LabeledData) else data)
    if not paths:
        raise DataError("no image paths to load")
    if int(size) < 8:
        raise ValueError(f"size must be at least 8 pixels, got {size}")
    size = int(size)
    target = cache_file(paths, size) if cache else None
    if target is not None and target.is_file():
        X = _read_cache(target, len(paths), size)
        if X is not None:
            return X
    X = np.stack([load_image(p, size) for p in paths])
    if target is not None:
        save_npz_atomic(target, X=X)
    return X


# --------------------------------------------------------------------------- split manifest


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.resolve().as_posix()


def write_manifest(path: str | Path, data: LabeledData, split, *, root: str | Path | None = None) -> Path:
    """Write ``data`` and ``split`` (a :class:`dyplab.splits.Split`) as CSV ``path,label,split``.

    ``label`` is the class name; paths are relative to ``root`` when they lie under it (portable
    between machines), absolute otherwise. Written atomically.
    """
    import pandas as pd

    part = np.full(len(data), "", dtype=object)
    for name, idx in zip(SPLITS, split):
        if (part[np.asarray(idx, dtype=np.int64)] != "").any():
            raise ValueError("the split's parts overlap; each example must be in exactly one part")
        part[np.asarray(idx, dtype=np.int64)] = name
    keep = part != ""
    base = Path(root) if root is not None else None
    frame = pd.DataFrame({
        "path": [_relative(Path(p), base) for p in data.X],
        "label": [data.class_names[i] for i in data.y],
        "split": part,
    })[keep]
    text = frame.to_csv(index=False, lineterminator="\n")
    path = Path(path)
    if not write_atomic(path, lambda fh: fh.write(text.encode("utf-8"))):
        raise OSError(f"could not write the split manifest {path}; check that the folder is writable")
    return path


def read_manifest(path: str | Path, *, root: str | Path | None = None, class_names: Sequence[str] | None = None):
    """Read a manifest back: ``(LabeledData, Split)``; relative paths are joined to ``root``.

    Class names are ``class_names`` when given, else the sorted labels of the file.
    """
    import pandas as pd

    from ..splits import Split

    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"split manifest {path} cannot be read ({exc}); delete it to make a new split") from exc
    missing = [c for c in MANIFEST_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"split manifest {path} lacks column(s) {missing}; expected {list(MANIFEST_COLUMNS)}")
    unknown = sorted(set(frame["split"]) - set(SPLITS))
    if unknown:
        raise DataError(f"split manifest {path}: unknown split name(s) {unknown}; expected {list(SPLITS)}")
    names = list(class_names) if class_names is not None else sorted(set(frame["label"]))
    index = {c: i for i, c in enumerate(names)}
    strange = sorted(set(frame["label"]) - set(index))
    if strange:
        raise DataError(f"split manifest {path}: label(s) {strange} are not among the classes {names}")
    base = Path(root) if root is not None else None
    paths = [Path(p) if Path(p).is_absolute() or base is None else base / p for p in frame["path"]]
    data = LabeledData(X=paths, y=np.array([index[c] for c in frame["label"]], dtype=np.int64), class_names=names)
    parts = [np.flatnonzero(frame["split"].to_numpy() == s) for s in SPLITS]
    return data, Split(*parts)


def split_manifest(
    data: LabeledData,
    path: str | Path,
    *,
    root: str | Path | None = None,
    val_size: float = 0.15,
    test_size: float = 0.15,
    seed: int = 42,
):
    """The stratified, seeded split of ``data`` (``dyplab.splits.train_val_test``), kept in a manifest.

    When ``path`` already holds a manifest of exactly these files and labels it is read back (so every
    notebook uses the same split); otherwise the split is made and written to ``path``. Returns a
    :class:`dyplab.splits.Split` of indices into ``data``.
    """
    from ..splits import Split, train_val_test

    path = Path(path)
    base = Path(root) if root is not None else None
    keys = [_relative(Path(p), base) for p in data.X]
    if path.is_file():
        saved, parts = read_manifest(path, root=root, class_names=data.class_names)
        saved_keys = [_relative(Path(p), base) for p in saved.X]
        if sorted(zip(saved_keys, saved.y.tolist())) == sorted(zip(keys, data.y.tolist())):
            position = {k: i for i, k in enumerate(keys)}
            return Split(*[np.array([position[saved_keys[j]] for j in idx], dtype=np.int64) for idx in parts])
    split = train_val_test(data.y, val_size=val_size, test_size=test_size, seed=seed)
    write_manifest(path, data, split, root=root)
    return split


# --------------------------------------------------------------------------- split, decoded


@dataclass
class ImageSplit:
    """An image folder decoded at ``size`` and divided by a manifest: everything a notebook trains on.

    ``data`` holds the paths (``data.X``) and labels, ``X`` the decoded ``uint8`` images in the same order,
    ``split`` the train/val/test indices read from (or written to) ``manifest``.

    Not a :class:`~dyplab.data.LabeledSplit`: it keeps one decoded array and an index
    :class:`~dyplab.splits.Split` (the manifest's), and builds each part's images, Dataset or tensors on request.
    """

    data: LabeledData
    X: np.ndarray
    split: object
    size: int
    manifest: Path

    @property
    def class_names(self) -> list[str]:
        return self.data.class_names

    def index(self, part: str) -> np.ndarray:
        if part not in SPLITS:
            raise ValueError(f"part must be one of {SPLITS}, got {part!r}")
        return np.asarray(getattr(self.split, part), dtype=np.int64)

    def images(self, part: str) -> np.ndarray:
        """The ``uint8`` images ``[n, size, size, 3]`` of ``part``."""
        return self.X[self.index(part)]

    def labels(self, part: str) -> np.ndarray:
        return self.data.y[self.index(part)]

    def paths(self, part: str) -> list[Path]:
        return [Path(self.data.X[i]) for i in self.index(part)]

    def dataset(self, part: str, *, augment: bool = False):
        """A torch ``Dataset`` of normalised tensors (augmented when ``augment``), for ``dyplab.training.fit``."""
        from .image_tensors import ArrayImages

        return ArrayImages(self.images(part), self.labels(part), augment=augment)

    def tensors(self, part: str):
        """``(X, y)``: normalised float tensor ``[n, 3, size, size]`` and int64 labels, for evaluation."""
        import torch

        from .image_tensors import to_tensors

        return to_tensors(self.images(part)), torch.from_numpy(self.labels(part))


def prepare(data: LabeledData, size: int, manifest: str | Path, *, root: str | Path | None = None,
            val_size: float = 0.15, test_size: float = 0.15, seed: int = 42) -> ImageSplit:
    """Decode ``data`` at ``size`` (:func:`load_arrays`, cached) and split it (:func:`split_manifest`)."""
    split = split_manifest(data, manifest, root=root, val_size=val_size, test_size=test_size, seed=seed)
    return ImageSplit(data=data, X=load_arrays(data, size), split=split, size=int(size), manifest=Path(manifest))


__all__ = [
    "IMAGE_EXTENSIONS",
    "NORMALIZATION",
    "ImageSplit",
    "prepare",
    "cache_file",
    "load_arrays",
    "load_image",
    "problem",
    "read_image",
    "read_manifest",
    "scan",
    "split_manifest",
    "to_rgb",
    "write_manifest",
]

