"""Tests for dyplab.training.data: inputs to datasets."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dyplab import training as T


def test_to_dataset_validation() -> None:
    ds = T.to_dataset((np.zeros((4, 3), dtype=np.float64), np.array([0.0, 1.0, 1.0, 0.0])))
    x, y = ds[0]
    assert x.dtype == torch.float32 and y.dtype == torch.int64
    with pytest.raises(ValueError, match="integer class ids"):
        T.to_dataset((np.zeros((2, 3)), np.array([0.5, 1.0])))
    with pytest.raises(ValueError, match="1-D"):
        T.to_dataset((np.zeros((2, 3)), np.zeros((2, 2))))
    with pytest.raises(TypeError, match="Dataset"):
        T.to_dataset("not data")
