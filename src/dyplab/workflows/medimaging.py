"""Training and scoring small image classifiers on MedMNIST-style arrays, over several seeds (C4a).

- :func:`to_tensor`: ``uint8`` images ``[N, H, W]`` / ``[N, H, W, C]`` → ``float32 [N, C, H, W]`` in ``[-1, 1]``.
- :func:`augmented_images`: a training dataset that flips and shifts each image at random.
- :func:`auc_acc`: AUC and accuracy as MedMNIST v2 defines them (AUC: binary ROC AUC of class 1;
  multi-class: the mean of the one-vs-rest AUCs).
- The recipes in one place: :data:`MEDMNIST_CNN` and :data:`MEDMNIST_VIT` (the same budget for both),
  :data:`SEEDS`, :data:`CANDIDATES` (the changes ``benchmarks/medmnist_recipe_selection.py`` compares on the
  official validation split), :data:`CHOSEN` (what it chose), :func:`recipe` and :func:`build_model`.
- :func:`train_seeds`: train a fresh model of a recipe per seed with :func:`dyplab.training.fit` (best epoch chosen on the
  validation split), score it on validation and, when given, once on the test split; :func:`mean_sd` summarises.
- :func:`binary_view` / :func:`clinical_metrics`: the clinically relevant question as a two-class one
  (:data:`POSITIVE`: malignant in BreastMNIST, referable retinopathy in RetinaMNIST), scored by
  :func:`dyplab.metrics.binary_metrics`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from .. import config, metrics, training, transforms
from ..data.image_tensors import ArrayImages
from ..data.labeled import LabeledData
from ..models.images import CompactCNN, SmallViT
from ..training import Recipe

__all__ = ["AUGMENT", "CANDIDATES", "CHOSEN", "MEDMNIST_CNN", "MEDMNIST_VIT", "POSITIVE", "SEEDS", "VIT_SIZE",
           "NORMALIZATION", "auc_acc", "augmented_images", "binary_view", "build_model", "clinical_metrics", "mean_sd", "recipe",
           "to_tensor", "train_seeds"]

#: The size of C4a's Vision Transformer (also the ``timm`` model it is checked against).
VIT_SIZE: dict[str, int] = {"image_size": 28, "patch_size": 4, "dim": 64, "depth": 4, "heads": 4, "mlp_dim": 256}
#: The clinically relevant positive class(es) of each data set: BreastMNIST label 0 is malignant (1 is
#: normal/benign); RetinaMNIST grades 2–4 are referable diabetic retinopathy (moderate or worse).
POSITIVE: dict[str, tuple[int, ...]] = {"breastmnist": (0,), "retinamnist": (2, 3, 4)}
MODELS = ("cnn", "vit")
#: The training augmentation of every candidate that augments (:func:`augmented_images`): a random horizontal flip and a
#: shift of up to 2 pixels; :func:`recipe` adds the vertical flip for fundus photos.
AUGMENT: dict[str, Any] = {"shift": 2, "vflip": False}
#: The seeds of C4a: one model per seed.
SEEDS: tuple[int, ...] = (0, 1, 2)
#: The budget and settings of every MedMNIST model in C4a, the CNN and the ViT alike: at most 20 epochs with a
#: cosine learning-rate schedule, the epoch with the lowest validation loss kept (no early stopping), AdamW.
MEDMNIST_CNN = Recipe(CompactCNN, optimizer="adamw", lr=1e-3, weight_decay=1e-4, schedule="cosine", batch_size=64,
                      max_epochs=20, patience=None, monitor="val_loss", precision="auto", channels_last=True,
                      augment=AUGMENT)
MEDMNIST_VIT = MEDMNIST_CNN.replace(model=SmallViT, model_kwargs={**VIT_SIZE, "dropout": 0.1}, channels_last=False)
_BASE = {"cnn": MEDMNIST_CNN, "vit": MEDMNIST_VIT}
#: The candidates ``benchmarks/medmnist_recipe_selection.py`` compares for each model and data set, as changes to
#: :data:`MEDMNIST_CNN` / :data:`MEDMNIST_VIT` (``Recipe.replace``): learning rate and whether the training images
#: are flipped and shifted at random.
CANDIDATES: dict[str, dict[str, Any]] = {
    "lr 0.001, augmentering": {"lr": 1e-3, "augment": AUGMENT},
    "lr 0.003, augmentering": {"lr": 3e-3, "augment": AUGMENT},
    "lr 0.001, uten augmentering": {"lr": 1e-3, "augment": None},
    "lr 0.003, uten augmentering": {"lr": 3e-3, "augment": None},
}
#: The candidate chosen for each ``(model, flag)``: the highest mean validation AUC in
#: ``benchmarks/medmnist_recipe_selection.py`` (official validation split only; the test split is not loaded),
#: as it printed on 7 December 2026 (seeds 0 and 1, 20 epochs): CNN/BreastMNIST 0.943, CNN/RetinaMNIST 0.827,
#: ViT/BreastMNIST 0.769.
CHOSEN: dict[tuple[str, str], str] = {
    ("cnn", "breastmnist"): "lr 0.001, uten augmentering",
    ("cnn", "retinamnist"): "lr 0.003, augmentering",
    ("vit", "breastmnist"): "lr 0.003, uten augmentering",
}


def build_model(kind: str, n_classes: int, in_channels: int) -> nn.Module:
    """A fresh ``"cnn"`` (:class:`CompactCNN`) or ``"vit"`` (:class:`SmallViT` of :data:`VIT_SIZE`, dropout 0.1)."""
    if kind not in _BASE:
        raise ValueError(f"model kind must be one of {MODELS}; got {kind!r}")
    return _BASE[kind].build(n_classes=n_classes, in_channels=in_channels)


def recipe(kind: str, flag: str, candidate: str | None = None) -> Recipe:
    """The :class:`~dyplab.training.Recipe` of ``kind`` on ``flag``: :data:`MEDMNIST_CNN` or :data:`MEDMNIST_VIT`
    with the chosen (or the named) candidate's changes. Fundus photos are also flipped vertically."""
    name = candidate if candidate is not None else CHOSEN.get((kind, flag))
    if name is None:
        raise KeyError(f"no recipe was chosen for {kind!r} on {flag!r} (chosen: {sorted(CHOSEN)}); "
                       "run benchmarks/medmnist_recipe_selection.py")
    if name not in CANDIDATES:
        raise KeyError(f"unknown candidate {name!r}; candidates: {list(CANDIDATES)}")
    if kind not in _BASE:
        raise ValueError(f"model kind must be one of {MODELS}; got {kind!r}")
    chosen = _BASE[kind].replace(**CANDIDATES[name])
    if chosen.augment is not None and flag == "retinamnist":
        chosen = chosen.replace(augment={**chosen.augment, "vflip": True})
    return chosen


