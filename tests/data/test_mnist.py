"""MNIST loaders: IDX parsing (on tiny files written here) and the course subset (on the mirror)."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from dyplab.data import DataError, mnist


def _idx(values: np.ndarray, magic: int | None = None) -> bytes:
    ndim = values.ndim
    magic = (0x08 << 8 | ndim) if magic is None else magic
    return struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in values.shape) + values.astype(np.uint8).tobytes()


def _write(path: Path, data: bytes, *, gz: bool = True) -> Path:
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


# ----------------------------------------------------------------------------------- IDX parsing


@pytest.mark.parametrize("gz", [True, False])
def test_read_idx_images_and_labels(tmp_path, gz):
    images = np.arange(3 * 28 * 28, dtype=np.int64).reshape(3, 28, 28) % 256
    labels = np.array([7, 0, 9])
    X = mnist.read_idx(_write(tmp_path / "img.gz", _idx(images), gz=gz), expect_magic=2051)
    y = mnist.read_idx(_write(tmp_path / "lab.gz", _idx(labels), gz=gz), expect_magic=2049)
    assert X.dtype == np.uint8 and X.shape == (3, 28, 28)
    np.testing.assert_array_equal(X, images)
    np.testing.assert_array_equal(y, labels)
    assert X.flags.writeable  # a real copy, not a view of the file's bytes


def test_read_idx_rejects_wrong_magic(tmp_path):
    labels = np.array([1, 2, 3])
    path = _write(tmp_path / "lab.gz", _idx(labels))
    with pytest.raises(DataError, match=r"magic number 2049 \(expected 2051\)"):
        mnist.read_idx(path, expect_magic=2051)
    bad = _write(tmp_path / "bad.gz", b"\x12\x34\x08\x01" + struct.pack(">I", 3) + bytes(3))
    with pytest.raises(DataError, match="magic number"):
        mnist.read_idx(bad)


@pytest.mark.parametrize("cut", [2, 10, 30])
def test_read_idx_rejects_truncated_content(tmp_path, cut):
    data = _idx(np.zeros((2, 28, 28), dtype=np.uint8))
    path = _write(tmp_path / "img.gz", data[:-cut] if cut != 2 else data[:6])
    with pytest.raises(DataError, match="truncated|too short"):
        mnist.read_idx(path, expect_magic=2051)


def test_read_idx_rejects_trailing_bytes(tmp_path):
    path = _write(tmp_path / "img.gz", _idx(np.zeros((2, 28, 28), dtype=np.uint8)) + b"\x00")
    with pytest.raises(DataError, match="longer than its header"):
        mnist.read_idx(path)


def test_read_idx_rejects_truncated_gzip_and_missing_file(tmp_path):
    packed = gzip.compress(_idx(np.random.default_rng(0).integers(0, 255, (50, 28, 28))))
    path = tmp_path / "img.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(DataError, match="corrupt or truncated"):
        mnist.read_idx(path)
    with pytest.raises(DataError, match="does not exist"):
        mnist.read_idx(tmp_path / "nope.gz")


def _tiny_mirror(folder: Path, n_train: int = 60_000, n_test: int = 10_000, label_max: int = 9) -> Path:
    folder.mkdir()
    rng = np.random.default_rng(0)
    for split, n in (("train", n_train), ("t10k", n_test)):
        _write(folder / f"{split}-images-idx3-ubyte.gz", _idx(np.zeros((n, 28, 28), dtype=np.uint8)))
        _write(folder / f"{split}-labels-idx1-ubyte.gz", _idx(rng.integers(0, label_max + 1, n)))
    return folder


def test_load_checks_counts_and_labels(tmp_path):
    with pytest.raises(DataError, match=r"train images .* shape \(100, 28, 28\), expected \(60000, 28, 28\)"):
        mnist.load(_tiny_mirror(tmp_path / "small", n_train=100, n_test=10))
    with pytest.raises(DataError, match="labels must be 0-9"):
        mnist.load(_tiny_mirror(tmp_path / "badlabels", label_max=12))


def test_to_float_and_tensor_input():
    X = np.array([[[0, 255]]], dtype=np.uint8).repeat(28, 1).repeat(14, 2)  # [1, 28, 28]
    f = mnist.to_float(X)
    assert f.dtype == np.float32 and f.min() == 0.0 and f.max() == 1.0
    t = mnist.to_tensor_input(X)
    assert t.shape == (1, 1, 28, 28) and t.dtype == np.float32
    assert np.isclose(t.min(), -mnist.MEAN / mnist.STD)
    with pytest.raises(ValueError, match="uint8"):
        mnist.to_float(f)


# ----------------------------------------------------------------------------------- on the mirror


@pytest.fixture(scope="module")
def data(mirror):
    return mnist.load(mirror / "mnist")


@pytest.mark.mirror
def test_load_shapes_and_dtypes(data):
    (Xtr, ytr), (Xte, yte) = (data.train.X, data.train.y), (data.test.X, data.test.y)
    assert data.train.class_names == [str(d) for d in range(10)]
    assert Xtr.shape == (60_000, 28, 28) and Xte.shape == (10_000, 28, 28)
    assert Xtr.dtype == Xte.dtype == np.uint8
    assert ytr.dtype == yte.dtype == np.int64 and ytr.shape == (60_000,) and yte.shape == (10_000,)
    assert np.bincount(ytr).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(yte).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert abs(Xtr.mean() - 33.318) < 1e-3


@pytest.mark.mirror
def test_course_subset_reproduces_the_original_protocol(data):
    split = mnist.course_subset(data=data)
    y_all = np.concatenate([split.y_train, split.y_test])
    counts = dict(enumerate(np.bincount(y_all).tolist()))
    assert counts == mnist.COURSE_SUBSET_COUNTS == {
        0: 1966, 1: 2240, 2: 2039, 3: 2061, 4: 1831, 5: 1822, 6: 1995, 7: 2156, 8: 1912, 9: 1978}
    assert len(split.y_train) == 16_000 and len(split.y_test) == 4_000
    assert split.X_train.shape == (16_000, 28, 28) and split.X_train.dtype == np.uint8
    # the supports printed by the original A4-A6 classification reports
    assert np.bincount(split.y_test).tolist() == [393, 448, 408, 412, 366, 365, 399, 431, 382, 396]
    # the subset is drawn exactly like the original: np.random.seed(42); np.random.choice(70000, 20000, replace=False)
    state = np.random.get_state()
    try:
        np.random.seed(42)
        expected = np.random.choice(70_000, 20_000, replace=False)
    finally:
        np.random.set_state(state)
    np.testing.assert_array_equal(split.indices, expected)
    X_all, y_all70 = data.concatenated()
    assert y_all70[split.indices[:5]].tolist() == [8, 4, 8, 7, 7]  # first rows of A3's DataFrame
    # rows and indices agree; train and test are disjoint and together are the subset
    np.testing.assert_array_equal(X_all[split.test_indices], split.X_test)
    np.testing.assert_array_equal(y_all70[split.train_indices], split.y_train)
    assert np.intersect1d(split.train_indices, split.test_indices).size == 0
    np.testing.assert_array_equal(np.union1d(split.train_indices, split.test_indices), np.sort(split.indices))


@pytest.mark.mirror
def test_course_subset_is_stratified_and_deterministic(data):
    a = mnist.course_subset(data=data)
    b = mnist.course_subset(data=data)
    np.testing.assert_array_equal(a.test_indices, b.test_indices)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    frac_train = np.bincount(a.y_train) / len(a.y_train)
    frac_test = np.bincount(a.y_test) / len(a.y_test)
    assert np.abs(frac_train - frac_test).max() < 1e-3
    other = mnist.course_subset(seed=7, data=data)
    assert not np.array_equal(other.indices, a.indices)
    small = mnist.course_subset(n=2_000, data=data)
    np.testing.assert_array_equal(small.indices, a.indices[:2_000])  # a smaller n is a prefix of the same draw
    assert len(small.y_train) == 1_600 and len(small.y_test) == 400
    with pytest.raises(ValueError, match="between 1 and 70000"):
        mnist.course_subset(n=80_000, data=data)


def test_network_split_holds_out_validation_from_the_training_part(data):
    from dyplab.data import LabeledSplit

    split = mnist.network_split(data=data)
    course = mnist.course_subset(data=data)
    assert isinstance(split, LabeledSplit) and split.train.class_names == [str(d) for d in range(10)]
    (X_tr, y_tr), (X_val, y_val), (X_te, y_te) = ((part.X, part.y) for part in split.parts().values())
    assert split.sizes() == {"train": 14_400, "val": 1_600, "test": 4_000}
    assert X_tr.shape[1:] == X_te.shape[1:] == (1, 28, 28) and X_tr.dtype == X_te.dtype == np.float32
    np.testing.assert_array_equal(y_te, course.y_test)
    # a notebook's own course split gives the same network input
    again = mnist.network_split(course)
    np.testing.assert_array_equal(again.val.X, X_val)
    np.testing.assert_array_equal(again.train.y, y_tr)
    # stratified: every digit keeps its share of the training part in the validation split
    share_train = np.bincount(course.y_train, minlength=10) / len(course.y_train)
    share_val = np.bincount(y_val, minlength=10) / len(y_val)
    assert np.abs(share_train - share_val).max() < 0.005
    # validation images are drawn from the course training part
    def as_uint8(X):
        return np.rint((X[:, 0] * mnist.STD + mnist.MEAN) * 255).astype(np.uint8)

    train_rows = {img.tobytes() for img in course.X_train}
    val_rows = [img.tobytes() for img in as_uint8(X_val)]
    assert all(r in train_rows for r in val_rows)
