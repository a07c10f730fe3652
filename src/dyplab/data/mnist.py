"""MNIST handwritten digits (LeCun et al. 1998): 60,000 training and 10,000 test images, 28×28."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import splits
from ..normalization import MNIST_MEAN, MNIST_STD
from ._core import DataError, DatasetInfo, Download, fetch, register
from .labeled import LabeledData, LabeledSplit

NAME = "mnist"
_BASE = "https://ossci-datasets.s3.amazonaws.com/mnist/"
_FILES = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

INFO = register(
    DatasetInfo(
        name=NAME,
        title="MNIST",
        description="70,000 handwritten digits 0-9 (28x28 grey), 60k train / 10k test.",
        license="CC BY-SA 3.0 (LeCun & Cortes)",
        citation="Y. LeCun, L. Bottou, Y. Bengio, P. Haffner. Gradient-based learning applied to document "
        "recognition. Proc. IEEE 86(11):2278-2324, 1998.",
        homepage="http://yann.lecun.com/exdb/mnist/",
        used_in="A1-A6",
        downloads=tuple(Download(_BASE + f, sha, f) for f, sha in _FILES.items()),
    )
)

# --------------------------------------------------------------------------- loaders
#
# The four files are IDX (LeCun's format): a 4-byte magic number (two zero bytes, a dtype code,
# the number of dimensions), one big-endian uint32 per dimension, then the raw values.

N_CLASSES = 10
CLASS_NAMES: tuple[str, ...] = tuple(str(d) for d in range(N_CLASSES))
IMAGE_SHAPE = (28, 28)
#: Mean and standard deviation of the 60,000 training images scaled to 0..1 (:mod:`dyplab.normalization`).
MEAN = MNIST_MEAN
STD = MNIST_STD

#: Class counts of the course's 20,000-image subset (A3 of the original course prints these).
COURSE_SUBSET_COUNTS = {0: 1966, 1: 2240, 2: 2039, 3: 2061, 4: 1831, 5: 1822, 6: 1995, 7: 2156, 8: 1912, 9: 1978}

_IMAGES_MAGIC = 2051  # ubyte, 3 dimensions
_LABELS_MAGIC = 2049  # ubyte, 1 dimension
_SPLITS = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 60_000),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10_000),
}


@dataclass(frozen=True)
class MnistData:
    """The full MNIST as two :class:`~dyplab.data.LabeledData`: ``train`` (X uint8 [60000, 28, 28], y int64,
    class names ``"0"``..``"9"``) and ``test`` (10,000)."""

    train: LabeledData
    test: LabeledData

    def concatenated(self) -> tuple[np.ndarray, np.ndarray]:
        """Train then test in one array pair (70,000 images), the order the original course used."""
        return np.concatenate([self.train.X, self.test.X]), np.concatenate([self.train.y, self.test.y])


@dataclass(frozen=True)
class CourseSplit:
    """The course's 20,000-image subset split 80/20 (stratified, seed 42).

    Images are uint8 [N, 28, 28], labels int64. ``indices`` are the positions of the subset in the
    70,000-image train+test concatenation, in drawing order; ``train_indices``/``test_indices`` give
    the same positions for each row of the two splits.

    It keeps the original course's ``X_train``/``y_test`` names that A3 and A4 teach with; the same split as
    network input is a :class:`~dyplab.data.LabeledSplit` (:func:`network_split`).
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    indices: np.ndarray
    train_indices: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0, dtype=np.int64))
    test_indices: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0, dtype=np.int64))

    def __repr__(self) -> str:
        return f"CourseSplit(train={len(self.y_train)}, test={len(self.y_test)}, subset={len(self.indices)})"


