"""Part F's comparison of dyplab's PFN with standard models on the same repeated (grouped) cross-validation folds.

What is specific to the comparison lives here: the model set (:func:`baselines`, :func:`model_set`), one table's run
(:func:`run_table`: mean fold ROC AUC, pooled out-of-fold AUC with its interval, seconds per fit), the verdict per
table (:func:`pfn_vs_best`, :func:`verdict_sentences`, :func:`six_table_goal`), several classes
(:func:`multiclass_comparison`) and the figure (:func:`plot_summary`). Folds, out-of-fold predictions (layout
``[N, n_repeats]``), summaries and paired differences come from the one evaluation engine, :mod:`dyplab.crossval`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import crossval, metrics

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


def _as_float(X) -> np.ndarray:
    return X.to_numpy(dtype=np.float64) if isinstance(X, pd.DataFrame) else np.asarray(X, dtype=np.float64)


def cross_validate(models: Mapping[str, object], X, y, folds: Sequence[tuple[np.ndarray, np.ndarray]]
                   ) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Every model on every fold (:func:`dyplab.crossval.oof_sklearn`); returns per-fold rows (modell, repetisjon,
    fold, auc, sekunder) and, per model, the out-of-fold P(class 1) ``[N, n_repeats]``."""
    Xa, ya = _as_float(X), np.asarray(y)
    rows, oof = [], {}
    for name, model in models.items():
        oof[name], log = crossval.oof_sklearn(model, Xa, ya, folds, return_log=True)
        scores = crossval.per_fold(ya, oof[name], folds, metrics=["roc_auc"])
        rows.append(pd.DataFrame({"modell": name, "repetisjon": scores["repeat"], "fold": scores["fold"],
                                  "auc": scores["roc_auc"], "sekunder": log["seconds"]}))
    return pd.concat(rows, ignore_index=True), oof


def summarize(per_fold: pd.DataFrame, oof: Mapping[str, np.ndarray], y, *, groups=None, n_boot: int = 500,
              seed: int = 42) -> pd.DataFrame:
    """One row per model: mean fold AUC, pooled out-of-fold AUC of the first repeat with a bootstrap 95 % CI
    (whole groups resampled when ``groups`` is given; :func:`dyplab.crossval.summarize`) and mean seconds per
    fit+predict; best first."""
    out = []
    for name, g in per_fold.groupby("modell", sort=False):
        first = crossval.summarize(y, oof[name][:, :1], metrics=["roc_auc"], n_boot=n_boot, seed=seed, groups=groups)
        out.append({"modell": name, "auc_fold_snitt": g["auc"].mean(), "auc_fold_sd": g["auc"].std(ddof=1),
                    "auc_samlet": first.loc["roc_auc", "value"], "ki_lav": first.loc["roc_auc", "ci_low"],
                    "ki_høy": first.loc["roc_auc", "ci_high"], "sek_per_fit": g["sekunder"].mean()})
    return pd.DataFrame(out).sort_values("auc_fold_snitt", ascending=False, ignore_index=True)


def run_table(name: str, X, y, folds, models: Mapping[str, object], *, groups=None, n_boot: int = 500,
              keep: dict | None = None) -> pd.DataFrame:
    """:func:`cross_validate` and :func:`summarize` for one table, with a ``tabell`` column. With ``keep`` (a dict),
    ``keep[name]`` gets ``(y, oof, groups)`` for the paired intervals of :func:`pfn_vs_best`."""
    per_fold, oof = cross_validate(models, X, y, folds)
    summary = summarize(per_fold, oof, y, groups=groups, n_boot=n_boot)
    if keep is not None:
        keep[name] = (np.asarray(y), oof, groups)
    summary.insert(0, "tabell", name)
    return summary


def pfn_vs_best(summaries: pd.DataFrame, ours: str = PFN_NAME, margin: float = 0.02, *,
                oofs: Mapping[str, tuple] | None = None, n_boot: int = 500) -> pd.DataFrame:
    """Per table: the PFN's mean fold AUC, the best baseline's, the difference and win / tie (within ``margin``) / loss.

    With ``oofs`` (filled by :func:`run_table`'s ``keep``), also the paired difference of the out-of-fold AUC (mean
    over repeats) with its 95 % bootstrap interval (:func:`dyplab.crossval.compare`; whole groups resampled when the
    table has groups): ``parvis_diff``, ``ki_lav``, ``ki_høy``."""
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
        if oofs is not None and table in oofs:
            y, oof, groups = oofs[table]
            d, lo, hi = crossval.compare(y, oof[ours], oof[best["modell"]], "roc_auc", n_boot=n_boot, groups=groups)
            rows[-1].update({"parvis_diff": d, "ki_lav": lo, "ki_høy": hi})
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
        if "ki_lav" in table.columns and np.isfinite(r.ki_lav):
            lines[-1] += (" " + crossval.verdict("dyplab-PFN", r.beste_baseline,
                                                 (r.parvis_diff, r.ki_lav, r.ki_høy), what="ROC AUC"))
    wins = int((table["vurdering"] == "vinner").sum())
    losses = int((table["differanse"] < 0).sum())
    mean_diff = float(table["differanse"].mean())
    lines.append(f"Samlet: dyplab-PFN vinner på {wins} og taper på {losses} av {len(table)} tabeller; "
                 f"gjennomsnittlig differanse til beste baseline {mean_diff:+.3f} "
                 f"({'innenfor' if mean_diff >= -margin else 'utenfor'} marginen på {margin}).")
    return lines


