"""Training and scoring small image classifiers on MedMNIST-style arrays, over several seeds.

- :func:`to_tensor`: ``uint8`` images ``[N, H, W]`` / ``[N, H, W, C]`` → ``float32 [N, C, H, W]`` in ``[-1, 1]``.
- :class:`AugmentedImages`: a dataset that flips and shifts each image at random (training only).
- :func:`auc_acc`: test AUC and accuracy as MedMNIST v2 defines them (AUC: binary ROC AUC of the positive
  class; multi-class: the mean of the one-vs-rest AUCs).
- :func:`train_seeds`: train a fresh model per seed with :func:`dyplab.training.fit` (best epoch chosen on the
  validation split), score it once on the test split, one row per seed; :func:`mean_sd` summarises.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import roc_auc_score
from torch import nn

from . import config, training
from .data.labeled import LabeledData

__all__ = ["AugmentedImages", "auc_acc", "mean_sd", "to_tensor", "train_seeds"]


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """``uint8`` images ``[N, H, W]`` (grey) or ``[N, H, W, C]`` → ``float32 [N, C, H, W]`` scaled to ``[-1, 1]``."""
    a = np.asarray(images)
    if a.dtype != np.uint8:
        raise ValueError(f"expected uint8 images (0-255); got dtype {a.dtype}")
    if a.ndim == 3:
        a = a[:, None]
    elif a.ndim == 4:
        a = a.transpose(0, 3, 1, 2)
    else:
        raise ValueError(f"expected images [N, H, W] or [N, H, W, C]; got shape {a.shape}")
    return (torch.from_numpy(np.ascontiguousarray(a)).float() / 255.0 - 0.5) / 0.5


class AugmentedImages(torch.utils.data.Dataset):
    """``(x, y)`` pairs with a random horizontal (and optionally vertical) flip and a shift of up to ``shift`` px.

    The shift pads with the image's edge values and crops back to the original size. Randomness comes from
    torch's global generator, which :func:`dyplab.training.fit` seeds.
    """

    def __init__(self, X: torch.Tensor, y: np.ndarray | torch.Tensor, *, shift: int = 2, vflip: bool = False) -> None:
        if X.ndim != 4:
            raise ValueError(f"X must be [N, C, H, W]; got shape {tuple(X.shape)}")
        if len(X) != len(y):
            raise ValueError(f"{len(X)} images but {len(y)} labels")
        if shift < 0:
            raise ValueError(f"shift must be >= 0; got {shift}")
        self.X, self.y = X, torch.as_tensor(np.asarray(y), dtype=torch.int64)
        self.shift, self.vflip = int(shift), bool(vflip)

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.X[i]
        r = torch.rand(3)
        if r[0] < 0.5:
            x = x.flip(-1)
        if self.vflip and r[1] < 0.5:
            x = x.flip(-2)
        if self.shift:
            s = self.shift
            h, w = x.shape[-2:]
            dy, dx = torch.randint(0, 2 * s + 1, (2,)).tolist()
            x = nn.functional.pad(x[None], (s, s, s, s), mode="replicate")[0, :, dy : dy + h, dx : dx + w]
        return x, self.y[i]


def auc_acc(y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """``{"auc", "acc"}`` as in MedMNIST v2: binary AUC of class 1; multi-class the mean one-vs-rest AUC."""
    y = np.asarray(y, dtype=np.int64)
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim != 2 or len(proba) != len(y):
        raise ValueError(f"proba must be [N, C] for {len(y)} labels; got shape {proba.shape}")
    n_classes = proba.shape[1]
    present = np.unique(y)
    if len(present) < 2:
        raise ValueError("AUC needs examples of at least two classes")
    if n_classes == 2:
        auc = roc_auc_score(y, proba[:, 1])
    else:  # classes absent from y have no defined AUC; average over those present
        auc = float(np.mean([roc_auc_score(y == k, proba[:, k]) for k in present]))
    return {"auc": float(auc), "acc": float(np.mean(proba.argmax(axis=1) == y))}


def _check(data: LabeledData, what: str) -> LabeledData:
    if not isinstance(data, LabeledData):
        raise TypeError(f"{what} must be a dyplab.data.LabeledData; got {type(data).__name__}")
    return data


def train_seeds(
    build: Callable[[], nn.Module],
    train: LabeledData,
    val: LabeledData,
    test: LabeledData,
    *,
    seeds: Sequence[int] = (0, 1, 2),
    max_epochs: int = 30,
    augment: bool = True,
    shift: int = 2,
    vflip: bool = False,
    name: str = "medmnist",
    **fit_kwargs: Any,
) -> tuple[pd.DataFrame, list[nn.Module]]:
    """Train ``build()`` once per seed, choose the best epoch on ``val``, score once on ``test``.

    ``build`` makes a fresh model (it is called after seeding, so the initial weights follow the seed).
    Further keywords go to :func:`dyplab.training.fit` (``lr``, ``batch_size``, ``schedule``, ``patience``,
    ``monitor``, ...). Returns a table with one row per seed (``seed, val_auc, val_acc, test_auc, test_acc,
    best_epoch, seconds``) and the trained models.
    """
    train, val, test = _check(train, "train"), _check(val, "val"), _check(test, "test")
    if not seeds:
        raise ValueError("give at least one seed")
    X_tr, X_va, X_te = to_tensor(train.X), to_tensor(val.X), to_tensor(test.X)
    train_ds = AugmentedImages(X_tr, train.y, shift=shift, vflip=vflip) if augment else (X_tr, train.y)
    fit_kwargs.setdefault("progress", False)
    rows, models = [], []
    for seed in seeds:
        config.seed_everything(int(seed))
        model = build()
        t0 = time.perf_counter()
        res = training.fit(model, train_ds, (X_va, val.y), max_epochs=max_epochs, seed=int(seed),
                           name=f"{name}_seed{seed}", **fit_kwargs)
        seconds = time.perf_counter() - t0
        v = auc_acc(val.y, training.predict_proba(res.model, X_va, device="cpu"))
        t = auc_acc(test.y, training.predict_proba(res.model, X_te, device="cpu"))
        rows.append({"seed": int(seed), "val_auc": v["auc"], "val_acc": v["acc"], "test_auc": t["auc"],
                     "test_acc": t["acc"], "best_epoch": res.best_epoch, "seconds": seconds})
        models.append(res.model)
    return pd.DataFrame(rows), models


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
