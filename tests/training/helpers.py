"""Small data and model builders shared by the tests of dyplab.training."""

from __future__ import annotations

import numpy as np
from torch import nn

import dyplab


def data(n: int = 240, d: int = 8, seed: int = 0, noise: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    y = (X[:, 0] - X[:, 1] + noise * rng.normal(size=n) > 0).astype(np.int64)
    return X, y


def mlp(d: int = 8, h: int = 16, c: int = 2, seed: int = 0) -> nn.Module:
    dyplab.seed_everything(seed)
    return nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, c))
