"""Repeated cross-validation shared by every model: out-of-fold probabilities and repeat-averaged metrics.

Folds come from :func:`dyplab.splits.repeated_folds` (``n_repeats`` blocks of ``n_splits`` folds, each a
complete partition), so every model is scored on exactly the same folds. For each repeat every example
gets one out-of-fold probability; a model's result is the matrix ``P [N, n_repeats]``.

A metric is computed per repeat and averaged over the repeats; its 95 % interval comes from a bootstrap
over examples (or whole groups, e.g. subjects) that resamples the same rows in every repeat, so the
interval reflects how few subjects there are, not only the luck of one fold assignment.
:func:`compare` does the same for the *difference* between two models on the same folds (paired).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import metrics, splits

__all__ = ["METRICS", "compare", "oof_sklearn", "oof_torch", "per_repeat", "summarize", "threshold_for_sensitivity",
           "verdict"]

Folds = Sequence[tuple[np.ndarray, np.ndarray]]


def _balanced_accuracy(y: np.ndarray, p: np.ndarray) -> float:
    pred = p >= 0.5
    pos, neg = y == 1, y == 0
    if not pos.any() or not neg.any():
        return float("nan")
    return 0.5 * (pred[pos].mean() + (~pred[neg]).mean())


METRICS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "balanced_accuracy": _balanced_accuracy,
    "roc_auc": metrics.roc_auc,
}


def _n_repeats(folds: Folds, n: int) -> int:
    covered = np.zeros(n, dtype=np.int64)
    for _, test in folds:
        covered[np.asarray(test)] += 1
    if covered.min() != covered.max() or covered.min() < 1:
        raise ValueError("folds must be repeats of complete partitions (every example tested once per repeat)")
    return int(covered[0])


def _repeat_of_each_fold(folds: Folds, n: int) -> list[int]:
    """Repeat index of each fold: a repeat is complete when every example has been tested once in it."""
    n_rep = _n_repeats(folds, n)
    out, seen, r = [], 0, 0
    for _, test in folds:
        out.append(r)
        seen += len(test)
        if seen == n:
            r, seen = r + 1, 0
    if r != n_rep:
        raise ValueError("folds are not ordered repeat by repeat (as dyplab.splits.repeated_folds returns them)")
    return out


def oof_sklearn(estimator: Any, X: Any, y: np.ndarray, folds: Folds) -> np.ndarray:
    """Out-of-fold P(class 1) ``[N, n_repeats]`` of a scikit-learn classifier (cloned and refitted per fold)."""
    from sklearn.base import clone

    y = np.asarray(y)
    rep = _repeat_of_each_fold(folds, len(y))
    P = np.full((len(y), max(rep) + 1), np.nan)
    rows = X.iloc if isinstance(X, pd.DataFrame) else np.asarray(X)
    for (train, test), r in zip(folds, rep):
        model = clone(estimator).fit(rows[train], y[train])
        P[test, r] = model.predict_proba(rows[test])[:, 1]
    return P


def oof_torch(
    make_model: Callable[[], Any],
    data: Any,
    folds: Folds,
    *,
    train_transform: Callable | None = None,
    val_size: float = 0.15,
    batch_size: int = 32,
    seed: int = 42,
    **fit_kwargs: Any,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Out-of-fold P(class 1) ``[N, n_repeats]`` of a PyTorch classifier, and one log row per fold.

    ``data`` is a :class:`~dyplab.data.LabeledData` with an array ``X``. In each fold a fresh
    ``make_model()`` is trained with :func:`dyplab.training.fit` on the training part (augmented with
    ``train_transform``); early stopping uses a grouped validation part (``val_size`` of the training
    subjects), class weights come from the training labels. The test part is only predicted.
    ``fit_kwargs`` go to ``fit`` (``max_epochs`` is required).
    """
    import torch
    from torch.utils.data import DataLoader

    from . import config, training

    y = data.y
    rep = _repeat_of_each_fold(folds, len(y))
    P = np.full((len(y), max(rep) + 1), np.nan)
    X = np.asarray(data.X, dtype=np.float32)
    log = []
    for k, ((train, test), r) in enumerate(zip(folds, rep)):
        groups = None if data.groups is None else data.groups[train]
        inner_tr, inner_val = splits.train_val(y[train], val_size=val_size, seed=seed + k, groups=groups)
        tr, va = train[inner_tr], train[inner_val]
        gen = torch.Generator()
        gen.manual_seed(seed + k)
        loader = DataLoader(data.subset(tr).to_dataset(train_transform), batch_size=batch_size, shuffle=True,
                            generator=gen, num_workers=0, drop_last=len(tr) % batch_size == 1)
        config.seed_everything(seed + k)
        model = make_model()
        t0 = time.perf_counter()
        res = training.fit(model, loader, (X[va], y[va]), batch_size=batch_size, seed=seed + k, progress=False,
                           class_weights=splits.class_weights(y[tr], data.n_classes), name=f"oof_fold{k}",
                           **fit_kwargs)
        P[test, r] = training.predict_proba(res.model, X[test])[:, 1]
        log.append({"fold": k, "repeat": r, "n_train": len(tr), "n_val": len(va), "n_test": len(test),
                    "best_epoch": res.best_epoch, "seconds": time.perf_counter() - t0})
    return P, pd.DataFrame(log)


