"""Inputs → datasets and loaders: ``(X, y)`` arrays/tensors, ``LabeledData``, Datasets and DataLoaders."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

from .. import config
from ..convert import to_numpy

__all__ = ["make_loader", "to_dataset"]


def _as_tensor(a: Any, what: str) -> torch.Tensor:
    if isinstance(a, torch.Tensor):
        return a.detach().cpu()
    return torch.from_numpy(np.ascontiguousarray(to_numpy(a, what)))


def _check_xy(X: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    if X.ndim == 0:
        raise ValueError("X must have a sample axis (shape [N, ...]); got a scalar.")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D class ids of shape [N]; got shape {tuple(y.shape)}.")
    if len(X) != len(y):
        raise ValueError(f"X and y have different lengths: {len(X)} samples vs {len(y)} labels.")
    if len(X) == 0:
        raise ValueError("The data set is empty (0 samples).")
    if not (X.is_floating_point() or X.dtype in (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)):
        raise TypeError(f"X must be numeric; got dtype {X.dtype}.")
    X = X.to(torch.float32)
    if not torch.isfinite(X).all():
        bad = int((~torch.isfinite(X)).reshape(len(X), -1).any(dim=1).sum())
        raise ValueError(f"X contains NaN or infinite values in {bad} of {len(X)} samples; clean or impute them first.")
    if y.is_floating_point():
        if not torch.isfinite(y).all() or not torch.equal(y, y.round()):
            raise ValueError("y must hold integer class ids (0, 1, ...); got non-integer or NaN values.")
    elif y.dtype == torch.bool:
        y = y.to(torch.int64)
    y = y.to(torch.int64)
    if (y < 0).any():
        raise ValueError("y contains negative class ids; labels must be 0, 1, ..., C-1.")
    return X, y


def to_dataset(data: Any) -> Dataset:
    """Turn ``(X, y)`` arrays/tensors or array-backed :class:`~dyplab.data.LabeledData` into a ``TensorDataset``
    (X float32, y int64); pass a Dataset through. (Image paths: use ``LabeledData.to_dataset(transform)``.)"""
    from ..data.labeled import LabeledData

    if isinstance(data, LabeledData):
        if data.is_paths:
            raise TypeError("LabeledData of image paths needs a transform: pass data.to_dataset(transform) instead.")
        data = (data.X, data.y)
    if isinstance(data, DataLoader):
        return data.dataset
    if isinstance(data, Dataset):
        return data
    if isinstance(data, (tuple, list)) and len(data) == 2:
        X, y = _check_xy(_as_tensor(data[0], "X"), _as_tensor(data[1], "y"))
        return TensorDataset(X, y)
    raise TypeError(
        "Data must be a torch Dataset, a DataLoader, LabeledData or a tuple (X, y) of arrays/tensors; "
        f"got {type(data).__name__}."
    )


def make_loader(data: Any, *, batch_size: int = 64, shuffle: bool = False, seed: int | None = None,
                pin_memory: bool = False, drop_last: bool = False) -> DataLoader:
    """A ``num_workers=0`` DataLoader over ``data``; shuffling uses its own generator seeded with ``seed``."""
    if isinstance(data, DataLoader):
        return data
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1; got {batch_size}.")
    ds = to_dataset(data)
    gen = None
    if shuffle:
        gen = torch.Generator()
        gen.manual_seed(config.DEFAULT_SEED if seed is None else int(seed))
    return DataLoader(ds, batch_size=batch_size, shuffle=shuffle, generator=gen, num_workers=0,
                      pin_memory=pin_memory, drop_last=drop_last)


def _split_batch(batch: Any) -> tuple[torch.Tensor, torch.Tensor | None]:
    if isinstance(batch, (tuple, list)):
        if len(batch) >= 2:
            return batch[0], batch[1]
        return batch[0], None
    if isinstance(batch, dict):
        x = batch.get("x", batch.get("image", batch.get("input")))
        y = batch.get("y", batch.get("label", batch.get("target")))
        if x is None:
            raise TypeError(f"Batch dict needs an 'x'/'image'/'input' key; got keys {sorted(batch)}.")
        return x, y
    return batch, None


def _inputs_loader(data: Any, batch_size: int) -> DataLoader:
    """A loader for prediction: also accepts X alone (array/tensor)."""
    if isinstance(data, DataLoader):
        return data
    if isinstance(data, Dataset) or (isinstance(data, (tuple, list)) and len(data) == 2):
        return make_loader(data, batch_size=batch_size)
    X = _as_tensor(data, "X")
    if X.ndim == 0:
        raise ValueError("X must have a sample axis (shape [N, ...]); got a scalar.")
    X = X.to(torch.float32)
    if not torch.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values; clean or impute them first.")
    return DataLoader(TensorDataset(X), batch_size=batch_size, shuffle=False, num_workers=0)
