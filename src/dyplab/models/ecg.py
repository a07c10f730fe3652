"""1D CNNs for single-heartbeat classification (notebook B4).

- :class:`BeatCNN`: dyplab's compact network. Input is one row per beat, ``[z-scored window | RR features]``
  (see :func:`model_inputs`); the window goes through three small convolution blocks, the RR
  features through a tiny MLP, and both are concatenated before the classifier head.
- :class:`OriginalB4CNN`: the original B4 network (2.2 M parameters, 500-sample windows) kept as a reference
  for the benchmark ``benchmarks/ecg_intra_patient.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..signal import RELATIVE_RR, RR_FEATURES, zscore
from ..training.recipe import Recipe


def model_inputs(waves: np.ndarray, rr: np.ndarray | None = None, features: Sequence[str] | None = None) -> np.ndarray:
    """Network input: z-scored beats, with RR features appended as extra columns (float32 [n, window + k]).

    ``rr`` holds all :data:`RR_FEATURES` columns; ``features`` picks some of them by name (default: all).
    :class:`dyplab.models.ecg.BeatCNN` splits the columns again, so ``(X, y)`` can go straight to ``fit``.
    """
    z = zscore(waves)
    if rr is None:
        return z
    rr = np.asarray(rr, dtype=np.float32)
    if rr.ndim != 2 or len(rr) != len(z) or rr.shape[1] != len(RR_FEATURES):
        raise ValueError(f"rr must be [n_beats, {len(RR_FEATURES)}] with n_beats={len(z)}; got shape {rr.shape}.")
    if features is not None:
        unknown = sorted(set(features) - set(RR_FEATURES))
        if unknown:
            raise ValueError(f"Unknown RR features {unknown}; choose from {list(RR_FEATURES)}.")
        rr = rr[:, [RR_FEATURES.index(f) for f in features]]
    return np.concatenate([z, rr], axis=1)


def _conv_block(c_in: int, c_out: int, kernel: int, pool: int) -> nn.Sequential:
    layers: list[nn.Module] = [
        nn.Conv1d(c_in, c_out, kernel, padding=kernel // 2, bias=False),
        nn.BatchNorm1d(c_out),
        nn.ReLU(inplace=True),
    ]
    if pool > 1:
        layers.append(nn.MaxPool1d(pool))
    return nn.Sequential(*layers)


class BeatCNN(nn.Module):
    """Compact 1D CNN on a beat window plus RR-interval features.

    Args:
        n_samples: length of the beat window; the first ``in_channels * n_samples`` input columns hold the
            window(s), channel after channel.
        n_rr: number of RR features (the remaining columns; 0 = waveform only).
        in_channels: waveform channels per beat (e.g. 2 = the beat and the beat minus the record's median beat).
        n_classes: number of output logits.
        channels: output channels of the three convolution blocks.
        kernel: kernel size of the first block (later blocks use 5).
        dropout: dropout before the last layer.
    """

    def __init__(
        self,
        n_samples: int,
        n_rr: int = 0,
        n_classes: int = 4,
        *,
        in_channels: int = 1,
        channels: tuple[int, int, int] = (16, 32, 32),
        kernel: int = 7,
        hidden: int = 64,
        dropout: float = 0.3,
    ) -> None:
        super().__init__()
        if n_samples < 16:
            raise ValueError(f"n_samples must be at least 16; got {n_samples}.")
        self.n_samples, self.n_rr, self.in_channels = int(n_samples), int(n_rr), int(in_channels)
        c1, c2, c3 = channels
        self.features = nn.Sequential(
            _conv_block(self.in_channels, c1, kernel, 2),
            _conv_block(c1, c2, 5, 2),
            _conv_block(c2, c3, 5, 1),
            nn.AdaptiveAvgPool1d(8),
            nn.Flatten(),
        )
        # RR features: standardised by BatchNorm, passed on both as they are and through a small layer.
        rr_out = n_rr + 16 if n_rr else 0
        self.rr_norm = nn.BatchNorm1d(n_rr) if n_rr else None
        self.rr = nn.Sequential(nn.Linear(n_rr, 16), nn.ReLU(inplace=True)) if n_rr else None
        self.head = nn.Sequential(
            nn.Linear(c3 * 8 + rr_out, hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim == 3 and x.shape[1] == 1:
            x = x[:, 0]
        n_wave = self.in_channels * self.n_samples
        if x.ndim != 2 or x.shape[1] != n_wave + self.n_rr:
            raise ValueError(
                f"BeatCNN expects input [batch, {self.in_channels}×{self.n_samples} + {self.n_rr}]; got {tuple(x.shape)}."
            )
        z = self.features(x[:, :n_wave].reshape(len(x), self.in_channels, self.n_samples))
        if self.rr is not None and self.rr_norm is not None:
            rr = self.rr_norm(x[:, n_wave:])
            z = torch.cat([z, rr, self.rr(rr)], dim=1)
        return self.head(z)


class OriginalB4CNN(nn.Module):
    """The original B4 network: three Conv1d(k=15) blocks (32/64/128) with max-pooling, then 7936 → 256 → 128 → C.

    2,219,717 parameters for 500-sample windows and 5 classes. Input ``[batch, 500]`` or ``[batch, 1, 500]``.
    """

    def __init__(self, input_length: int = 500, n_classes: int = 5, dropout: float = 0.5) -> None:
        super().__init__()
        self.input_length = int(input_length)
        self.features = nn.Sequential(
            nn.Conv1d(1, 32, 15, padding=7), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(32, 64, 15, padding=7), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(64, 128, 15, padding=7), nn.ReLU(), nn.MaxPool1d(2),
        )  # fmt: skip
        flat = 128 * (self.input_length // 8)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(flat, 256), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(256, 128), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(128, n_classes),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim == 2:
            x = x[:, None, :]
        if x.ndim != 3 or x.shape[1:] != (1, self.input_length):
            raise ValueError(f"OriginalB4CNN expects [batch, {self.input_length}]; got {tuple(x.shape)}.")
        return self.classifier(self.features(x))


@dataclass(frozen=True)
class BeatRecipe:
    """B4's input choices beside the training :class:`~dyplab.training.Recipe`: which signal channels and RR features
    the network sees, how many N beats are kept for training (``None``: all) and how many seeds are averaged."""

    channels: tuple[str, ...]
    rr_features: tuple[str, ...]
    max_n_beats: int | None
    n_models: int
    recipe: Recipe

    def __post_init__(self) -> None:
        unknown = sorted(set(self.rr_features) - set(RR_FEATURES))
        if unknown:
            raise ValueError(f"Unknown RR features {unknown}; choose from {list(RR_FEATURES)}.")
        if not self.channels or self.n_models < 1 or (self.max_n_beats is not None and self.max_n_beats < 1):
            raise ValueError(f"need at least one channel, n_models >= 1 and max_n_beats >= 1 or None; got "
                             f"{self.channels}, {self.n_models}, {self.max_n_beats}")
        if self.recipe.model_kwargs.get("in_channels", 1) != len(self.channels):
            raise ValueError(f"the network's in_channels ({self.recipe.model_kwargs.get('in_channels', 1)}) must equal "
                             f"the number of channels {self.channels}")

    def describe(self) -> str:
        """One line: channels, RR features, beat cap, ensemble size and the training recipe."""
        return (f"kanaler {', '.join(self.channels)}; RR-trekk {', '.join(self.rr_features)}; høyst "
                f"{self.max_n_beats} N-slag; {self.n_models} nett; {self.recipe.describe()}")


#: B4's inter-patient recipe, chosen among candidate recipes by F1(S) + F1(V) on the pooled out-of-fold
#: predictions of :data:`dyplab.data.mitbih.DS1_CV_FOLDS` (each fold: train on the other folds, early-stop on
#: :data:`dyplab.data.mitbih.DS1_VAL`) by ``benchmarks/ecg_recipe_selection.py``. Inputs: z-scored MLII beat, the
#: same minus the record's median beat (:func:`dyplab.signal.minus_record_median`) as a second channel, and the
#: relative RR features; N beats capped, square-root class weights, 3-seed ensemble.
ECG_INTER = BeatRecipe(
    channels=("beat", "beat_minus_record_median"), rr_features=RELATIVE_RR, max_n_beats=15_000, n_models=3,
    recipe=Recipe(BeatCNN, {"in_channels": 2}, optimizer="adam", lr=1e-3, batch_size=256, max_epochs=12, patience=3,
                  class_weight_power=0.5))
