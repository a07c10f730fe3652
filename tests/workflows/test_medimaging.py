"""MedMNIST training helpers on tiny made-up arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from dyplab.data import LabeledData
from dyplab.workflows import medimaging

#: A very small CNN recipe for the toy tasks (two blocks, batch 16, no early stopping, float32, no augmentation).
_TINY = medimaging.MEDMNIST_CNN.replace(model_kwargs={"channels": (4, 8)}, batch_size=16, precision="32",
                                        channels_last=False, augment=None)


def test_to_tensor_grey_and_colour() -> None:
    grey = np.array([[[0, 255], [128, 0]]], dtype=np.uint8)
    t = medimaging.to_tensor(grey)
    assert t.shape == (1, 1, 2, 2) and t.dtype == torch.float32
    assert t.min() == -1 and t.max() == 1
    colour = np.zeros((3, 4, 5, 3), dtype=np.uint8)
    colour[..., 2] = 255
    c = medimaging.to_tensor(colour)
    assert c.shape == (3, 3, 4, 5) and torch.all(c[:, 2] == 1) and torch.all(c[:, 0] == -1)
    with pytest.raises(ValueError, match="uint8"):
        medimaging.to_tensor(grey.astype(np.float32))
    with pytest.raises(ValueError, match="shape"):
        medimaging.to_tensor(np.zeros((2, 2), dtype=np.uint8))


def test_augmented_images_keep_shape_and_content() -> None:
    X = np.arange(2 * 6 * 6, dtype=np.uint8).reshape(2, 6, 6) * 3
    expected = medimaging.to_tensor(X)
    ds = medimaging.augmented_images(X, np.array([0, 1]), shift=1, vflip=True)
    torch.manual_seed(0)
    for _ in range(20):
        x, y = ds[1]
        assert x.shape == (1, 6, 6) and int(y) == 1
        assert set(x.unique().tolist()) <= set(expected[1].unique().tolist())  # values move, none are invented
    plain = medimaging.augmented_images(X, np.array([0, 1]), shift=0)
    seen = {tuple(plain[0][0].flatten().tolist()) for _ in range(30)}
    assert seen == {tuple(expected[0].flatten().tolist()), tuple(expected[0].flip(-1).flatten().tolist())}
    with pytest.raises(ValueError, match="labels"):
        medimaging.augmented_images(X, np.array([0]))
    with pytest.raises(ValueError, match="shift"):
        medimaging.augmented_images(X, np.array([0, 1]), shift=-1)


def test_auc_acc_binary_and_multiclass() -> None:
    y = np.array([0, 0, 1, 1])
    perfect = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.1, 0.9]])
    assert medimaging.auc_acc(y, perfect) == {"auc": 1.0, "acc": 1.0}
    flipped = perfect[:, ::-1]
    assert medimaging.auc_acc(y, flipped) == {"auc": 0.0, "acc": 0.0}
    y3 = np.array([0, 1, 2, 2])
    p3 = np.eye(3)[[0, 1, 2, 1]] * 0.7 + 0.1  # probabilities: rows sum to 1
    out = medimaging.auc_acc(y3, p3)
    assert out["acc"] == 0.75 and 0.5 < out["auc"] < 1.0
    with pytest.raises(ValueError, match="two classes"):
        medimaging.auc_acc(np.array([1, 1]), perfect[:2])


def _toy(n: int, rng: np.random.Generator) -> LabeledData:
    """Class 1 has a bright square in the middle, class 0 does not."""
    y = rng.integers(0, 2, n)
    X = rng.integers(0, 60, (n, 12, 12)).astype(np.uint8)
    X[y == 1, 4:8, 4:8] = 250
    return LabeledData(X=X, y=y, class_names=["uten", "med"])


def test_train_seeds_learns_a_toy_task(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path))
    rng = np.random.default_rng(0)
    train, val, test = _toy(64, rng), _toy(32, rng), _toy(32, rng)
    table, models = medimaging.train_seeds(_TINY.replace(max_epochs=8, lr=0.01), train, val, test, seeds=(0, 1),
                                           device="cpu")
    assert list(table["seed"]) == [0, 1] and len(models) == 2
    assert (table["test_auc"] > 0.9).all()
    assert (table["val_auc"] > 0.9).all()
    summary = medimaging.mean_sd(table)
    assert set(summary) == {"test_auc_mean", "test_auc_sd", "test_acc_mean", "test_acc_sd"}
    with pytest.raises(TypeError, match="LabeledData"):
        medimaging.train_seeds(_TINY, (train.X, train.y), val, test)


def test_train_seeds_without_a_test_split_has_no_test_columns(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path))
    rng = np.random.default_rng(1)
    table, _ = medimaging.train_seeds(_TINY.replace(max_epochs=1), _toy(32, rng), _toy(16, rng), seeds=(0,),
                                      device="cpu")
    assert list(table.columns) == ["seed", "val_auc", "val_acc", "best_epoch", "seconds"]


def test_mean_sd_single_row_and_missing_column() -> None:
    table = pd.DataFrame({"test_auc": [0.8]})
    assert medimaging.mean_sd(table, ("test_auc",)) == {"test_auc_mean": 0.8, "test_auc_sd": 0.0}
    with pytest.raises(KeyError, match="test_acc"):
        medimaging.mean_sd(table, ("test_acc",))


def test_recipes_share_the_budget_and_name_real_candidates() -> None:
    shared = ("max_epochs", "optimizer", "weight_decay", "batch_size", "schedule", "patience", "monitor", "precision")
    for (kind, flag), name in medimaging.CHOSEN.items():
        assert name in medimaging.CANDIDATES
        recipe = medimaging.recipe(kind, flag)
        assert {k: recipe.fit_kwargs()[k] for k in shared} == {k: medimaging.MEDMNIST_CNN.fit_kwargs()[k] for k in shared}
        assert recipe.channels_last == (kind == "cnn")
        assert recipe.augment is None or recipe.augment["vflip"] == (flag == "retinamnist")
    assert medimaging.recipe("cnn", "retinamnist").augment == {"shift": 2, "vflip": True}
    assert medimaging.recipe("vit", "breastmnist", "lr 0.003, uten augmentering").augment is None
    assert medimaging.recipe("cnn", "breastmnist", "lr 0.003, augmentering").augment == {"shift": 2, "vflip": False}
    with pytest.raises(KeyError, match="no recipe"):
        medimaging.recipe("vit", "retinamnist")
    with pytest.raises(KeyError, match="unknown candidate"):
        medimaging.recipe("cnn", "breastmnist", "lr 1")


def test_build_model_gives_the_cnn_and_the_vit_of_c4a() -> None:
    x = torch.zeros(2, 1, 28, 28)
    assert medimaging.build_model("cnn", 2, 1)(x).shape == (2, 2)
    vit = medimaging.build_model("vit", 5, 3)
    assert vit(torch.zeros(2, 3, 28, 28)).shape == (2, 5)
    assert vit.patch_embed.kernel_size == (medimaging.VIT_SIZE["patch_size"],) * 2
    with pytest.raises(ValueError, match="model kind"):
        medimaging.build_model("rnn", 2, 1)


def test_binary_view_and_clinical_metrics_use_the_named_positive_class() -> None:
    # BreastMNIST-like: label 0 (malignant) is the positive class
    y = np.array([0, 0, 1, 1, 1])
    proba = np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.7, 0.3], [0.1, 0.9]])
    yb, score = medimaging.binary_view(y, proba, (0,))
    assert yb.tolist() == [1, 1, 0, 0, 0] and np.allclose(score, [0.9, 0.4, 0.2, 0.7, 0.1])
    m = medimaging.clinical_metrics(y, proba, (0,))
    assert (m["tp"], m["fn"], m["tn"], m["fp"]) == (1, 1, 2, 1)
    assert m["sensitivity"] == 0.5 and m["specificity"] == pytest.approx(2 / 3)
    # RetinaMNIST-like: grades 2-4 positive, score = summed probability
    y5 = np.array([0, 1, 2, 4])
    p5 = np.array([[0.6, 0.2, 0.1, 0.05, 0.05], [0.1, 0.3, 0.3, 0.2, 0.1], [0.1, 0.1, 0.2, 0.3, 0.3], [0.0, 0.0, 0.1, 0.1, 0.8]])
    yb5, s5 = medimaging.binary_view(y5, p5, (2, 3, 4))
    assert yb5.tolist() == [0, 0, 1, 1] and np.allclose(s5, [0.2, 0.6, 0.8, 1.0])
    assert medimaging.clinical_metrics(y5, p5, (2, 3, 4))["specificity"] == 0.5
    with pytest.raises(ValueError, match="some, not all"):
        medimaging.binary_view(y, proba, (0, 1))
    with pytest.raises(ValueError, match="some, not all"):
        medimaging.binary_view(y, proba, (2,))