#: The MedMNIST input scale of C4a's models: ``(x / 255 - 0.5) / 0.5``, i.e. ``[-1, 1]`` (every channel).
NORMALIZATION: dict[str, float] = {"mean": 0.5, "std": 0.5}


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """``uint8`` images ``[N, H, W]`` (grey) or ``[N, H, W, C]`` → ``float32 [N, C, H, W]`` scaled to ``[-1, 1]``
    (:func:`dyplab.transforms.to_tensor` with :data:`NORMALIZATION`)."""
    a = np.asarray(images)
    if a.ndim not in (3, 4):
        raise ValueError(f"expected images [N, H, W] or [N, H, W, C]; got shape {a.shape}")
    return transforms.to_tensor(a, NORMALIZATION)


def augmented_images(X: np.ndarray, y: np.ndarray, *, shift: int = 2, vflip: bool = False) -> ArrayImages:
    """A training dataset over ``uint8`` images ``[N, H, W(, C)]`` that flips each image horizontally (and, with
    ``vflip``, vertically) at random and shifts it by up to ``shift`` pixels (the border pixels repeated), every
    image its own draw; then scales it like :func:`to_tensor`. Randomness comes from torch's global generator,
    which :func:`dyplab.training.fit` seeds."""
    X = np.asarray(X)
    if X.ndim not in (3, 4):
        raise ValueError(f"X must be uint8 images [N, H, W] or [N, H, W, C]; got shape {X.shape}")
    if shift < 0:
        raise ValueError(f"shift must be >= 0; got {shift}")
    aug = transforms.augmentation(flip=0.5, vflip=0.5 if vflip else 0.0, shift=int(shift), size=X.shape[1],
                                  padding_mode="edge")
    return ArrayImages(X, y, augment=aug, normalization=NORMALIZATION)