def _check(y: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y).astype(np.int64)
    P = np.asarray(P, dtype=np.float64)
    if P.ndim == 1:
        P = P[:, None]
    if P.ndim != 2 or len(P) != len(y):
        raise ValueError(f"P must be [N, n_repeats] with N = {len(y)}; got shape {P.shape}")
    if not np.isfinite(P).all():
        raise ValueError("P has missing probabilities: every example needs one out-of-fold value per repeat")
    return y, P


def per_repeat(y: np.ndarray, P: np.ndarray) -> pd.DataFrame:
    """Each metric of :data:`METRICS` for each repeat (rows = repeats)."""
    y, P = _check(y, P)
    return pd.DataFrame([{m: f(y, P[:, r]) for m, f in METRICS.items()} for r in range(P.shape[1])])


def threshold_for_sensitivity(y: np.ndarray, P: np.ndarray, target: float = 0.85) -> float:
    """A decision threshold chosen on out-of-fold probabilities: the highest one whose sensitivity, with
    all repeats pooled, is at least ``target`` (:func:`dyplab.metrics.threshold_for_sensitivity`).

    Every example was unseen by the model that scored it, so the threshold is chosen without a test set.
    """
    y, P = _check(y, P)
    return metrics.threshold_for_sensitivity(np.tile(y, P.shape[1]), P.T.reshape(-1), target)


def _mean_over_repeats(f: Callable) -> Callable:
    def stat(y: np.ndarray, P: np.ndarray) -> float:
        return float(np.mean([f(y, P[:, r]) for r in range(P.shape[1])]))

    return stat


def summarize(y: np.ndarray, P: np.ndarray, *, n_boot: int = 1000, seed: int = 42,
              groups: Any = None) -> pd.DataFrame:
    """Rows = metrics; columns ``value`` (mean over repeats), ``ci_low``, ``ci_high`` (95 % bootstrap)."""
    y, P = _check(y, P)
    rows = {}
    for name, f in METRICS.items():
        v, lo, hi = metrics.bootstrap_ci(_mean_over_repeats(f), y, P, n_boot=n_boot, seed=seed, groups=groups)
        rows[name] = {"value": v, "ci_low": lo, "ci_high": hi}
    return pd.DataFrame(rows).T


def compare(y: np.ndarray, P_a: np.ndarray, P_b: np.ndarray, metric: str = "balanced_accuracy", *,
            n_boot: int = 1000, seed: int = 42, groups: Any = None) -> tuple[float, float, float]:
    """Paired difference ``metric(a) - metric(b)`` (repeat means) with its 95 % bootstrap interval."""
    y, P_a = _check(y, P_a)
    _, P_b = _check(y, P_b)
    if P_a.shape != P_b.shape:
        raise ValueError(f"the two models have different fold layouts: {P_a.shape} vs {P_b.shape}")
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {sorted(METRICS)}; got {metric!r}")
    f = _mean_over_repeats(METRICS[metric])
    R = P_a.shape[1]

    def diff(yy: np.ndarray, PP: np.ndarray) -> float:
        return f(yy, PP[:, :R]) - f(yy, PP[:, R:])

    return metrics.bootstrap_ci(diff, y, np.hstack([P_a, P_b]), n_boot=n_boot, seed=seed, groups=groups)


def verdict(name_a: str, name_b: str, diff: tuple[float, float, float], what: str = "balansert nøyaktighet") -> str:
    """One Norwegian sentence that says, from the paired difference and its interval, whether a beats b."""
    d, lo, hi = diff
    span = f"differanse {d:+.3f}, 95 % KI [{lo:+.3f}, {hi:+.3f}]"
    if lo > 0:
        return f"{name_a} slår {name_b} på {what} ({span}): intervallet ligger over 0."
    if hi < 0:
        return f"{name_a} er dårligere enn {name_b} på {what} ({span}): intervallet ligger under 0."
    lead = "litt høyere" if d > 0 else ("litt lavere" if d < 0 else "like høy")
    return (f"{name_a} slår IKKE {name_b} påviselig på {what}: punktestimatet er {lead} ({span}), "
            f"men intervallet inneholder 0.")
