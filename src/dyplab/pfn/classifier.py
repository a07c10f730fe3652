"""``PFNClassifier``: scikit-learn style in-context learning with dyplab's pre-trained :class:`TabularPFN`.

``fit`` only stores the training table (the *context*); ``predict_proba`` runs one forward pass per ensemble
member with the context and the new rows together. No gradient step is taken at any time.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, ClassifierMixin

from . import preprocess
from .model import TabularPFN

WEIGHTS = Path(__file__).resolve().parent / "weights" / "tabular_pfn.pt"


def default_weights() -> Path:
    """``DYPLAB_PFN_WEIGHTS`` (e.g. your own run of ``scripts/train_pfn.py``) or the weights shipped with dyplab."""
    env = os.environ.get("DYPLAB_PFN_WEIGHTS")
    return Path(env).expanduser() if env else WEIGHTS


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[TabularPFN, int]:
    from .. import checkpoints

    ckpt = checkpoints.load(path)
    model = TabularPFN(**ckpt.meta["model_kwargs"])
    try:
        model.load_state_dict(ckpt.state_dict)
    except RuntimeError as exc:
        raise checkpoints.CheckpointError(f"{path}: the weights do not fit TabularPFN ({str(exc).splitlines()[0]})") from exc
    max_features = int(ckpt.meta.get("settings", {}).get("prior", {}).get("max_features", 24))
    return model.eval(), max_features


def load_pretrained(path: str | Path | None = None) -> tuple[TabularPFN, int]:
    """The pre-trained network and the largest feature count it saw in pre-training (shipped weights by default)."""
    return _load(str(Path(path) if path is not None else default_weights()))


def _feature_groups(n_features: int, max_features: int, n_estimators: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Column subsets, one per ensemble member; wide tables are cut into chunks so every column is used."""
    if n_features <= max_features:
        return [np.arange(n_features)] * n_estimators
    n_chunks = -(-n_features // max_features)
    groups: list[np.ndarray] = []
    while len(groups) < max(n_estimators, n_chunks):
        groups += np.array_split(rng.permutation(n_features), n_chunks)
    return groups


class PFNClassifier(ClassifierMixin, BaseEstimator):
    """Binary classifier by in-context learning with a prior-fitted network.

    Parameters: ``n_estimators`` forward passes are averaged; they alternate the preprocessing (z-score /
    rank-Gauss with context statistics) and swap the class labels, and a table with more than ``max_features``
    columns (at most the pre-training maximum) is split into random feature subsets, each column used at least
    once; ``None`` (default) means the largest feature count of pre-training (24 for the shipped weights).
    ``max_context`` caps the context size (a random subsample beyond it). ``weights``: a checkpoint path,
    default the weights shipped with dyplab.
    """

    def __init__(self, n_estimators: int = 8, max_context: int = 512, max_features: int | None = None,
                 random_state: int = 0, weights: str | None = None, query_batch: int = 512) -> None:
        self.n_estimators = n_estimators
        self.max_features = max_features
        self.max_context = max_context
        self.random_state = random_state
        self.weights = weights
        self.query_batch = query_batch

    def fit(self, X, y) -> PFNClassifier:
        """Store the context. ``y`` must hold exactly two classes."""
        if isinstance(X, pd.DataFrame):
            self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        Xa = np.asarray(X, dtype=np.float64)
        ya = np.asarray(y).reshape(-1)
        if Xa.ndim != 2:
            raise ValueError(f"X must be a 2-D table [rows, features]; got shape {Xa.shape}")
        if len(Xa) != len(ya):
            raise ValueError(f"X has {len(Xa)} rows but y has {len(ya)} labels")
        if not np.isfinite(Xa).all():
            raise ValueError("X contains NaN or infinite values; impute them first")
        self.classes_, encoded = np.unique(ya, return_inverse=True)
        if len(self.classes_) != 2:
            raise ValueError(f"PFNClassifier handles two classes; y has {len(self.classes_)}: {self.classes_[:5]}")
        self.n_features_in_ = Xa.shape[1]
        self.X_, self.y_ = Xa, encoded.astype(np.int64)
        self.model_, pretrained_max = load_pretrained(self.weights)
        self.max_features_ = min(self.max_features or pretrained_max, pretrained_max)
        return self

    def _query(self, X) -> np.ndarray:
        if not hasattr(self, "X_"):
            raise RuntimeError("call fit(X, y) before predict_proba")
        Xa = np.asarray(X, dtype=np.float64)
        if Xa.ndim != 2 or Xa.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have {self.n_features_in_} columns like the context; got shape {Xa.shape}")
        if not np.isfinite(Xa).all():
            raise ValueError("X contains NaN or infinite values; impute them first")
        return Xa

    @torch.no_grad()
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities [rows, 2] in the order of ``classes_``; rows sum to 1."""
        Xq = self._query(X)
        rng = np.random.default_rng(self.random_state)
        groups = _feature_groups(self.n_features_in_, self.max_features_, self.n_estimators, rng)
        total = np.zeros((len(Xq), 2))
        for e, cols in enumerate(groups):
            ctx = np.arange(len(self.X_))
            if len(ctx) > self.max_context:
                ctx = np.sort(rng.choice(ctx, self.max_context, replace=False))
            c, q = preprocess.transform("standard" if e % 2 == 0 else "rank", self.X_[ctx][:, cols], Xq[:, cols])
            flip = (e // 2) % 2 == 1
            y_ctx = 1 - self.y_[ctx] if flip else self.y_[ctx]
            y_t = torch.from_numpy(y_ctx).unsqueeze(0)
            for start in range(0, len(q), self.query_batch):
                x = torch.from_numpy(np.concatenate([c, q[start : start + self.query_batch]])).unsqueeze(0)
                p = torch.softmax(self.model_(x, y_t)[0], dim=-1).double().numpy()
                total[start : start + len(p)] += p[:, ::-1] if flip else p
        return total / len(groups)

    def predict(self, X) -> np.ndarray:
        """The more probable class per row."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
