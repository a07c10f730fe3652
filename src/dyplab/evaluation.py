"""The standard summary of a classifier on a test set: one call, the numbers with 95 % CIs and the two figures.

>>> summary = evaluation.summarize_classifier(y_test, proba, class_names=names, title="CNN på testsettet")
>>> summary.table            # Nøyaktighet, Balansert nøyaktighet, Makro-F1, ROC AUC with bootstrap CIs
>>> results.record("A6", summary.metrics())
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn import metrics as skm

from . import metrics, plots
from .convert import to_numpy

#: Metric key (as recorded in summary.json) → label in the printed table, per language.
LABELS = {
    "no": {"accuracy": "Nøyaktighet", "balanced_accuracy": "Balansert nøyaktighet", "macro_f1": "Makro-F1",
           "roc_auc": "ROC AUC", "value": "verdi", "low": "95 % KI nedre", "high": "95 % KI øvre"},
    "en": {"accuracy": "Accuracy", "balanced_accuracy": "Balanced accuracy", "macro_f1": "Macro F1",
           "roc_auc": "ROC AUC", "value": "value", "low": "95 % CI low", "high": "95 % CI high"},
}


@dataclass
class ClassifierSummary:
    """What :func:`summarize_classifier` returns: ``table`` (metrics with CIs), ``per_class`` (precision, recall,
    F1 and support per class), ``figures`` (confusion matrix and ROC) and the raw ``values``."""

    table: pd.DataFrame
    per_class: pd.DataFrame
    figures: dict[str, Figure] = field(repr=False)
    values: dict[str, tuple[float, float, float]]

    def metrics(self) -> dict[str, float]:
        """``{"accuracy": …, "accuracy_ci_low": …, …}``: the numbers for :func:`dyplab.results.record`."""
        out: dict[str, float] = {}
        for key, (value, low, high) in self.values.items():
            out[key], out[f"{key}_ci_low"], out[f"{key}_ci_high"] = value, low, high
        return out

    def _repr_html_(self) -> str:
        return self.table.to_html(float_format=lambda v: f"{v:.3f}")


def summarize_classifier(
    y_true: Any,
    proba: Any,
    *,
    class_names: Sequence[str],
    title: str | None = None,
    n_boot: int = 1000,
    seed: int = 42,
    groups: Any = None,
    lang: str = "no",
    normalize: bool = False,
) -> ClassifierSummary:
    """Accuracy, balanced accuracy, macro-F1 and ROC AUC (one-vs-rest for several classes) with percentile
    bootstrap 95 % CIs (resampling ``groups``, e.g. patients, when given), the per-class table, a confusion
    matrix and ROC curves. The predicted class is the most probable one.
    """
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {sorted(LABELS)}; got {lang!r}.")
    y = metrics.class_ids(y_true)
    p = to_numpy(proba, "proba").astype(np.float64)
    if p.ndim != 2 or len(p) != len(y):
        raise ValueError(f"proba must be [N, C] class probabilities for the {len(y)} labels; got shape {p.shape}.")
    if p.shape[1] != len(class_names):
        raise ValueError(f"proba has {p.shape[1]} columns but there are {len(class_names)} class names.")
    pred = p.argmax(axis=1)
    scorers = {
        "accuracy": lambda t, s: skm.accuracy_score(t, s.argmax(1)),
        "balanced_accuracy": lambda t, s: skm.balanced_accuracy_score(t, s.argmax(1)),
        "macro_f1": lambda t, s: skm.f1_score(t, s.argmax(1), average="macro",
                                              labels=list(range(p.shape[1])), zero_division=0),
        "roc_auc": metrics.roc_auc,
    }
    values = {key: metrics.bootstrap_ci(fn, y, p, n_boot=n_boot, seed=seed, groups=groups)
              for key, fn in scorers.items()}
    words = LABELS[lang]
    table = pd.DataFrame(
        [{words["value"]: v, words["low"]: lo, words["high"]: hi} for v, lo, hi in values.values()],
        index=pd.Index([words[k] for k in values], name=title or ""),
    )
    figures = {
        "confusion": plots.confusion_matrix(y, pred, class_names=class_names, normalize=normalize, lang=lang,
                                            title=None if title is None else f"{title}"),
        "roc": plots.roc_curves(y, p, class_names=class_names, lang=lang, title=None if title is None else f"{title}"),
    }
    per_class = metrics.classification_table(y, pred, class_names=class_names, lang=lang)
    return ClassifierSummary(table=table, per_class=per_class, figures=figures, values=values)
