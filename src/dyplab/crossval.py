"""The one evaluation engine of dyplab: repeated cross-validation, out-of-fold predictions, summaries, paired
comparisons.

Folds come from :func:`dyplab.splits.repeated_folds` (``n_repeats`` blocks of ``n_splits`` folds, each a complete
partition), so every model is scored on exactly the same folds.

**The layout.** For each repeat every example gets one out-of-fold prediction, made by the model that did not see it
in that repeat. A model's result is one array ``P``:

- two classes: ``P[N, n_repeats]``, the probability of class 1;
- several classes: ``P[N, n_repeats, n_classes]``, the probability of every class (rows sum to 1).

Every producer returns this layout: :func:`oof_sklearn` (anything with ``fit`` and ``predict_proba``, including
:class:`dyplab.pfn.classifier.PFNClassifier`), :func:`oof_torch` (a PyTorch recipe trained with
:func:`dyplab.training.fit`) and :func:`oof` (any function that fits on one fold and predicts its test rows). With
``return_log=True`` they also give one row per fold (fold, repeat, sizes, seconds for fit + predict).

Every consumer reads it: :func:`per_fold` and :func:`per_repeat` (metrics per fold / per repeat), :func:`score`
(mean over repeats), :func:`summarize` (mean over repeats with a 95 % bootstrap interval over examples, or whole
groups such as subjects, resampling the same rows in every repeat), :func:`compare` (the paired difference of two
models on the same folds, with its interval) and :func:`verdict` (one sentence from that difference). The metrics are
:data:`METRICS` for two classes (ROC AUC via :func:`dyplab.metrics.roc_auc`, balanced accuracy, accuracy) and
:data:`MULTICLASS_METRICS` for several (log-loss, macro one-vs-rest ROC AUC, balanced accuracy).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import metrics as _m
from . import splits

__all__ = ["DEFAULT_METRICS", "METRICS", "MULTICLASS_METRICS", "compare", "oof", "oof_sklearn", "oof_torch",
           "per_fold", "per_repeat", "score", "summarize", "threshold_for_sensitivity", "verdict"]

Folds = Sequence[tuple[np.ndarray, np.ndarray]]
Metric = Callable[[np.ndarray, np.ndarray], float]


def _balanced_accuracy(y: np.ndarray, p: np.ndarray) -> float:
    pred = p >= 0.5
    pos, neg = y == 1, y == 0
    if not pos.any() or not neg.any():
        return float("nan")
    return 0.5 * (pred[pos].mean() + (~pred[neg]).mean())


def _accuracy(y: np.ndarray, p: np.ndarray) -> float:
    return _m.accuracy(y, (p >= 0.5).astype(np.int64))


def _log_loss(y: np.ndarray, proba: np.ndarray) -> float:
    from sklearn.metrics import log_loss

    return float(log_loss(y, proba, labels=list(range(proba.shape[1]))))


def _roc_auc_ovr(y: np.ndarray, proba: np.ndarray) -> float:
    return _m.roc_auc(y, proba, multi_class="ovr")


def _balanced_accuracy_argmax(y: np.ndarray, proba: np.ndarray) -> float:
    return _m.balanced_accuracy(y, proba.argmax(axis=1))


#: Two classes: metric name → f(y, P(class 1)); the threshold for the class is 0.5.
METRICS: dict[str, Metric] = {
    "balanced_accuracy": _balanced_accuracy,
    "roc_auc": _m.roc_auc,
    "accuracy": _accuracy,
}
#: Several classes: metric name → f(y, probabilities [n, n_classes]); the class is the most probable one.
MULTICLASS_METRICS: dict[str, Metric] = {
    "log_loss": _log_loss,
    "roc_auc": _roc_auc_ovr,
    "balanced_accuracy": _balanced_accuracy_argmax,
}
#: What the summaries report when no ``metrics`` are named (two classes / several classes).
DEFAULT_METRICS = {"binary": ("balanced_accuracy", "roc_auc"), "multiclass": tuple(MULTICLASS_METRICS)}


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


def oof(fit_predict: Callable[[int, np.ndarray, np.ndarray], Any], y: Any, folds: Folds, *,
        return_log: bool = False) -> np.ndarray | tuple[np.ndarray, pd.DataFrame]:
    """Out-of-fold predictions in the engine's layout from ``fit_predict(k, train_idx, test_idx)``.

    For fold ``k`` the function fits a fresh model on ``train_idx`` and returns its predictions for ``test_idx``:
    P(class 1) ``[len(test)]`` for two classes or probabilities ``[len(test), n_classes]``, optionally as
    ``(predictions, {extra log columns})``. Returns ``P`` (``[N, n_repeats]`` or ``[N, n_repeats, n_classes]``),
    and with ``return_log`` also one row per fold: fold, repeat, n_train, n_test, the extra columns and seconds
    (fit + predict).
    """
    n = len(np.asarray(y))
    rep = _repeat_of_each_fold(folds, n)
    P: np.ndarray | None = None
    log = []
    for k, ((train, test), r) in enumerate(zip(folds, rep)):
        train, test = np.asarray(train), np.asarray(test)
        start = time.perf_counter()
        out = fit_predict(k, train, test)
        seconds = time.perf_counter() - start
        pred, extra = out if isinstance(out, tuple) else (out, {})
        pred = np.asarray(pred, dtype=np.float64)
        if pred.ndim not in (1, 2) or len(pred) != len(test):
            raise ValueError(f"fold {k}: fit_predict must return [n_test] or [n_test, n_classes] predictions for "
                             f"its {len(test)} test rows; got shape {pred.shape}")
        if P is None:
            P = np.full((n, max(rep) + 1, *pred.shape[1:]), np.nan)
        elif pred.shape[1:] != P.shape[2:]:
            raise ValueError(f"fold {k}: predictions have shape {pred.shape}, earlier folds {P.shape[2:]} per row "
                             "(a class missing from this fold's training rows?)")
        P[test, r] = pred
        log.append({"fold": k, "repeat": r, "n_train": len(train), "n_test": len(test), **extra, "seconds": seconds})
    if P is None:
        raise ValueError("folds is empty")
    return (P, pd.DataFrame(log)) if return_log else P


def oof_sklearn(estimator: Any, X: Any, y: Any, folds: Folds, *,
                return_log: bool = False) -> np.ndarray | tuple[np.ndarray, pd.DataFrame]:
    """Out-of-fold predictions of a scikit-learn classifier (cloned and refitted per fold): ``P[N, n_repeats]``
    (P(class 1)) when ``y`` has two classes, ``P[N, n_repeats, n_classes]`` when it has more.

    Anything with ``fit`` and ``predict_proba`` works (pipelines, :class:`~dyplab.pfn.classifier.PFNClassifier`).
    ``return_log`` adds one row per fold with the seconds for fit + predict (see :func:`oof`).
    """
    from sklearn.base import clone

    y = np.asarray(y)
    rows = X.iloc if isinstance(X, pd.DataFrame) else np.asarray(X)
    several = len(np.unique(y)) > 2

    def fit_predict(k: int, train: np.ndarray, test: np.ndarray) -> np.ndarray:
        proba = clone(estimator).fit(rows[train], y[train]).predict_proba(rows[test])
        return proba if several else proba[:, 1]

    return oof(fit_predict, y, folds, return_log=return_log)


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
    X = np.asarray(data.X, dtype=np.float32)

    def fit_predict(k: int, train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, dict]:
        groups = None if data.groups is None else data.groups[train]
        inner_tr, inner_val = splits.train_val(y[train], val_size=val_size, seed=seed + k, groups=groups)
        tr, va = train[inner_tr], train[inner_val]
        gen = torch.Generator()
        gen.manual_seed(seed + k)
        loader = DataLoader(data.subset(tr).to_dataset(train_transform), batch_size=batch_size, shuffle=True,
                            generator=gen, num_workers=0, drop_last=len(tr) % batch_size == 1)
        config.seed_everything(seed + k)
        model = make_model()
        res = training.fit(model, loader, (X[va], y[va]), batch_size=batch_size, seed=seed + k, progress=False,
                           class_weights=splits.class_weights(y[tr], data.n_classes), name=f"oof_fold{k}",
                           **fit_kwargs)
        p = training.predict_proba(res.model, X[test])[:, 1]
        return p, {"n_train": len(tr), "n_val": len(va), "best_epoch": res.best_epoch}

    return oof(fit_predict, y, folds, return_log=True)


def _check(y: Any, P: Any) -> tuple[np.ndarray, np.ndarray]:
    """``y`` as class ids and ``P`` in the engine's layout, or a clear error that says what is wrong."""
    y = np.asarray(y).astype(np.int64)
    P = np.asarray(P, dtype=np.float64)
    if P.ndim == 1:
        P = P[:, None]
    if P.ndim not in (2, 3) or len(P) != len(y):
        raise ValueError(f"P must be [N, n_repeats] (two classes) or [N, n_repeats, n_classes] with N = {len(y)} "
                         f"examples; got shape {P.shape}. (A [n_repeats, N] array needs .T)")
    if not np.isfinite(P).all():
        raise ValueError("P has missing probabilities: every example needs one out-of-fold value per repeat")
    if P.ndim == 3 and (y.min() < 0 or y.max() >= P.shape[2]):
        raise ValueError(f"y has class ids outside 0..{P.shape[2] - 1}, the last axis of P {P.shape}")
    return y, P