def auc_acc(y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """``{"auc", "acc"}`` as in MedMNIST v2 (AUC from :func:`dyplab.metrics.roc_auc`: binary AUC of class 1;
    multi-class the mean one-vs-rest AUC)."""
    y = np.asarray(y, dtype=np.int64)
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim != 2 or len(proba) != len(y):
        raise ValueError(f"proba must be [N, C] for {len(y)} labels; got shape {proba.shape}")
    present = np.unique(y)
    if len(present) < 2:
        raise ValueError("AUC needs examples of at least two classes")
    return {"auc": metrics.roc_auc(y, proba), "acc": float(np.mean(proba.argmax(axis=1) == y))}


def _check(data: LabeledData, what: str) -> LabeledData:
    if not isinstance(data, LabeledData):
        raise TypeError(f"{what} must be a dyplab.data.LabeledData; got {type(data).__name__}")
    return data


def train_seeds(
    recipe: Recipe,
    train: LabeledData,
    val: LabeledData,
    test: LabeledData | None = None,
    *,
    seeds: Sequence[int] = SEEDS,
    name: str = "medmnist",
    **fit_kwargs: Any,
) -> tuple[pd.DataFrame, list[nn.Module]]:
    """Train ``recipe``'s network once per seed, choose the best epoch on ``val``, score on ``val`` and once on ``test``.

    The network is built after seeding (``recipe.build(n_classes=..., in_channels=...)``), so the initial weights
    follow the seed; with ``recipe.augment`` the training images go through :func:`augmented_images` with those
    settings. Further keywords go to :func:`dyplab.training.fit` on top of the recipe's (a shorter ``max_epochs``,
    ``log_dir``, ``device``, ...). Returns a table with one row per seed (``seed, val_auc, val_acc, best_epoch, seconds``,
    and ``test_auc, test_acc`` when ``test`` is given) and the trained models. Without ``test`` (recipe
    selection) the test split is never touched.
    """
    train, val = _check(train, "train"), _check(val, "val")
    if test is not None:
        test = _check(test, "test")
    if not seeds:
        raise ValueError("give at least one seed")
    X_tr, X_va = to_tensor(train.X), to_tensor(val.X)
    train_ds = augmented_images(train.X, train.y, **recipe.augment) if recipe.augment is not None else (X_tr, train.y)
    fit_kwargs.setdefault("progress", False)
    rows, models = [], []
    for seed in seeds:
        config.seed_everything(int(seed))
        model = recipe.build(n_classes=train.n_classes, in_channels=X_tr.shape[1])
        t0 = time.perf_counter()
        res = recipe.fit(model, train_ds, (X_va, val.y), seed=int(seed), name=f"{name}_seed{seed}", **fit_kwargs)
        seconds = time.perf_counter() - t0
        v = auc_acc(val.y, training.predict_proba(res.model, X_va, device="cpu"))
        row = {"seed": int(seed), "val_auc": v["auc"], "val_acc": v["acc"]}
        if test is not None:
            t = auc_acc(test.y, training.predict_proba(res.model, to_tensor(test.X), device="cpu"))
            row.update(test_auc=t["auc"], test_acc=t["acc"])
        rows.append({**row, "best_epoch": res.best_epoch, "seconds": seconds})
        models.append(res.model)
    return pd.DataFrame(rows), models


def binary_view(y: np.ndarray, proba: np.ndarray, positive: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """``(y_binary, score)``: 1 where the label is one of the ``positive`` classes; the score is the summed
    probability of those classes (``proba`` is ``[N, C]``)."""
    y = np.asarray(y, dtype=np.int64)
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim != 2 or len(proba) != len(y):
        raise ValueError(f"proba must be [N, C] for {len(y)} labels; got shape {proba.shape}")
    pos = sorted({int(k) for k in positive})
    if not pos or pos[0] < 0 or pos[-1] >= proba.shape[1] or len(pos) == proba.shape[1]:
        raise ValueError(f"positive classes {list(positive)} must be some, not all, of the {proba.shape[1]} classes")
    return np.isin(y, pos).astype(np.int64), proba[:, pos].sum(axis=1)


def clinical_metrics(y: np.ndarray, proba: np.ndarray, positive: Sequence[int], threshold: float = 0.5) -> dict[str, float]:
    """Sensitivity, specificity, PPV, NPV, AUC and counts with ``positive`` as the positive class
    (:func:`dyplab.metrics.binary_metrics` on :func:`binary_view`; positive when the score ≥ ``threshold``)."""
    return metrics.binary_metrics(*binary_view(y, proba, positive), threshold=threshold)


def mean_sd(table: pd.DataFrame, columns: Sequence[str] = ("test_auc", "test_acc")) -> dict[str, float]:
    """``{"<col>_mean", "<col>_sd"}`` for each column (sd with ``ddof=1``; 0 for a single row)."""
    out: dict[str, float] = {}
    for col in columns:
        if col not in table:
            raise KeyError(f"column {col!r} is not in the table (columns: {list(table.columns)})")
        values = table[col].to_numpy(dtype=float)
        out[f"{col}_mean"] = float(values.mean())
        out[f"{col}_sd"] = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    return out
