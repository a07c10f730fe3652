"""The A1 teaching CNN: shapes of every intermediate result, and it really learns."""

from __future__ import annotations

import pytest
import torch

from dyplab.models.teaching import TinyCNN


def test_activations_have_the_documented_shapes() -> None:
    model = TinyCNN()
    acts = model.activations(torch.zeros(2, 1, 28, 28))
    shapes = {k: tuple(v.shape) for k, v in acts.items()}
    assert shapes == {
        "input": (2, 1, 28, 28), "conv1": (2, 8, 28, 28), "pool1": (2, 8, 14, 14), "conv2": (2, 16, 14, 14),
        "pool2": (2, 16, 7, 7), "fc1": (2, 64), "logits": (2, 10),
    }
    assert sum(p.numel() for p in model.parameters()) == 52_138
    assert (acts["conv1"] >= 0).all(), "ReLU after the convolution"
    torch.testing.assert_close(model(torch.zeros(2, 28, 28)), acts["logits"])


def test_wrong_input_shape_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"\[N, 1, 28, 28\]"):
        TinyCNN()(torch.zeros(2, 3, 28, 28))


def test_it_can_fit_a_tiny_batch() -> None:
    torch.manual_seed(0)
    x, y = torch.randn(16, 1, 28, 28), torch.arange(16) % 10
    model = TinyCNN()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(60):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    assert (model(x).argmax(1) == y).float().mean() == 1.0
