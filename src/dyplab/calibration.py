"""Calibration of a classifier's probabilities: expected calibration error and the reliability diagram.

A model is *calibrated* when, among the predictions it makes with confidence ≈ p, a fraction ≈ p is
correct. The confidence of a prediction is its largest class probability. Predictions are sorted into
``n_bins`` equal-width confidence bins ``[k/n, (k+1)/n)``; the expected calibration error (ECE) is
``Σ_bins (n_bin / N) · |accuracy_bin − confidence_bin|`` (computed by torchmetrics'
``MulticlassCalibrationError``, norm ``l1``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _check(y_true: Any, proba: Any) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true, dtype=np.int64)
    p = np.asarray(proba, dtype=np.float64)
    if p.ndim != 2 or y.ndim != 1 or len(p) != len(y):
        raise ValueError(f"need labels [N] and probabilities [N, C]; got shapes {y.shape} and {p.shape}")
    if len(y) == 0:
        raise ValueError("calibration needs at least one prediction")
    if not np.all(np.isfinite(p)) or p.min() < 0 or p.max() > 1 or not np.allclose(p.sum(axis=1), 1, atol=1e-3):
        raise ValueError("probabilities must lie in 0..1 and each row must sum to 1 (apply softmax first)")
    if y.min() < 0 or y.max() >= p.shape[1]:
        raise ValueError(f"labels must lie in 0..{p.shape[1] - 1}")
    return y, p


def expected_calibration_error(y_true: Any, proba: Any, *, n_bins: int = 10) -> float:
    """ECE of class probabilities ``proba [N, C]`` against labels ``y_true [N]`` (0 = perfectly calibrated)."""
    import torch
    from torchmetrics.classification import MulticlassCalibrationError

    y, p = _check(y_true, proba)
    metric = MulticlassCalibrationError(num_classes=p.shape[1], n_bins=n_bins, norm="l1")
    return float(metric(torch.as_tensor(p, dtype=torch.float32), torch.as_tensor(y)))


def reliability_table(y_true: Any, proba: Any, *, n_bins: int = 10) -> pd.DataFrame:
    """One row per confidence bin: ``fra``, ``til``, ``antall``, ``konfidens`` (mean), ``nøyaktighet`` (accuracy).

    A confidence of exactly 1.0 is counted in the last bin. Empty bins have NaN means (never plotted as 0).
    """
    import torch

    y, p = _check(y_true, proba)
    conf32 = torch.as_tensor(p, dtype=torch.float32).max(dim=1).values
    correct = (p.argmax(axis=1) == y).astype(float)
    bounds = torch.linspace(0, 1, n_bins + 1)  # the same bins (float32) as torchmetrics
    idx = (torch.bucketize(conf32, bounds, right=True) - 1).clamp(0, n_bins - 1).numpy()
    conf = conf32.double().numpy()
    edges = bounds.double().numpy()
    rows = []
    for k in range(n_bins):
        m = idx == k
        rows.append({"fra": edges[k], "til": edges[k + 1], "antall": int(m.sum()),
                     "konfidens": conf[m].mean() if m.any() else np.nan,
                     "nøyaktighet": correct[m].mean() if m.any() else np.nan})
    return pd.DataFrame(rows)


def reliability_diagram(y_true: Any, proba: Any, *, n_bins: int = 10, title: str | None = None, ax: Any = None):
    """Bar chart of accuracy per confidence bin against the diagonal of perfect calibration; the ECE in the legend."""
    import matplotlib.pyplot as plt

    table = reliability_table(y_true, proba, n_bins=n_bins)
    ece = expected_calibration_error(y_true, proba, n_bins=n_bins)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    width = 1.0 / n_bins
    filled = table["antall"] > 0
    ax.bar(table["fra"][filled], table["nøyaktighet"][filled], width=width, align="edge", edgecolor="black",
           alpha=0.7, label=f"nøyaktighet per intervall (ECE = {ece:.3f})")
    ax.plot([0, 1], [0, 1], "k--", label="perfekt kalibrert")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("konfidens (høyeste sannsynlighet)")
    ax.set_ylabel("andel riktige")
    ax.set_title(title or "Pålitelighetsdiagram")
    ax.legend(loc="upper left")
    return ax.figure