def _metric_table(P: np.ndarray, names: Sequence[str] | None) -> dict[str, Metric]:
    kind = "multiclass" if P.ndim == 3 else "binary"
    table = MULTICLASS_METRICS if kind == "multiclass" else METRICS
    names = DEFAULT_METRICS[kind] if names is None else ([names] if isinstance(names, str) else names)
    unknown = [m for m in names if m not in table]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown} for {kind} predictions {P.shape}; choose from {sorted(table)}")
    return {m: table[m] for m in names}


def _mean_over_repeats(f: Metric) -> Metric:
    def stat(y: np.ndarray, P: np.ndarray) -> float:
        return float(np.mean([f(y, P[:, r]) for r in range(P.shape[1])]))

    return stat


def per_repeat(y: Any, P: Any, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Each metric for each repeat (rows = repeats); ``metrics`` names them (default :data:`DEFAULT_METRICS`)."""
    y, P = _check(y, P)
    table = _metric_table(P, metrics)
    return pd.DataFrame([{m: f(y, P[:, r]) for m, f in table.items()} for r in range(P.shape[1])])


def per_fold(y: Any, P: Any, folds: Folds, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Each metric on each fold's test rows: one row per fold with ``repeat``, ``fold`` (within the repeat),
    ``n_test`` and the metrics. ``folds`` are the ones ``P`` was made on."""
    y, P = _check(y, P)
    rep = _repeat_of_each_fold(folds, len(y))
    if max(rep) + 1 != P.shape[1]:
        raise ValueError(f"folds have {max(rep) + 1} repeats but P has {P.shape[1]} columns")
    table = _metric_table(P, metrics)
    rows, k_in_repeat = [], 0
    for k, ((_, test), r) in enumerate(zip(folds, rep)):
        k_in_repeat = 0 if k == 0 or rep[k - 1] != r else k_in_repeat + 1
        test = np.asarray(test)
        rows.append({"repeat": r, "fold": k_in_repeat, "n_test": len(test),
                     **{m: f(y[test], P[test, r]) for m, f in table.items()}})
    return pd.DataFrame(rows)


def score(y: Any, P: Any, metric: str = "roc_auc") -> float:
    """One metric, computed per repeat and averaged over the repeats."""
    y, P = _check(y, P)
    return _mean_over_repeats(_metric_table(P, [metric])[metric])(y, P)


def threshold_for_sensitivity(y: Any, P: Any, target: float = 0.85) -> float:
    """A decision threshold chosen on out-of-fold probabilities: the highest one whose sensitivity, with
    all repeats pooled, is at least ``target`` (:func:`dyplab.metrics.threshold_for_sensitivity`).

    Every example was unseen by the model that scored it, so the threshold is chosen without a test set.
    """
    y, P = _check(y, P)
    if P.ndim != 2:
        raise ValueError(f"a threshold needs two classes, P[N, n_repeats]; got shape {P.shape}")
    return _m.threshold_for_sensitivity(np.tile(y, P.shape[1]), P.T.reshape(-1), target)


def summarize(y: Any, P: Any, *, metrics: Sequence[str] | None = None, n_boot: int = 1000, seed: int = 42,
              groups: Any = None) -> pd.DataFrame:
    """Rows = metrics; columns ``value`` (mean over repeats), ``ci_low``, ``ci_high`` (95 % bootstrap over
    examples, or whole ``groups``)."""
    y, P = _check(y, P)
    rows = {}
    for name, f in _metric_table(P, metrics).items():
        v, lo, hi = _m.bootstrap_ci(_mean_over_repeats(f), y, P, n_boot=n_boot, seed=seed, groups=groups)
        rows[name] = {"value": v, "ci_low": lo, "ci_high": hi}
    return pd.DataFrame(rows).T


def compare(y: Any, P_a: Any, P_b: Any, metric: str = "balanced_accuracy", *,
            n_boot: int = 1000, seed: int = 42, groups: Any = None) -> tuple[float, float, float]:
    """Paired difference ``metric(a) - metric(b)`` (repeat means) with its 95 % bootstrap interval: the same
    resampled examples (or ``groups``) for both models."""
    y, P_a = _check(y, P_a)
    _, P_b = _check(y, P_b)
    if P_a.shape != P_b.shape:
        raise ValueError(f"the two models have different fold layouts: {P_a.shape} vs {P_b.shape}")
    f = _mean_over_repeats(_metric_table(P_a, [metric])[metric])
    R = P_a.shape[1]

    def diff(yy: np.ndarray, PP: np.ndarray) -> float:
        return f(yy, PP[:, :R]) - f(yy, PP[:, R:])

    return _m.bootstrap_ci(diff, y, np.concatenate([P_a, P_b], axis=1), n_boot=n_boot, seed=seed,
                                groups=groups)


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