def six_table_goal(gaps: Mapping[str, float]) -> list[str]:
    """Norwegian sentences about the goal on the evaluation tables (mean difference to the best baseline at least 0,
    no table more than 0.02 below), from ``{table: PFN AUC - best baseline AUC}``."""
    values = np.array(list(gaps.values()), dtype=float)
    worst = min(gaps, key=gaps.get)
    mean_ok, worst_ok = values.mean() >= 0, gaps[worst] >= -0.02
    return [f"Målet på {len(gaps)} tabeller: gjennomsnittlig differanse til beste grunnmodell {values.mean():+.3f} "
            f"({'nådd' if mean_ok else 'IKKE nådd'}: minst 0); dårligste tabell {worst} {gaps[worst]:+.3f} "
            f"({'nådd' if worst_ok else 'IKKE nådd'}: ikke under -0.02)."]


#: The engine's names of the several-class metrics → the column names of :func:`multiclass_comparison`.
MULTICLASS_COLUMNS = {"log_loss": "log_loss", "roc_auc": "auc_ovr_makro", "balanced_accuracy": "balansert_nøyaktighet"}


def multiclass_comparison(X, y, folds: Sequence[tuple[np.ndarray, np.ndarray]], models: Mapping[str, object], *,
                          ours: str = PFN_NAME, n_boot: int = 500, seed: int = 42) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Several classes: every model on the same ``folds`` (missing values imputed inside each fold).

    Returns (1) one row per model with the fold means of log-loss, macro one-vs-rest ROC AUC and balanced
    accuracy, best log-loss first, and (2) the paired difference ``ours - best baseline`` (best by log-loss) of each
    metric on the out-of-fold probabilities (:func:`dyplab.crossval.compare`, mean over repeats) with a 95 %
    bootstrap interval over rows."""
    from sklearn.base import clone
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    Xa, ya = _as_float(X), metrics.class_ids(y)
    impute = bool(np.isnan(Xa).any())
    oof, rows = {}, []
    for name, model in models.items():
        est = make_pipeline(SimpleImputer(strategy="median"), clone(model)) if impute else model
        oof[name], log = crossval.oof_sklearn(est, Xa, ya, folds, return_log=True)
        scores = crossval.per_fold(ya, oof[name], folds).rename(columns=MULTICLASS_COLUMNS)
        rows.append(scores[list(MULTICLASS_COLUMNS.values())].assign(modell=name, sekunder=log["seconds"]))
    per_fold = pd.concat(rows, ignore_index=True)
    summary = (per_fold.groupby("modell", sort=False)[[*MULTICLASS_COLUMNS.values(), "sekunder"]].mean()
               .sort_values("log_loss").reset_index())
    best = summary[summary["modell"] != ours].iloc[0]["modell"]
    paired = []
    for metric, column in MULTICLASS_COLUMNS.items():
        d, lo, hi = crossval.compare(ya, oof[ours], oof[best], metric, n_boot=n_boot, seed=seed)
        paired.append({"mål": column, "beste_baseline": best, "differanse": d, "ki_lav": lo, "ki_høy": hi})
    return summary, pd.DataFrame(paired)


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    """``(fn(), seconds)``."""
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def model_set(*, n_trees: int = 300, n_estimators: int = 8, seed: int = 42, tabpfn_status=None) -> dict[str, object]:
    """The baselines, dyplab's PFN and, when ``tabpfn_status.available``, TabPFN on its local weights."""
    from ..pfn.classifier import PFNClassifier

    models = {**baselines(seed, n_trees), PFN_NAME: PFNClassifier(n_estimators=n_estimators, random_state=seed)}
    if tabpfn_status is not None and tabpfn_status.available:
        from ..pfn import tabpfn_backend

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
