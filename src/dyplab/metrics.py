"""Clinical classification metrics on top of scikit-learn, with bootstrap confidence intervals.

Conventions: labels are integer class ids (binary: 0 = negative, 1 = positive); a binary score is
P(positive) with shape ``[N]`` (or ``[N, 2]``, column 1 is used); a prediction is positive when
``score >= threshold``. Undefined ratios (e.g. sensitivity without any positive case) are NaN.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn import metrics as skm

from .convert import to_numpy

__all__ = [
    "BINARY_METRICS",
    "TABLE_LABELS",
    "accuracy",
    "balanced_accuracy",
    "binary_metrics",
    "binary_report",
    "bootstrap_ci",
    "classification_table",
    "confusion",
    "one_vs_rest",
    "roc_auc",
    "threshold_for_sensitivity",
]

BINARY_METRICS = ("accuracy", "balanced_accuracy", "sensitivity", "specificity", "ppv", "npv", "f1", "roc_auc")


# ------------------------------------------------------------------------------------ validation


def class_ids(y: Any, what: str = "y_true") -> np.ndarray:
    """``y`` as 1-D ``int64`` class ids; a clear error for scores, NaN, wrong shape or an empty array."""
    arr = to_numpy(y, what)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{what} must be 1-D class ids of shape [N]; got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{what} is empty.")
    if arr.dtype == bool:
        return arr.astype(np.int64)
    if np.issubdtype(arr.dtype, np.floating):
        if not np.isfinite(arr).all():
            raise ValueError(f"{what} contains NaN or infinite values.")
        if not np.array_equal(arr, np.round(arr)):
            raise ValueError(f"{what} must be integer class ids; got non-integer values (scores?).")
        return arr.astype(np.int64)
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{what} must be integer class ids; got dtype {arr.dtype}.")
    return arr.astype(np.int64)


def binary_labels(y: Any, what: str = "y_true") -> np.ndarray:
    """``y`` as 0/1 labels (1 = positive); anything else is an error."""
    arr = class_ids(y, what)
    extra = sorted(set(np.unique(arr).tolist()) - {0, 1})
    if extra:
        raise ValueError(f"{what} must contain only 0 (negative) and 1 (positive); found also {extra}.")
    return arr


def binary_scores(y_score: Any, n: int) -> np.ndarray:
    """Scores of the positive class as 1-D float64 (column 1 of ``[N, 2]`` probabilities), checked against ``n``."""
    s = to_numpy(y_score, "y_score").astype(np.float64)
    if s.ndim == 2 and s.shape[1] == 2:
        s = s[:, 1]
    elif s.ndim == 2 and s.shape[1] == 1:
        s = s[:, 0]
    if s.ndim != 1:
        raise ValueError(f"A binary y_score must have shape [N] or [N, 2]; got shape {s.shape}.")
    if len(s) != n:
        raise ValueError(f"y_true and y_score have different lengths: {n} vs {len(s)}.")
    if not np.isfinite(s).all():
        raise ValueError(f"y_score contains {int((~np.isfinite(s)).sum())} NaN or infinite values.")
    return s


def _same_length(a: np.ndarray, b: np.ndarray, names: str = "y_true and y_pred") -> None:
    if len(a) != len(b):
        raise ValueError(f"{names} have different lengths: {len(a)} vs {len(b)}.")


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den > 0 else float("nan")


# -------------------------------------------------------------------------------------- basics


def confusion(y_true: Any, y_pred: Any, labels: Sequence[int] | None = None) -> np.ndarray:
    """Confusion matrix (rows = true class, columns = predicted class), via scikit-learn."""
    yt, yp = class_ids(y_true), class_ids(y_pred, "y_pred")
    _same_length(yt, yp)
    return skm.confusion_matrix(yt, yp, labels=None if labels is None else list(labels))


def accuracy(y_true: Any, y_pred: Any) -> float:
    """Share of correct predictions over all samples."""
    yt, yp = class_ids(y_true), class_ids(y_pred, "y_pred")
    _same_length(yt, yp)
    return float(skm.accuracy_score(yt, yp))


def balanced_accuracy(y_true: Any, y_pred: Any) -> float:
    """Mean of the per-class recalls (sensitivity and specificity for two classes)."""
    yt, yp = class_ids(y_true), class_ids(y_pred, "y_pred")
    _same_length(yt, yp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(skm.balanced_accuracy_score(yt, yp))


def roc_auc(y_true: Any, y_score: Any, *, multi_class: str = "ovr") -> float:
    """Area under the ROC curve (:func:`sklearn.metrics.roc_auc_score`); the one ROC AUC of dyplab.

    Binary: ``y_score`` = P(positive) ``[N]`` or ``[N, 2]``. Multiclass: ``[N, C]`` probabilities
    (rows summing to 1), macro-averaged ``"ovr"`` or ``"ovo"``; when some classes are absent from
    ``y_true`` (a small test split, a bootstrap resample), ``"ovr"`` averages the one-vs-rest AUCs of
    the classes present. NaN (with a warning) when ``y_true`` holds a single class.
    """
    yt = class_ids(y_true)
    s = to_numpy(y_score, "y_score").astype(np.float64)
    if not np.isfinite(s).all():
        raise ValueError(f"y_score contains {int((~np.isfinite(s)).sum())} NaN or infinite values.")
    if s.ndim == 1 or (s.ndim == 2 and s.shape[1] <= 2):
        yt = binary_labels(yt)
        s = binary_scores(s, len(yt))
        if len(np.unique(yt)) < 2:
            warnings.warn("ROC AUC is undefined when y_true holds only one class; returning NaN.", stacklevel=2)
            return float("nan")
        return float(skm.roc_auc_score(yt, s))
    if s.ndim != 2:
        raise ValueError(f"y_score must be [N] (binary) or [N, C] (multiclass); got shape {s.shape}.")
    _same_length(yt, s, "y_true and y_score")
    n_classes = s.shape[1]
    if yt.min() < 0 or yt.max() >= n_classes:
        raise ValueError(f"y_true has labels outside 0..{n_classes - 1}, the columns of y_score.")
    if not np.allclose(s.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError("Multiclass y_score must be probabilities whose rows sum to 1 (apply softmax first).")
    present = np.unique(yt)
    if len(present) < 2:
        warnings.warn("ROC AUC is undefined when y_true holds only one class; returning NaN.", stacklevel=2)
        return float("nan")
    if len(present) < n_classes:
        # sklearn cannot average over absent classes: average one-vs-rest AUCs over the present ones.
        if multi_class != "ovr":
            raise ValueError("multi_class='ovo' needs every class present in y_true; use 'ovr'.")
        return float(np.mean([skm.roc_auc_score(yt == c, s[:, c]) for c in present]))
    if not np.allclose(s.sum(axis=1), 1.0):
        # float32 softmax rows can miss sklearn's tolerance; rescale only then, since rescaling can break ties.
        s = s / s.sum(axis=1, keepdims=True)
    return float(skm.roc_auc_score(yt, s, multi_class=multi_class, labels=list(range(n_classes))))


# -------------------------------------------------------------------------------------- binary


def _binary_from_counts(tp: float, fp: float, tn: float, fn: float) -> dict[str, float]:
    sens = _ratio(tp, tp + fn)
    spec = _ratio(tn, tn + fp)
    return {
        "accuracy": _ratio(tp + tn, tp + tn + fp + fn),
        "balanced_accuracy": float(np.nanmean([sens, spec])) if not (np.isnan(sens) and np.isnan(spec)) else float("nan"),
        "sensitivity": sens,
        "specificity": spec,
        "ppv": _ratio(tp, tp + fp),
        "npv": _ratio(tn, tn + fn),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
    }


def binary_metrics(y_true: Any, y_score: Any, threshold: float = 0.5) -> dict[str, float]:
    """Accuracy, balanced accuracy, sensitivity, specificity, PPV, NPV, F1, ROC AUC and the counts.

    Positive prediction: ``y_score >= threshold``. Keys: ``accuracy, balanced_accuracy, sensitivity,
    specificity, ppv, npv, f1, roc_auc, tp, fp, tn, fn``.
    """
    yt = binary_labels(y_true)
    s = binary_scores(y_score, len(yt))
    yp = (s >= threshold).astype(np.int64)
    tn, fp, fn, tp = skm.confusion_matrix(yt, yp, labels=[0, 1]).ravel()
    out = _binary_from_counts(tp, fp, tn, fn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["roc_auc"] = roc_auc(yt, s)
    out.update(tp=int(tp), fp=int(fp), tn=int(tn), fn=int(fn))
    return out


def threshold_for_sensitivity(y_true: Any, y_score: Any, target: float = 0.90) -> float:
    """The highest threshold whose sensitivity (``score >= threshold``) is at least ``target``."""
    if not 0.0 < target <= 1.0:
        raise ValueError(f"target sensitivity must be in (0, 1]; got {target}.")
    yt = binary_labels(y_true)
    s = binary_scores(y_score, len(yt))
    if yt.sum() == 0:
        raise ValueError("y_true has no positive cases, so sensitivity is undefined.")
    if len(np.unique(yt)) < 2:
        # all positive: any threshold at or below the lowest needed score works
        order = np.sort(s)[::-1]
        k = int(np.ceil(target * len(order))) - 1
        return float(order[k])
    _, tpr, thr = skm.roc_curve(yt, s, drop_intermediate=False)
    ok = np.flatnonzero(tpr >= target - 1e-12)
    return float(thr[ok[0]])


def _resample_indices(n: int, n_boot: int, seed: int, groups: Any = None) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    if groups is None:
        return [rng.integers(0, n, size=n) for _ in range(n_boot)]
    g = np.asarray(groups.to_numpy() if hasattr(groups, "to_numpy") else groups)
    if g.dtype == object:  # patient ids as strings (or mixed): compare them as text
        g = g.astype(str)
    if g.ndim != 1 or len(g) != n:
        raise ValueError(f"groups must be 1-D with one entry per sample ({n}); got shape {g.shape}.")
    uniq, inverse = np.unique(g, return_inverse=True)
    members = [np.flatnonzero(inverse == i) for i in range(len(uniq))]
    out = []
    for _ in range(n_boot):
        pick = rng.integers(0, len(uniq), size=len(uniq))
        out.append(np.concatenate([members[i] for i in pick]))
    return out


def _check_boot_args(n_boot: int, alpha: float) -> None:
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1; got {n_boot}.")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1); got {alpha}.")


def _percentile(stats: list[float], alpha: float, what: str, n_boot: int) -> tuple[float, float]:
    vals = np.asarray([v for v in stats if np.isfinite(v)], dtype=np.float64)
    if len(vals) == 0:
        return float("nan"), float("nan")
    if len(vals) < 0.5 * n_boot:
        warnings.warn(f"Only {len(vals)} of {n_boot} bootstrap resamples gave a defined {what}; "
                      "the interval is unreliable.", stacklevel=3)
    lo, hi = np.quantile(vals, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def bootstrap_ci(metric: Callable[[np.ndarray, np.ndarray], float], y_true: Any, y_pred_or_score: Any, *,
                 n_boot: int = 1000, seed: int = 42, alpha: float = 0.05,
                 groups: Any = None) -> tuple[float, float, float]:
    """``(value, ci_low, ci_high)``: ``metric`` on all data and its percentile bootstrap interval.

    Rows are resampled with replacement (or whole ``groups``, e.g. patient ids, when given). Resamples
    where the metric is undefined (raises ``ValueError`` or gives NaN, e.g. AUC with one class) are
    skipped. Seeded: the same ``seed`` gives the same interval.
    """
    _check_boot_args(n_boot, alpha)
    yt = to_numpy(y_true, "y_true")
    ys = to_numpy(y_pred_or_score, "y_pred_or_score")
    if yt.ndim != 1:
        raise ValueError(f"y_true must be 1-D; got shape {yt.shape}.")
    _same_length(yt, ys, "y_true and y_pred_or_score")
    value = float(metric(yt, ys))
    stats: list[float] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for idx in _resample_indices(len(yt), n_boot, seed, groups):
            try:
                stats.append(float(metric(yt[idx], ys[idx])))
            except ValueError:
                continue
    lo, hi = _percentile(stats, alpha, getattr(metric, "__name__", "metric"), n_boot)
    return value, lo, hi


def binary_report(y_true: Any, y_score: Any, threshold: float = 0.5, *, n_boot: int = 1000, seed: int = 42,
                  alpha: float = 0.05, groups: Any = None) -> pd.DataFrame:
    """Binary metrics with percentile bootstrap CIs: rows = metric names, columns ``value, ci_low, ci_high``.

    Resampling is over rows, or over ``groups`` (patient ids) when given, so that all samples of a
    patient stay together. AUC skips resamples with a single class.
    """
    _check_boot_args(n_boot, alpha)
    yt = binary_labels(y_true)
    s = binary_scores(y_score, len(yt))
    point = binary_metrics(yt, s, threshold)
    yp = (s >= threshold).astype(np.int64)
    boots: dict[str, list[float]] = {k: [] for k in BINARY_METRICS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for idx in _resample_indices(len(yt), n_boot, seed, groups):
            t, p = yt[idx], yp[idx]
            tp = float(np.sum((t == 1) & (p == 1)))
            fp = float(np.sum((t == 0) & (p == 1)))
            tn = float(np.sum((t == 0) & (p == 0)))
            fn = float(np.sum((t == 1) & (p == 0)))
            for k, v in _binary_from_counts(tp, fp, tn, fn).items():
                boots[k].append(v)
            boots["roc_auc"].append(roc_auc(t, s[idx]))
    rows = []
    for k in BINARY_METRICS:
        lo, hi = _percentile(boots[k], alpha, k, n_boot)
        rows.append({"metric": k, "value": point[k], "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows).set_index("metric")


# ---------------------------------------------------------------------------------- multiclass


def one_vs_rest(y_true: Any, y_pred: Any, positive: int) -> dict[str, float]:
    """Sensitivity, specificity, PPV and NPV (and counts) treating class ``positive`` as the positive class."""
    yt, yp = class_ids(y_true), class_ids(y_pred, "y_pred")
    _same_length(yt, yp)
    if positive not in set(yt.tolist()) | set(yp.tolist()):
        raise ValueError(f"Class {positive!r} occurs neither in y_true nor in y_pred.")
    t, p = yt == positive, yp == positive
    tp, fp = int(np.sum(t & p)), int(np.sum(~t & p))
    tn, fn = int(np.sum(~t & ~p)), int(np.sum(t & ~p))
    return {"sensitivity": _ratio(tp, tp + fn), "specificity": _ratio(tn, tn + fp), "ppv": _ratio(tp, tp + fp),
            "npv": _ratio(tn, tn + fn), "tp": tp, "fp": fp, "tn": tn, "fn": fn}


TABLE_LABELS: dict[str, dict[str, str]] = {
    "no": {"precision": "presisjon (PPV)", "recall": "sensitivitet (recall)", "specificity": "spesifisitet",
           "f1": "F1", "support": "antall", "macro avg": "makrosnitt", "weighted avg": "vektet snitt",
           "class": "klasse"},
    "en": {"precision": "precision", "recall": "recall", "specificity": "specificity", "f1": "f1",
           "support": "support", "macro avg": "macro avg", "weighted avg": "weighted avg", "class": "class"},
}
"""Column, summary-row and index headers of :func:`classification_table` per language."""


def classification_table(y_true: Any, y_pred: Any, class_names: Sequence[str] | None = None,
                         lang: str = "no") -> pd.DataFrame:
    """Per-class precision, recall (sensitivity), specificity, F1 and support, plus macro/weighted rows.

    ``lang="no"`` (default) gives Norwegian headers, ``lang="en"`` English ones (see :data:`TABLE_LABELS`).
    """
    if lang not in TABLE_LABELS:
        raise ValueError(f"lang must be one of {sorted(TABLE_LABELS)}; got {lang!r}.")
    yt, yp = class_ids(y_true), class_ids(y_pred, "y_pred")
    _same_length(yt, yp)
    if class_names is not None:
        labels = list(range(len(class_names)))
        bad = sorted(set(np.unique(np.concatenate([yt, yp])).tolist()) - set(labels))
        if bad:
            raise ValueError(f"Labels {bad} have no entry in class_names ({len(class_names)} names for 0..{len(class_names) - 1}).")
        names = [str(c) for c in class_names]
    else:
        labels = sorted(set(yt.tolist()) | set(yp.tolist()))
        names = [str(c) for c in labels]
    prec, rec, f1, support = skm.precision_recall_fscore_support(yt, yp, labels=labels, zero_division=np.nan)
    cm = skm.confusion_matrix(yt, yp, labels=labels)
    n = cm.sum()
    spec = []
    for i in range(len(labels)):
        tp = cm[i, i]
        fp = cm[:, i].sum() - tp
        fn = cm[i, :].sum() - tp
        spec.append(_ratio(n - tp - fp - fn, n - tp - fn))
    df = pd.DataFrame({"precision": prec, "recall": rec, "specificity": spec, "f1": f1,
                       "support": support.astype(int)}, index=names)
    cols = ["precision", "recall", "specificity", "f1"]
    w = df["support"].to_numpy(dtype=float)
    macro = {c: float(np.nanmean(df[c])) if df[c].notna().any() else float("nan") for c in cols}
    weighted = {}
    for c in cols:
        v = df[c].to_numpy(dtype=float)
        ok = np.isfinite(v) & (w > 0)
        weighted[c] = float(np.average(v[ok], weights=w[ok])) if ok.any() else float("nan")
    df.loc["macro avg"] = {**macro, "support": int(w.sum())}
    df.loc["weighted avg"] = {**weighted, "support": int(w.sum())}
    df["support"] = df["support"].astype(int)
    df.index.name = "class"
    words = TABLE_LABELS[lang]
    return df.rename(columns=words, index={"macro avg": words["macro avg"], "weighted avg": words["weighted avg"]}
                     ).rename_axis(words["class"])
