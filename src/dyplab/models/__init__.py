"""Model architectures used by the course notebooks (plain ``torch.nn.Module`` classes), and two helpers that
every module running a model shares: :func:`model_device` and :func:`evaluating`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import torch
from torch import nn


def model_device(model: nn.Module) -> torch.device:
    """The device of the model's first parameter or buffer (CPU for a model without any)."""
    for tensor in [*model.parameters(), *model.buffers()][:1]:
        return tensor.device
    return torch.device("cpu")


@contextlib.contextmanager
def evaluating(model: nn.Module, device: Any = None) -> Iterator[nn.Module]:
    """Put ``model`` in eval mode (and on ``device`` when given) for the block; restore both afterwards."""
    was_training = model.training
    original = model_device(model)
    if device is not None:
        model.to(device)
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)
        model.to(original)
