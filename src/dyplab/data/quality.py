"""Simple data-quality checks for image sets: blank or low-contrast images and exact duplicates."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import numpy as np
import pandas as pd


def _images(X: np.ndarray, what: str = "X") -> np.ndarray:
    X = np.asarray(X)
    if X.ndim < 2 or len(X) == 0:
        raise ValueError(f"{what} must be a non-empty array of images [N, H, W(, C)]; got shape {X.shape}")
    return X


def pixel_std(X: np.ndarray) -> np.ndarray:
    """Standard deviation of the pixel values of each image ``[N]`` (0 for a blank, single-value image)."""
    X = _images(X)
    return X.reshape(len(X), -1).astype(np.float64).std(axis=1)


def low_variance(X: np.ndarray, threshold: float = 5.0) -> np.ndarray:
    """Indices of images whose pixel standard deviation is below ``threshold``, lowest first."""
    s = pixel_std(X)
    idx = np.flatnonzero(s < threshold)
    return idx[np.argsort(s[idx], kind="stable")]


def duplicate_groups(parts: Mapping[str, np.ndarray], labels: Mapping[str, np.ndarray] | None = None) -> pd.DataFrame:
    """Pixel-identical images across one or more named parts (e.g. ``{"train": Xtr, "test": Xte}``).

    Returns one row per image that has at least one identical copy: ``group`` (numbered by first
    appearance), ``part``, ``index`` (row in that part) and, with ``labels``, ``label``. Images that
    occur once are left out.
    """
    if not parts:
        raise ValueError("give at least one named part of images")
    rows = []
    for name, X in parts.items():
        X = _images(X, f"part {name!r}")
        y = None if labels is None else np.asarray(labels[name])
        if y is not None and len(y) != len(X):
            raise ValueError(f"part {name!r} has {len(X)} images but {len(y)} labels")
        for i in range(len(X)):
            digest = hashlib.blake2b(np.ascontiguousarray(X[i]).tobytes(), digest_size=16).hexdigest()
            rows.append((digest, str(X[i].shape), name, i, None if y is None else int(y[i])))
    df = pd.DataFrame(rows, columns=["digest", "shape", "part", "index", "label"])
    key = df["digest"] + df["shape"]
    df = df[key.duplicated(keep=False)].copy()
    df["group"] = pd.factorize(df["digest"] + df["shape"])[0]
    cols = ["group", "part", "index"] + ([] if labels is None else ["label"])
    return df[cols].sort_values(["group", "part", "index"], kind="stable").reset_index(drop=True)


def duplicate_summary(groups: pd.DataFrame) -> dict[str, int]:
    """Counts from :func:`duplicate_groups`: groups, images, groups spanning parts and (with labels) conflicting labels."""
    g = groups.groupby("group")
    out = {"grupper": int(g.ngroups), "bilder": int(len(groups)), "på tvers av deler": int((g["part"].nunique() > 1).sum())}
    if "label" in groups:
        out["motstridende etiketter"] = int((g["label"].nunique() > 1).sum())
    return out
