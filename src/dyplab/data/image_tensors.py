"""Decoded images as normalised tensors for a model: transforms with augmentation and a torch Dataset.

Kept apart from :mod:`dyplab.data.images` so that scanning a folder does not import torch.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F
from torch.utils.data import Dataset

from .image_io import NORMALIZATION

#: The course's training augmentation: horizontal flip, rotation up to ``degrees``, colour jitter.
AUGMENTATION = {"flip": 0.5, "degrees": 15.0, "brightness": 0.2, "contrast": 0.2, "saturation": 0.2, "hue": 0.1}

# RGB <-> YIQ: a hue shift is a rotation of the (I, Q) chroma plane around the luma axis Y.
_RGB_TO_YIQ = torch.tensor([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])
_YIQ_TO_RGB = torch.linalg.inv(_RGB_TO_YIQ)
_GRAY = _RGB_TO_YIQ[0].view(1, 3, 1, 1)  # luma Y: the grey value of a colour


def _uniform(n: int, low: float, high: float) -> torch.Tensor:
    return low + (high - low) * torch.rand(n)


def augment_batch(x: torch.Tensor, settings: dict | None = None) -> torch.Tensor:
    """Randomly augment a batch of images ``float [N, 3, H, W]`` in 0..1; every image gets its own draw.

    In this order: horizontal flip (probability ``flip``); rotation by an angle in ±``degrees`` about the
    centre (bilinear, the corners outside the photo black); brightness, contrast and saturation factors in
    1 ± their setting; a hue shift of ± ``hue`` of a full turn (rotation in YIQ colour space); clipped to 0..1.
    The same family of transforms as torchvision's ``RandomHorizontalFlip``, ``RandomRotation`` and
    ``ColorJitter``, computed for the whole batch at once (a few tensor operations instead of one chain per image).
    Uses torch's global random generator (seeded by ``dyplab.seed_everything`` / ``fit``).
    """
    a = {**AUGMENTATION, **(settings or {})}
    if x.dim() != 4 or x.shape[1] != 3:
        raise ValueError(f"expected images [N, 3, H, W], got shape {tuple(x.shape)}")
    n = x.shape[0]
    x = x.float()
    flip = torch.rand(n) < a["flip"]
    x = torch.where(flip.view(n, 1, 1, 1), x.flip(-1), x)
    if a["degrees"] > 0:
        angle = torch.deg2rad(_uniform(n, -a["degrees"], a["degrees"]))
        theta = torch.zeros(n, 2, 3)
        theta[:, 0, 0], theta[:, 0, 1] = torch.cos(angle), -torch.sin(angle)
        theta[:, 1, 0], theta[:, 1, 1] = torch.sin(angle), torch.cos(angle)
        grid = F.affine_grid(theta, list(x.shape), align_corners=False)
        x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    view = (n, 1, 1, 1)
    x = (x * _uniform(n, 1 - a["brightness"], 1 + a["brightness"]).view(view)).clamp_(0, 1)
    gray = (x * _GRAY).sum(1, keepdim=True)
    mean = gray.mean(dim=(2, 3), keepdim=True)
    x = ((x - mean) * _uniform(n, 1 - a["contrast"], 1 + a["contrast"]).view(view) + mean).clamp_(0, 1)
    gray = (x * _GRAY).sum(1, keepdim=True)
    x = ((x - gray) * _uniform(n, 1 - a["saturation"], 1 + a["saturation"]).view(view) + gray).clamp_(0, 1)
    if a["hue"] > 0:
        turn = 2 * torch.pi * _uniform(n, -a["hue"], a["hue"])
        rot = torch.zeros(n, 3, 3)
        rot[:, 0, 0] = 1.0
        rot[:, 1, 1], rot[:, 1, 2] = torch.cos(turn), -torch.sin(turn)
        rot[:, 2, 1], rot[:, 2, 2] = torch.sin(turn), torch.cos(turn)
        matrix = _YIQ_TO_RGB @ rot @ _RGB_TO_YIQ  # [N, 3, 3]
        x = torch.einsum("nij,njhw->nihw", matrix, x).clamp_(0, 1)
    return x


def _normalize(x: torch.Tensor, normalization: dict | None) -> torch.Tensor:
    norm = normalization or NORMALIZATION
    mean = torch.tensor(norm["mean"], dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(norm["std"], dtype=torch.float32).view(1, 3, 1, 1)
    return (x - mean) / std


def _as_unit_batch(images) -> torch.Tensor:
    """``uint8 [N, H, W, 3]`` (array or tensor) -> float ``[N, 3, H, W]`` in 0..1."""
    x = images if isinstance(images, torch.Tensor) else torch.from_numpy(np.ascontiguousarray(images))
    if x.dtype != torch.uint8 or x.dim() != 4 or x.shape[-1] != 3:
        raise ValueError(f"expected uint8 images [N, H, W, 3], got {x.dtype} {tuple(x.shape)}")
    return x.permute(0, 3, 1, 2).float().div_(255.0)


def batch_tensors(images, *, augment: bool = False, normalization: dict | None = None) -> torch.Tensor:
    """``uint8 [N, H, W, 3]`` -> normalised float ``[N, 3, H, W]``, augmented (:func:`augment_batch`) if asked."""
    x = _as_unit_batch(images)
    return _normalize(augment_batch(x) if augment else x, normalization)


def transform(*, augment: bool = False, normalization: dict | None = None):
    """A callable ``uint8 [H, W, 3] array or PIL image -> float tensor [3, H, W]``, normalised.

    ``augment=True`` adds the course's training augmentation (:func:`augment_batch`), the same as in training.
    """

    def one(image) -> torch.Tensor:
        a = np.asarray(image.convert("RGB")) if hasattr(image, "convert") else np.asarray(image)
        return batch_tensors(a[None], augment=augment, normalization=normalization)[0]

    return one


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
    return batch_tensors(X, normalization=normalization)


class ArrayImages(Dataset):
    """``(image tensor, label)`` over a ``uint8`` image array ``[N, H, W, 3]``, normalised, augmented if asked.

    A DataLoader fetches a whole batch through ``__getitems__``, so the augmentation runs once per batch
    (:func:`augment_batch`); ``ds[i]`` gives the same for one image.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, *, augment: bool = False, normalization: dict | None = None) -> None:
        if X.ndim != 4 or X.shape[-1] != 3 or X.dtype != np.uint8:
            raise ValueError(f"expected uint8 images [N, H, W, 3], got {X.dtype} {X.shape}")
        if len(X) != len(y):
            raise ValueError(f"{len(X)} images but {len(y)} labels")
        self.X, self.y = X, np.asarray(y, dtype=np.int64)
        self.augment, self.normalization = bool(augment), normalization

    def __len__(self) -> int:
        return len(self.y)

    def __getitems__(self, indices: list[int]) -> list[tuple[torch.Tensor, int]]:
        idx = np.asarray(indices, dtype=np.int64)
        x = batch_tensors(self.X[idx], augment=self.augment, normalization=self.normalization)
        return list(zip(x.unbind(0), self.y[idx].tolist()))

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return self.__getitems__([int(i)])[0]
