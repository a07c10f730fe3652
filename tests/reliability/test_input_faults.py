"""Bad input to models and explanations gives an error that says what was expected and what came."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from dyplab import explain


def _rgb_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2))


@pytest.mark.parametrize("fn", ["grad_cam", "saliency", "integrated_gradients"])
def test_wrong_number_of_channels_is_named(fn: str) -> None:
    model = _rgb_model()
    gray = torch.randn(2, 1, 16, 16)
    call = {
        "grad_cam": lambda x: explain.grad_cam(model, x, None, model[0]),
        "saliency": lambda x: explain.saliency(model, x, 0),
        "integrated_gradients": lambda x: explain.integrated_gradients(model, x, 0),
    }[fn]
    with pytest.raises(ValueError, match=r"expects 3 input channel\(s\) but the input has 1.*repeat the channel"):
        call(gray)
    assert np.asarray(call(gray.repeat(1, 3, 1, 1))).shape[0] == 2  # the advice works


def test_wrong_number_of_features_is_named() -> None:
    model = nn.Sequential(nn.Linear(13, 8), nn.ReLU(), nn.Linear(8, 2))
    with pytest.raises(ValueError, match="takes 13 features per example, but the input has 12"):
        explain.integrated_gradients(model, np.zeros((4, 12), dtype=np.float32), 1)
