"""Compare classifiers on the same repeated (grouped) cross-validation folds: ROC AUC with CIs and time per fit."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from .. import metrics

PFN_NAME = "dyplab-PFN"


def baselines(seed: int = 42, n_trees: int = 300) -> dict[str, object]:
    """Logistic regression (standardised), random forest and histogram gradient boosting, default settings."""
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        "logistisk regresjon": make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)),
        "random forest": RandomForestClassifier(n_estimators=n_trees, random_state=seed, n_jobs=1),
        "HistGradientBoosting": HistGradientBoostingClassifier(random_state=seed),
    }


def cross_validate(models: Mapping[str, object], X, y, folds: Sequence[tuple[np.ndarray, np.ndarray]],
                   n_splits: int) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Fit every model on every fold; returns per-fold rows (model, repeat, fold, auc, seconds) and, per model,
    the out-of-fold P(class 1) of every repeat as an array [n_repeats, n_rows]."""
    Xa = X.to_numpy(dtype=np.float64) if isinstance(X, pd.DataFrame) else np.asarray(X, dtype=np.float64)
    ya = np.asarray(y)
    n_repeats = len(folds) // n_splits
    rows, oof = [], {name: np.full((n_repeats, len(ya)), np.nan) for name in models}
    for k, (tr, te) in enumerate(folds):
        for name, model in models.items():
            est = clone(model)
            start = time.perf_counter()
            est.fit(Xa[tr], ya[tr])
            p = est.predict_proba(Xa[te])[:, 1]
            seconds = time.perf_counter() - start
            oof[name][k // n_splits, te] = p
            rows.append({"modell": name, "repetisjon": k // n_splits, "fold": k % n_splits,
                         "auc": roc_auc_score(ya[te], p), "sekunder": seconds})
    return pd.DataFrame(rows), oof


def summarize(per_fold: pd.DataFrame, oof: Mapping[str, np.ndarray], y, *, groups=None, n_boot: int = 500,
              seed: int = 42) -> pd.DataFrame:
    """One row per model: mean fold AUC, pooled out-of-fold AUC of the first repeat with a bootstrap 95 % CI
    (whole groups resampled when ``groups`` is given) and mean seconds per fit+predict; best first."""
    ya = np.asarray(y)
    if groups is not None:  # the bootstrap wants numeric group codes
        groups = np.unique(np.asarray(groups).astype(str), return_inverse=True)[1]
    out = []
    for name, g in per_fold.groupby("modell", sort=False):
        value, lo, hi = metrics.bootstrap_ci(roc_auc_score, ya, oof[name][0], n_boot=n_boot, seed=seed, groups=groups)
        out.append({"modell": name, "auc_fold_snitt": g["auc"].mean(), "auc_fold_sd": g["auc"].std(ddof=1),
                    "auc_samlet": value, "ki_lav": lo, "ki_høy": hi, "sek_per_fit": g["sekunder"].mean()})
    return pd.DataFrame(out).sort_values("auc_fold_snitt", ascending=False, ignore_index=True)


def run_table(name: str, X, y, folds, n_splits: int, models: Mapping[str, object], *, groups=None,
              n_boot: int = 500) -> pd.DataFrame:
    """:func:`cross_validate` and :func:`summarize` for one table, with a ``tabell`` column."""
    per_fold, oof = cross_validate(models, X, y, folds, n_splits)
    summary = summarize(per_fold, oof, y, groups=groups, n_boot=n_boot)
    summary.insert(0, "tabell", name)
    return summary


def pfn_vs_best(summaries: pd.DataFrame, ours: str = PFN_NAME, margin: float = 0.02) -> pd.DataFrame:
    """Per table: the PFN's mean fold AUC, the best baseline's, the difference and win / tie (within ``margin``) / loss."""
    rows = []
    for table, g in summaries.groupby("tabell", sort=False):
        mine = g[g["modell"] == ours]
        if mine.empty:
            raise ValueError(f"table {table!r} has no row for {ours!r}")
        others = g[g["modell"] != ours].sort_values("auc_fold_snitt", ascending=False)
        best = others.iloc[0]
        diff = float(mine["auc_fold_snitt"].iloc[0] - best["auc_fold_snitt"])
        verdict = "vinner" if diff > 0 else ("innenfor margin" if diff >= -margin else "taper")
        rows.append({"tabell": table, "pfn_auc": float(mine["auc_fold_snitt"].iloc[0]), "beste_baseline": best["modell"],
                     "baseline_auc": float(best["auc_fold_snitt"]), "differanse": diff, "vurdering": verdict,
                     "pfn_sek": float(mine["sek_per_fit"].iloc[0]), "baseline_sek": float(best["sek_per_fit"])})
    return pd.DataFrame(rows)


def verdict_sentences(table: pd.DataFrame, margin: float = 0.02) -> list[str]:
    """Norwegian sentences, generated from the numbers, that say where the PFN wins and where it loses."""
    lines = []
    for r in table.itertuples():
        if abs(r.differanse) < 5e-4:
            lines.append(f"{r.tabell}: dyplab-PFN og {r.beste_baseline} er like gode (AUC {r.pfn_auc:.3f} mot {r.baseline_auc:.3f}).")
        elif r.vurdering == "vinner":
            lines.append(f"{r.tabell}: dyplab-PFN er best (AUC {r.pfn_auc:.3f} mot {r.baseline_auc:.3f} for {r.beste_baseline}).")
        elif r.vurdering == "innenfor margin":
            lines.append(f"{r.tabell}: dyplab-PFN er {-r.differanse:.3f} under {r.beste_baseline} "
                         f"({r.pfn_auc:.3f} mot {r.baseline_auc:.3f}), innenfor marginen på {margin}.")
        else:
            lines.append(f"{r.tabell}: dyplab-PFN TAPER mot {r.beste_baseline} med {-r.differanse:.3f} i AUC "
                         f"({r.pfn_auc:.3f} mot {r.baseline_auc:.3f}), mer enn marginen på {margin}.")
    wins = int((table["vurdering"] == "vinner").sum())
    losses = int((table["differanse"] < 0).sum())
    mean_diff = float(table["differanse"].mean())
    lines.append(f"Samlet: dyplab-PFN vinner på {wins} og taper på {losses} av {len(table)} tabeller; "
                 f"gjennomsnittlig differanse til beste baseline {mean_diff:+.3f} "
                 f"({'innenfor' if mean_diff >= -margin else 'utenfor'} marginen på {margin}).")
    return lines


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    """``(fn(), seconds)``."""
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def model_set(*, n_trees: int = 300, n_estimators: int = 8, seed: int = 42, tabpfn_status=None) -> dict[str, object]:
    """The baselines, dyplab's PFN and, when ``tabpfn_status.available``, TabPFN on its local weights."""
    from .classifier import PFNClassifier

    models = {**baselines(seed, n_trees), PFN_NAME: PFNClassifier(n_estimators=n_estimators, random_state=seed)}
    if tabpfn_status is not None and tabpfn_status.available:
        from . import tabpfn_backend

        models["TabPFN"] = tabpfn_backend.classifier(tabpfn_status.weights, random_state=seed)
    return models


def plot_summary(summaries: pd.DataFrame, title: str = "ROC AUC per tabell (95 % KI, første repetisjon)"):
    """Pooled out-of-fold AUC with its bootstrap CI: one panel per table, one bar per model."""
    import matplotlib.pyplot as plt

    tables = list(dict.fromkeys(summaries["tabell"]))
    fig, axes = plt.subplots(1, len(tables), figsize=(4.2 * len(tables), 3.2), squeeze=False)
    for ax, table in zip(axes[0], tables):
        g = summaries[summaries["tabell"] == table].sort_values("auc_samlet")
        err = np.vstack([g["auc_samlet"] - g["ki_lav"], g["ki_høy"] - g["auc_samlet"]])
        colors = ["tab:red" if m == PFN_NAME else "tab:blue" for m in g["modell"]]
        ax.barh(g["modell"], g["auc_samlet"], xerr=err, color=colors, alpha=0.8)
        ax.set_xlim(max(0.0, float(g["ki_lav"].min()) - 0.05), 1.0)
        ax.set_title(table)
        ax.set_xlabel("ROC AUC")
        ax.set_ylabel("modell")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
