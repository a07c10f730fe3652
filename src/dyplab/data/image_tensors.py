"""Decoded images as normalised tensors for a model: transforms with augmentation and a torch Dataset.

Kept apart from :mod:`dyplab.data.images` so that scanning a folder does not import torch.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset
from torchvision.transforms import v2

from .images import NORMALIZATION


def transform(*, augment: bool = False, normalization: dict | None = None):
    """A callable ``uint8 [H, W, 3] array or PIL image -> float tensor [3, H, W]``, normalised.

    ``augment=True`` adds the course's training augmentation: horizontal flip, rotation up to 15°
    and colour jitter (brightness, contrast, saturation 0.2, hue 0.1).
    """
    norm = normalization or NORMALIZATION
    steps: list = [v2.ToImage()]
    if augment:
        steps += [
            v2.RandomHorizontalFlip(0.5),
            v2.RandomRotation(15),
            v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2, hue=0.1),
        ]
    steps += [v2.ToDtype(torch.float32, scale=True), v2.Normalize(mean=norm["mean"], std=norm["std"])]
    return v2.Compose(steps)


def denormalize(x, normalization: dict | None = None) -> np.ndarray:
    """Undo :func:`transform`'s normalisation: tensor/array ``[3, H, W]`` or ``[N, 3, H, W]`` -> ``[..., H, W, 3]`` in 0..1."""
    norm = normalization or NORMALIZATION
    a = np.asarray(x.detach().cpu() if hasattr(x, "detach") else x, dtype=np.float32)
    mean = np.asarray(norm["mean"], dtype=np.float32).reshape(3, 1, 1)
    std = np.asarray(norm["std"], dtype=np.float32).reshape(3, 1, 1)
    a = a * std + mean
    return np.clip(np.moveaxis(a, -3, -1), 0.0, 1.0)


def to_tensors(X: np.ndarray, normalization: dict | None = None):
    """``uint8 [N, H, W, 3]`` -> normalised float tensor ``[N, 3, H, W]`` (no augmentation), for evaluation."""
    norm = normalization or NORMALIZATION
    x = torch.from_numpy(np.ascontiguousarray(X)).permute(0, 3, 1, 2).float().div_(255.0)
    mean = torch.tensor(norm["mean"]).view(1, 3, 1, 1)
    std = torch.tensor(norm["std"]).view(1, 3, 1, 1)
    return (x - mean) / std


class ArrayImages(Dataset):
    """``(transform(X[i]), y[i])`` over a ``uint8`` image array ``[N, H, W, 3]`` (:func:`transform`)."""

    def __init__(self, X: np.ndarray, y: np.ndarray, *, augment: bool = False, normalization: dict | None = None) -> None:
        if X.ndim != 4 or X.shape[-1] != 3 or X.dtype != np.uint8:
            raise ValueError(f"expected uint8 images [N, H, W, 3], got {X.dtype} {X.shape}")
        if len(X) != len(y):
            raise ValueError(f"{len(X)} images but {len(y)} labels")
        self.X, self.y = X, np.asarray(y, dtype=np.int64)
        self.transform = transform(augment=augment, normalization=normalization)

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return self.transform(self.X[i]).as_subclass(torch.Tensor), int(self.y[i])
