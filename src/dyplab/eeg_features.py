"""Hand-crafted features of single-channel EEG segments: amplitude statistics, line length, zero crossings,
relative band power (Welch) and spectral entropy: one table row per segment."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.signal import welch

BANDS = {"delta": (0.5, 4.0), "theta": (4.0, 8.0), "alpha": (8.0, 13.0), "beta": (13.0, 30.0), "gamma": (30.0, 60.0)}


def eeg_features(X: np.ndarray, fs: float) -> pd.DataFrame:
    """Features of ``X`` [segments, samples] sampled at ``fs`` Hz (23 columns, names in Norwegian-neutral English)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] < 64:
        raise ValueError(f"X must be [segments, samples] with at least 64 samples; got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values")
    d = np.diff(X, axis=1)
    centred = X - X.mean(axis=1, keepdims=True)
    feats = {
        "mean": X.mean(1), "std": X.std(1), "min": X.min(1), "max": X.max(1), "ptp": np.ptp(X, 1),
        "median": np.median(X, 1), "q25": np.percentile(X, 25, 1), "q75": np.percentile(X, 75, 1),
        "mean_abs": np.abs(X).mean(1), "rms": np.sqrt((X**2).mean(1)), "line_length": np.abs(d).sum(1),
        "zero_crossings": (np.diff(np.sign(centred), axis=1) != 0).sum(1).astype(float),
        "mean_abs_diff": np.abs(d).mean(1), "std_diff": d.std(1),
        "skewness": (centred**3).mean(1) / np.maximum(X.std(1), 1e-12) ** 3,
        "kurtosis": (centred**4).mean(1) / np.maximum(X.std(1), 1e-12) ** 4,
    }
    freqs, psd = welch(X, fs=fs, nperseg=min(256, X.shape[1]), axis=1)
    total = psd[:, (freqs >= 0.5) & (freqs <= 60.0)].sum(1)
    for name, (lo, hi) in BANDS.items():
        feats[f"power_{name}_rel"] = psd[:, (freqs >= lo) & (freqs < hi)].sum(1) / np.maximum(total, 1e-12)
    p = psd / np.maximum(psd.sum(1, keepdims=True), 1e-12)
    feats["spectral_entropy"] = -(p * np.log(np.maximum(p, 1e-12))).sum(1) / np.log(p.shape[1])
    feats["peak_frequency"] = freqs[np.argmax(psd, axis=1)]
    return pd.DataFrame(feats)
