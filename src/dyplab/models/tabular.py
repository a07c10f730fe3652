"""A fully connected network for tabular (clinical) data, used in B3 (UCI heart disease)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ..training.recipe import Recipe


class TabularMLP(nn.Module):
    """MLP for a table of preprocessed features: ``[Linear → BatchNorm → ReLU → Dropout] × k → Linear``.

    Input ``[N, n_features]`` (float32, already imputed, one-hot encoded and standardised);
    output logits ``[N, n_classes]`` (use ``softmax`` for probabilities). The defaults are the
    course's original ``HeartDiseaseNN``: hidden sizes 128-64-32 and dropout 0.3.

    BatchNorm normalises each hidden unit over the mini-batch during training and uses running
    averages in ``eval()`` mode; a training batch of a single patient is therefore not allowed.
    """

    def __init__(
        self,
        n_features: int,
        n_classes: int = 2,
        hidden: Sequence[int] = (128, 64, 32),
        dropout: float = 0.3,
    ) -> None:
        super().__init__()
        if n_features < 1 or n_classes < 2:
            raise ValueError(f"need n_features >= 1 and n_classes >= 2, got {n_features} and {n_classes}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        layers: list[nn.Module] = []
        width = n_features
        for size in hidden:
            layers += [nn.Linear(width, size), nn.BatchNorm1d(size), nn.ReLU(), nn.Dropout(dropout)]
            width = size
        self.n_features = n_features
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(width, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError(f"TabularMLP expects input [N, {self.n_features}], got {list(x.shape)}")
        return self.head(self.features(x))


#: B3's recipe: the network (``TabularMLP(n_features, hidden=(32,), dropout=0.3)``) and how it is trained. Chosen
#: by cross-validation inside B3's development patients, never its test patients:
#: ``benchmarks/heart_recipe_selection.py`` prints the candidates and the choice. The app imports it.
HEART_MLP = Recipe(TabularMLP, {"hidden": (32,), "dropout": 0.3}, optimizer="adam", lr=1e-3, weight_decay=1e-4,
                   schedule="plateau", batch_size=32, max_epochs=100, patience=15, monitor="val_loss")
