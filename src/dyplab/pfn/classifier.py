"""``PFNClassifier``: a scikit-learn classifier by in-context learning with dyplab's pre-trained :class:`TabularPFN`.

``fit`` only checks and stores the training table (the *context*); ``predict_proba`` runs one forward pass per
ensemble member with the context and the new rows together. No gradient step is taken at any time.
"""

from __future__ import annotations

import os
from functools import lru_cache
from numbers import Integral
from pathlib import Path

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

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


def output_codes(n_classes: int, alphabet: int, n_min: int, rng: np.random.Generator) -> np.ndarray:
    """Error-correcting output codes [n_codebooks, n_classes]: each row maps every class to one of ``alphabet``
    codes (balanced, all codes used), and every pair of classes gets different codes in at least two rows."""
    if alphabet < 2:
        raise ValueError(f"an output code needs an alphabet of at least 2 symbols; got {alphabet}")
    rows: list[np.ndarray] = []
    separated = np.zeros((n_classes, n_classes), dtype=int)
    np.fill_diagonal(separated, 2)
    while len(rows) < n_min or separated.min() < 2:
        code = rng.permutation(n_classes) % alphabet
        rows.append(code)
        separated += code[:, None] != code[None, :]
    return np.stack(rows)


class PFNClassifier(ClassifierMixin, BaseEstimator):
    """Classifier by in-context learning with a prior-fitted network; any number of classes.

    Parameters: ``n_estimators`` forward passes are averaged; they alternate the preprocessing (z-score /
    rank-Gauss with context statistics) and shift the class labels cyclically, so no class index is favoured. A
    table with more than ``max_features`` columns (at most the pre-training maximum) is split into random feature
    subsets, each column used at least once; ``None`` (default) means the largest feature count of pre-training.
    ``max_context`` caps the context size (a random subsample beyond it). ``weights``: a checkpoint path, default
    the weights shipped with dyplab (chosen by ``benchmarks/pfn_selection.py``; ``weights/selection.json`` says
    which network it is).

    As many classes as the network has outputs (10 for a network pre-trained by today's ``scripts/train_pfn.py``,
    2 for the earlier binary one) are predicted directly. More classes are handled with error-correcting output
    codes, the scheme TabPFN v2 uses for many classes: each ensemble member relabels the classes into at most that
    many codes (every pair of classes separated by at least two members), the network predicts a distribution over
    the codes, and a class's probability is the normalised product over members of the probability of its code.
    """

    _parameter_constraints: dict = {
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "max_context": [Interval(Integral, 2, None, closed="left")],
        "max_features": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "weights": [str, os.PathLike, None],
        "query_batch": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, n_estimators: int = 8, max_context: int = 512, max_features: int | None = None,
                 random_state: int | None = 0, weights: str | None = None, query_batch: int = 512) -> None:
        self.n_estimators = n_estimators
        self.max_features = max_features
        self.max_context = max_context
        self.random_state = random_state
        self.weights = weights
        self.query_batch = query_batch

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags

    def fit(self, X, y) -> PFNClassifier:
        """Check and store the context (rows of ``X`` with labels ``y``; any number of classes)."""
        self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        self.X_, self.y_ = X, encoded.astype(np.int64)
        self.model_, pretrained_max = load_pretrained(self.weights)
        self.max_features_ = min(self.max_features or pretrained_max, pretrained_max)
        return self

    def _member(self, ctx: np.ndarray, cols: np.ndarray, method: str, labels: np.ndarray, k: int,
                Xq: np.ndarray) -> np.ndarray:
        """One forward pass: P(label) [rows, k] of the query rows given context rows ``ctx`` labelled ``labels``."""
        c, q = preprocess.transform(method, self.X_[ctx][:, cols], Xq[:, cols])
        y_t = torch.from_numpy(labels).unsqueeze(0)
        out = np.empty((len(q), k))
        for start in range(0, len(q), self.query_batch):
            x = torch.from_numpy(np.concatenate([c, q[start : start + self.query_batch]])).unsqueeze(0)
            out[start : start + len(x[0]) - len(c)] = torch.softmax(self.model_(x, y_t)[0, :, :k], dim=-1).double().numpy()
        return out

    @torch.no_grad()
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities [rows, n_classes] in the order of ``classes_``; rows sum to 1."""
        check_is_fitted(self)
        Xq = validate_data(self, X, reset=False, dtype=np.float64)
        n_classes = len(self.classes_)
        if n_classes == 1:
            return np.ones((len(Xq), 1))
        rng = np.random.default_rng(self.random_state)
        groups = _feature_groups(self.n_features_in_, self.max_features_, self.n_estimators, rng)
        alphabet = self.model_.n_classes
        codes = output_codes(n_classes, alphabet, len(groups), rng) if n_classes > alphabet else None
        n_members = len(groups) if codes is None else max(len(groups), len(codes))
        total = np.zeros((len(Xq), n_classes))
        for e in range(n_members):
            ctx = np.arange(len(self.X_))
            if len(ctx) > self.max_context:
                ctx = np.sort(rng.choice(ctx, self.max_context, replace=False))
            method = "standard" if e % 2 == 0 else "rank"
            cols = groups[e % len(groups)]
            if codes is None:
                shift = (e // 2) % n_classes
                p = self._member(ctx, cols, method, (self.y_[ctx] + shift) % n_classes, n_classes, Xq)
                total += p[:, (np.arange(n_classes) + shift) % n_classes]
            else:
                code = codes[e % len(codes)]
                p = self._member(ctx, cols, method, code[self.y_[ctx]], alphabet, Xq)
                total += np.log(np.clip(p[:, code], 1e-12, None))
        if codes is None:
            return total / n_members
        total -= total.max(axis=1, keepdims=True)
        proba = np.exp(total)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        """The most probable class per row."""
        proba = self.predict_proba(X)  # first: it raises NotFittedError before fit
        return self.classes_[proba.argmax(axis=1)]
