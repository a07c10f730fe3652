"""A :class:`~dyplab.data.LabeledData` as a ``torch.utils.data.Dataset`` (kept apart so that loading data
does not import torch)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch.utils.data import Dataset

from .image_io import read_image

if TYPE_CHECKING:
    from .labeled import LabeledData


class LabeledDataset(Dataset):
    """Map-style ``torch.utils.data.Dataset`` over :class:`LabeledData`."""

    def __init__(self, data: LabeledData, transform: Callable | None, loader: Callable | None) -> None:
        self.data = data
        self.transform = transform
        if data.is_paths and loader is None:
            loader = read_image
        self.loader = loader

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, i: int):
        x = self.data.X[i]
        if self.loader is not None:
            x = self.loader(x)
        if self.transform is not None:
            x = self.transform(x)
        elif isinstance(x, np.ndarray):
            x = torch.as_tensor(x)
        return x, int(self.data.y[i])
