"""LabeledData: the one return type of the classification loaders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset

from dyplab.data import LabeledData


def test_validation_subset_counts_and_groups() -> None:
    meta = pd.DataFrame({"age": np.arange(6)})
    data = LabeledData(np.arange(12).reshape(6, 2), [0, 1, 1, 0, 2, 2], ["a", "b", "c"], groups=[1, 1, 2, 2, 3, 3],
                       group_kind="patient", meta=meta)
    assert data.counts().tolist() == [2, 2, 2] and data.n_classes == 3
    sub = data.subset([5, 0])
    assert sub.y.tolist() == [2, 0] and sub.groups.tolist() == [3, 1] and sub.meta["age"].tolist() == [5, 0]
    assert sub.X.tolist() == [[10, 11], [0, 1]] and sub.class_names == ["a", "b", "c"]
    assert "3 patient" in repr(data)
    with pytest.raises(ValueError, match="labels must lie in 0..1"):
        LabeledData(np.zeros((2, 1)), [0, 2], ["a", "b"])
    with pytest.raises(ValueError, match="3 examples but 2 labels"):
        LabeledData(np.zeros((3, 1)), [0, 1], ["a", "b"])
    with pytest.raises(ValueError, match="groups"):
        LabeledData(np.zeros((2, 1)), [0, 1], ["a", "b"], groups=[1])


def test_to_dataset_is_a_torch_dataset_with_transform() -> None:
    data = LabeledData(np.ones((5, 3), dtype=np.float32), [0, 1, 0, 1, 1], ["a", "b"])
    ds = data.to_dataset(transform=lambda x: torch.as_tensor(x) * 2)
    assert isinstance(ds, Dataset) and len(ds) == 5
    x, y = next(iter(DataLoader(ds, batch_size=5)))
    assert x.shape == (5, 3) and float(x.max()) == 2.0 and y.tolist() == [0, 1, 0, 1, 1]


def test_paths_are_opened_as_rgb_images(tmp_path) -> None:
    path = tmp_path / "g.png"
    Image.new("L", (4, 3), color=200).save(path)
    data = LabeledData([path], [0], ["x"])
    image, label = data.to_dataset()[0]
    assert data.is_paths and image.mode == "RGB" and image.size == (4, 3) and label == 0
    assert data.subset([0]).X == [path]


def test_fit_takes_labeled_data_directly(tmp_path) -> None:
    from torch import nn

    from dyplab import training

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4)).astype(np.float32)
    data = LabeledData(X, (X[:, 0] > 0).astype(int), ["neg", "pos"])
    res = training.fit(nn.Linear(4, 2), data.subset(range(40)), data.subset(range(40, 60)), max_epochs=2,
                       progress=False, log_dir=tmp_path, device="cpu")
    assert len(res.history) == 2
    with pytest.raises(TypeError, match="needs a transform"):
        training.to_dataset(LabeledData([tmp_path / "a.png"], [0], ["x"]))


def test_table_subset_keeps_column_names() -> None:
    table = pd.DataFrame({"age": [50, 60, 70], "bp": [120, 130, 140]})
    data = LabeledData(table, [0, 1, 1], ["frisk", "syk"])
    sub = data.subset([2, 0])
    assert list(sub.X.columns) == ["age", "bp"] and sub.X["age"].tolist() == [70, 50]


def test_import_dyplab_data_does_not_import_torch() -> None:
    import subprocess
    import sys

    code = "import dyplab.data, sys; assert 'torch' not in sys.modules, 'dyplab.data imported torch'"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_labeled_split_from_an_index_split_keeps_rows_labels_and_groups():
    from dyplab import splits
    from dyplab.data import LabeledSplit

    y = np.repeat([0, 1], 20)
    data = LabeledData(np.arange(40 * 3).reshape(40, 3), y, ["frisk", "syk"], groups=np.arange(40) // 2,
                       group_kind="patient")
    index = splits.train_val_test(y, val_size=0.25, test_size=0.25, seed=0, groups=data.groups)
    split = LabeledSplit.from_indices(data, index)
    assert split.sizes() == index.sizes() and sum(split.sizes().values()) == 40
    for name, part in split.parts().items():
        rows = getattr(index, name)
        np.testing.assert_array_equal(part.X, data.X[rows])
        np.testing.assert_array_equal(part.y, y[rows])
        assert part.class_names == ["frisk", "syk"] and part.group_kind == "patient"
    assert split.group_sizes() == {name: len(np.unique(data.groups[getattr(index, name)])) for name in split.parts()}
    assert "train=20" in repr(split) and "frisk" in repr(split)


def test_labeled_split_without_validation_and_with_mismatched_parts():
    from dyplab.data import LabeledSplit

    a = LabeledData(np.zeros((4, 2)), [0, 1, 0, 1], ["a", "b"])
    split = LabeledSplit(a, None, a.subset([0, 1]))
    assert list(split.parts()) == ["train", "test"] and split.sizes() == {"train": 4, "test": 2}
    assert split.group_sizes() == {"train": 4, "test": 2}  # no groups: every example is its own
    with pytest.raises(ValueError, match="classes"):
        LabeledSplit(a, None, LabeledData(np.zeros((2, 2)), [0, 1], ["x", "y"]))
    with pytest.raises(TypeError, match="LabeledData"):
        LabeledSplit(a, None, (np.zeros((2, 2)), np.array([0, 1])))
