"""Running a model over data in plain PyTorch: :func:`evaluate`, :func:`predict_proba`, :func:`predict`, and
:func:`count_parameters`."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from .. import config
from ..models import evaluating, model_device
from .data import _inputs_loader, _split_batch, make_loader

__all__ = ["count_parameters", "evaluate", "predict", "predict_proba"]


def _resolve_device(device: Any) -> torch.device:
    if device is None:
        return config.device()
    if isinstance(device, torch.device):
        device = str(device)
    return config.device(str(device))


def count_parameters(model: nn.Module, *, trainable_only: bool = False) -> int:
    """Number of parameters (all, or only those with ``requires_grad`` when ``trainable_only``)."""
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only))


def _check_logits(logits: torch.Tensor, y: torch.Tensor) -> None:
    if logits.ndim != 2:
        raise ValueError(
            f"The model must return logits of shape [batch, n_classes]; got shape {tuple(logits.shape)}."
        )
    if y.numel() and int(y.max()) >= logits.shape[1]:
        raise ValueError(
            f"Label {int(y.max())} is out of range for a model with {logits.shape[1]} outputs (classes 0..{logits.shape[1] - 1})."
        )


@torch.no_grad()
def evaluate(model: nn.Module, data: Any, *, loss: nn.Module | None = None, batch_size: int = 512,
             device: Any = None) -> dict[str, float]:
    """Loss and accuracy of ``model`` on ``data`` (eval mode, no gradients): ``{"loss", "acc"}``.

    ``loss`` defaults to ``CrossEntropyLoss()``. ``device=None`` uses the model's current device.
    The model's train/eval mode is restored afterwards.
    """
    loss_fn = loss if loss is not None else nn.CrossEntropyLoss()
    dev = model_device(model) if device is None else _resolve_device(device)
    loss_fn = loss_fn.to(dev)
    total_loss = torch.zeros((), device=dev)
    correct = torch.zeros((), device=dev, dtype=torch.long)
    n = 0
    with evaluating(model, dev):
        for batch in make_loader(data, batch_size=batch_size):
            x, y = _split_batch(batch)
            if y is None:
                raise ValueError("evaluate needs labelled data (x, y).")
            x, y = x.to(dev), y.to(dev)
            logits = model(x)
            _check_logits(logits, y)
            total_loss += loss_fn(logits, y) * len(y)
            correct += (logits.argmax(dim=1) == y).sum()
            n += len(y)
    if n == 0:
        raise ValueError("The data set is empty (0 samples).")
    return {"loss": float(total_loss) / n, "acc": float(correct) / n}


@torch.no_grad()
def predict_proba(model: nn.Module, data: Any, *, batch_size: int = 512, device: Any = None) -> np.ndarray:
    """Class probabilities ``[N, C]`` (softmax of the logits), in data order.

    ``data`` may also be inputs ``X`` alone. A model with a single output column is treated as a
    binary logit: the result is ``[1 - sigmoid, sigmoid]``. ``device=None`` uses ``dyplab.device()``;
    the model is moved back to where it was and its train/eval mode is restored.
    """
    dev = _resolve_device(device)
    out: list[torch.Tensor] = []
    with evaluating(model, dev):
        for batch in _inputs_loader(data, batch_size):
            x, _ = _split_batch(batch)
            logits = model(x.to(dev))
            if logits.ndim == 1 or (logits.ndim == 2 and logits.shape[1] == 1):
                p = torch.sigmoid(logits.reshape(-1, 1).float())
                probs = torch.cat([1 - p, p], dim=1)
            elif logits.ndim == 2:
                probs = torch.softmax(logits.float(), dim=1)
            else:
                raise ValueError(f"The model must return logits [N, C]; got shape {tuple(logits.shape)}.")
            out.append(probs.cpu())
    if not out:
        raise ValueError("The data set is empty (0 samples).")
    return torch.cat(out).numpy()


def predict(model: nn.Module, data: Any, **kw: Any) -> np.ndarray:
    """Predicted class ids ``[N]`` (argmax of :func:`predict_proba`)."""
    return predict_proba(model, data, **kw).argmax(axis=1)