def read_idx(path: str | Path, *, expect_magic: int | None = None) -> np.ndarray:
    """Read one IDX file (``.gz`` or raw) into a uint8 array, checking magic number and size.

    Raises :class:`DataError` naming the file when it is not gzip, has the wrong magic number,
    is truncated or has trailing bytes.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
    except FileNotFoundError:
        raise DataError(f"MNIST file {path} does not exist.") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(
            f"MNIST file {path} is not a readable gzip file ({type(exc).__name__}: {exc}); "
            "it is corrupt or truncated. Delete it and fetch the data again."
        ) from None
    if len(raw) < 4:
        raise DataError(f"MNIST file {path} is too short ({len(raw)} bytes) to be an IDX file.")
    magic = int.from_bytes(raw[:4], "big")
    zero, dtype_code, ndim = int.from_bytes(raw[:2], "big"), raw[2], raw[3]
    if zero != 0 or dtype_code != 0x08 or ndim == 0 or (expect_magic is not None and magic != expect_magic):
        want = f" (expected {expect_magic})" if expect_magic is not None else ""
        raise DataError(f"MNIST file {path} has magic number {magic}{want}; it is not an unsigned-byte IDX file.")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"MNIST file {path} is truncated inside its header ({len(raw)} bytes).")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = header + int(np.prod(shape, dtype=np.int64))
    if len(raw) != expected:
        problem = "truncated" if len(raw) < expected else "longer than its header says"
        raise DataError(
            f"MNIST file {path} is {problem}: header says shape {shape} ({expected} bytes), file has {len(raw)} bytes."
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape).copy()


def _read_split(root: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    images_name, labels_name, n = _SPLITS[split]
    X = read_idx(root / images_name, expect_magic=_IMAGES_MAGIC)
    y = read_idx(root / labels_name, expect_magic=_LABELS_MAGIC).astype(np.int64)
    if X.shape != (n, *IMAGE_SHAPE):
        raise DataError(f"MNIST {split} images in {root} have shape {X.shape}, expected {(n, *IMAGE_SHAPE)}.")
    if y.shape != (n,):
        raise DataError(f"MNIST {split} labels in {root} have shape {y.shape}, expected {(n,)}.")
    if y.max() >= N_CLASSES:
        raise DataError(f"MNIST {split} labels in {root} contain {int(y.max())}; labels must be 0-9.")
    return X, y


def load(root: str | Path | None = None) -> MnistData:
    """Load all 70,000 MNIST images from the four IDX files (``root`` defaults to ``dyplab.data.fetch('mnist')``)."""
    folder = Path(root) if root is not None else fetch(NAME)
    names = [str(d) for d in range(N_CLASSES)]
    return MnistData(train=LabeledData(*_read_split(folder, "train"), names),
                     test=LabeledData(*_read_split(folder, "test"), names))


def course_subset(
    n: int = 20_000, seed: int = 42, test_size: float = 0.2, *, data: MnistData | None = None
) -> CourseSplit:
    """The original course protocol (A3-A6): ``n`` of the 70,000 images, then a stratified split.

    Train and test are concatenated (70,000, in that order), ``np.random.seed(seed)`` and
    ``np.random.choice(70000, n, replace=False)`` pick the subset (a smaller ``n`` gives a prefix
    of the 20,000 draw), and ``train_test_split(test_size=test_size, random_state=seed,
    stratify=y)`` splits it: 16,000 / 4,000 for the defaults. The global NumPy random state is
    left as it was.
    """
    data = data if data is not None else load()
    X_all, y_all = data.concatenated()
    if not 0 < n <= len(y_all):
        raise ValueError(f"n={n} must be between 1 and {len(y_all)}.")
    rng = np.random.RandomState(seed)  # the same stream as np.random.seed(seed) + np.random.choice
    indices = rng.choice(len(y_all), n, replace=False).astype(np.int64)
    train_pos, test_pos = splits.train_val(y_all[indices], val_size=test_size, seed=seed)
    train_idx, test_idx = indices[train_pos], indices[test_pos]
    return CourseSplit(
        X_train=X_all[train_idx],
        y_train=y_all[train_idx],
        X_test=X_all[test_idx],
        y_test=y_all[test_idx],
        indices=indices,
        train_indices=np.asarray(train_idx),
        test_indices=np.asarray(test_idx),
    )


def to_float(X: np.ndarray) -> np.ndarray:
    """uint8 images → float32 in 0..1 (same shape; :func:`dyplab.transforms.to_tensor` without normalisation)."""
    from ..transforms import to_tensor  # torch only when asked for

    X = np.asarray(X)
    if X.dtype != np.uint8:
        raise ValueError(f"to_float expects uint8 images (0-255), got dtype {X.dtype}.")
    return to_tensor(X).numpy().reshape(X.shape)


def to_tensor_input(X: np.ndarray, *, normalize: bool = True) -> np.ndarray:
    """uint8 [N, 28, 28] → float32 [N, 1, 28, 28] for a CNN; standardised with :data:`MEAN`/:data:`STD` if asked
    (:func:`dyplab.transforms.to_tensor`, returned as a NumPy array)."""
    from ..transforms import to_tensor  # torch only when asked for

    return to_tensor(X, {"mean": MEAN, "std": STD} if normalize else None).numpy()


def network_split(course: CourseSplit | None = None, *, n: int = 20_000, val_size: float = 0.1, seed: int = 42,
                  data: MnistData | None = None) -> LabeledSplit:
    """The course split as network input (A5, A6, the app and the benchmark), a :class:`~dyplab.data.LabeledSplit`.

    Each part's ``X`` is float32 ``[N, 1, 28, 28]`` standardised (:func:`to_tensor_input`), ``y`` int64, class
    names ``"0"``..``"9"``. ``train`` and ``val`` come from the course training part (``val_size`` of it held
    out, stratified with ``seed``, for early stopping); ``test`` is the course test part, meant to be used once.
    ``course`` is the :class:`CourseSplit` to prepare (default: :func:`course_subset` with ``n``, ``seed`` and
    ``data``); pass the one a notebook already has, whose uint8 images serve a Random Forest and the figures.
    """
    course = course if course is not None else course_subset(n=n, seed=seed, data=data)
    fit_pos, val_pos = splits.train_val(course.y_train, val_size=val_size, seed=seed)
    names = [str(d) for d in range(N_CLASSES)]
    return LabeledSplit(
        train=LabeledData(to_tensor_input(course.X_train[fit_pos]), course.y_train[fit_pos], names),
        val=LabeledData(to_tensor_input(course.X_train[val_pos]), course.y_train[val_pos], names),
        test=LabeledData(to_tensor_input(course.X_test), course.y_test, names),
    )
