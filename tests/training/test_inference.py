"""Tests for dyplab.training.inference: evaluate, predict_proba, predict and count_parameters."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dyplab import training as T

from .helpers import data as _data
from .helpers import mlp as _mlp


def test_plain_loop_helpers_match_sklearn() -> None:
    X, y = _data(100)
    model = _mlp()
    ev = T.evaluate(model, DataLoader(TensorDataset(torch.from_numpy(X), torch.from_numpy(y)), batch_size=7))
    assert ev["acc"] == accuracy_score(y, T.predict(model, X, device="cpu"))
    probs = T.predict_proba(model, (X, y), batch_size=9, device="cpu")
    assert probs.shape == (100, 2) and np.allclose(probs.sum(1), 1, atol=1e-6)
    with torch.no_grad():
        ref = torch.log_softmax(model(torch.from_numpy(X)), 1)
    assert ev["loss"] == pytest.approx(float(-ref[torch.arange(100), torch.from_numpy(y)].mean()), abs=1e-6)
    binary = nn.Linear(8, 1)  # one output column = a binary logit
    pb = T.predict_proba(binary, X, device="cpu")
    with torch.no_grad():
        ref_p = torch.sigmoid(binary(torch.from_numpy(X)))[:, 0].numpy()
    np.testing.assert_allclose(pb[:, 1], ref_p, rtol=1e-6)
    np.testing.assert_allclose(pb.sum(1), 1, atol=1e-6)
    assert T.count_parameters(model) == 8 * 16 + 16 + 16 * 2 + 2
    model[0].weight.requires_grad_(False)
    assert T.count_parameters(model, trainable_only=True) == 16 + 16 * 2 + 2
