"""Preprocessing that uses the context (training rows) only: the same code runs in pre-training and at prediction."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

CLIP = 6.0


def standardize(context: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Z-score every column with the context's mean and std (constant columns become 0), clipped to ±6."""
    mean = context.mean(axis=0)
    std = context.std(axis=0)
    std = np.where(std > 1e-8, std, 1.0)
    out = [np.clip((a - mean) / std, -CLIP, CLIP) for a in (context, query)]
    return out[0].astype(np.float32), out[1].astype(np.float32)


def rank_gauss(context: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map each column through the context's empirical CDF to a standard normal (robust to skew and outliers)."""
    n = len(context)
    c_out = np.empty(context.shape, dtype=np.float32)
    q_out = np.empty(query.shape, dtype=np.float32)
    for j in range(context.shape[1]):
        ref = np.sort(context[:, j])
        for src, dst in ((context, c_out), (query, q_out)):
            lo = np.searchsorted(ref, src[:, j], side="left")
            hi = np.searchsorted(ref, src[:, j], side="right")
            p = (lo + hi) / 2.0 / n  # mid-rank, ties share one value
            dst[:, j] = ndtri(np.clip(p, 0.5 / n, 1.0 - 0.5 / n))
    return standardize(c_out, q_out)


METHODS = {"standard": standardize, "rank": rank_gauss}


def transform(method: str, context: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Apply the named method (``standard`` or ``rank``)."""
    if method not in METHODS:
        raise ValueError(f"unknown preprocessing {method!r}; choose one of {sorted(METHODS)}")
    return METHODS[method](np.asarray(context, dtype=np.float64), np.asarray(query, dtype=np.float64))
