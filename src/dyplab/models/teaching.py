"""Small, readable networks for the introduction notebooks (A1).

They are written for teaching: every layer is a named attribute, and :meth:`TinyCNN.activations`
returns what each layer produces, so a notebook can show the feature maps step by step.
"""

from __future__ import annotations

import torch
from torch import nn


class TinyCNN(nn.Module):
    """A minimal CNN for 28×28 grey images (MNIST), 10 classes.

    ``conv1`` (1→``c1``, 3×3, padding 1) → ReLU → 2×2 max-pool (28→14) → ``conv2`` (``c1``→``c2``)
    → ReLU → max-pool (14→7) → flatten (``c2``·7·7) → ``fc1`` (→``hidden``) → ReLU → ``fc2`` (→10 logits).
    ``TinyCNN()`` has 52,138 parameters. Unlike the original A1 network it has ReLU non-linearities
    (without them, the whole network would collapse into one linear map).
    """

    def __init__(self, c1: int = 8, c2: int = 16, hidden: int = 64, n_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, c1, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(c2 * 7 * 7, hidden)
        self.fc2 = nn.Linear(hidden, n_classes)

    def activations(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every intermediate result for input ``x`` [N, 1, 28, 28], in order; ``"logits"`` is the output."""
        if x.dim() == 3:
            x = x.unsqueeze(1)
        if x.dim() != 4 or tuple(x.shape[1:]) != (1, 28, 28):
            raise ValueError(f"TinyCNN expects images [N, 1, 28, 28], got shape {tuple(x.shape)}")
        out: dict[str, torch.Tensor] = {"input": x}
        out["conv1"] = torch.relu(self.conv1(x))
        out["pool1"] = self.pool(out["conv1"])
        out["conv2"] = torch.relu(self.conv2(out["pool1"]))
        out["pool2"] = self.pool(out["conv2"])
        out["fc1"] = torch.relu(self.fc1(torch.flatten(out["pool2"], 1)))
        out["logits"] = self.fc2(out["fc1"])
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activations(x)["logits"]
