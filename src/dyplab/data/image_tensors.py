"""Decoded images as normalised tensors for a model: the photos' conversions and a torch Dataset.

Kept apart from :mod:`dyplab.data.images` so that scanning a folder does not import torch. The conversion and
augmentation themselves are :mod:`dyplab.transforms`; this module binds them to the photos' settings
(:data:`~dyplab.data.image_io.NORMALIZATION`, :data:`AUGMENTATION`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from torch.utils.data import Dataset

from .. import transforms
from .image_io import NORMALIZATION

#: The course's training augmentation of photos (keywords of :func:`dyplab.transforms.augmentation`):
#: horizontal flip, rotation up to ``degrees`` (black corners), colour jitter.
AUGMENTATION = {"flip": 0.5, "degrees": 15.0, "brightness": 0.2, "contrast": 0.2, "saturation": 0.2, "hue": 0.1}


def _augmentation(augment) -> transforms.v2.Transform | None:
    if augment is True:
        return transforms.augmentation(**AUGMENTATION)
    if augment is False or augment is None:
        return None
    if not callable(augment):
        raise TypeError(f"augment must be True, False or a transform; got {augment!r}")
    return augment


def transform(*, augment: bool = False, normalization: Mapping | None = None):
    """A callable ``uint8 [H, W, 3] array or PIL image -> float tensor [3, H, W]``, normalised
    (default :data:`~dyplab.data.image_io.NORMALIZATION`).

    ``augment=True`` adds the course's training augmentation (:data:`AUGMENTATION`), the same as in training.
    """
    aug = _augmentation(augment)
    norm = normalization or NORMALIZATION

    def one(image) -> torch.Tensor:
        a = np.asarray(image.convert("RGB")) if hasattr(image, "convert") else np.asarray(image)
        x = transforms.augment_each(transforms.to_tensor(a[None]), aug)
        return transforms.normalize(x, norm)[0]

    return one


def denormalize(x, normalization: Mapping | None = None) -> np.ndarray:
    """Photos back to colours for showing: ``[3, H, W]`` / ``[N, 3, H, W]`` → ``[..., H, W, 3]`` in 0..1
    (:func:`dyplab.transforms.denormalize` with :data:`~dyplab.data.image_io.NORMALIZATION` by default)."""
    return transforms.denormalize(x, normalization or NORMALIZATION)


def to_tensors(X: np.ndarray, normalization: Mapping | None = None) -> torch.Tensor:
    """Photos ``uint8 [N, H, W, 3]`` -> normalised float tensor ``[N, 3, H, W]`` (no augmentation), for evaluation."""
    return transforms.to_tensor(X, normalization or NORMALIZATION)


class ArrayImages(Dataset):
    """``(image tensor, label)`` over a ``uint8`` image array ``[N, H, W]`` or ``[N, H, W, C]``: scaled to 0..1,
    augmented if asked, then normalised (default the photos' :data:`~dyplab.data.image_io.NORMALIZATION`).

    ``augment``: ``True`` for the photos' :data:`AUGMENTATION`, ``False``, or any transform from
    :func:`dyplab.transforms.augmentation`. A DataLoader fetches a whole batch through ``__getitems__``
    (every image its own random draw, :func:`dyplab.transforms.augment_each`); ``ds[i]`` gives the same for one.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, *, augment=False, normalization: Mapping | None = None) -> None:
        if not isinstance(X, np.ndarray) or X.dtype != np.uint8 or X.ndim not in (3, 4):
            raise ValueError(f"expected uint8 images [N, H, W] or [N, H, W, C]; got "
                             f"{getattr(X, 'dtype', type(X).__name__)} {getattr(X, 'shape', '')}")
        if len(X) != len(y):
            raise ValueError(f"{len(X)} images but {len(y)} labels")
        self.X, self.y = X, np.asarray(y, dtype=np.int64)
        self.augment, self.normalization = _augmentation(augment), normalization or NORMALIZATION
        transforms.to_tensor(X[:1], self.normalization)  # a clear error now, not in the first batch

    def __len__(self) -> int:
        return len(self.y)

    def __getitems__(self, indices: list[int]) -> list[tuple[torch.Tensor, int]]:
        idx = np.asarray(indices, dtype=np.int64)
        x = transforms.augment_each(transforms.to_tensor(self.X[idx]), self.augment)
        x = transforms.normalize(x, self.normalization)
        return list(zip(x.unbind(0), self.y[idx].tolist()))

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return self.__getitems__([int(i)])[0]
